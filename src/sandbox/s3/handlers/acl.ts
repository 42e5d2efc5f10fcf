/** PutObjectAcl, GetObjectAcl (`?acl` on an object) and GetBucketAcl / PutBucketAcl: stored and echoed, not enforced. */
import { receiveSmallBody } from '../body.js';
import { aclFromHeaders, aclFromXml, aclXml, type StoredAcl } from '../acl.js';
import { S3Error } from '../errors.js';
import { sendEmpty, sendXml, type S3Call } from '../http.js';
import { requireBucket, requireKey, requireObject, type Handler } from './common.js';

const BUCKET_CANNED_ACLS = ['private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'log-delivery-write'];

/** The ACL of a Put*Acl request: headers or a body, not both; MissingSecurityHeader for neither. */
async function requestedAcl(call: S3Call, cannedAllowed?: readonly string[]): Promise<StoredAcl> {
  const fromHeaders = aclFromHeaders(call.req.headers, cannedAllowed);
  const body = await receiveSmallBody(call.req);
  if (fromHeaders && body.trim() !== '') throw new S3Error('UnexpectedContent', 'This request does not support content');
  if (fromHeaders) return fromHeaders;
  if (body.trim() === '') {
    throw new S3Error('MissingSecurityHeader', 'Your request was missing a required header', 400, { MissingHeaderName: 'x-amz-acl' });
  }
  return aclFromXml(body);
}

/** Sets the object's ACL; 200, then `ObjectAcl:Put`. */
export const putObjectAcl: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  const key = requireKey(call);
  requireObject(deps, bucket.name, key);
  const acl = await requestedAcl(call);
  const obj = await deps.store.updateObject(bucket.name, key, (current) => ({ ...current, acl }));
  sendEmpty(call, 200);
  deps.events.publish(bucket, 'ObjectAcl:Put', key, call, { etag: obj.etag });
};

export const getObjectAcl: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  const obj = requireObject(deps, bucket.name, requireKey(call));
  sendXml(call, aclXml(obj.acl));
};

/** The bucket's ACL: the owner's FULL_CONTROL unless PutBucketAcl set another. */
export const getBucketAcl: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  sendXml(call, aclXml(bucket.acl));
};

export const putBucketAcl: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  const acl = await requestedAcl(call, BUCKET_CANNED_ACLS);
  await deps.store.setBucketAcl(bucket.name, acl);
  sendEmpty(call, 200);
};
