/** S3's canned ACLs for an object (`x-amz-acl`), checked before any request. Pure; no SDK import at run time. */
import { OBJECT_CANNED_ACLS } from '../aws/s3-events.js';
import type { ObjectCannedACL } from '@aws-sdk/client-s3';

/**
 * The canned ACLs PutObjectAcl takes, in AWS's order ("Access control list (ACL) overview", Canned ACL);
 * `log-delivery-write` applies to buckets only.
 */
export const CANNED_ACLS: readonly ObjectCannedACL[] = OBJECT_CANNED_ACLS;

/** `text` as a canned ACL (exact, as S3 takes it), or the one-line reason naming the allowed values. */
export function parseCannedAcl(text: string): { acl: ObjectCannedACL } | { problem: string } {
  const acl = CANNED_ACLS.find((a) => a === text);
  if (acl) return { acl };
  const hint = CANNED_ACLS.find((a) => a === text.trim().toLowerCase());
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return {
    problem: `'${shown.replace(/[\r\n\t]/g, ' ')}' is not a canned ACL${hint ? ` (did you mean ${hint}?)` : ''}: use one of ${CANNED_ACLS.join(', ')}`,
  };
}
