/**
 * The main command's checks of a bucket name and an object key, before any request, as the one-line messages it
 * prints (exit 2). Shared by the operations (ops/validate.ts) and `s3trigger doctor`; no SDK import.
 */
import { oneLine } from '../errors.js';
import { bucketNameProblem } from './bucket-name.js';

/** S3's limit on an object key: 1024 bytes of UTF-8 (AWS answers KeyTooLongError). */
export const MAX_KEY_BYTES = 1024;

/** `invalid bucket name 'B': why`, or undefined when S3 accepts the name as a general-purpose bucket's. */
export function bucketNameError(bucket: string): string | undefined {
  const why = bucketNameProblem(bucket);
  return why ? `invalid bucket name '${oneLine(bucket)}': ${why}` : undefined;
}

/** `FLAG: the key is N bytes in UTF-8; S3 allows at most 1024`, or undefined when the key fits. */
export function keyLengthError(key: string, flag: string): string | undefined {
  const bytes = Buffer.byteLength(key, 'utf8');
  return bytes > MAX_KEY_BYTES ? `${flag}: the key is ${bytes} bytes in UTF-8; S3 allows at most ${MAX_KEY_BYTES}` : undefined;
}
