/** PutObjectTagging, GetObjectTagging, DeleteObjectTagging (`?tagging` on an object). */
import { receiveSmallBody } from '../body.js';
import { sendEmpty, sendXml } from '../http.js';
import { parseTaggingXml, taggingXml } from '../tagging.js';
import { requireBucket, requireKey, requireObject, type Handler } from './common.js';

/** Replaces the tag set (an empty TagSet removes it); 200, then `ObjectTagging:Put`. */
export const putObjectTagging: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  const key = requireKey(call);
  requireObject(deps, bucket.name, key);
  const tags = parseTaggingXml(await receiveSmallBody(call.req));
  const obj = await deps.store.updateObject(bucket.name, key, (current) => ({ ...current, tags }));
  sendEmpty(call, 200);
  deps.events.publish(bucket, 'ObjectTagging:Put', key, call, { etag: obj.etag });
};

/** The object's tags in key order; an untagged object answers an empty TagSet. */
export const getObjectTagging: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  const obj = requireObject(deps, bucket.name, requireKey(call));
  sendXml(call, taggingXml(obj.tags));
};

/** Removes every tag; 204, then `ObjectTagging:Delete`. */
export const deleteObjectTagging: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  const key = requireKey(call);
  requireObject(deps, bucket.name, key);
  const obj = await deps.store.updateObject(bucket.name, key, ({ tags: _old, ...rest }) => rest);
  sendEmpty(call, 204);
  deps.events.publish(bucket, 'ObjectTagging:Delete', key, call, { etag: obj.etag });
};
