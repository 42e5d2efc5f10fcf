/** Receiving request bodies: aws-chunked decoding, digests, length and checksum checks. */
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsChunkedDecoder, isAwsChunked } from './aws-chunked.js';
import { SMALL_BODY_BYTES, StorageError, type BlobStore } from './blobs.js';
import { BodyDigests, declaredChecksums, verifyChecksums, type ChecksumAlgorithm, type DeclaredChecksums } from './checksums.js';
import { S3Error } from './errors.js';

export const MAX_PUT_SIZE = 5 * 1024 ** 3;

/** Bodies from this size on get their MD5 from the blob store's worker thread. */
const MD5_WORKER_BYTES = 1024 * 1024;

export interface ReceivedBody {
  blob: string;
  offset?: number;
  size: number;
  md5Hex: string;
  /** Verified checksums, base64 per algorithm. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

const incompleteBody = () =>
  new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');

function expectedLength(req: IncomingMessage, chunked: boolean): number | undefined {
  const raw = chunked ? req.headers['x-amz-decoded-content-length'] : req.headers['content-length'];
  if (typeof raw !== 'string' || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new S3Error('InvalidArgument', 'Invalid content length.');
  return n;
}

/** Decodes and digests req; returns the decoder (for trailers) and the decoded stream's parts. */
function decodeChain(req: IncomingMessage, digests: BodyDigests): { transforms: Transform[]; decoder?: AwsChunkedDecoder } {
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      digests.update(chunk);
      done(null, chunk);
    },
  });
  if (!isAwsChunked(req.headers)) return { transforms: [tap] };
  const decoder = new AwsChunkedDecoder();
  return { transforms: [decoder, tap], decoder };
}

/** Streams the request body into a new blob and checks it; the blob is removed when a check fails. */
export async function receiveBody(
  req: IncomingMessage,
  blobs: BlobStore,
  opts: { checksumAlgorithm?: ChecksumAlgorithm; maxSize?: number } = {},
): Promise<ReceivedBody> {
  const declared = declaredChecksums(req.headers, opts.checksumAlgorithm);
  const chunked = isAwsChunked(req.headers);
  const expected = expectedLength(req, chunked);
  if (expected !== undefined && expected > (opts.maxSize ?? MAX_PUT_SIZE)) {
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
      ProposedSize: expected,
      MaxSizeAllowed: opts.maxSize ?? MAX_PUT_SIZE,
    });
  }
  if (expected !== undefined && expected <= SMALL_BODY_BYTES) {
    return receiveSmall(req, blobs, declared, new BodyDigests(declared.compute), expected);
  }
  // A body of a MiB or more is hashed off the main thread once written (md5-worker.ts).
  const md5Later = expected !== undefined && expected >= MD5_WORKER_BYTES;
  const digests = new BodyDigests(declared.compute, { md5: !md5Later });
  const { transforms, decoder } = decodeChain(req, digests);
  let blob: string;
  try {
    blob = await blobs.write(req, transforms);
  } catch (err) {
    throw err instanceof S3Error || err instanceof StorageError ? err : incompleteBody();
  }
  try {
    const result = await digests.result(md5Later ? await blobs.md5(blob) : undefined);
    if (expected !== undefined && expected !== result.size) throw incompleteBody();
    const checksums = verifyChecksums(declared, decoder?.trailers ?? {}, result);
    return { blob, size: result.size, md5Hex: result.md5.toString('hex'), checksums };
  } catch (err) {
    blobs.remove([blob]);
    throw err;
  }
}

/** A small body of known length: read into memory (decoded), checked, then appended to a pack file. */
async function receiveSmall(
  req: IncomingMessage,
  blobs: BlobStore,
  declared: DeclaredChecksums,
  digests: BodyDigests,
  expected: number,
): Promise<ReceivedBody> {
  const { data, trailers } = await collect(req, digests, expected, incompleteBody);
  const result = await digests.result();
  if (data.length !== expected) throw incompleteBody();
  const checksums = verifyChecksums(declared, trailers, result);
  const { blob, offset } = await blobs.writeSmall(data);
  return { blob, offset, size: data.length, md5Hex: result.md5.toString('hex'), checksums };
}

/** Reads the decoded body into memory, failing with tooBig() past limit bytes. */
async function collect(
  req: IncomingMessage,
  digests: BodyDigests,
  limit: number,
  tooBig: () => S3Error,
): Promise<{ data: Buffer; trailers: Record<string, string> }> {
  if (!isAwsChunked(req.headers)) return { data: await collectPlain(req, digests, limit, tooBig), trailers: {} };
  const { transforms, decoder } = decodeChain(req, digests);
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > limit) throw tooBig();
      chunks.push(chunk);
    }
  };
  try {
    if (transforms.length === 2) await pipeline(req, transforms[0]!, transforms[1]!, sink);
    else await pipeline(req, transforms[0]!, sink);
  } catch (err) {
    throw err instanceof S3Error ? err : incompleteBody();
  }
  return { data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), trailers: decoder?.trailers ?? {} };
}

/**
 * collect for a body sent as is: the chunks straight off the request, without a Transform and a pipeline
 * (their per-request setup, an AbortController and its DOMException on finish, showed in the PUT 4 KiB
 * profile). Same outcomes: tooBig() past limit bytes (the request is destroyed, as pipeline did), the
 * request failing or ending early is an incomplete body.
 */
function collectPlain(req: IncomingMessage, digests: BodyDigests, limit: number, tooBig: () => S3Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const fail = (err: S3Error) => {
      cleanup();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        fail(tooBig());
        req.destroy();
        return;
      }
      digests.update(chunk);
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = () => fail(incompleteBody());
    const onClose = () => {
      if (!req.complete) fail(incompleteBody());
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
    if (req.readableEnded) onEnd();
  });
}

/** Reads a small body (an XML document) into memory, decoded and checked the same way. */
export async function receiveSmallBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  const declared = declaredChecksums(req.headers);
  const digests = new BodyDigests(declared.compute);
  const { data, trailers } = await collect(req, digests, limit, () => new S3Error('MaxMessageLengthExceeded', 'Your request was too big.'));
  verifyChecksums(declared, trailers, await digests.result());
  return data.toString('utf8');
}
