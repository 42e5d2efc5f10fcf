/**
 * Event source mappings end to end against the real Lambda service (client-lambda over HTTP, real handlers, logs
 * through the Logs service), with the queue side played by an in-memory QueueRegistry set on the sandbox's context.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import type { QueueMessageAttribute, QueueRegistry, ReceivedQueueMessage } from '../../../src/sandbox/context.js';
import { SqsPoller } from '../../../src/sandbox/lambda/event-source-mappings/poller.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { ROLE, errorOf } from './helpers.js';

interface StubMessage {
  id: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  visibleAt: number;
  handle?: string;
  attributes: ReceivedQueueMessage['messageAttributes'];
}

/** SQS as the poller sees it: visibility timeouts, receive counts, long polling; no redrive (that is SQS's own side). */
class StubQueues implements QueueRegistry {
  private readonly queues = new Map<string, { visibility: number; messages: StubMessage[] }>();
  private readonly wakers = new Set<() => void>();
  receiveCalls = 0;

  add(arn: string, visibility = 30): void {
    this.queues.set(arn, { visibility, messages: [] });
  }

  private queue(arn: string) {
    const q = this.queues.get(arn);
    if (!q) throw new Error(`The specified queue does not exist: ${arn}`);
    return q;
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }

  messages(arn: string): StubMessage[] {
    return this.queue(arn).messages;
  }

  exists(arn: string): boolean {
    return this.queues.has(arn);
  }

  send(arn: string, body: string, options: { messageAttributes?: Record<string, QueueMessageAttribute> } = {}): { messageId: string } {
    const attributes: StubMessage['attributes'] = {};
    for (const [name, a] of Object.entries(options.messageAttributes ?? {})) {
      attributes[name] = { stringValue: a.StringValue, stringListValues: [], binaryListValues: [], dataType: a.DataType };
    }
    const m: StubMessage = { id: randomUUID(), body, sentAt: Date.now(), receiveCount: 0, visibleAt: 0, attributes };
    this.queue(arn).messages.push(m);
    this.wake();
    return { messageId: m.id };
  }

  receive(arn: string, options: { max: number; visibilityTimeoutSeconds?: number }): ReceivedQueueMessage[] {
    this.receiveCalls++;
    const q = this.queue(arn);
    const now = Date.now();
    const out: ReceivedQueueMessage[] = [];
    for (const m of q.messages) {
      if (out.length >= options.max || m.visibleAt > now) continue;
      m.receiveCount++;
      m.firstReceiveAt ??= now;
      m.handle = randomUUID();
      m.visibleAt = now + (options.visibilityTimeoutSeconds ?? q.visibility) * 1000;
      out.push({
        messageId: m.id,
        receiptHandle: m.handle,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: '000000000000',
          ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt),
        },
        messageAttributes: m.attributes,
        md5OfBody: `md5-of-${m.body}`,
        ...(Object.keys(m.attributes).length ? { md5OfMessageAttributes: 'md5-of-attributes' } : {}),
      });
    }
    return out;
  }

  waitForMessages(arn: string, ms: number, signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const next = Math.min(...(this.queues.get(arn)?.messages.map((m) => m.visibleAt) ?? []).filter((t) => t > now));
    const wait = Math.max(0, Math.min(ms, Number.isFinite(next) ? next - now : ms));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      this.wakers.add(done);
      signal?.addEventListener('abort', done);
    });
  }

  delete(arn: string, receiptHandle: string): boolean {
    const q = this.queue(arn);
    const at = q.messages.findIndex((m) => m.handle === receiptHandle);
    if (at === -1) return false;
    q.messages.splice(at, 1);
    return true;
  }

  changeVisibility(arn: string, receiptHandle: string, seconds: number): void {
    const m = this.queue(arn).messages.find((x) => x.handle === receiptHandle);
    if (m) m.visibleAt = Date.now() + seconds * 1000;
    this.wake();
  }

  visibilityTimeoutOf(arn: string): number | undefined {
    return this.queues.get(arn)?.visibility;
  }

  allowsSend(): boolean {
    return true;
  }
}

const HANDLER = `export const handler = async (event) => {
  console.log('EVENT ' + JSON.stringify(event));
  const failing = event.Records.filter((r) => r.body.includes('FAIL')).map((r) => r.messageId);
  if (process.env.MODE === 'partial') return { batchItemFailures: failing.map((id) => ({ itemIdentifier: id })) };
  if (process.env.MODE === 'bogus') return { batchItemFailures: [{ itemIdentifier: 'not-in-the-batch' }] };
  if (failing.length) throw new Error('marker body');
  return { processed: event.Records.length };
};`;

const common = (sb: Sandbox) => ({
  endpoint: sb.endpoint,
  region: sb.region,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const queueArn = (name: string) => `arn:aws:sqs:eu-west-1:000000000000:${name}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

let sb: Sandbox;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;
let stub: StubQueues;
const sandboxLog: string[] = [];

before(async () => {
  sb = await startSandbox({ port: 0, log: (line) => sandboxLog.push(line) });
  stub = new StubQueues();
  sb.context.queues = stub;
  lambda = new LambdaClient(common(sb));
  logs = new CloudWatchLogsClient(common(sb));
});
after(async () => {
  lambda.destroy();
  logs.destroy();
  await sb.close();
});

async function createFunction(client: LambdaClient, name: string, extra: { Timeout?: number; mode?: string } = {}) {
  await client.send(
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

/** The events the function logged (its `EVENT {…}` lines), oldest first. */
async function loggedEvents(client: CloudWatchLogsClient, fn: string): Promise<{ Records: Record<string, unknown>[] }[]> {
  try {
    const out = await client.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}` }));
    return (out.events ?? [])
      .map((e) => e.message ?? '')
      .filter((m) => m.includes('EVENT {'))
      .map((m) => JSON.parse(m.slice(m.indexOf('EVENT {') + 6)));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return [];
    throw err;
  }
}

async function allLogLines(client: CloudWatchLogsClient, fn: string): Promise<string[]> {
  const out = await client.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}` }));
  return (out.events ?? []).map((e) => e.message ?? '');
}

test('Create answers Creating (202), Get Enabled; a message reaches the function as the SQS record AWS sends and is deleted', async () => {
  const arn = queueArn('esm-basic');
  stub.add(arn);
  await createFunction(lambda, 'esm-basic');
  const created = await lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arn, FunctionName: 'esm-basic' }));
  assert.equal(created.$metadata.httpStatusCode, 202);
  assert.equal(created.State, 'Creating');
  assert.equal(created.StateTransitionReason, 'USER_INITIATED');
  assert.equal(created.BatchSize, 10);
  assert.equal(created.MaximumBatchingWindowInSeconds, 0);
  assert.deepEqual(created.FunctionResponseTypes, []);
  assert.equal(created.EventSourceArn, arn);
  assert.equal(created.FunctionArn, 'arn:aws:lambda:eu-west-1:000000000000:function:esm-basic');
  assert.match(created.UUID!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(created.EventSourceMappingArn, `arn:aws:lambda:eu-west-1:000000000000:event-source-mapping:${created.UUID}`);
  assert.ok(created.LastModified instanceof Date && Math.abs(created.LastModified.getTime() - Date.now()) < 60_000);
  const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }));
  assert.equal(got.$metadata.httpStatusCode, 200);
  assert.equal(got.State, 'Enabled');

  const { messageId } = stub.send(arn, '{"hello":"world"}', { messageAttributes: { colour: { DataType: 'String', StringValue: 'blue' } } });
  const sent = stub.messages(arn)[0]!;
  const [event] = await until('the invocation', async () => {
    const e = await loggedEvents(logs, 'esm-basic');
    return e.length ? e : undefined;
  });
  await until('the message to be deleted', () => stub.messages(arn).length === 0 || undefined);
  assert.deepEqual(event, {
    Records: [
      {
        messageId,
        receiptHandle: sent.handle,
        body: '{"hello":"world"}',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(sent.sentAt),
          SenderId: '000000000000',
          ApproximateFirstReceiveTimestamp: String(sent.firstReceiveAt),
        },
        messageAttributes: { colour: { stringValue: 'blue', stringListValues: [], binaryListValues: [], dataType: 'String' } },
        md5OfMessageAttributes: 'md5-of-attributes',
        md5OfBody: 'md5-of-{"hello":"world"}',
        eventSource: 'aws:sqs',
        eventSourceARN: arn,
        awsRegion: 'eu-west-1',
      },
    ],
  });
  const lines = await allLogLines(logs, 'esm-basic');
  assert.ok(lines.some((l) => l.startsWith('START RequestId:')));
  assert.ok(lines.some((l) => l.startsWith('REPORT RequestId:')));
});

test('a failing batch is left in the queue and comes back after the visibility timeout (ApproximateReceiveCount 2)', async () => {
  const arn = queueArn('esm-fail');
  stub.add(arn, 1);
  await createFunction(lambda, 'esm-fail', { Timeout: 1 });
  const m = await lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arn, FunctionName: 'esm-fail', BatchSize: 1 }));
  const { messageId } = stub.send(arn, 'FAIL please');
  const events = await until('two attempts', async () => {
    const e = await loggedEvents(logs, 'esm-fail');
    return e.length >= 2 ? e : undefined;
  });
  assert.deepEqual(
    events.slice(0, 2).map((e) => [e.Records[0]!.messageId, (e.Records[0]!.attributes as Record<string, string>).ApproximateReceiveCount]),
    [
      [messageId, '1'],
      [messageId, '2'],
    ],
  );
  assert.equal(stub.messages(arn).length, 1, 'never deleted');
  assert.ok(
    sandboxLog.some((l) => l.includes(m.UUID!) && /failed \(Error\) on 1 message/.test(l)),
    sandboxLog.join('\n'),
  );
  const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
  assert.equal(deleted.$metadata.httpStatusCode, 202);
  assert.equal(deleted.State, 'Deleting');
  assert.equal((await errorOf(lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID })))).name, 'ResourceNotFoundException');
  await sleep(300);
  const receives = stub.receiveCalls;
  const invocations = (await loggedEvents(logs, 'esm-fail')).length;
  await sleep(1500);
  assert.equal((await loggedEvents(logs, 'esm-fail')).length, invocations, 'a deleted mapping delivers nothing more');
  assert.ok(stub.receiveCalls - receives <= 2, `receives after delete: ${stub.receiveCalls - receives}`);
});

test('ReportBatchItemFailures: only the reported message stays; a response naming an unknown message fails the whole batch', async () => {
  const arn = queueArn('esm-partial');
  stub.add(arn);
  await createFunction(lambda, 'esm-partial', { mode: 'partial' });
  const m = await lambda.send(
    new CreateEventSourceMappingCommand({
      EventSourceArn: arn,
      FunctionName: 'esm-partial',
      Enabled: false,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    }),
  );
  assert.equal(m.State, 'Disabled');
  for (const body of ['ok-1', 'FAIL-2', 'ok-3']) stub.send(arn, body);
  await sleep(300);
  assert.equal((await loggedEvents(logs, 'esm-partial')).length, 0, 'a disabled mapping does not poll');
  const enabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: true }));
  assert.equal(enabling.State, 'Enabling');
  assert.equal(enabling.$metadata.httpStatusCode, 202);
  const [event] = await until('the batch', async () => {
    const e = await loggedEvents(logs, 'esm-partial');
    return e.length ? e : undefined;
  });
  assert.deepEqual(
    event!.Records.map((r) => r.body),
    ['ok-1', 'FAIL-2', 'ok-3'],
  );
  await until('the two processed messages to be deleted', () => stub.messages(arn).length === 1 || undefined);
  assert.equal(stub.messages(arn)[0]!.body, 'FAIL-2');
  const disabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: false }));
  assert.equal(disabling.State, 'Disabling');
  assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID }))).State, 'Disabled');

  const bogus = queueArn('esm-bogus');
  stub.add(bogus);
  await createFunction(lambda, 'esm-bogus', { mode: 'bogus' });
  const b = await lambda.send(
    new CreateEventSourceMappingCommand({
      EventSourceArn: bogus,
      FunctionName: 'esm-bogus',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    }),
  );
  stub.send(bogus, 'one');
  stub.send(bogus, 'two');
  await until('the bogus batch', async () => ((await loggedEvents(logs, 'esm-bogus')).length ? true : undefined));
  await until('the failure to be logged', () => sandboxLog.some((l) => l.includes(b.UUID!) && l.includes('not-in-the-batch')) || undefined);
  assert.equal(stub.messages(bogus).length, 2, 'nothing deleted');
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: b.UUID }));
});

test('a batching window gathers messages sent apart into one invocation; BatchSize above 10 needs one', async () => {
  const arn = queueArn('esm-window');
  stub.add(arn);
  await createFunction(lambda, 'esm-window');
  const refused = await errorOf(
    lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arn, FunctionName: 'esm-window', BatchSize: 20 })),
  );
  assert.equal(refused.name, 'InvalidParameterValueException');
  assert.equal(refused.message, 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  const m = await lambda.send(
    new CreateEventSourceMappingCommand({
      EventSourceArn: arn,
      FunctionName: 'esm-window',
      BatchSize: 20,
      MaximumBatchingWindowInSeconds: 2,
    }),
  );
  assert.equal(m.BatchSize, 20);
  await sleep(200);
  stub.send(arn, 'first');
  await sleep(400);
  stub.send(arn, 'second');
  await sleep(300);
  stub.send(arn, 'third');
  await until('the messages to be deleted', () => stub.messages(arn).length === 0 || undefined);
  const events = await loggedEvents(logs, 'esm-window');
  assert.deepEqual(
    events.map((e) => e.Records.map((r) => r.body)),
    [['first', 'second', 'third']],
  );
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('API errors as AWS answers them; List filters and pages; Update changes settings', async () => {
  const arn = queueArn('esm-api');
  stub.add(arn);
  await createFunction(lambda, 'esm-api');
  await createFunction(lambda, 'esm-api-2');
  const m = await lambda.send(
    new CreateEventSourceMappingCommand({
      EventSourceArn: arn,
      FunctionName: 'arn:aws:lambda:eu-west-1:000000000000:function:esm-api',
      Enabled: false,
    }),
  );
  const dup = await errorOf(lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arn, FunctionName: 'esm-api' })));
  assert.equal(dup.name, 'ResourceConflictException');
  assert.equal(dup.status, 409);
  assert.equal(
    dup.message,
    `An event source mapping with SQS arn (" ${arn} ") and function (" esm-api ") already exists. Please update or delete the existing mapping with UUID ${m.UUID}`,
  );
  const noFn = await errorOf(lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arn, FunctionName: 'nope' })));
  assert.deepEqual([noFn.name, noFn.status, noFn.message], ['InvalidParameterValueException', 400, 'Function does not exist']);
  const noQueue = await errorOf(
    lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: queueArn('missing'), FunctionName: 'esm-api-2' })),
  );
  assert.equal(noQueue.name, 'InvalidParameterValueException');
  assert.match(noQueue.message, /SQS Error Code: AWS\.SimpleQueueService\.NonExistentQueue/);
  const short = queueArn('esm-short');
  stub.add(short, 2);
  const vis = await errorOf(lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: short, FunctionName: 'esm-api-2' })));
  assert.equal(vis.message, 'Queue visibility timeout: 2 seconds is less than Function timeout: 3 seconds');
  const notFound = await errorOf(lambda.send(new GetEventSourceMappingCommand({ UUID: randomUUID() })));
  assert.deepEqual(
    [notFound.name, notFound.status, notFound.message],
    ['ResourceNotFoundException', 404, 'The resource you requested does not exist.'],
  );
  const badSize = await errorOf(lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, BatchSize: 0 })));
  assert.equal(badSize.name, 'ValidationException');

  const second = await lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arn, FunctionName: 'esm-api-2', Enabled: false }));
  const byQueue = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: arn }));
  assert.deepEqual(
    byQueue.EventSourceMappings?.map((x) => x.UUID),
    [m.UUID, second.UUID],
  );
  const byFunction = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'esm-api-2' }));
  assert.deepEqual(
    byFunction.EventSourceMappings?.map((x) => x.UUID),
    [second.UUID],
  );
  const page1 = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: arn, MaxItems: 1 }));
  assert.equal(page1.EventSourceMappings?.length, 1);
  assert.ok(page1.NextMarker);
  const page2 = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: arn, MaxItems: 1, Marker: page1.NextMarker }));
  assert.deepEqual(
    page2.EventSourceMappings?.map((x) => x.UUID),
    [second.UUID],
  );
  assert.equal(page2.NextMarker, undefined);

  const updated = await lambda.send(
    new UpdateEventSourceMappingCommand({
      UUID: m.UUID,
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 3 },
    }),
  );
  assert.deepEqual(
    [updated.State, updated.BatchSize, updated.MaximumBatchingWindowInSeconds, updated.ScalingConfig?.MaximumConcurrency],
    ['Updating', 50, 5, 3],
  );
  const tooBig = await errorOf(lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, MaximumBatchingWindowInSeconds: 0 })));
  assert.equal(tooBig.message, 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  const moved = await errorOf(lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, FunctionName: 'esm-api-2' })));
  assert.equal(moved.name, 'ResourceConflictException');
  for (const x of [m, second]) await lambda.send(new DeleteEventSourceMappingCommand({ UUID: x.UUID }));
});

test('a deleted function pauses its mapping (one log line, no receives, no spinning); re-created, delivery resumes', async () => {
  const arn = queueArn('esm-gone');
  stub.add(arn);
  await createFunction(lambda, 'esm-gone');
  const m = await lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arn, FunctionName: 'esm-gone' }));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'esm-gone' }));
  assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID }))).State, 'Enabled', 'AWS keeps the mapping');
  stub.send(arn, 'waiting');
  await until('the pause to be logged', () => sandboxLog.some((l) => l.includes(m.UUID!) && l.includes('paused')) || undefined);
  const receives = stub.receiveCalls;
  await sleep(1500);
  assert.equal(stub.receiveCalls, receives, 'nothing received while the function is missing');
  assert.equal(sandboxLog.filter((l) => l.includes(m.UUID!) && l.includes('paused')).length, 1, 'logged once');
  await createFunction(lambda, 'esm-gone');
  await until('the message to be processed', () => stub.messages(arn).length === 0 || undefined, 30_000);
  assert.ok(sandboxLog.some((l) => l.includes(m.UUID!) && l.includes('resumed')));
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('mappings survive a restart with the same data directory and their pollers resume; close stops them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-esm-'));
  const queues = new StubQueues();
  const arn = queueArn('esm-restart');
  queues.add(arn);
  try {
    const first = await startSandbox({ port: 0, dataDir });
    first.context.queues = queues;
    const client1 = new LambdaClient(common(first));
    await createFunction(client1, 'esm-restart');
    const m = await client1.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: arn,
        FunctionName: 'esm-restart',
        BatchSize: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    );
    client1.destroy();
    await first.close();
    const receives = queues.receiveCalls;
    await sleep(500);
    assert.equal(queues.receiveCalls, receives, 'no polling after close');

    const second = await startSandbox({ port: 0, dataDir });
    second.context.queues = queues;
    const client2 = new LambdaClient(common(second));
    const logs2 = new CloudWatchLogsClient(common(second));
    try {
      const list = await client2.send(new ListEventSourceMappingsCommand({}));
      assert.deepEqual(
        list.EventSourceMappings?.map((x) => [x.UUID, x.State, x.BatchSize, x.FunctionResponseTypes]),
        [[m.UUID, 'Enabled', 5, ['ReportBatchItemFailures']]],
      );
      queues.send(arn, 'after restart');
      await until('the message to be processed', () => queues.messages(arn).length === 0 || undefined, 30_000);
      const events = await loggedEvents(logs2, 'esm-restart');
      assert.equal(events.at(-1)?.Records[0]?.body, 'after restart');
    } finally {
      client2.destroy();
      logs2.destroy();
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the poller never spins: a registry that wakes at once without messages, or a missing queue, is polled a few times a second at most', async () => {
  const mapping = {
    UUID: 'u-spin',
    BatchSize: 10,
    MaximumBatchingWindowInSeconds: 0,
    EventSourceArn: queueArn('spin'),
    FunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:fn',
    LastModified: 0,
    Enabled: true,
    FunctionResponseTypes: [],
    EventSourceMappingArn: 'arn:aws:lambda:eu-west-1:000000000000:event-source-mapping:u-spin',
  };
  let receives = 0;
  let existsChecks = 0;
  let queueThere = true;
  const lines: string[] = [];
  const restless: QueueRegistry = {
    exists: () => {
      existsChecks++;
      return queueThere;
    },
    send: () => ({ messageId: 'x' }),
    receive: () => {
      receives++;
      return [];
    },
    waitForMessages: async () => {},
    delete: () => false,
    changeVisibility: () => {},
    visibilityTimeoutOf: () => 30,
    allowsSend: () => true,
  };
  const deps = {
    queues: () => restless,
    functionName: () => 'fn',
    invoke: () => Promise.reject(new Error('no batch should be invoked')),
    log: (line: string) => lines.push(line),
  };
  const poller = new SqsPoller(mapping, deps);
  await sleep(1000);
  poller.stop();
  await poller.stopped();
  assert.ok(receives > 0 && receives <= 20, `receives in 1 s: ${receives}`);

  queueThere = false;
  existsChecks = 0;
  const paused = new SqsPoller(mapping, deps);
  await sleep(1500);
  paused.stop();
  await paused.stopped();
  assert.ok(existsChecks <= 6, `checks in 1.5 s: ${existsChecks}`);
  assert.deepEqual(lines.filter((l) => l.includes('paused')).length, 1, lines.join('\n'));
  assert.match(lines.find((l) => l.includes('paused'))!, /queue arn:aws:sqs:eu-west-1:000000000000:spin does not exist/);
});
