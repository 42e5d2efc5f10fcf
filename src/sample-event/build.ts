/**
 * `s3trigger event`: the event a handler receives for one S3 event type, built by the sandbox's own builders
 * (s3/event-record.ts, sns/envelope.ts, lambda/event-source-mappings/sqs-event.ts, glue/s3-eventbridge-event.ts,
 * events/put-events.ts) so that a sample and a sandbox delivery cannot drift apart. Pure: options in, object out.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { S3EventRecord } from 'aws-lambda';
import { SANDBOX_ACCOUNT } from '../sandbox/context.js';
import { busEvent } from '../sandbox/events/put-events.js';
import { S3_SNS_SUBJECT } from '../sandbox/glue/s3-to-sns.js';
import { S3_SENDER_ID } from '../sandbox/glue/s3-to-sqs.js';
import { s3EventBridgeEntry } from '../sandbox/glue/s3-eventbridge-event.js';
import { sqsRecord } from '../sandbox/lambda/event-source-mappings/sqs-event.js';
import { buildEventRecord, Sequencer } from '../sandbox/s3/event-record.js';
import { NOTIFICATION_EVENTS } from '../sandbox/s3/notification-config.js';
import { lambdaEvent } from '../sandbox/sns/envelope.js';
import { forkRandom } from '../sandbox/timing/random.js';

/** The demo file's content (29 bytes with the newline), the default object. */
export const DEMO_CONTENT = 'S3 events trigger demo file.\n';
export const DEFAULT_SIZE = Buffer.byteLength(DEMO_CONTENT);
export const DEFAULT_ETAG = createHash('md5').update(DEMO_CONTENT).digest('hex');
/** The eTag of a delete marker's event: the MD5 of no bytes. */
export const EMPTY_ETAG = 'd41d8cd98f00b204e9800998ecf8427e';
export const DEFAULT_REGION = 'eu-west-1';
/** eventTime under --seed N: this instant plus N seconds. */
export const SEED_EPOCH_MS = Date.UTC(2026, 0, 1);

/** Short names of the event types. */
export const TYPE_ALIASES: Readonly<Record<string, string>> = {
  put: 'ObjectCreated:Put',
  post: 'ObjectCreated:Post',
  copy: 'ObjectCreated:Copy',
  multipart: 'ObjectCreated:CompleteMultipartUpload',
  delete: 'ObjectRemoved:Delete',
  'delete-marker': 'ObjectRemoved:DeleteMarkerCreated',
  'tagging-put': 'ObjectTagging:Put',
  'tagging-delete': 'ObjectTagging:Delete',
  'acl-put': 'ObjectAcl:Put',
};

export type Via = 'sns' | 'sqs' | 'eventbridge';
export const VIAS: readonly Via[] = ['sns', 'sqs', 'eventbridge'];

/** The concrete event names a notification can carry (NOTIFICATION_EVENTS without wildcards), without `s3:`. */
export const EVENT_NAMES: readonly string[] = [...NOTIFICATION_EVENTS].filter((e) => !e.endsWith('*')).map((e) => e.slice(3));

/** `put`, `ObjectCreated:Put` or `s3:ObjectCreated:Put` → `ObjectCreated:Put`; undefined for anything else. */
export function resolveEventName(type: string): string | undefined {
  const alias = TYPE_ALIASES[type.toLowerCase()];
  if (alias) return alias;
  const bare = type.replace(/^s3:/, '');
  return EVENT_NAMES.find((n) => n.toLowerCase() === bare.toLowerCase());
}

/** One line naming every accepted TYPE form, for the usage error. */
export const TYPE_FORMS = `${Object.keys(TYPE_ALIASES).join(', ')}, or an S3 event name with or without s3: (e.g. ObjectCreated:Put, s3:ObjectRemoved:Delete; any of ${EVENT_NAMES.join(', ')})`;

export interface SampleEventOptions {
  /** An event name as resolveEventName gives it, e.g. `ObjectCreated:Put`. */
  eventName: string;
  bucket: string;
  /** The raw key (the record carries it form-urlencoded, EventBridge raw). */
  key: string;
  /** Bytes; DEFAULT_SIZE when absent. */
  size?: number;
  /** Unquoted or quoted; DEFAULT_ETAG when absent. */
  etag?: string;
  versionId?: string;
  via?: Via;
  region?: string;
  /** Repeatable ids, times and sequencer; random ids and now when absent. */
  seed?: number;
  /** Epoch ms used without a seed (tests). */
  now?: number;
}

/**
 * The configuration id the `--demo` bucket's configurations carry (demo.ts, demo-via.ts): `s3trigger-demo-created` /
 * `-removed` direct, `s3trigger-demo-sns` / `-sqs` via a topic or queue; EventBridge records carry none.
 */
function configurationIdOf(eventName: string, via: Via | undefined): string {
  if (via === 'eventbridge') return '';
  if (via !== undefined) return `s3trigger-demo-${via}`;
  if (eventName.startsWith('ObjectCreated:')) return 's3trigger-demo-created';
  if (eventName.startsWith('ObjectRemoved:')) return 's3trigger-demo-removed';
  return 's3trigger-demo';
}

/** Bytes from the seeded stream, or from crypto without a seed. */
function byteSource(seed: number | undefined): (n: number) => Buffer {
  if (seed === undefined) return (n) => randomBytes(n);
  const random = forkRandom(seed, 'sample-event');
  return (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
}

function uuidOf(b: Buffer): string {
  const h = Buffer.from(b);
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The storage class of the sample object in restore events (an archived object is what gets restored). */
const SAMPLE_STORAGE_CLASS = 'GLACIER';

/**
 * The event a function receives: `{"Records":[S3 record]}` direct; the SNS Lambda event whose `Sns.Message` is that
 * JSON (`--via sns`); the SQS Lambda event whose record body is that JSON (`--via sqs`); or the EventBridge event the
 * default bus delivers (`--via eventbridge`). The topic / queue are named `<bucket>-events`, as `--demo --via` names
 * them. Throws a plain Error for an event type S3 does not send to EventBridge.
 */
export function buildSampleEvent(o: SampleEventOptions): unknown {
  const bytes = byteSource(o.seed);
  const region = o.region ?? DEFAULT_REGION;
  const nowMs = o.seed !== undefined ? SEED_EPOCH_MS + o.seed * 1000 : (o.now ?? Date.now());
  const isDeleteMarker = o.eventName.endsWith(':DeleteMarkerCreated');
  // A delete marker always has a version id (32 URL-safe characters, as S3's).
  const versionId = o.versionId ?? (isDeleteMarker ? bytes(24).toString('base64url') : undefined);
  const record: S3EventRecord = buildEventRecord({
    eventName: o.eventName,
    region,
    bucket: o.bucket,
    key: o.key,
    size: o.size ?? DEFAULT_SIZE,
    etag: o.etag ?? (isDeleteMarker ? EMPTY_ETAG : DEFAULT_ETAG),
    ...(versionId !== undefined ? { versionId } : {}),
    // A restore completes for the requested days (one here); the sample object is a GLACIER one.
    ...(o.eventName.replace(/^s3:/, '') === 'ObjectRestore:Completed'
      ? {
          glacierEventData: {
            restoreEventData: {
              lifecycleRestorationExpiryTime: new Date(nowMs + 86_400_000).toISOString(),
              lifecycleRestoreStorageClass: SAMPLE_STORAGE_CLASS,
            },
          },
        }
      : {}),
    requestId: bytes(8).toString('hex').toUpperCase(),
    hostId: bytes(32).toString('base64'),
    sourceIp: '127.0.0.1',
    eventTime: new Date(nowMs),
    sequencer: new Sequencer(() => nowMs).next(),
    configurationId: configurationIdOf(o.eventName, o.via),
  });
  const s3Event = JSON.stringify({ Records: [record] });
  const resource = `${o.bucket}-events`;
  switch (o.via) {
    case undefined:
      return JSON.parse(s3Event);
    case 'sns': {
      const topicArn = `arn:aws:sns:${region}:${SANDBOX_ACCOUNT}:${resource}`;
      const subscriptionArn = `${topicArn}:${uuidOf(bytes(16))}`;
      const notification = {
        messageId: uuidOf(bytes(16)),
        topicArn,
        subject: S3_SNS_SUBJECT,
        message: s3Event,
        timestamp: new Date(nowMs).toISOString(),
        attributes: {},
      };
      return JSON.parse(lambdaEvent(notification, subscriptionArn, region));
    }
    case 'sqs': {
      const queueArn = `arn:aws:sqs:${region}:${SANDBOX_ACCOUNT}:${resource}`;
      const messageId = uuidOf(bytes(16));
      const sent = String(nowMs);
      const message = {
        messageId,
        receiptHandle: `AQEB${bytes(96).toString('base64')}`,
        body: s3Event,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: sent, SenderId: S3_SENDER_ID, ApproximateFirstReceiveTimestamp: sent },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(s3Event).digest('hex'),
      };
      return { Records: [sqsRecord(message, queueArn)] };
    }
    case 'eventbridge': {
      const entry = s3EventBridgeEntry(record, SANDBOX_ACCOUNT, SAMPLE_STORAGE_CLASS);
      if (!entry) throw new Error(`S3 sends no EventBridge event for ${o.eventName}`);
      const event = busEvent(
        { ...entry, detail: entry.detail as unknown as Record<string, unknown>, time: entry.time.getTime() },
        { region, accountId: SANDBOX_ACCOUNT, now: () => nowMs },
      );
      return { ...event, id: uuidOf(bytes(16)) };
    }
  }
}
