/** The S3 event notification record, built exactly as AWS sends it. */
import { encodeEventKey, eventRecordShape, S3_SERVICE_PRINCIPAL } from '../../aws/s3-events.js';
import type { S3EventRecord } from 'aws-lambda';

/** A fixed IAM-user-style principal for the sandbox's single caller ("AWS:AIDA" + 17 characters). */
export const SANDBOX_PRINCIPAL_ID = 'AWS:AIDAS3TRIGGERSANDBOX0';
/** A fixed bucket-owner id in AWS's 14-character style. */
export const SANDBOX_OWNER_ID = 'A1S3TRIGGERSBX';

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

/**
 * Event sequencers: "00" + hex8(unix seconds) + hex8(counter), 18 uppercase hex digits, as in real
 * records. Strictly increasing, even when the clock steps back: the seconds never go below the last
 * ones used and the counter never resets.
 */
export class Sequencer {
  private lastSeconds = 0;
  private counter = 0;

  constructor(private readonly nowMs: () => number = Date.now) {}

  next(): string {
    this.lastSeconds = Math.max(this.lastSeconds, Math.floor(this.nowMs() / 1000));
    if (this.counter === 0xffffffff) {
      this.counter = 0;
      this.lastSeconds++;
    } else {
      this.counter++;
    }
    return `00${hex8(this.lastSeconds)}${hex8(this.counter)}`;
  }
}

/** `glacierEventData` of restore records (AWS: "Event message structure", ObjectRestore:Completed). */
export interface GlacierEventData {
  restoreEventData: {
    /** ISO-8601 time the restored copy expires. */
    lifecycleRestorationExpiryTime: string;
    /** The object's storage class, e.g. "GLACIER". */
    lifecycleRestoreStorageClass: string;
  };
}

export interface EventRecordInput {
  /** e.g. "ObjectCreated:Put" (an "s3:" prefix is tolerated and dropped). */
  eventName: string;
  region: string;
  bucket: string;
  /** The raw (decoded) key. */
  key: string;
  size?: number;
  etag?: string;
  /** Only where AWS sends it: a version with a real id (null versions, never-versioned or Suspended writes, carry none: versioning.ts recordVersionId). */
  versionId?: string;
  /** AWS's `glacierEventData.restoreEventData`; written only where the type carries it (`ObjectRestore:Completed`). */
  glacierEventData?: GlacierEventData;
  /** The x-amz-request-id header of the triggering response (a fresh id for changes S3 makes itself). */
  requestId: string;
  /** The x-amz-id-2 header of the triggering response. */
  hostId: string;
  sourceIp: string;
  eventTime: Date;
  sequencer: string;
  configurationId: string;
  principalId?: string;
}

const unquote = (etag: string) => etag.replace(/^"(.*)"$/, '$1');

/**
 * One record as AWS sends it: the version, the `s3.object` fields, the principal and `glacierEventData` as the
 * event type's shape says (aws/s3-events.ts EVENT_RECORD_SHAPES, with its sources); for changes S3 makes itself
 * (restore completion and expiry, lifecycle) the source address is `s3.amazonaws.com`. eTag unquoted; versionId
 * only when given.
 */
export function buildEventRecord(input: EventRecordInput): S3EventRecord {
  const eventName = input.eventName.replace(/^s3:/, '');
  const shape = eventRecordShape(eventName);
  const object: Record<string, string | number> = { key: encodeEventKey(input.key) };
  if (shape.size && input.size !== undefined) object.size = input.size;
  if (shape.eTag && input.etag !== undefined) object.eTag = unquote(input.etag);
  if (input.versionId !== undefined) object.versionId = input.versionId;
  if (shape.sequencer) object.sequencer = input.sequencer;
  const principalId =
    shape.principal === 's3'
      ? S3_SERVICE_PRINCIPAL
      : shape.principal === 'bucket-owner'
        ? `AmazonCustomer:${SANDBOX_OWNER_ID}`
        : (input.principalId ?? SANDBOX_PRINCIPAL_ID);

  const record = {
    eventVersion: shape.eventVersion,
    eventSource: 'aws:s3',
    awsRegion: input.region,
    eventTime: input.eventTime.toISOString(),
    eventName,
    userIdentity: { principalId },
    // Changes S3 makes itself have no caller's address: AWS writes its own name there (recorded lifecycle records).
    requestParameters: { sourceIPAddress: shape.principal === 'requester' ? input.sourceIp.replace(/^::ffff:/, '') : S3_SERVICE_PRINCIPAL },
    responseElements: { 'x-amz-request-id': input.requestId, 'x-amz-id-2': input.hostId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: input.configurationId,
      bucket: {
        name: input.bucket,
        ownerIdentity: { principalId: SANDBOX_OWNER_ID },
        arn: `arn:aws:s3:::${input.bucket}`,
      },
      // The aws-lambda type makes size and eTag mandatory, but AWS omits them for some event types.
      object: object as unknown as S3EventRecord['s3']['object'],
    },
  };
  if (shape.glacierEventData && input.glacierEventData) return { ...record, glacierEventData: input.glacierEventData } as S3EventRecord;
  return record;
}
