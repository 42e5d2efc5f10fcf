/**
 * SQS → Lambda through event source mappings, end to end on the sandbox's own SQS service: @aws-sdk/client-sqs
 * sends, @aws-sdk/client-lambda maps, the handler's log (through the Logs service) shows what it received.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { AWS_CLIS, findCli, awsCliEnv } from '../../aws-cli.js';
import { ROLE } from './helpers.js';

const HANDLER = `export const handler = async (event) => {
  console.log('EVENT ' + JSON.stringify(event));
  const failing = event.Records.filter((r) => r.body.includes('FAIL')).map((r) => r.messageId);
  if (process.env.MODE === 'partial') return { batchItemFailures: failing.map((id) => ({ itemIdentifier: id })) };
  if (failing.length) throw new Error('marker body');
  return { processed: event.Records.length };
};`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Clients {
  sqs: SQSClient;
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
  destroy(): void;
}
function clients(sb: Sandbox): Clients {
  const common = { endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const c = { sqs: new SQSClient(common), lambda: new LambdaClient(common), logs: new CloudWatchLogsClient(common) };
  return {
    ...c,
    destroy: () => {
      for (const x of Object.values(c)) x.destroy();
    },
  };
}

let sb: Sandbox;
let c: Clients;
before(async () => {
  sb = await startSandbox({ port: 0 });
  c = clients(sb);
});
after(async () => {
  c.destroy();
  await sb.close();
});

async function queue(cl: Clients, name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await cl.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await cl.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

async function fn(cl: Clients, name: string, extra: { Timeout?: number; mode?: string } = {}): Promise<void> {
  await cl.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zipPackage({ 'index.mjs': HANDLER }) },
      ...(extra.Timeout ? { Timeout: extra.Timeout } : {}),
      ...(extra.mode ? { Environment: { Variables: { MODE: extra.mode } } } : {}),
    }),
  );
}

interface LoggedEvent {
  Records: { messageId: string; body: string; attributes: Record<string, string>; [k: string]: unknown }[];
}
async function events(cl: Clients, name: string): Promise<LoggedEvent[]> {
  try {
    const out = await cl.logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}` }));
    return (out.events ?? [])
      .map((e) => e.message ?? '')
      .filter((m) => m.includes('EVENT {'))
      .map((m) => JSON.parse(m.slice(m.indexOf('EVENT {') + 6)));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return [];
    throw err;
  }
}

async function depth(cl: Clients, url: string): Promise<number> {
  const { Attributes } = await cl.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return (
    Number(Attributes!.ApproximateNumberOfMessages) +
    Number(Attributes!.ApproximateNumberOfMessagesNotVisible) +
    Number(Attributes!.ApproximateNumberOfMessagesDelayed)
  );
}

test('SendMessage → the function gets the exact SQS record → the message is deleted', async () => {
  const q = await queue(c, 'esm-sqs-basic');
  await fn(c, 'esm-sqs-basic');
  await c.lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: q.arn, FunctionName: 'esm-sqs-basic' }));
  const before = Date.now();
  const sent = await c.sqs.send(
    new SendMessageCommand({
      QueueUrl: q.url,
      MessageBody: '{"Records":[{"eventName":"ObjectCreated:Put"}]}',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'upload' } },
    }),
  );
  const [event] = await until('the invocation', async () => {
    const e = await events(c, 'esm-sqs-basic');
    return e.length ? e : undefined;
  });
  await until('the message to be deleted', async () => ((await depth(c, q.url)) === 0 ? true : undefined));
  const [record] = event!.Records;
  assert.deepEqual(Object.keys(record!), [
    'messageId',
    'receiptHandle',
    'body',
    'attributes',
    'messageAttributes',
    'md5OfMessageAttributes',
    'md5OfBody',
    'eventSource',
    'eventSourceARN',
    'awsRegion',
  ]);
  assert.equal(record!.messageId, sent.MessageId);
  assert.equal(typeof record!.receiptHandle, 'string');
  assert.equal(record!.body, '{"Records":[{"eventName":"ObjectCreated:Put"}]}');
  assert.deepEqual(Object.keys(record!.attributes), [
    'ApproximateReceiveCount',
    'SentTimestamp',
    'SenderId',
    'ApproximateFirstReceiveTimestamp',
  ]);
  assert.equal(record!.attributes.ApproximateReceiveCount, '1');
  const sentAt = Number(record!.attributes.SentTimestamp);
  assert.ok(sentAt >= before - 1000 && sentAt <= Date.now(), `SentTimestamp ${sentAt}`);
  assert.ok(Number(record!.attributes.ApproximateFirstReceiveTimestamp) >= sentAt);
  assert.deepEqual(record!.messageAttributes, {
    kind: { stringValue: 'upload', stringListValues: [], binaryListValues: [], dataType: 'String' },
  });
  assert.equal(record!.md5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.equal(record!.md5OfBody, sent.MD5OfMessageBody);
  assert.equal(record!.eventSource, 'aws:sqs');
  assert.equal(record!.eventSourceARN, q.arn);
  assert.equal(record!.awsRegion, sb.region);
});

test('a failing function: redelivered after the visibility timeout, then moved to the dead-letter queue after maxReceiveCount', async () => {
  const dlq = await queue(c, 'esm-sqs-dlq');
  const q = await queue(c, 'esm-sqs-fail', {
    VisibilityTimeout: '1',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
  });
  await fn(c, 'esm-sqs-fail', { Timeout: 1 });
  const m = await c.lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: q.arn, FunctionName: 'esm-sqs-fail', BatchSize: 1 }));
  const sent = await c.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'FAIL me' }));
  const moved = await until('the message in the dead-letter queue', async () => {
    const r = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 1 }));
    return r.Messages?.length ? r.Messages : undefined;
  });
  assert.equal(moved[0]!.Body, 'FAIL me');
  assert.equal(moved[0]!.MessageId, sent.MessageId);
  const attempts = await events(c, 'esm-sqs-fail');
  assert.deepEqual(
    attempts.map((e) => [e.Records[0]!.messageId, e.Records[0]!.attributes.ApproximateReceiveCount]),
    [
      [sent.MessageId, '1'],
      [sent.MessageId, '2'],
    ],
  );
  assert.equal(await depth(c, q.url), 0);
  await c.lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('ReportBatchItemFailures on real SQS: only the reported message comes back', async () => {
  const q = await queue(c, 'esm-sqs-partial', { VisibilityTimeout: '3' });
  await fn(c, 'esm-sqs-partial', { mode: 'partial' });
  await c.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: q.url,
      Entries: ['ok-1', 'FAIL-2', 'ok-3'].map((body, i) => ({ Id: `m${i}`, MessageBody: body })),
    }),
  );
  const m = await c.lambda.send(
    new CreateEventSourceMappingCommand({
      EventSourceArn: q.arn,
      FunctionName: 'esm-sqs-partial',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    }),
  );
  const [first] = await until('the batch', async () => {
    const e = await events(c, 'esm-sqs-partial');
    return e.length ? e : undefined;
  });
  assert.deepEqual(first!.Records.map((r) => r.body).sort(), ['FAIL-2', 'ok-1', 'ok-3']);
  const retried = await until('the failed message to come back', async () => {
    const e = await events(c, 'esm-sqs-partial');
    return e.length >= 2 ? e[1] : undefined;
  });
  assert.deepEqual(
    retried.Records.map((r) => [r.body, r.attributes.ApproximateReceiveCount]),
    [['FAIL-2', '2']],
  );
  await c.lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('a batching window collects messages sent over a second into one invocation', async () => {
  const q = await queue(c, 'esm-sqs-window');
  await fn(c, 'esm-sqs-window');
  const m = await c.lambda.send(
    new CreateEventSourceMappingCommand({
      EventSourceArn: q.arn,
      FunctionName: 'esm-sqs-window',
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 2,
    }),
  );
  for (const body of ['a', 'b', 'c', 'd']) {
    await c.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: body }));
    await sleep(250);
  }
  await until('the messages to be deleted', async () => ((await depth(c, q.url)) === 0 ? true : undefined));
  const got = await events(c, 'esm-sqs-window');
  assert.deepEqual(
    got.map((e) => e.Records.map((r) => r.body)),
    [['a', 'b', 'c', 'd']],
  );
  await c.lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('window 0: SendMessage to the handler START in well under a second (sandbox figure, printed)', async () => {
  const q = await queue(c, 'esm-sqs-latency');
  await fn(c, 'esm-sqs-latency');
  const m = await c.lambda.send(
    new CreateEventSourceMappingCommand({ EventSourceArn: q.arn, FunctionName: 'esm-sqs-latency', BatchSize: 1 }),
  );
  const lags: number[] = [];
  for (let i = 0; i < 10; i++) {
    const sent = Date.now();
    await c.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: `n${i}` }));
    const start = await until('START', async () => {
      const out = await c.logs.send(
        new FilterLogEventsCommand({ logGroupName: '/aws/lambda/esm-sqs-latency', filterPattern: '"START RequestId"' }),
      );
      return (out.events ?? []).length > i ? out.events![i]!.timestamp : undefined;
    });
    lags.push(start! - sent);
    await until('deleted', async () => ((await depth(c, q.url)) === 0 ? true : undefined));
  }
  lags.sort((a, b) => a - b);
  console.log(`esm window 0: SendMessage -> START ms (min/p50/max): ${lags[0]}/${lags[5]}/${lags[9]}`);
  assert.ok(lags[5]! < 1000, `p50 ${lags[5]} ms`);
  await c.lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('300 messages with BatchSize 10: every message delivered exactly once, none left', async () => {
  const q = await queue(c, 'esm-sqs-many');
  await fn(c, 'esm-sqs-many');
  const m = await c.lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: q.arn, FunctionName: 'esm-sqs-many' }));
  const ids: string[] = [];
  for (let batch = 0; batch < 30; batch++) {
    const out = await c.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: q.url,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${batch * 10 + i}` })),
      }),
    );
    ids.push(...(out.Successful ?? []).map((x) => x.MessageId!));
  }
  assert.equal(ids.length, 300);
  await until('the queue to drain', async () => ((await depth(c, q.url)) === 0 ? true : undefined), 60_000);
  const seen = (await events(c, 'esm-sqs-many')).flatMap((e) => e.Records.map((r) => r.messageId));
  assert.ok((await events(c, 'esm-sqs-many')).every((e) => e.Records.length <= 10));
  assert.equal(seen.length, 300, 'no duplicates');
  assert.deepEqual([...seen].sort(), [...ids].sort());
  await c.lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('queue, messages and mapping survive a restart with --data; the poller resumes on the restored queue', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-esm-sqs-'));
  try {
    const first = await startSandbox({ port: 0, dataDir });
    const c1 = clients(first);
    const q = await queue(c1, 'esm-sqs-restart');
    await fn(c1, 'esm-sqs-restart');
    const m = await c1.lambda.send(
      new CreateEventSourceMappingCommand({ EventSourceArn: q.arn, FunctionName: 'esm-sqs-restart', Enabled: false }),
    );
    await c1.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'sent before the restart' }));
    c1.destroy();
    await first.close();

    const second = await startSandbox({ port: 0, dataDir });
    const c2 = clients(second);
    try {
      await c2.lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: true }));
      await until('the message to be processed', async () => ((await depth(c2, q.url)) === 0 ? true : undefined));
      const got = await events(c2, 'esm-sqs-restart');
      assert.deepEqual(
        got.map((e) => e.Records.map((r) => r.body)),
        [['sent before the restart']],
      );
    } finally {
      c2.destroy();
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

const run = promisify(execFile);
for (const [label, candidate, major] of AWS_CLIS) {
  test(`aws CLI ${label}: create-queue, create-function, create-event-source-mapping, send-message; the handler logs the body`, async (t) => {
    const cli = await findCli(candidate, major);
    if (!cli) return t.skip(`aws CLI ${label} not found`);
    const dir = mkdtempSync(join(tmpdir(), 's3trigger-esm-sqs-cli-'));
    writeFileSync(join(dir, 'config'), '');
    writeFileSync(join(dir, 'credentials'), '');
    writeFileSync(
      join(dir, 'worker.zip'),
      zipPackage({ 'worker.py': `def handler(event, context):\n    for r in event['Records']:\n        print('worker got', r['body'])\n` }),
    );
    const aws = async (...args: string[]) => {
      const env = awsCliEnv(dir, sb.region);
      const { stdout } = await run(cli, ['--endpoint-url', sb.endpoint, '--output', 'json', ...args], { env, cwd: dir, timeout: 60_000 });
      return stdout.trim() ? JSON.parse(stdout) : {};
    };
    try {
      const name = `esm-sqs-cli-${label}`;
      const { QueueUrl } = await aws('sqs', 'create-queue', '--queue-name', name);
      const { Attributes } = await aws('sqs', 'get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'QueueArn');
      await aws(
        'lambda',
        'create-function',
        '--function-name',
        name,
        '--runtime',
        'python3.12',
        '--handler',
        'worker.handler',
        '--role',
        ROLE,
        '--zip-file',
        'fileb://worker.zip',
      );
      const mapping = await aws(
        'lambda',
        'create-event-source-mapping',
        '--function-name',
        name,
        '--event-source-arn',
        Attributes.QueueArn,
        '--batch-size',
        '10',
        '--maximum-batching-window-in-seconds',
        '1',
      );
      assert.equal(mapping.State, 'Creating');
      const listed = await aws('lambda', 'list-event-source-mappings', '--event-source-arn', Attributes.QueueArn);
      assert.deepEqual(
        listed.EventSourceMappings.map((x: { UUID: string; FunctionArn: string }) => [x.UUID, x.FunctionArn]),
        [[mapping.UUID, `arn:aws:lambda:${sb.region}:000000000000:function:${name}`]],
      );
      await aws('sqs', 'send-message', '--queue-url', QueueUrl, '--message-body', `hello ${label}`);
      await until(
        'the handler to log the body',
        async () => {
          const out = await c.logs
            .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, filterPattern: '"worker got"' }))
            .catch(() => undefined); // no log group before the first invocation
          return out?.events?.some((e) => e.message?.includes(`worker got hello ${label}`)) ? true : undefined;
        },
        60_000,
      );
      await until('the message to be deleted', async () => ((await depth(c, QueueUrl)) === 0 ? true : undefined));
      await aws('lambda', 'delete-event-source-mapping', '--uuid', mapping.UUID);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
