/** What every handler gets, and lookups that answer with S3's not-found errors. */
import type { SandboxContext } from '../../context.js';
import { S3Error } from '../errors.js';
import type { S3Call } from '../http.js';
import type { EventPublisher } from '../notify.js';
import type { RestoreClock } from '../restore-clock.js';
import type { BucketMeta, ObjectHeaders, ObjectMeta, S3Store } from '../store.js';
import { userMetadata, header } from '../http.js';

export interface S3Deps {
  ctx: SandboxContext;
  store: S3Store;
  events: EventPublisher;
  /** Completes restores and expires restored copies (restore-clock.ts). */
  restores: RestoreClock;
}

export type Handler = (deps: S3Deps, call: S3Call) => Promise<void>;

export function requireBucket(deps: S3Deps, call: S3Call): BucketMeta {
  const name = call.target.bucket!;
  const bucket = deps.store.getBucket(name);
  if (!bucket) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
  return bucket;
}

export const MAX_KEY_BYTES = 1024;

export function requireKey(call: S3Call): string {
  const key = call.target.key!;
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 'Your key is too long', 400, { Size: Buffer.byteLength(key), MaxSizeAllowed: MAX_KEY_BYTES });
  }
  return key;
}

export function requireObject(deps: S3Deps, bucket: string, key: string): ObjectMeta {
  const obj = deps.store.getObject(bucket, key);
  if (!obj) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
  return obj;
}

/** Content-* headers and metadata of a PutObject / CreateMultipartUpload request. */
export function objectHeadersFrom(call: S3Call): ObjectHeaders {
  const { req } = call;
  const encoding = header(req, 'content-encoding')
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'aws-chunked')
    .join(',');
  return {
    contentType: header(req, 'content-type') ?? 'binary/octet-stream',
    contentEncoding: encoding || undefined,
    contentDisposition: header(req, 'content-disposition'),
    contentLanguage: header(req, 'content-language'),
    cacheControl: header(req, 'cache-control'),
    expires: header(req, 'expires'),
    metadata: userMetadata(req.headers),
  };
}

/** Base URL the client used (for Location values). */
export function requestBaseUrl(call: S3Call): string {
  return `http://${call.req.headers.host ?? '127.0.0.1'}`;
}

/** S3 encrypts every object at rest by default and says so on object responses. */
export const SSE = { 'x-amz-server-side-encryption': 'AES256' } as const;

export const encodeKeyForUrl = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/');
