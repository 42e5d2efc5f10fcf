/**
 * S3 records through SNS, SQS and EventBridge envelopes, in AWS's shapes (SNS developer guide "Amazon SNS message
 * and JSON formats", Lambda developer guide "Using Lambda with Amazon SQS" / "…with Amazon SNS", S3 user guide
 * "EventBridge event message structure"), and the per-hop latency their times give.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractS3Mentions, type S3Mention } from '../../src/observe/s3-mentions.js';
import { computeLatency, hopsOf } from '../../src/observe/latency.js';
import type { Invocation } from '../../src/observe/types.js';

const REGION = 'eu-west-1';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:test-bucket-events';
const ACK = Date.parse('2026-11-30T10:00:00.100Z');

const s3Record = (key: string, requestId = 'C3D13FE58DE4C810') => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: REGION,
  eventTime: '2026-11-30T10:00:00.090Z',
  eventName: 'ObjectCreated:Put',
  userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
  requestParameters: { sourceIPAddress: '203.0.113.7' },
  responseElements: { 'x-amz-request-id': requestId, 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'to-sns',
    bucket: { name: 'test-bucket', ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: 'arn:aws:s3:::test-bucket' },
    object: { key, size: 29, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
  },
});

/** The notification SNS publishes (and writes into an SQS body: `SigningCertURL`, `UnsubscribeURL`). */
const snsNotification = (message: string, timestamp: string) => ({
  Type: 'Notification',
  MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
  TopicArn: TOPIC,
  Subject: 'Amazon S3 Notification',
  Message: message,
  Timestamp: timestamp,
  SignatureVersion: '1',
  Signature: 'EXAMPLE',
  SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
  UnsubscribeURL: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:c9135db0`,
});

/** The record Lambda gets from an SNS subscription. */
const snsRecord = (message: string, timestamp: string) => ({
  EventVersion: '1.0',
  EventSubscriptionArn: `${TOPIC}:c9135db0-26c4-47ec-8998-413945fb5a96`,
  EventSource: 'aws:sns',
  Sns: {
    SignatureVersion: '1',
    Timestamp: timestamp,
    Signature: 'EXAMPLE',
    SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
    MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
    Message: message,
    MessageAttributes: {},
    Type: 'Notification',
    UnsubscribeUrl: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:c9135db0`,
    TopicArn: TOPIC,
    Subject: 'Amazon S3 Notification',
  },
});

/** The record Lambda gets from an SQS event source mapping. */
const sqsRecord = (body: string, sentTimestamp: number, messageId = '059f36b4-87a3-44ab-83d2-661975830a7d') => ({
  messageId,
  receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...',
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(sentTimestamp),
    SenderId: 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: String(sentTimestamp + 5),
  },
  messageAttributes: {},
  md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:uploads',
  awsRegion: REGION,
});

/** S3's event on the default bus. */
const eventBridgeEvent = (key: string, time: string) => ({
  version: '0',
  id: '17793124-05d4-b198-2fde-7ededc63b103',
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '123456789012',
  time,
  region: REGION,
  resources: ['arn:aws:s3:::test-bucket'],
  detail: {
    version: '0',
    bucket: { name: 'test-bucket' },
    object: { key, size: 29, etag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
    'request-id': 'N4N7GDK58NMKJ12R',
    requester: '123456789012',
    'source-ip-address': '203.0.113.7',
    reason: 'PutObject',
  },
});

const s3Json = (key: string, rid?: string) => JSON.stringify({ Records: [s3Record(key, rid)] });
const SNS_TS = '2026-11-30T10:00:00.130Z';
const SQS_SENT = Date.parse('2026-11-30T10:00:00.160Z');

const cases: { name: string; event: unknown; expect: Partial<S3Mention>[] }[] = [
  {
    name: 'SNS record: Sns.Message holds the S3 event',
    event: { Records: [snsRecord(s3Json('a+b.txt'), SNS_TS)] },
    expect: [{ key: 'a+b.txt', via: 's3', requestId: 'C3D13FE58DE4C810', envelopes: [{ kind: 'sns', at: Date.parse(SNS_TS) }] }],
  },
  {
    name: 'SQS record: body holds the S3 event',
    event: { Records: [sqsRecord(s3Json('q.txt'), SQS_SENT)] },
    expect: [{ key: 'q.txt', via: 's3', envelopes: [{ kind: 'sqs', at: SQS_SENT }] }],
  },
  {
    name: 'SQS record: body holds the SNS notification holding the S3 event',
    event: { Records: [sqsRecord(JSON.stringify(snsNotification(s3Json('sns-sqs.txt'), SNS_TS)), SQS_SENT)] },
    expect: [
      {
        key: 'sns-sqs.txt',
        via: 's3',
        envelopes: [
          { kind: 'sns', at: Date.parse(SNS_TS) },
          { kind: 'sqs', at: SQS_SENT },
        ],
      },
    ],
  },
  {
    name: 'EventBridge event (detail), time in whole seconds',
    event: eventBridgeEvent('eb.txt', '2026-11-30T10:00:01Z'),
    expect: [
      {
        key: 'eb.txt',
        via: 'eventbridge',
        eventName: 'ObjectCreated:Put',
        requestId: 'N4N7GDK58NMKJ12R',
        envelopes: [{ kind: 'eventbridge', at: Date.parse('2026-11-30T10:00:01Z') }],
      },
    ],
  },
  {
    name: 'EventBridge -> SQS target: the event in the body',
    event: { Records: [sqsRecord(JSON.stringify(eventBridgeEvent('eb-sqs.txt', '2026-11-30T10:00:01Z')), SQS_SENT)] },
    expect: [
      {
        key: 'eb-sqs.txt',
        via: 'eventbridge',
        envelopes: [
          { kind: 'eventbridge', at: Date.parse('2026-11-30T10:00:01Z') },
          { kind: 'sqs', at: SQS_SENT },
        ],
      },
    ],
  },
  {
    name: 'a batched SQS invocation: one mention per record',
    event: {
      Records: [
        sqsRecord(s3Json('one.txt', 'AAAAAAAAAAAAAAA1'), SQS_SENT, 'm1'),
        sqsRecord(s3Json('two.txt', 'AAAAAAAAAAAAAAA2'), SQS_SENT + 3, 'm2'),
      ],
    },
    expect: [
      { key: 'one.txt', requestId: 'AAAAAAAAAAAAAAA1', envelopes: [{ kind: 'sqs', at: SQS_SENT }] },
      { key: 'two.txt', requestId: 'AAAAAAAAAAAAAAA2', envelopes: [{ kind: 'sqs', at: SQS_SENT + 3 }] },
    ],
  },
  {
    name: 'RawMessageDelivery (SNS -> SQS): the body is the S3 event itself',
    event: { Records: [sqsRecord(s3Json('raw.txt'), SQS_SENT)] },
    expect: [{ key: 'raw.txt', envelopes: [{ kind: 'sqs', at: SQS_SENT }] }],
  },
];

for (const c of cases) {
  test(`envelopes: ${c.name}`, () => {
    const got = extractS3Mentions([`EVENT ${JSON.stringify(c.event)}`]);
    assert.equal(got.length, c.expect.length);
    for (const [i, want] of c.expect.entries()) {
      const picked = Object.fromEntries(Object.keys(want).map((k) => [k, got[i]![k as keyof S3Mention]]));
      assert.deepEqual(picked, want);
    }
  });
}

test('hopsOf: ack -> SNS -> SQS -> START, each naming its clocks; a hop without a time is left out', () => {
  const start = SQS_SENT + 40;
  assert.deepEqual(
    hopsOf(
      [
        { kind: 'sns', at: Date.parse(SNS_TS) },
        { kind: 'sqs', at: SQS_SENT },
      ],
      ACK,
      start,
    ),
    [
      { from: 'ack', to: 'sns', ms: 30, clocks: "this machine -> SNS's clock" },
      { from: 'sns', to: 'sqs', ms: 30, clocks: "SNS's clock -> SQS's clock" },
      { from: 'sqs', to: 'start', ms: 40, clocks: "SQS's clock -> Lambda's clock" },
    ],
  );
  assert.deepEqual(
    hopsOf([{ kind: 'eventbridge', at: Date.parse('2026-11-30T10:00:00Z') }], ACK, ACK + 50),
    [
      { from: 'ack', to: 'eventbridge', ms: 0, clocks: "this machine -> EventBridge's clock, whole seconds" },
      { from: 'eventbridge', to: 'start', ms: 150, clocks: "EventBridge's clock, whole seconds -> Lambda's clock" },
    ],
    'EventBridge time is truncated to the second: a hop before the ack reads 0',
  );
  assert.deepEqual(hopsOf([{ kind: 'sqs' }], ACK, ACK + 10), []);
});

const invocation = (message: string, startedAt: number): Invocation => ({
  requestId: 'r1',
  logGroup: '/aws/lambda/f',
  logStream: 's',
  status: 'succeeded',
  startedAt,
  reportedAt: startedAt + 5,
  lines: [{ logGroup: '/aws/lambda/f', logStream: 's', timestamp: startedAt + 1, seenAt: startedAt + 2, message, kind: 'app' }],
  firstSeenAt: startedAt,
});

test("computeLatency: hops from the op's own record (its request id) in a batch; none for a plain S3 event", () => {
  const batch = {
    Records: [
      sqsRecord(s3Json('one.txt', 'AAAAAAAAAAAAAAA1'), ACK + 10, 'm1'),
      sqsRecord(s3Json('two.txt', 'AAAAAAAAAAAAAAA2'), ACK + 30, 'm2'),
    ],
  };
  const inv = invocation(`EVENT ${JSON.stringify(batch)}`, ACK + 100);
  const second = computeLatency({ ackedAt: ACK, key: 'two.txt', bucket: 'test-bucket', requestId: 'AAAAAAAAAAAAAAA2' }, inv);
  assert.deepEqual(
    second.hops?.map((h) => [h.from, h.to, h.ms]),
    [
      ['ack', 'sqs', 30],
      ['sqs', 'start', 70],
    ],
  );
  const first = computeLatency({ ackedAt: ACK, key: 'one.txt' }, inv);
  assert.deepEqual(first.hops?.[0]?.ms, 10);
  const plain = computeLatency({ ackedAt: ACK, key: 'p.txt' }, invocation(`EVENT ${s3Json('p.txt')}`, ACK + 20));
  assert.equal(plain.hops, undefined);
  assert.equal(plain.triggerMs, 20);
});
