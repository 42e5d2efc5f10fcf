/**
 * RestoreObject (`POST /{key}?restore`) and the archive rules the object handlers apply: GET of an archived object
 * and copies from one are refused until it is restored; GET/HEAD show `x-amz-storage-class` and `x-amz-restore`.
 */
import { receiveSmallBody } from '../body.js';
import { S3Error } from '../errors.js';
import { sendEmpty, type S3Call } from '../http.js';
import { parseRestoreRequest, restoredUntil, restoreHeader, restorePhase, restoreRefusal, startRestore } from '../restore.js';
import { isArchived, storageClassHeader } from '../storage-class.js';
import type { ObjectMeta } from '../store.js';
import { requireBucket, requireKey, requireObject, type Handler } from './common.js';

/**
 * 202 and `ObjectRestore:Post` for a new restore; 200 (no event) for a restored object, whose copy's expiry moves
 * to `Days` from now; 409 RestoreAlreadyInProgress while one runs; 403 InvalidObjectState for a class that does
 * not restore (STANDARD, GLACIER_IR...), as AWS answers.
 */
export const restoreObject: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  const key = requireKey(call);
  requireObject(deps, bucket.name, key);
  const request = parseRestoreRequest(await receiveSmallBody(call.req));
  const clock = deps.restores;
  let status: 200 | 202 = 202;
  const obj = await deps.store.updateObject(bucket.name, key, (current) => {
    const refusal = restoreRefusal(current.storageClass, request.tier);
    if (refusal) throw refusal;
    const now = Date.now();
    const phase = restorePhase(current.restore, now);
    if (phase === 'ongoing') throw new S3Error('RestoreAlreadyInProgress', 'Object restore is already in progress', 409);
    if (phase === 'restored') {
      status = 200;
      return {
        ...current,
        restore: { ...current.restore!, days: request.days, expiresAt: restoredUntil(now, request.days, clock.waitMs) },
      };
    }
    status = 202;
    return { ...current, restore: startRestore(current.storageClass!, request, now, clock.waitMs) };
  });
  clock.watch(bucket.name, key, obj.restore!);
  sendEmpty(call, status);
  if (status === 202)
    deps.events.publish(bucket, 'ObjectRestore:Post', key, call, { size: obj.size, etag: obj.etag, storageClass: obj.storageClass });
};

/** `x-amz-storage-class` (not for STANDARD) and `x-amz-restore` (while restoring or restored) for GET/HEAD. */
export function archiveHeaders(obj: ObjectMeta): Record<string, string> {
  return { ...storageClassHeader(obj.storageClass), ...restoreHeader(obj.restore, Date.now()) };
}

const readable = (obj: ObjectMeta) => !isArchived(obj.storageClass) || restorePhase(obj.restore, Date.now()) === 'restored';

/** GET of an archived object without a restored copy: AWS's 403 InvalidObjectState with the class (element and header). */
export function requireReadable(call: S3Call, obj: ObjectMeta): void {
  if (readable(obj)) return;
  call.res.setHeader('x-amz-storage-class', obj.storageClass!);
  throw new S3Error('InvalidObjectState', "The operation is not valid for the object's storage class", 403, {
    StorageClass: obj.storageClass!,
  });
}

/** CopyObject / UploadPartCopy from an archived source without a restored copy: AWS's 403 InvalidObjectState. */
export function requireCopyableSource(source: ObjectMeta): void {
  if (readable(source)) return;
  throw new S3Error('InvalidObjectState', "Operation is not valid for the source object's storage class", 403, {
    StorageClass: source.storageClass!,
  });
}
