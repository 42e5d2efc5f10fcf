/** The tags and ACL a write request gives its object: `x-amz-tagging`, `x-amz-acl`, `x-amz-grant-*`, CopyObject's tagging directive. */
import { aclFromHeaders } from '../acl.js';
import { S3Error } from '../errors.js';
import { header, type S3Call } from '../http.js';
import type { ObjectAccess, ObjectMeta } from '../store.js';
import { parseTaggingHeader } from '../tagging.js';

/** PutObject / CreateMultipartUpload / CopyObject (REPLACE): tags from `x-amz-tagging`, ACL from the ACL headers. Throws AWS's errors. */
export function accessFromHeaders(call: S3Call): ObjectAccess {
  const raw = header(call.req, 'x-amz-tagging');
  const tags = raw === undefined ? [] : parseTaggingHeader(raw);
  const acl = aclFromHeaders(call.req.headers);
  return { ...(tags.length ? { tags } : {}), ...(acl ? { acl } : {}) };
}

/**
 * CopyObject: `x-amz-tagging-directive` COPY (the default) keeps the source's tags, REPLACE takes
 * `x-amz-tagging`; the ACL is never copied (the request's ACL headers, else private).
 */
export function copiedAccess(call: S3Call, source: ObjectMeta): ObjectAccess {
  const directive = (header(call.req, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown tagging directive.', 400, {
      ArgumentName: 'x-amz-tagging-directive',
      ArgumentValue: directive,
    });
  }
  const fromHeaders = accessFromHeaders(call);
  if (directive === 'REPLACE') return fromHeaders;
  const { tags: _ignored, ...rest } = fromHeaders;
  return { ...rest, ...(source.tags?.length ? { tags: source.tags } : {}) };
}
