/**
 * Random request ids from a pooled buffer: one `randomBytes` call per 4 KiB of ids instead of one per
 * request (each call is a synchronous trip into the CSPRNG; two per S3 request showed in the PUT profile).
 * The bytes are still crypto-random; ids are not secrets, only unique.
 */
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

/** `n` fresh random bytes (a view into the pool; copy it before keeping it past the next call). */
export function pooledRandomBytes(n: number): Buffer {
  if (used + n > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, n));
    used = 0;
  }
  used += n;
  return pool.subarray(used - n, used);
}

/** An S3 `x-amz-request-id`: 16 upper-case hex digits, as AWS sends it. */
export const s3RequestId = (): string => pooledRandomBytes(8).toString('hex').toUpperCase();

/** An S3 `x-amz-id-2` (host id): 32 random bytes in base64. */
export const s3HostId = (): string => pooledRandomBytes(32).toString('base64');
