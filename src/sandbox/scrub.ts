/** Secrets out of the sandbox's own log lines (its stderr): presigned URLs, Authorization headers, credentials. */
import { scrub } from '../ops/errors.js';

/** Authorization header values, whatever their scheme (SigV4's Credential/Signature, SigV2's `AWS key:signature`). */
const AUTHORIZATION = /\b(authorization)(["']?\s*[:=]\s*["']?)[^\r\n"']+/gi;
const SIGV2 = /\bAWS [A-Za-z0-9+/=]{8,}:[A-Za-z0-9+/=%]+/g;

/** One log line with signature, credential, token and Authorization values replaced by `[redacted]`. */
export function scrubLogLine(line: string): string {
  return scrub(line.replace(AUTHORIZATION, '$1$2[redacted]').replace(SIGV2, 'AWS [redacted]'));
}
