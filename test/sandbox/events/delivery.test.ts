/**
 * Delivery end to end: PutEvents (JS SDK) -> rule -> a real Node function, its event read back through CloudWatch Logs
 * FilterLogEvents field by field; SQS and SNS targets on recording stubs set on the sandbox's context; the S3 side's
 * `ctx.eventBus.put`; --strict permission checks; Input, InputPath and InputTransformer.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { QueueRegistry, TopicRegistry } from '../../../src/sandbox/context.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { ROLE } from '../lambda/helpers.js';

const LOGGER = `export const handler = async (event) => {
  console.log('EVENT ' + JSON.stringify(event));
  return 'ok';
};`;

let sb: Sandbox;
let eb: EventBridgeClient;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;
const log: string[] = [];

/** Records what the delivery sends; `allow` decides the policy checks, `missing` the queues/topics that do not exist. */
class Recorder {
  readonly sent: { arn: string; body: string }[] = [];
  allow = true;
  readonly missing = new Set<string>();
  readonly queues = {
    exists: (arn: string) => !this.missing.has(arn),
    send: (arn: string, body: string) => {
      this.sent.push({ arn, body });
      return { messageId: `m-${this.sent.length}` };
    },
    allowsSend: () => this.allow,
  } as unknown as QueueRegistry;
  readonly topics: TopicRegistry = {
    exists: (arn) => !this.missing.has(arn),
    publish: (arn, message) => {
      this.sent.push({ arn, body: message.message });
      return { messageId: `t-${this.sent.length}` };
    },
    allowsPublish: () => this.allow,
  };
}

const rec = new Recorder();
const QUEUE = 'arn:aws:sqs:eu-west-1:000000000000:orders';
const TOPIC = 'arn:aws:sns:eu-west-1:000000000000:orders';

before(async () => {
  sb = await startSandbox({ port: 0, log: (line) => log.push(line) });
  sb.context.queues = rec.queues;
  sb.context.topics = rec.topics;
  const common = { endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  eb = new EventBridgeClient(common);
  lambda = new LambdaClient(common);
  logs = new CloudWatchLogsClient(common);
});
after(async () => {
  eb.destroy();
  lambda.destroy();
  logs.destroy();
  await sb.close();
});

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; sandbox log:\n${log.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The events the function logged (`EVENT {…}` lines), parsed. */
async function loggedEvents(fn: string): Promise<Record<string, unknown>[]> {
  try {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"EVENT "' }));
    return (out.events ?? []).map((e) => JSON.parse(/EVENT (\{.*\})/.exec(e.message ?? '')![1]!));
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return [];
    throw err;
  }
}

async function ruleWithTargets(name: string, pattern: object, targets: Target[], bus?: string): Promise<string> {
  const { RuleArn } = await eb.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), EventBusName: bus }));
  const put = await eb.send(new PutTargetsCommand({ Rule: name, EventBusName: bus, Targets: targets }));
  assert.equal(put.FailedEntryCount, 0);
  return RuleArn!;
}

test('Lambda target: the event as AWS shapes it reaches the function; AWS would refuse without permission (logged once); --strict refuses', async () => {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'eb-logger',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zipPackage({ 'index.mjs': LOGGER }) },
    }),
  );
  const fnArn = `arn:aws:lambda:eu-west-1:000000000000:function:eb-logger`;
  const ruleArn = await ruleWithTargets('to-lambda', { source: ['my.app'], detail: { kind: ['order'] } }, [{ Id: 'fn', Arn: fnArn }]);
  assert.equal(ruleArn, 'arn:aws:events:eu-west-1:000000000000:rule/to-lambda');

  const time = new Date('2026-01-02T03:04:05.678Z');
  const put = await eb.send(
    new PutEventsCommand({
      Entries: [
        { Source: 'my.app', DetailType: 'Order Placed', Detail: JSON.stringify({ kind: 'other' }), Time: time },
        {
          Source: 'my.app',
          DetailType: 'Order Placed',
          Detail: JSON.stringify({ kind: 'order', total: 42, items: ['a', 'b'] }),
          Resources: ['arn:aws:s3:::orders-bucket'],
          Time: time,
        },
      ],
    }),
  );
  assert.equal(put.FailedEntryCount, 0);
  const eventId = put.Entries![1]!.EventId!;
  const [event] = await until('the function to log the event', async () => {
    const found = await loggedEvents('eb-logger');
    return found.length > 0 ? found : undefined;
  });
  assert.equal(event!.version, '0');
  assert.equal(event!.id, eventId);
  assert.equal(event!['detail-type'], 'Order Placed');
  assert.equal(event!.source, 'my.app');
  assert.equal(event!.account, '000000000000');
  assert.equal(event!.time, '2026-01-02T03:04:05Z', 'ISO 8601 without milliseconds');
  assert.equal(event!.region, 'eu-west-1');
  assert.deepEqual(event!.resources, ['arn:aws:s3:::orders-bucket']);
  assert.deepEqual(event!.detail, { kind: 'order', total: 42, items: ['a', 'b'] });
  assert.deepEqual(Object.keys(event!), ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);

  const fix = `aws --endpoint-url ${sb.endpoint} lambda add-permission --function-name eb-logger --statement-id events-to-lambda --action lambda:InvokeFunction --principal events.amazonaws.com --source-arn ${ruleArn}`;
  const warnings = () => log.filter((l) => l.includes('AWS would refuse') && l.includes('to-lambda'));
  assert.equal(warnings().length, 1);
  assert.ok(warnings()[0]!.endsWith(`fix: ${fix}`), warnings()[0]);

  // A second event: delivered again, no second warning; the non-matching one never arrived.
  await eb.send(new PutEventsCommand({ Entries: [{ Source: 'my.app', DetailType: 'Order Placed', Detail: '{"kind":"order","n":2}' }] }));
  await until('the second event', async () => ((await loggedEvents('eb-logger')).length === 2 ? true : undefined));
  assert.equal(warnings().length, 1, 'warned once per target');
  assert.ok((await loggedEvents('eb-logger')).every((e) => (e.detail as { kind: string }).kind === 'order'));

  // --strict: refused and logged with the fix, until the permission exists.
  sb.context.strict = true;
  try {
    await eb.send(new PutEventsCommand({ Entries: [{ Source: 'my.app', DetailType: 'Order Placed', Detail: '{"kind":"order","n":3}' }] }));
    const refused = await until('the refusal', () => log.find((l) => l.includes('refused (--strict)') && l.includes('eb-logger')));
    assert.ok(refused.includes(`fix: ${fix}`), refused);
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'eb-logger',
        StatementId: 'events-to-lambda',
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: ruleArn,
      }),
    );
    await eb.send(new PutEventsCommand({ Entries: [{ Source: 'my.app', DetailType: 'Order Placed', Detail: '{"kind":"order","n":4}' }] }));
    const delivered = await until('the permitted event', async () => {
      const found = await loggedEvents('eb-logger');
      return found.some((e) => (e.detail as { n?: number }).n === 4) ? found : undefined;
    });
    assert.ok(!delivered.some((e) => (e.detail as { n?: number }).n === 3), 'the refused event never ran');
  } finally {
    sb.context.strict = false;
  }
});

test('SQS and SNS targets: the event JSON, Input, InputPath, InputTransformer; disabled rules and other buses get nothing', async () => {
  rec.sent.length = 0;
  await ruleWithTargets('fan-out', { source: ['shop'] }, [
    { Id: 'q-event', Arn: QUEUE },
    { Id: 't-input', Arn: TOPIC, Input: '{"constant":true}' },
    { Id: 'q-path', Arn: `${QUEUE}-path`, InputPath: '$.detail.order' },
    {
      Id: 't-transform',
      Arn: `${TOPIC}-transform`,
      InputTransformer: {
        InputPathsMap: { id: '$.detail.order.id', type: '$.detail-type', order: '$.detail.order' },
        InputTemplate: '{"orderId": <id>, "text": "order <id> (<type>) by rule <aws.events.rule-name>", "order": <order>}',
      },
    },
    {
      Id: 'q-string',
      Arn: `${QUEUE}-string`,
      InputTransformer: { InputPathsMap: { id: '$.detail.order.id' }, InputTemplate: '"Order <id> placed"' },
    },
  ]);
  await eb.send(new PutRuleCommand({ Name: 'off', EventPattern: JSON.stringify({ source: ['shop'] }), State: 'DISABLED' }));
  await eb.send(new PutTargetsCommand({ Rule: 'off', Targets: [{ Id: 'never', Arn: `${QUEUE}-disabled` }] }));

  const put = await eb.send(
    new PutEventsCommand({
      Entries: [{ Source: 'shop', DetailType: 'Order Placed', Detail: JSON.stringify({ order: { id: 'o-1', total: 9.5 } }) }],
    }),
  );
  await until('five deliveries', () => (rec.sent.length >= 5 ? true : undefined));
  await new Promise((r) => setTimeout(r, 50));
  const byArn = new Map(rec.sent.map((s) => [s.arn, s.body]));
  assert.equal(rec.sent.length, 5, JSON.stringify(rec.sent));
  assert.ok(!byArn.has(`${QUEUE}-disabled`), 'a disabled rule delivers nothing');

  const event = JSON.parse(byArn.get(QUEUE)!);
  assert.equal(event.id, put.Entries![0]!.EventId);
  assert.deepEqual(event.detail, { order: { id: 'o-1', total: 9.5 } });
  assert.equal(event['detail-type'], 'Order Placed');
  assert.equal(byArn.get(TOPIC), '{"constant":true}');
  assert.equal(byArn.get(`${QUEUE}-path`), '{"id":"o-1","total":9.5}');
  assert.deepEqual(JSON.parse(byArn.get(`${TOPIC}-transform`)!), {
    orderId: 'o-1',
    text: 'order o-1 (Order Placed) by rule fan-out',
    order: { id: 'o-1', total: 9.5 },
  });
  assert.equal(byArn.get(`${QUEUE}-string`), '"Order o-1 placed"');

  // An event on a custom bus reaches that bus's rules only.
  await eb.send(new CreateEventBusCommand({ Name: 'side-bus' }));
  await ruleWithTargets('side', { source: ['shop'] }, [{ Id: 'side', Arn: `${QUEUE}-side` }], 'side-bus');
  rec.sent.length = 0;
  await eb.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'x', Detail: '{"order":{}}', EventBusName: 'side-bus' }] }));
  await until('the side-bus delivery', () => (rec.sent.length >= 1 ? true : undefined));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    rec.sent.map((s) => s.arn),
    [`${QUEUE}-side`],
  );
});

test('queue and topic targets: a missing one and a refused one are logged; the S3 side puts events through ctx.eventBus', async () => {
  rec.sent.length = 0;
  const ruleArn = await ruleWithTargets(
    's3-objects',
    { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['photos'] } } },
    [
      { Id: 'q', Arn: `${QUEUE}-s3` },
      { Id: 'gone', Arn: `${QUEUE}-gone` },
      { Id: 'stream', Arn: 'arn:aws:kinesis:eu-west-1:000000000000:stream/s' },
    ],
  );
  assert.ok(log.some((l) => l.includes('target stream') && l.includes('not a Lambda, SQS or SNS target')));
  rec.missing.add(`${QUEUE}-gone`);
  rec.allow = false;
  const time = new Date('2026-03-04T05:06:07.089Z');
  const detail = { version: '0', bucket: { name: 'photos' }, object: { key: 'a.jpg', size: 3 }, reason: 'PutObject' };
  const { eventId } = sb.context.eventBus.put({
    source: 'aws.s3',
    detailType: 'Object Created',
    detail: JSON.stringify(detail),
    resources: ['arn:aws:s3:::photos'],
    time,
  });
  sb.context.eventBus.put({ source: 'aws.s3', detailType: 'Object Created', detail: JSON.stringify({ bucket: { name: 'other' } }) });
  await until('the S3 event', () => (rec.sent.length >= 1 ? true : undefined));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(rec.sent.length, 1, 'only the photos event matched');
  const event = JSON.parse(rec.sent[0]!.body);
  assert.deepEqual(event, {
    version: '0',
    id: eventId,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '000000000000',
    time: '2026-03-04T05:06:07Z',
    region: 'eu-west-1',
    resources: ['arn:aws:s3:::photos'],
    detail,
  });
  assert.ok(log.some((l) => l.includes(`${QUEUE}-gone: event ${eventId}`) && l.endsWith('not delivered: queue does not exist')));
  assert.ok(log.some((l) => l.includes(`event ${eventId}`) && l.includes('kinesis') && l.includes('only to Lambda, SQS and SNS targets')));
  const warning = log.find((l) => l.includes(`${QUEUE}-s3: delivered, but AWS would refuse it`));
  assert.ok(warning?.includes(`sqs set-queue-attributes --queue-url ${sb.endpoint}/000000000000/orders-s3 --attributes`), warning);
  assert.ok(warning?.includes(ruleArn));

  // --strict: the queue's policy decides.
  rec.sent.length = 0;
  sb.context.strict = true;
  try {
    sb.context.eventBus.put({ source: 'aws.s3', detailType: 'Object Created', detail: JSON.stringify(detail) });
    await until('the refusal', () => log.find((l) => l.includes(`${QUEUE}-s3`) && l.includes('refused (--strict)')));
    assert.equal(rec.sent.length, 0);
    rec.allow = true;
    sb.context.eventBus.put({ source: 'aws.s3', detailType: 'Object Created', detail: JSON.stringify(detail) });
    await until('the allowed delivery', () => (rec.sent.length === 1 ? true : undefined));
  } finally {
    sb.context.strict = false;
  }
});
