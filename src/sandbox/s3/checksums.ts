/** Request body digests: MD5 (the ETag) always, plus the flexible checksums a client asked for. */
import { createHash, type Hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';
import { S3Error } from './errors.js';

// Loaded on first use: they cost start-up time and only some clients send these algorithms.
let crc64NvmeClass: (new () => { update(d: Uint8Array): void; digest(): Promise<Uint8Array> }) | undefined;
function newCrc64Nvme() {
  crc64NvmeClass ??= (createRequire(import.meta.url)('@aws-sdk/crc64-nvme') as typeof import('@aws-sdk/crc64-nvme')).Crc64Nvme;
  return new crc64NvmeClass();
}
let crc32cClass: (new () => { update(d: Uint8Array): unknown; digest(): number }) | undefined;
function newCrc32c() {
  crc32cClass ??= (createRequire(import.meta.url)('@aws-crypto/crc32c') as typeof import('@aws-crypto/crc32c')).Crc32c;
  return new crc32cClass();
}

/** CRC32 by node:zlib (native), incrementally. */
function nativeCrc32() {
  let value = 0;
  return {
    update: (d: Uint8Array) => {
      value = crc32(d, value);
    },
    digest: () => value,
  };
}

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, SHA1: 20, SHA256: 32, CRC64NVME: 8 };

export const checksumHeader = (alg: ChecksumAlgorithm) => `x-amz-checksum-${alg.toLowerCase()}`;

/**
 * The algorithm a request header names (any case), undefined when the header is absent;
 * 400 InvalidRequest with AWS's message when it names one S3 does not have.
 */
export function toChecksumAlgorithm(name: string | undefined): ChecksumAlgorithm | undefined {
  if (name === undefined) return undefined;
  const upper = name.trim().toUpperCase();
  const alg = CHECKSUM_ALGORITHMS.find((a) => a === upper);
  if (!alg) {
    throw new S3Error(
      'InvalidRequest',
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
    );
  }
  return alg;
}

interface Digest {
  update(chunk: Buffer): void;
  digest(): Buffer | Promise<Buffer>;
}

function crcDigest(crc: { update(d: Uint8Array): unknown; digest(): number }): Digest {
  return {
    update: (c) => void crc.update(c),
    digest: () => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc.digest() >>> 0);
      return out;
    },
  };
}

function makeDigest(alg: ChecksumAlgorithm): Digest {
  switch (alg) {
    case 'CRC32':
      return crcDigest(nativeCrc32());
    case 'CRC32C':
      return crcDigest(newCrc32c());
    case 'SHA1':
    case 'SHA256': {
      const h = createHash(alg === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (c) => void h.update(c), digest: () => h.digest() };
    }
    case 'CRC64NVME': {
      const crc = newCrc64Nvme();
      return { update: (c) => crc.update(c), digest: async () => Buffer.from(await crc.digest()) };
    }
  }
}

export interface BodyDigestResult {
  md5: Buffer;
  size: number;
  /** base64 per algorithm computed. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

export class BodyDigests {
  private md5: Hash | undefined;
  private size = 0;
  private digests = new Map<ChecksumAlgorithm, Digest>();

  /** `md5: false`: the caller computes the MD5 elsewhere (md5-worker.ts) and passes it to result(). */
  constructor(algorithms: Iterable<ChecksumAlgorithm>, options: { md5?: boolean } = {}) {
    if (options.md5 !== false) this.md5 = createHash('md5');
    for (const alg of algorithms) this.digests.set(alg, makeDigest(alg));
  }

  update(chunk: Buffer): void {
    this.size += chunk.length;
    this.md5?.update(chunk);
    for (const d of this.digests.values()) d.update(chunk);
  }

  async result(md5?: Buffer): Promise<BodyDigestResult> {
    const checksums: BodyDigestResult['checksums'] = {};
    for (const [alg, d] of this.digests) checksums[alg] = (await d.digest()).toString('base64');
    const digest = md5 ?? this.md5?.digest();
    if (!digest) throw new Error('BodyDigests: no MD5 computed and none given');
    return { md5: digest, size: this.size, checksums };
  }
}

/** What the client declared it would send: header checksums, trailer names, Content-MD5. */
export interface DeclaredChecksums {
  contentMd5?: string;
  values: Partial<Record<ChecksumAlgorithm, string>>;
  trailer?: ChecksumAlgorithm;
  /** Algorithms to compute: declared ones plus x-amz-sdk-checksum-algorithm. */
  compute: Set<ChecksumAlgorithm>;
}

function isValidBase64(value: string, bytes: number): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(value) && Buffer.from(value, 'base64').length === bytes;
}

export function declaredChecksums(headers: IncomingHttpHeaders, extra?: ChecksumAlgorithm): DeclaredChecksums {
  const out: DeclaredChecksums = { values: {}, compute: new Set() };
  const md5 = headers['content-md5'];
  if (typeof md5 === 'string') {
    if (!isValidBase64(md5, 16)) throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.');
    out.contentMd5 = md5;
  }
  for (const alg of CHECKSUM_ALGORITHMS) {
    const v = headers[checksumHeader(alg)];
    if (typeof v !== 'string') continue;
    if (!isValidBase64(v, DIGEST_BYTES[alg])) {
      throw new S3Error('InvalidRequest', `Value for ${checksumHeader(alg)} header is invalid.`);
    }
    out.values[alg] = v;
    out.compute.add(alg);
  }
  const trailer = headers['x-amz-trailer'];
  if (typeof trailer === 'string') {
    const alg = CHECKSUM_ALGORITHMS.find((a) => checksumHeader(a) === trailer.trim().toLowerCase());
    if (alg) {
      out.trailer = alg;
      out.compute.add(alg);
    }
  }
  const sdkAlg = toChecksumAlgorithm(headers['x-amz-sdk-checksum-algorithm'] as string | undefined);
  if (sdkAlg && Object.keys(out.values).length === 0 && typeof trailer !== 'string') {
    throw new S3Error(
      'InvalidRequest',
      'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
    );
  }
  if (sdkAlg) out.compute.add(sdkAlg);
  if (extra) out.compute.add(extra);
  return out;
}

/** Throws BadDigest when a declared digest (header or trailer value) differs from the computed one. */
export function verifyChecksums(
  declared: DeclaredChecksums,
  trailers: Record<string, string>,
  computed: BodyDigestResult,
): Partial<Record<ChecksumAlgorithm, string>> {
  if (declared.contentMd5 && declared.contentMd5 !== computed.md5.toString('base64')) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  const expected = { ...declared.values };
  if (declared.trailer) {
    const v = trailers[checksumHeader(declared.trailer)];
    if (v !== undefined) {
      if (!isValidBase64(v, DIGEST_BYTES[declared.trailer])) {
        throw new S3Error('InvalidRequest', `Value for ${checksumHeader(declared.trailer)} trailing header is invalid.`);
      }
      expected[declared.trailer] = v;
    }
  }
  const result: Partial<Record<ChecksumAlgorithm, string>> = { ...computed.checksums };
  for (const [alg, value] of Object.entries(expected) as [ChecksumAlgorithm, string][]) {
    const got = computed.checksums[alg];
    if (got !== value) throw new S3Error('BadDigest', `The ${alg} you specified did not match the calculated checksum.`);
  }
  return result;
}
