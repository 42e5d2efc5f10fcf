/**
 * Lambda's recursive loop detection in the sandbox (issue 13), driven by real clients against one `s3trigger sandbox`
 * process: the Sparta seed's image stamper, written without a prefix guard, writes a new object into the bucket that
 * triggers it on every PUT. The handler's AWS SDK (v3 for node, boto3 for python) sends `_X_AMZN_TRACE_ID` as
 * `X-Amzn-Trace-Id`, S3 carries it into the event, and the sandbox stops the chain after 16 invocations of the
 * function; `RecursiveLoop=Allow` (PutFunctionRecursionConfig over the AWS CLI v1 / boto3) lets it run on; a write
 * without the header (this test's own client) starts a new chain. S3 -> SQS -> event source mapping loops stop too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { zipPackage } from '../../src/sandbox/lambda/zip.js';
import { rmSync } from 'node:fs';
import { cliBuilt, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';
import { clis, hasBoto3, ROLE, startWalk, type Walk } from './walkthrough-helpers.js';

/** The stamper: every PUT it sees becomes a new object in the same bucket (no prefix guard: the seed's loop). */
export const NODE_STAMPER = `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
const s3 = new S3Client({ forcePathStyle: true });
export const handler = async (event) => {
  for (const record of event.Records) {
    const s3Record = record.s3 ?? JSON.parse(record.body).Records[0].s3;
    const bucket = s3Record.bucket.name;
    const key = 'stamped-' + Date.now() + '-' + Math.random().toString(16).slice(2) + '.png';
    console.log('stamping', s3Record.object.key, '->', key, process.env._X_AMZN_TRACE_ID);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'stamped' }));
  }
};
`;

export const PYTHON_STAMPER = `import os, random, time
import boto3
from botocore.config import Config

s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'], config=Config(s3={'addressing_style': 'path'}))

def handler(event, context):
    for record in event['Records']:
        bucket = record['s3']['bucket']['name']
        key = 'stamped-%d-%x.png' % (time.time() * 1000, random.getrandbits(32))
        print('stamping', record['s3']['object']['key'], '->', key, os.environ.get('_X_AMZN_TRACE_ID'))
        s3.put_object(Bucket=bucket, Key=key, Body=b'stamped')
`;

let walk: Walk;
let s3: S3Client;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;
let sqs: SQSClient;
before(async () => {
  if (!cliBuilt) return;
  walk = await startWalk('loop');
  const config = {
    endpoint: walk.sb.endpoint,
    region: walk.sb.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  s3 = new S3Client({ ...config, forcePathStyle: true });
  lambda = new LambdaClient(config);
  logs = new CloudWatchLogsClient(config);
  sqs = new SQSClient(config);
});
after(async () => {
  if (!cliBuilt) return;
  for (const c of [s3, lambda, logs, sqs]) c.destroy();
  await walk.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createFunction(name: string, runtime: 'nodejs20.x' | 'python3.12'): Promise<string> {
  const files: Record<string, string> = runtime.startsWith('nodejs') ? { 'index.mjs': NODE_STAMPER } : { 'index.py': PYTHON_STAMPER };
  const out = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: runtime,
      Handler: 'index.handler',
      Role: ROLE,
      Timeout: 10,
      Code: { ZipFile: zipPackage(files) },
    }),
  );
  return out.FunctionArn!;
}

async function notifyFunction(bucket: string, functionArn: string | undefined): Promise<void> {
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: functionArn
        ? { LambdaFunctionConfigurations: [{ LambdaFunctionArn: functionArn, Events: ['s3:ObjectCreated:*'] }] }
        : {},
    }),
  );
}

/** The START lines in the function's log group. */
async function invocations(fn: string): Promise<string[]> {
  try {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"START RequestId"' }));
    return (out.events ?? []).map((e) => e.message ?? '').filter((m) => m.startsWith('START RequestId'));
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return [];
    throw err;
  }
}

/** The sandbox's recursion records (its own log group, recursion/guard.ts). */
async function recursionRecords(): Promise<Record<string, unknown>[]> {
  try {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: '/s3trigger/sandbox/recursion' }));
    return (out.events ?? []).map((e) => JSON.parse(e.message ?? '{}') as Record<string, unknown>);
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return [];
    throw err;
  }
}

const stopLines = (fn: string) =>
  walk.lines.filter((l) => l.includes('loop stopped by Lambda recursion detection') && l.includes(` ${fn} `));

async function until<T>(what: string, read: () => Promise<T> | T, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached; last ${JSON.stringify(v).slice(0, 2000)}\n${walk.lines.join('\n')}`);
    await sleep(100);
  }
}

/** Waits until the function's invocation count stops growing (nothing new for `quietMs`). */
async function settled(fn: string, quietMs = 1500): Promise<number> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const n = (await invocations(fn)).length;
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (Date.now() - since > quietMs) return n;
    await sleep(150);
  }
}

async function objectCount(bucket: string): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    count += out.KeyCount ?? 0;
    token = out.NextContinuationToken;
  } while (token);
  return count;
}

test('node + SDK v3: an S3 -> Lambda -> S3 loop is stopped after 16 invocations; a write without the header starts a new chain', {
  skip: !cliBuilt && NOT_BUILT,
}, async () => {
  const bucket = 'loop-node';
  const fn = 'stamp-node';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await notifyFunction(bucket, await createFunction(fn, 'nodejs20.x'));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'photo.png', Body: 'image' }));

  await until(
    'the stop line',
    () => stopLines(fn),
    (l) => l.length === 1,
  );
  const first = await settled(fn);
  assert.ok(first === 16 || first === 17, `the loop ran ${first} times, not about 16`);
  // Every invocation wrote one object: the external one plus one per invocation.
  assert.equal(await objectCount(bucket), 1 + first);
  const stop = stopLines(fn)[0]!;
  assert.match(stop, /invoked 16 times/);
  assert.match(stop, /started by ObjectCreated:Put s3:\/\/loop-node\/photo\.png/);
  const dropped = (await recursionRecords()).filter((r) => r.type === 'RecursiveInvocationDropped' && r.functionName === fn);
  assert.equal(dropped.length, 1);
  assert.deepEqual(dropped[0]!.origin, { bucket, key: 'photo.png', eventName: 'ObjectCreated:Put' });
  assert.equal(dropped[0]!.recursiveLoop, 'Terminate');

  // The handler saw the trace header as AWS writes it, with its own count in the lineage.
  const { events } = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: 'stamping' }));
  const traces = (events ?? []).map((e) => /(Root=\S+)/.exec(e.message ?? '')?.[1] ?? '');
  assert.equal(traces.length, first);
  for (const t of traces) assert.match(t, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0;Lineage=2:[0-9a-f]{8}:\d+$/);
  const counts = traces.map((t) => Number(/:(\d+)$/.exec(t)![1])).sort((a, b) => a - b);
  assert.deepEqual(counts, [...Array(first).keys()]);
  assert.equal(new Set(traces.map((t) => /Root=([^;]+)/.exec(t)![1])).size, 1, 'one chain, one root');

  // This test's own client sends no trace header: a new chain, stopped again after 16.
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'second.png', Body: 'image' }));
  await until(
    'the second stop line',
    () => stopLines(fn),
    (l) => l.length === 2,
  );
  const second = (await settled(fn)) - first;
  assert.ok(second === 16 || second === 17, `the second chain ran ${second} times`);
  assert.match(stopLines(fn)[1]!, /started by ObjectCreated:Put s3:\/\/loop-node\/second\.png/);
  await notifyFunction(bucket, undefined);
});

test('AWS CLI v1: put/get-function-recursion-config; with RecursiveLoop=Allow the loop runs on past 16', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const { v1 } = await clis();
  if (!v1) return t.skip('AWS CLI v1 (aws on PATH) not found: Debian’s CLI v2 2.9 lacks put-function-recursion-config');
  const bucket = 'loop-allowed';
  const fn = 'stamp-allowed';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const arn = await createFunction(fn, 'nodejs20.x');
  assert.deepEqual(await walk.aws(v1, 'lambda', 'get-function-recursion-config', '--function-name', fn), { RecursiveLoop: 'Terminate' });
  assert.deepEqual(await walk.aws(v1, 'lambda', 'put-function-recursion-config', '--function-name', fn, '--recursive-loop', 'Allow'), {
    RecursiveLoop: 'Allow',
  });
  assert.deepEqual(await walk.aws(v1, 'lambda', 'get-function-recursion-config', '--function-name', arn), { RecursiveLoop: 'Allow' });
  const bad = await walk.awsFails(v1, 'lambda', 'put-function-recursion-config', '--function-name', fn, '--recursive-loop', 'Sometimes');
  assert.match(bad, /ValidationException/);
  assert.match(bad, /Member must satisfy enum value set: \[Allow, Terminate\]/);
  const missing = await walk.awsFails(v1, 'lambda', 'get-function-recursion-config', '--function-name', 'no-such-fn');
  assert.match(missing, /ResourceNotFoundException/);

  await notifyFunction(bucket, arn);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'photo.png', Body: 'image' }));
  await until(
    'more than 20 invocations',
    () => invocations(fn),
    (l) => l.length > 20,
  );
  // Stop it from outside, as a user would: the notification goes, then the function.
  await notifyFunction(bucket, undefined);
  await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
  assert.equal(stopLines(fn).length, 0, 'never stopped');
  const dropped = (await recursionRecords()).filter((r) => r.functionName === fn && r.type === 'RecursiveInvocationDropped');
  assert.equal(dropped.length, 0);
});

test('python + boto3: botocore sends the trace header, the loop is stopped after 16 invocations', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  if (!(await hasBoto3())) return t.skip('boto3 is not importable from python3: the python handler cannot call S3');
  const bucket = 'loop-python';
  const fn = 'stamp-python';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await notifyFunction(bucket, await createFunction(fn, 'python3.12'));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'photo.png', Body: 'image' }));
  await until(
    'the stop line',
    () => stopLines(fn),
    (l) => l.length === 1,
    60_000,
  );
  const n = await settled(fn);
  assert.ok(n === 16 || n === 17, `the loop ran ${n} times, not about 16`);
  await notifyFunction(bucket, undefined);
});

test('S3 -> SQS -> event source mapping -> S3: the AWSTraceHeader carries the chain and the loop is stopped', {
  skip: !cliBuilt && NOT_BUILT,
}, async () => {
  const bucket = 'loop-queue';
  const fn = 'stamp-queue';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'loop-uploads' }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = Attributes!.QueueArn!;
  await createFunction(fn, 'nodejs20.x');
  await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: queueArn, BatchSize: 1 }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }] },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'photo.png', Body: 'image' }));
  await until(
    'the stop line',
    () => stopLines(fn),
    (l) => l.length >= 1,
    60_000,
  );
  const n = await settled(fn);
  assert.ok(n === 16 || n === 17, `the loop ran ${n} times, not about 16`);
  assert.match(stopLines(fn)[0]!, /started by ObjectCreated:Put s3:\/\/loop-queue\/photo\.png/);
  await notifyFunction(bucket, undefined);
});

test('s3trigger ci --endpoint-url: the op whose PUT started the loop reports "loop stopped by Lambda recursion detection"', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const bucket = 'loop-ci';
  const fn = 'stamp-ci';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await notifyFunction(bucket, await createFunction(fn, 'nodejs20.x'));
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(
    ['--endpoint-url', walk.sb.endpoint, '--region', 'eu-west-1', '--bucket', bucket, '--put', 'test.txt', '--wait', '--timeout', '20s'],
    dir,
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = r.stdout + r.stderr;
  assert.match(
    out,
    /Warning: loop stopped by Lambda recursion detection: the event of s3:\/\/loop-ci\/test\.txt started a recursive loop \(S3 event -> stamp-ci -> S3 event \.\.\.\); stamp-ci ran 16 times, then its next event was dropped\./,
  );
  assert.equal(out.match(/loop stopped by Lambda recursion detection/g)?.length, 1, out);
  await until(
    'the sandbox stop line',
    () => stopLines(fn),
    (l) => l.length === 1,
  );
  await notifyFunction(bucket, undefined);
});
