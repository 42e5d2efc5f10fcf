/**
 * Recursive loop detection beyond S3 -> Lambda, on the in-process sandbox with real SDK v3 clients: a stopped event
 * goes to the function's OnFailure destination (an SQS queue receives Lambda's invocation record); an
 * S3 -> SNS -> Lambda -> S3 loop is stopped after 16 invocations (the trace header crosses SNS); a loop made by the
 * handler's own SQS SendMessage (X-Amzn-Trace-Id -> AWSTraceHeader) is stopped too.
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
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  LambdaClient,
  PutFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { zipPackage } from '../../src/sandbox/lambda/zip.js';
import { RECURSION_LOG_GROUP } from '../../src/sandbox/lambda/recursion/guard.js';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
/** Every S3 event it gets (direct or inside an SNS message) becomes a new object in the same bucket. */
const STAMPER = `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
const s3 = new S3Client({ forcePathStyle: true });
export const handler = async (event) => {
  for (const record of event.Records) {
    const s3Record = record.s3 ?? JSON.parse(record.Sns.Message).Records[0].s3;
    const key = 'stamped-' + Date.now() + '-' + Math.random().toString(16).slice(2) + '.png';
    await s3.send(new PutObjectCommand({ Bucket: s3Record.bucket.name, Key: key, Body: 'stamped' }));
  }
};
`;
/** Sends every message it gets back to the queue it came from. */
const ECHO = `import { SQSClient, SendMessageCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event) => {
  for (const record of event.Records) {
    const name = record.eventSourceARN.split(':').pop();
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: record.body }));
  }
};
`;

let sb: Sandbox;
let s3: S3Client;
let lambda: LambdaClient;
let sqs: SQSClient;
let sns: SNSClient;
let logs: CloudWatchLogsClient;
before(async () => {
  sb = await startSandbox({ port: 0 });
  const config = { endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  s3 = new S3Client({ ...config, forcePathStyle: true });
  lambda = new LambdaClient(config);
  sqs = new SQSClient(config);
  sns = new SNSClient(config);
  logs = new CloudWatchLogsClient(config);
});
after(async () => {
  for (const c of [s3, lambda, sqs, sns, logs]) c.destroy();
  await sb.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createFunction(name: string, source: string): Promise<string> {
  const out = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zipPackage({ 'index.mjs': source }) },
      Timeout: 30,
    }),
  );
  return out.FunctionArn!;
}

async function queueArn(url: string): Promise<string> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return out.Attributes!.QueueArn!;
}

/** Object count once it stops changing (the loop ended). */
async function settledCount(bucket: string): Promise<number> {
  let last = -1;
  for (let stable = 0; stable < 4; ) {
    await sleep(500);
    const n = (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount ?? 0;
    stable = n === last ? stable + 1 : 0;
    last = n;
  }
  return last;
}

async function droppedRecords(functionName: string): Promise<unknown[]> {
  try {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: RECURSION_LOG_GROUP }));
    return (out.events ?? [])
      .map((e) => JSON.parse(e.message ?? '{}') as { type?: string; functionName?: string })
      .filter((r) => r.type === 'RecursiveInvocationDropped' && r.functionName === functionName);
  } catch {
    return [];
  }
}

test('a stopped S3 loop event goes to the OnFailure SQS destination as an invocation record', async () => {
  const fnArn = await createFunction('stamper-dest', STAMPER);
  const failed = (await sqs.send(new CreateQueueCommand({ QueueName: 'q-failed' }))).QueueUrl!;
  await lambda.send(
    new PutFunctionEventInvokeConfigCommand({
      FunctionName: 'stamper-dest',
      DestinationConfig: { OnFailure: { Destination: await queueArn(failed) } },
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: 'loop-dest' }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'loop-dest',
      NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: fnArn, Events: ['s3:ObjectCreated:*'] }] },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: 'loop-dest', Key: 'seed.png', Body: 'x' }));
  let body: string | undefined;
  for (let i = 0; i < 60 && !body; i++) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: failed, WaitTimeSeconds: 1 }));
    body = out.Messages?.[0]?.Body;
  }
  assert.ok(body, 'the OnFailure queue received a record');
  const record = JSON.parse(body) as {
    version: string;
    requestContext: { functionArn: string; condition: string; approximateInvokeCount: number };
    requestPayload: { Records: { s3: { bucket: { name: string } } }[] };
    responseContext?: unknown;
  };
  assert.equal(record.version, '1.0');
  assert.equal(record.requestContext.functionArn, `${fnArn}:$LATEST`);
  assert.equal(record.requestContext.condition, 'RetriesExhausted');
  assert.equal(record.requestContext.approximateInvokeCount, 0, 'the stopped event never ran');
  assert.equal(record.responseContext, undefined);
  assert.equal(record.requestPayload.Records[0]?.s3.bucket.name, 'loop-dest');
  assert.equal(await settledCount('loop-dest'), 17, 'the seed and 16 stamped objects');
});

test('an S3 -> SNS -> Lambda -> S3 loop is stopped after 16 invocations', async () => {
  const fnArn = await createFunction('stamper-sns', STAMPER);
  const topic = (await sns.send(new CreateTopicCommand({ Name: 'loop-topic' }))).TopicArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'lambda', Endpoint: fnArn }));
  await s3.send(new CreateBucketCommand({ Bucket: 'loop-sns' }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'loop-sns',
      NotificationConfiguration: { TopicConfigurations: [{ TopicArn: topic, Events: ['s3:ObjectCreated:*'] }] },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: 'loop-sns', Key: 'seed.png', Body: 'x' }));
  assert.equal(await settledCount('loop-sns'), 17, 'the seed and 16 stamped objects, then the loop is stopped');
  assert.equal((await droppedRecords('stamper-sns')).length, 1);
});

test('a loop made by the handler’s own SQS SendMessage is stopped', async () => {
  await createFunction('echo-sqs', ECHO);
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'loop-queue', Attributes: { VisibilityTimeout: '300' } }))).QueueUrl!;
  await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'echo-sqs', EventSourceArn: await queueArn(url), BatchSize: 1 }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'ping' }));
  let dropped: unknown[] = [];
  for (let i = 0; i < 60 && dropped.length === 0; i++) {
    await sleep(500);
    dropped = await droppedRecords('echo-sqs');
  }
  assert.ok(dropped.length >= 1, 'a RecursiveInvocationDropped record for echo-sqs');
  const record = dropped[0] as { invocations: number };
  assert.equal(record.invocations, 16);
});

test('SendMessage: the X-Amzn-Trace-Id header becomes AWSTraceHeader; a sender’s own AWSTraceHeader wins', async () => {
  const header = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
  const traced = new SQSClient({ endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  traced.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['X-Amzn-Trace-Id'] = header;
      return next(args);
    },
    { step: 'build', name: 'traceHeader' },
  );
  try {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'trace-queue' }))).QueueUrl!;
    const sent = await traced.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'from header' }));
    assert.equal(sent.MD5OfMessageSystemAttributes, undefined, 'no system attribute was given');
    const own = 'Root=1-00000000-000000000000000000000001;Sampled=0';
    await traced.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'own attribute',
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: own } },
      }),
    );
    const got = new Map<string, string | undefined>();
    for (let i = 0; i < 10 && got.size < 2; i++) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['AWSTraceHeader'] }),
      );
      for (const m of out.Messages ?? []) got.set(m.Body!, m.Attributes?.AWSTraceHeader);
    }
    assert.equal(got.get('from header'), header);
    assert.equal(got.get('own attribute'), own);
  } finally {
    traced.destroy();
  }
});
