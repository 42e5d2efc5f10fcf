import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueueRegistry, S3Notification, TopicRegistry } from '../../../src/sandbox/context.js';
import { absentServices } from '../../../src/sandbox/absent-services.js';
import { buildEventRecord } from '../../../src/sandbox/s3/event-record.js';
import { deliverS3Notification, type NotifierContext } from '../../../src/sandbox/glue/s3-notifications.js';
import { S3_SENDER_ID } from '../../../src/sandbox/glue/s3-to-sqs.js';
import { announceNotificationConfig, s3TestEvent } from '../../../src/sandbox/glue/s3-test-event.js';

const QUEUE = 'arn:aws:sqs:eu-west-1:000000000000:q';
const TOPIC = 'arn:aws:sns:eu-west-1:000000000000:t';
const FN = 'arn:aws:lambda:eu-west-1:000000000000:function:fn';

const record = buildEventRecord({
  eventName: 'ObjectCreated:Put',
  region: 'eu-west-1',
  bucket: 'b',
  key: 'a b+c.txt',
  size: 3,
  etag: '"e"',
  requestId: 'REQ',
  hostId: 'HOST',
  sourceIp: '127.0.0.1',
  eventTime: new Date('2026-11-30T12:00:00.000Z'),
  sequencer: '00692C3E4000000001',
  configurationId: 'cfg',
});

interface Recorded {
  sent: { arn: string; body: string; senderId?: string }[];
  published: { arn: string; message: string; subject?: string }[];
  put: { source: string; detailType: string; detail: string; resources?: string[]; time?: Date }[];
  invoked: string[];
  logs: string[];
}

/** A context whose queue, topic, bus and function record what they get; `allow` is every policy's answer. */
function stubContext(options: { strict: boolean; allow: boolean; exists?: boolean; failing?: boolean }): NotifierContext & Recorded {
  const r: Recorded = { sent: [], published: [], put: [], invoked: [], logs: [] };
  const exists = () => options.exists !== false;
  const fail = () => {
    if (options.failing) throw new Error('boom');
  };
  const queues: QueueRegistry = {
    ...absentServices().queues,
    exists,
    allowsSend: () => options.allow,
    send: (arn, body, o) => {
      fail();
      r.sent.push({ arn, body, ...(o?.senderId ? { senderId: o.senderId } : {}) });
      return { messageId: 'm' };
    },
  };
  const topics: TopicRegistry = {
    exists,
    allowsPublish: () => options.allow,
    publish: (arn, m) => {
      fail();
      r.published.push({ arn, message: m.message, ...(m.subject ? { subject: m.subject } : {}) });
      return { messageId: 'm' };
    },
  };
  return {
    ...r,
    accountId: '000000000000',
    strict: options.strict,
    log: (line) => r.logs.push(line),
    queues,
    topics,
    eventBus: {
      put: (entry) => {
        fail();
        r.put.push(entry);
        return { eventId: 'e' };
      },
    },
    functions: {
      exists,
      functionFor: () => (exists() ? 'fn' : undefined),
      allowsInvoke: () => options.allow,
      invokeAsync: (name) => {
        r.invoked.push(name);
        return 'id';
      },
    },
  };
}

const to = (destination: S3Notification['destination']): S3Notification => ({ record, destination });

test('S3 -> SQS: one SendMessage of {"Records":[record]} with S3 as the sender', () => {
  const ctx = stubContext({ strict: false, allow: false });
  deliverS3Notification(to({ kind: 'queue', arn: QUEUE, configurationId: 'cfg' }), ctx);
  assert.deepEqual(ctx.sent, [{ arn: QUEUE, body: JSON.stringify({ Records: [record] }), senderId: S3_SENDER_ID }]);
  assert.deepEqual(ctx.logs, []);
});

test('S3 -> SNS: one Publish with the subject Amazon S3 Notification', () => {
  const ctx = stubContext({ strict: false, allow: true });
  deliverS3Notification(to({ kind: 'topic', arn: TOPIC, configurationId: 'cfg' }), ctx);
  assert.deepEqual(ctx.published, [{ arn: TOPIC, message: JSON.stringify({ Records: [record] }), subject: 'Amazon S3 Notification' }]);
});

test('S3 -> EventBridge: one put on the default bus, detail as a JSON string with the raw key', () => {
  const ctx = stubContext({ strict: true, allow: false });
  deliverS3Notification(to({ kind: 'eventbridge' }), ctx);
  assert.equal(ctx.put.length, 1);
  const [entry] = ctx.put;
  assert.equal(entry!.source, 'aws.s3');
  assert.equal(entry!.detailType, 'Object Created');
  assert.deepEqual(entry!.resources, ['arn:aws:s3:::b']);
  assert.equal(JSON.parse(entry!.detail).object.key, 'a b+c.txt');
  assert.equal(record.s3.object.key, 'a+b%2Bc.txt');
});

test('every failed delivery is one log line, nothing thrown, nothing sent', () => {
  const cases: { label: string; options: Parameters<typeof stubContext>[0]; destination: S3Notification['destination']; log: RegExp }[] = [
    {
      label: 'queue gone',
      options: { strict: false, allow: true, exists: false },
      destination: { kind: 'queue', arn: QUEUE, configurationId: 'c' },
      log: /^s3 -> sqs: dropped ObjectCreated:Put s3:\/\/b\/a\+b%2Bc\.txt: queue .*:q does not exist$/,
    },
    {
      label: 'topic gone',
      options: { strict: false, allow: true, exists: false },
      destination: { kind: 'topic', arn: TOPIC, configurationId: 'c' },
      log: /^s3 -> sns: dropped .*: topic .*:t does not exist$/,
    },
    {
      label: 'strict: queue policy',
      options: { strict: true, allow: false },
      destination: { kind: 'queue', arn: QUEUE, configurationId: 'c' },
      log: /policy of queue .* does not let s3\.amazonaws\.com send \(--strict\)/,
    },
    {
      label: 'strict: topic policy',
      options: { strict: true, allow: false },
      destination: { kind: 'topic', arn: TOPIC, configurationId: 'c' },
      log: /policy of topic .* does not let s3\.amazonaws\.com publish \(--strict\)/,
    },
    {
      label: 'strict: function permission',
      options: { strict: true, allow: false },
      destination: { kind: 'lambda', arn: FN, configurationId: 'c' },
      log: /function .*:fn does not let s3\.amazonaws\.com invoke it \(--strict\)/,
    },
    {
      label: 'send throws',
      options: { strict: false, allow: true, failing: true },
      destination: { kind: 'queue', arn: QUEUE, configurationId: 'c' },
      log: /dropped .* for .*:q: boom/,
    },
    {
      label: 'publish throws',
      options: { strict: false, allow: true, failing: true },
      destination: { kind: 'topic', arn: TOPIC, configurationId: 'c' },
      log: /dropped .* for .*:t: boom/,
    },
    {
      label: 'put throws',
      options: { strict: false, allow: true, failing: true },
      destination: { kind: 'eventbridge' },
      log: /^s3 -> eventbridge: dropped .*: boom$/,
    },
  ];
  for (const c of cases) {
    const ctx = stubContext(c.options);
    assert.doesNotThrow(() => deliverS3Notification(to(c.destination), ctx), c.label);
    assert.equal(ctx.logs.length, 1, c.label);
    assert.match(ctx.logs[0]!, c.log, c.label);
    assert.deepEqual([ctx.sent, ctx.published, ctx.put, ctx.invoked], [[], [], [], []], c.label);
  }
});

test('without --strict a refusing policy still delivers (the gap was logged when the configuration was saved)', () => {
  for (const destination of [
    { kind: 'queue', arn: QUEUE, configurationId: 'c' },
    { kind: 'topic', arn: TOPIC, configurationId: 'c' },
    { kind: 'lambda', arn: FN, configurationId: 'c' },
  ] as const) {
    const ctx = stubContext({ strict: false, allow: false });
    deliverS3Notification(to(destination), ctx);
    assert.equal(ctx.sent.length + ctx.published.length + ctx.invoked.length, 1, destination.kind);
    assert.deepEqual(ctx.logs, []);
  }
});

test('EventBridge: an event type S3 does not send there is logged, not put', () => {
  const ctx = stubContext({ strict: false, allow: true });
  deliverS3Notification({ record: { ...record, eventName: 'ReducedRedundancyLostObject' }, destination: { kind: 'eventbridge' } }, ctx);
  assert.deepEqual(ctx.put, []);
  assert.match(ctx.logs.join('\n'), /S3 sends no EventBridge event for ReducedRedundancyLostObject/);
});

test('s3:TestEvent: AWS field order; sent once per queue and topic, never to Lambda; gaps logged; failures logged', () => {
  assert.equal(
    s3TestEvent({ bucket: 'b', requestId: 'R', hostId: 'H', time: new Date('2026-11-30T12:00:00.089Z') }),
    '{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-30T12:00:00.089Z","Bucket":"b","RequestId":"R","HostId":"H"}',
  );
  const ctx = stubContext({ strict: false, allow: true });
  const announce = { ...ctx, endpoint: 'http://127.0.0.1:4566', region: 'eu-west-1' };
  announceNotificationConfig(announce, {
    bucket: 'b',
    requestId: 'R',
    hostId: 'H',
    destinations: [
      { kind: 'lambda', arn: FN },
      { kind: 'queue', arn: QUEUE },
      { kind: 'queue', arn: QUEUE },
      { kind: 'topic', arn: TOPIC },
    ],
    gaps: [{ kind: 'lambda', arn: FN, bucket: 'b' }],
  });
  assert.deepEqual(
    ctx.sent.map((s) => [s.arn, JSON.parse(s.body).Event, JSON.parse(s.body).RequestId, s.senderId]),
    [[QUEUE, 's3:TestEvent', 'R', S3_SENDER_ID]],
  );
  assert.deepEqual(
    ctx.published.map((p) => [p.arn, JSON.parse(p.message).Event, p.subject]),
    [[TOPIC, 's3:TestEvent', 'Amazon S3 Notification']],
  );
  assert.equal(ctx.invoked.length, 0);
  assert.equal(ctx.logs.length, 1);
  assert.match(ctx.logs[0]!, /lambda add-permission --function-name fn --statement-id s3invoke/);

  const failing = stubContext({ strict: false, allow: true, failing: true });
  announceNotificationConfig(
    { ...failing, region: 'eu-west-1' },
    { bucket: 'b', requestId: 'R', hostId: 'H', destinations: [{ kind: 'queue', arn: QUEUE }], gaps: [] },
  );
  assert.match(failing.logs.join('\n'), /s3:TestEvent of bucket b not delivered to .*:q: boom/);
});
