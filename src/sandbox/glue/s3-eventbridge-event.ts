/**
 * The event S3 puts on the default EventBridge bus for one notification record, in AWS's shape (S3 User Guide,
 * "EventBridge event message structure" and "Amazon EventBridge mapping and troubleshooting"; field order and
 * presence as in AWS-recorded events of LocalStack's `test_s3_notifications_eventbridge.snapshot.json`).
 *
 * The object key is the RAW key on this path, unlike the notification record's form-urlencoded one: AWS's own
 * guidance sample (aws-solutions-library-samples/guidance-for-medialake-on-aws, PR #21 and
 * `lambdas/ingest/s3/test_index.py` TestEventBridgeKeyNotDecoded) was fixed after real uploads of `test+b.png`,
 * `ARTISTS K to O.png` and `%2B++ %20.mp3` showed EventBridge delivering each key as stored, while the classic
 * record carried `test%2Bb.png` / `ARTISTS+K+to+O.png`. (LocalStack percent-quotes it on both paths; its snapshots
 * mask the key, so they neither confirm nor refute that.)
 */
import { EVENTBRIDGE_REASONS } from '../../aws/s3-events.js';
import type { S3EventRecord } from 'aws-lambda';
import { decodeEventKey } from '../../aws/s3-events.js';

/** The `detail` of an S3 event on EventBridge (hyphenated names as AWS sends them). */
export interface S3EventBridgeDetail {
  version: '0';
  bucket: { name: string };
  object: { key: string; size?: number; etag?: string; 'version-id'?: string; sequencer?: string };
  'request-id': string;
  requester: string;
  'source-ip-address'?: string;
  reason?: string;
  'deletion-type'?: 'Permanently Deleted' | 'Delete Marker Created';
  'restore-expiry-time'?: string;
  'source-storage-class'?: string;
}

/** One PutEvents entry as `ctx.eventBus.put` takes it. */
export interface S3EventBridgeEntry {
  source: 'aws.s3';
  detailType: string;
  detail: S3EventBridgeDetail;
  resources: string[];
  time: Date;
}

/** AWS's mapping of S3 event names to EventBridge detail types; names absent here (replication, RRS) are not sent. */
export const S3_DETAIL_TYPES: Readonly<Record<string, string>> = {
  'ObjectCreated:Put': 'Object Created',
  'ObjectCreated:Post': 'Object Created',
  'ObjectCreated:Copy': 'Object Created',
  'ObjectCreated:CompleteMultipartUpload': 'Object Created',
  'ObjectRemoved:Delete': 'Object Deleted',
  'ObjectRemoved:DeleteMarkerCreated': 'Object Deleted',
  'LifecycleExpiration:Delete': 'Object Deleted',
  'LifecycleExpiration:DeleteMarkerCreated': 'Object Deleted',
  'ObjectRestore:Post': 'Object Restore Initiated',
  'ObjectRestore:Completed': 'Object Restore Completed',
  'ObjectRestore:Delete': 'Object Restore Expired',
  LifecycleTransition: 'Object Storage Class Changed',
  IntelligentTiering: 'Object Access Tier Changed',
  'ObjectTagging:Put': 'Object Tags Added',
  'ObjectTagging:Delete': 'Object Tags Deleted',
  'ObjectAcl:Put': 'Object ACL Updated',
};

/** Events S3 itself causes (lifecycle, restore completion and expiry): requester `s3.amazonaws.com`, no source IP. */
const BY_S3 = new Set([
  'LifecycleExpiration:Delete',
  'LifecycleExpiration:DeleteMarkerCreated',
  'ObjectRestore:Completed',
  'ObjectRestore:Delete',
  'LifecycleTransition',
  'IntelligentTiering',
]);

interface GlacierEventData {
  restoreEventData?: { lifecycleRestorationExpiryTime?: string; lifecycleRestoreStorageClass?: string };
}

/**
 * The EventBridge entry for one S3 record (as built by s3/event-record.ts), or undefined for event types S3 does
 * not send to EventBridge. `accountId` is the requester of API-caused events (AWS puts the caller's account id).
 * Fields the record lacks (size, eTag, versionId, sequencer) are absent here too; restore events carry no
 * sequencer, as AWS's recorded ones.
 */
export function s3EventBridgeEntry(record: S3EventRecord, accountId: string, storageClass?: string): S3EventBridgeEntry | undefined {
  const eventName = record.eventName.replace(/^s3:/, '');
  const detailType = S3_DETAIL_TYPES[eventName];
  if (detailType === undefined) return undefined;
  const o = record.s3.object as Partial<S3EventRecord['s3']['object']>;
  const object: S3EventBridgeDetail['object'] = { key: decodeEventKey(o.key ?? '') };
  if (o.size !== undefined) object.size = o.size;
  if (o.eTag !== undefined) object.etag = o.eTag;
  if (o.versionId !== undefined) object['version-id'] = o.versionId;
  if (o.sequencer !== undefined && !eventName.startsWith('ObjectRestore:')) object.sequencer = o.sequencer;

  const byS3 = BY_S3.has(eventName);
  const detail: S3EventBridgeDetail = {
    version: '0',
    bucket: { name: record.s3.bucket.name },
    object,
    'request-id': record.responseElements?.['x-amz-request-id'] ?? '',
    requester: byS3 ? 's3.amazonaws.com' : accountId,
  };
  if (!byS3) detail['source-ip-address'] = record.requestParameters?.sourceIPAddress ?? '';
  const reason = EVENTBRIDGE_REASONS[eventName];
  if (reason !== undefined) detail.reason = reason;
  if (detailType === 'Object Deleted') {
    detail['deletion-type'] = eventName.endsWith('DeleteMarkerCreated') ? 'Delete Marker Created' : 'Permanently Deleted';
  }
  const restore = (record as { glacierEventData?: GlacierEventData }).glacierEventData?.restoreEventData;
  if (restore?.lifecycleRestorationExpiryTime) detail['restore-expiry-time'] = restore.lifecycleRestorationExpiryTime;
  const sourceClass = restore?.lifecycleRestoreStorageClass ?? (eventName.startsWith('ObjectRestore:') ? storageClass : undefined);
  if (sourceClass) detail['source-storage-class'] = sourceClass;
  const time = new Date(record.eventTime);
  return {
    source: 'aws.s3',
    detailType,
    detail,
    resources: [record.s3.bucket.arn ?? `arn:aws:s3:::${record.s3.bucket.name}`],
    time: Number.isNaN(time.getTime()) ? new Date(0) : time,
  };
}
