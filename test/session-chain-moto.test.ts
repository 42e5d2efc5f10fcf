/**
 * Discovery follows the event chain on moto_server (its SNS, SQS, Lambda event source mappings and EventBridge; its
 * Lambda cannot run code without Docker, so only discovery is tested here): S3 -> SNS -> two functions and an SQS queue
 * -> its event source mapping -> a function; S3 -> SQS with no mapping (named); EventBridge rules and targets read
 * through readChain (moto does not echo EventBridgeConfiguration back from GetBucketNotificationConfiguration).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { createSession } from '../src/session.js';
import { readChain } from '../src/observe/chain-read.js';
import { createGroup, hasMoto, logsClient, put, startMoto } from './observe/helpers.js';
import { randomUUID } from 'node:crypto';
import { CreateLogStreamCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionEvent } from '../src/events.js';
import type { OpResult } from '../src/ops/types.js';
import { missingFunctions } from '../src/op-state.js';
import { sigV4 } from './sandbox/raw-http.js';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const env = { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

const dir = mkdtempSync(join(tmpdir(), 's3trigger-chain-moto-'));
const FILE = join(dir, 'fan.txt');
writeFileSync(FILE, 'fan-out\n');

let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
/** What moto could not do in setup (the test then skips saying so). */
let setupProblem: string | undefined;
const arns: Record<string, string> = {};

/** moto's Lambda wants the role to exist in its IAM: CreateRole over the query protocol (no IAM SDK client here). */
async function createRole(endpoint: string): Promise<string> {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: 'chain-role',
    AssumeRolePolicyDocument: policy,
  });
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-amz-date': '20250101T000000Z', ...sigV4('iam', 'us-east-1') },
    body: body.toString(),
  });
  const text = await res.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!arn) throw new Error(`IAM CreateRole on moto: HTTP ${res.status} ${text.slice(0, 200)}`);
  return arn;
}

/** A minimal zip holding index.js (stored, no compression), built here so the test needs no zip tool. */
function zipOf(name: string, content: string): Uint8Array {
  const data = Buffer.from(content);
  const file = Buffer.from(name);
  const crc = (() => {
    let c = ~0;
    for (const b of data) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  })();
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(file.length, 28);
  const centralAt = local.length + file.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12);
  end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, file, data, central, file, end]);
}

before(async () => {
  if (!hasMoto) return;
  moto = await startMoto();
  const config = { region: REGION, endpoint: moto.endpoint, credentials };
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const lambda = new LambdaClient(config);
  const events = new EventBridgeClient(config);
  try {
    const role = await createRole(moto.endpoint);
    for (const name of ['fn-resize', 'fn-index', 'fn-worker', 'fn-eb']) {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Role: role,
          Handler: 'index.handler',
          Code: { ZipFile: zipOf('index.js', 'exports.handler = async () => {};') },
        }),
      );
    }
    const queueArn = async (name: string) => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      return out.Attributes!.QueueArn!;
    };
    arns.work = await queueArn('chain-work');
    arns.orphan = await queueArn('chain-orphan');
    await lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arns.work, FunctionName: 'fn-worker', BatchSize: 10 }));
    arns.topic = (await sns.send(new CreateTopicCommand({ Name: 'chain-uploads' }))).TopicArn!;
    await sns.send(new SubscribeCommand({ TopicArn: arns.topic, Protocol: 'lambda', Endpoint: fnArn('fn-resize') }));
    await sns.send(new SubscribeCommand({ TopicArn: arns.topic, Protocol: 'lambda', Endpoint: fnArn('fn-index') }));
    await sns.send(new SubscribeCommand({ TopicArn: arns.topic, Protocol: 'sqs', Endpoint: arns.work }));
    for (const bucket of ['chain-sns', 'chain-sqs']) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    }
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'chain-sns',
        NotificationConfiguration: { TopicConfigurations: [{ TopicArn: arns.topic, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'chain-sqs',
        NotificationConfiguration: {
          QueueConfigurations: [
            { QueueArn: arns.work, Events: ['s3:ObjectCreated:*'] },
            { QueueArn: arns.orphan, Events: ['s3:ObjectRemoved:*'] },
          ],
        },
      }),
    );
    await events.send(
      new PutRuleCommand({
        Name: 'chain-created',
        EventPattern: JSON.stringify({ source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['chain-eb'] } } }),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'chain-created',
        Targets: [
          { Id: 'fn', Arn: fnArn('fn-eb') },
          { Id: 'q', Arn: arns.work },
          { Id: 'sfn', Arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:chain-sm` },
        ],
      }),
    );
  } catch (err) {
    setupProblem = `moto_server could not set up the chain: ${(err as Error).message}`;
  } finally {
    for (const c of [s3, sns, sqs, lambda, events]) c.destroy();
  }
});
after(() => {
  moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const skipWhy = () => (!moto ? 'moto_server not found on PATH' : setupProblem);

test('moto: S3 -> SNS -> two functions and an SQS queue -> its event source mapping', async (t) => {
  if (skipWhy()) return t.skip(skipWhy());
  const session = await createSession({ endpointUrl: moto!.endpoint, region: REGION, env, observe: false });
  try {
    const d = await session.selectBucket('chain-sns');
    assert.equal(
      d.chain?.summary,
      'chain-sns → SNS chain-uploads → fn-index, fn-resize; chain-sns → SNS chain-uploads → SQS chain-work → fn-worker',
    );
    assert.deepEqual([...d.functions].sort(), ['fn-index', 'fn-resize', 'fn-worker']);
    assert.deepEqual([...d.logGroups].sort(), ['/aws/lambda/fn-index', '/aws/lambda/fn-resize', '/aws/lambda/fn-worker']);
    assert.deepEqual(d.chain?.unfollowed, []);
    assert.ok(!d.warnings.some((w) => /--function/.test(w)), d.warnings.join('\n'));
  } finally {
    await session.close();
  }
});

test('moto: S3 -> SQS with a mapping, and a queue with none named as not followed', async (t) => {
  if (skipWhy()) return t.skip(skipWhy());
  const session = await createSession({ endpointUrl: moto!.endpoint, region: REGION, env, observe: false });
  try {
    const d = await session.selectBucket('chain-sqs');
    assert.equal(d.chain?.summary, 'chain-sqs → SQS chain-work → fn-worker');
    assert.deepEqual(d.functions, ['fn-worker']);
    assert.equal(d.chain?.unfollowed.length, 1);
    assert.match(d.chain!.unfollowed[0]!, /^SQS chain-orphan: no event source mapping reads the queue/);
    assert.ok(
      d.warnings.some((w) => w.includes('chain-orphan')),
      'the unfollowed link is a warning too',
    );
    assert.equal(d.chain?.routes[0]?.hops[0]?.kind, 'sqs');
  } finally {
    await session.close();
  }
});

test('moto: EventBridge rules on the default bus, their Lambda and SQS targets followed, a Step Functions target named', async (t) => {
  if (skipWhy()) return t.skip(skipWhy());
  const chain = await readChain('chain-eb', { EventBridgeConfiguration: {} }, { region: REGION, endpoint: moto!.endpoint, credentials });
  assert.equal(
    chain.summary,
    'chain-eb → EventBridge rule chain-created → fn-eb; chain-eb → EventBridge rule chain-created → SQS chain-work → fn-worker',
  );
  assert.equal(chain.unfollowed.length, 1, chain.unfollowed.join('\n'));
  assert.match(chain.unfollowed[0]!, /stateMachine:chain-sm: not a Lambda function, SQS queue or SNS topic/);
  const other = await readChain(
    'another-bucket',
    { EventBridgeConfiguration: {} },
    { region: REGION, endpoint: moto!.endpoint, credentials },
  );
  assert.deepEqual(other.routes, [], 'the rule is for chain-eb only');
});

test('a target without the APIs: every link is named, discovery does not fail', async (t) => {
  if (skipWhy()) return t.skip(skipWhy());
  // An endpoint that answers every request with 404 (an S3-only server such as MinIO).
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end('<Error><Code>NotFound</Code></Error>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const chain = await readChain(
      'b',
      { TopicConfigurations: [{ TopicArn: arns.topic!, Events: ['s3:ObjectCreated:*'] }], EventBridgeConfiguration: {} },
      { region: REGION, endpoint: `http://127.0.0.1:${port}`, credentials },
    );
    assert.deepEqual(chain.routes, []);
    assert.equal(chain.unfollowed.length, 2, chain.unfollowed.join('\n'));
    assert.match(
      chain.unfollowed[0]!,
      /SNS chain-uploads: cannot list its subscriptions \(SNS ListSubscriptionsByTopic .*not available on this target/,
    );
    assert.match(
      chain.unfollowed[1]!,
      /EventBridge \(default bus\): cannot list its rules \(EventBridge ListRules is not available on this target/,
    );
  } finally {
    server.close();
  }
});

/** What a handler that prints its event writes: START, the event (SNS-wrapped, or an SQS batch of SNS notifications), END, REPORT. */
async function writeInvocation(
  logs: import('@aws-sdk/client-cloudwatch-logs').CloudWatchLogsClient,
  fn: string,
  event: unknown,
): Promise<string> {
  const id = randomUUID();
  const t = Date.now();
  await put(logs, `/aws/lambda/${fn}`, STREAM, [
    { timestamp: t, message: `START RequestId: ${id} Version: $LATEST\n` },
    { timestamp: t + 1, message: `${new Date(t + 1).toISOString()}\t${id}\tINFO\tEVENT ${JSON.stringify(event)}\n` },
    { timestamp: t + 2, message: `END RequestId: ${id}\n` },
    {
      timestamp: t + 2,
      message: `REPORT RequestId: ${id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n`,
    },
  ]);
  return id;
}

const STREAM = '2026/11/30/[$LATEST]00000000000000000000000000000000';

test('moto: a PUT through SNS fan-out waits for each function reached and matches one invocation per function, with hops', async (t) => {
  if (skipWhy()) return t.skip(skipWhy());
  const logs = logsClient(moto!.endpoint, REGION);
  for (const fn of ['fn-resize', 'fn-index', 'fn-worker']) {
    // moto's CreateFunction may have made the group already: the stream is what the test writes to.
    await createGroup(logs, `/aws/lambda/${fn}`, []).catch(() => {});
    await logs.send(new CreateLogStreamCommand({ logGroupName: `/aws/lambda/${fn}`, logStreamName: STREAM }));
  }
  const session = await createSession({ endpointUrl: moto!.endpoint, region: REGION, env, matchTimeoutMs: 4000, tailMode: 'poll' });
  try {
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    await session.selectBucket('chain-sns');
    const fanned = async (key: string, writeTo: string[]) => {
      const fired = session.fire({ kind: 'put', bucket: 'chain-sns', file: FILE, key });
      const started = events.find((e) => e.type === 'OpStarted' && e.opId === fired.opId);
      assert.equal(started?.type === 'OpStarted' && started.expectedMatches, 3, 'three functions reached');
      const acked = await new Promise<OpResult>((resolve) => {
        const off = session.on((e) => {
          if (e.type === 'OpAcked' && e.opId === fired.opId) {
            off();
            resolve(e.result);
          }
        });
      });
      const record = {
        eventName: 'ObjectCreated:Put',
        eventSource: 'aws:s3',
        responseElements: { 'x-amz-request-id': acked.requestId },
        s3: { bucket: { name: 'chain-sns' }, object: { key } },
      };
      const notification = {
        Type: 'Notification',
        TopicArn: arns.topic,
        Message: JSON.stringify({ Records: [record] }),
        Timestamp: new Date((acked.ackedAt ?? Date.now()) + 5).toISOString(),
      };
      const ids: Record<string, string> = {};
      for (const fn of writeTo) {
        const event =
          fn === 'fn-worker'
            ? {
                Records: [
                  {
                    eventSource: 'aws:sqs',
                    body: JSON.stringify(notification),
                    attributes: { SentTimestamp: String((acked.ackedAt ?? Date.now()) + 9) },
                  },
                ],
              }
            : { Records: [{ EventSource: 'aws:sns', Sns: { ...notification, Message: notification.Message } }] };
        ids[fn] = await writeInvocation(logs, fn, event);
      }
      return { state: await fired.settled, ids };
    };
    const all = await fanned('fan.txt', ['fn-resize', 'fn-index', 'fn-worker']);
    assert.equal(all.state.status, 'matched');
    assert.deepEqual(
      all.state.matches.map((m) => [m.logGroup, m.requestId]).sort(),
      Object.entries(all.ids)
        .map(([fn, id]) => [`/aws/lambda/${fn}`, id])
        .sort(),
    );
    const worker = all.state.matches.find((m) => m.logGroup === '/aws/lambda/fn-worker')!;
    assert.deepEqual(
      worker.latency.hops?.map((h) => `${h.from}->${h.to}`),
      ['ack->sns', 'sns->sqs', 'sqs->start'],
    );
    const short = await fanned('short.txt', ['fn-resize', 'fn-worker']);
    assert.equal(short.state.status, 'no-match');
    assert.equal(short.state.matches.length, 2);
    assert.deepEqual(missingFunctions(short.state), ['fn-index']);
  } finally {
    await session.close();
    logs.destroy();
  }
});
