/** Test fixtures for hostile input: SDK-signed requests with hand-made bodies, hand-built zips and zip bombs. */
import { request } from 'node:http';
import { constants, deflateRawSync } from 'node:zlib';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';

export interface RawResponse {
  status: number;
  errorType?: string;
  body: string;
}

/**
 * Sends `method path` with a body of our choosing, signed by the AWS SDK (SigV4, like every real client):
 * a ListFunctions command whose request is rewritten before signing, sent by a request handler that keeps
 * the raw response.
 */
export async function signedRequest(
  endpoint: string,
  region: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  let response: RawResponse | undefined;
  const client = new LambdaClient({
    endpoint,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: {
      handle: (req: { method: string; path: string; headers: Record<string, string>; body?: unknown }) =>
        // It never resolves: the answer is captured, then the SDK call is ended with an error.
        new Promise((_resolve, reject) => {
          const url = new URL(endpoint);
          const out = request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const type = res.headers['x-amzn-errortype'];
              response = {
                status: res.statusCode ?? 0,
                errorType: Array.isArray(type) ? type[0] : type,
                body: Buffer.concat(chunks).toString('utf8'),
              };
              reject(new Error('captured'));
            });
          });
          out.on('error', reject);
          out.end(typeof req.body === 'string' ? req.body : undefined);
        }),
    } as never,
  });
  client.middlewareStack.add(
    (next) => (args) => {
      const req = args.request as {
        method: string;
        path: string;
        query: Record<string, string>;
        headers: Record<string, string>;
        body?: unknown;
      };
      req.method = method;
      req.path = path;
      req.query = {};
      req.body = body;
      for (const k of Object.keys(req.headers)) if (k.toLowerCase() === 'content-length') delete req.headers[k];
      if (body !== undefined) req.headers['content-length'] = String(Buffer.byteLength(body));
      Object.assign(req.headers, headers);
      return next(args);
    },
    { step: 'build', priority: 'low' },
  );
  await client.send(new ListFunctionsCommand({})).catch(() => {});
  client.destroy();
  if (!response) throw new Error(`no response for ${method} ${path}`);
  return response;
}

export interface RawZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: 0 | 8;
  data: Buffer;
  /** The uncompressed size the headers declare (a bomb may lie). */
  size: number;
  crc?: number;
  /** Write the sizes and offset in a ZIP64 extra field, as tools do for big files. */
  zip64?: boolean;
}

/** A zip archive built byte by byte: local headers, data, central directory, end record. */
export function buildZip(entries: RawZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(e.crc ?? 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, e.data);
    const extra = e.zip64 ? Buffer.alloc(28) : Buffer.alloc(0);
    if (e.zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(e.size), 4);
      extra.writeBigUInt64LE(BigInt(e.data.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(e.crc ?? 0, 16);
    central.writeUInt32LE(e.zip64 ? 0xffffffff : e.data.length, 20);
    central.writeUInt32LE(e.zip64 ? 0xffffffff : e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(e.zip64 ? 0xffffffff : offset, 42);
    centrals.push(central, name, extra);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A raw DEFLATE stream of `mib` MiB of zeros, about 1 KB per MiB, built without ever holding the zeros. */
export function deflatedZeros(mib: number): Buffer {
  const oneMiB = deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: constants.Z_SYNC_FLUSH });
  // Non-final, byte-aligned blocks repeated, then an empty final block (BFINAL=1, fixed Huffman, end-of-block).
  return Buffer.concat([...Array.from({ length: mib }, () => oneMiB), Buffer.from([0x03, 0x00])]);
}
