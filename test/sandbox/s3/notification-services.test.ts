/**
 * The S3 side against the sandbox's real SQS and SNS services (JS SDK clients only): s3:TestEvent and the event
 * records arrive on a queue as AWS sends them, --strict refuses the default queue and topic policies until the
 * policy the fix line names is set, and the fix commands work as printed (AWS CLI v2).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { SERVICES } from '../../../src/sandbox/services.js';
import { permissionFix, s3PublishPolicy, s3SendPolicy } from '../../../src/sandbox/glue/permission-hints.js';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { findCli } from '../../aws-cli.js';
import { cliEnv, sdkClient } from './helpers.js';

const run = promisify(execFile);
const skip = ['sqs', 'sns'].every((s) => SERVICES.some((d) => d.signingName === s)) ? false : 'this build has no SQS or SNS service';

interface Running {
  sandbox: Sandbox;
  s3: S3Client;
  sqs: SQSClient;
  sns: SNSClient;
  log: string[];
}
let lenient: Running;
let strict: Running;

async function start(isStrict: boolean): Promise<Running> {
  const log: string[] = [];
  const sandbox = await startSandbox({ port: 0, strict: isStrict, log: (l) => log.push(l) });
  const config = { endpoint: sandbox.endpoint, region: sandbox.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return { sandbox, s3: sdkClient(sandbox), sqs: new SQSClient(config), sns: new SNSClient(config), log };
}

before(async () => {
  if (skip) return;
  [lenient, strict] = await Promise.all([start(false), start(true)]);
});
after(async () => {
  for (const r of [lenient, strict]) {
    if (!r) continue;
    r.s3.destroy();
    r.sqs.destroy();
    r.sns.destroy();
    await r.sandbox.close();
  }
});

async function queue(r: Running, name: string): Promise<{ url: string; arn: string }> {
  const url = (await r.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const attrs = await r.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: attrs.Attributes!.QueueArn! };
}

async function receive(r: Running, url: string): Promise<{ body: Record<string, unknown>; senderId?: string }> {
  const out = await r.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5, MessageSystemAttributeNames: ['SenderId'] }));
  const m = out.Messages?.[0];
  assert.ok(m, 'a message arrived');
  return { body: JSON.parse(m.Body!) as Record<string, unknown>, senderId: m.Attributes?.SenderId };
}

test('SQS: s3:TestEvent on save, then the event record, both sent by S3; the policy gap is logged once', { skip }, async () => {
  const r = lenient;
  await r.s3.send(new CreateBucketCommand({ Bucket: 'real-queue-bucket' }));
  const q = await queue(r, 'real-events');
  r.log.length = 0;
  const saved = await r.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'real-queue-bucket',
      NotificationConfiguration: { QueueConfigurations: [{ Id: 'q', QueueArn: q.arn, Events: ['s3:ObjectCreated:*'] }] },
    }),
  );
  assert.equal(r.log.filter((l) => l.includes('AWS would refuse')).length, 1, r.log.join('\n'));
  const testEvent = await receive(r, q.url);
  assert.deepEqual(Object.keys(testEvent.body), ['Service', 'Event', 'Time', 'Bucket', 'RequestId', 'HostId']);
  assert.equal(testEvent.body.Event, 's3:TestEvent');
  assert.equal(testEvent.body.RequestId, saved.$metadata.requestId);
  assert.equal(testEvent.senderId, 'AIDAJHIPRHEMV73VRJEBU');
  await r.s3.send(new PutObjectCommand({ Bucket: 'real-queue-bucket', Key: 'a b.txt', Body: 'x' }));
  const event = await receive(r, q.url);
  const [record] = event.body.Records as { eventName: string; s3: { configurationId: string; object: { key: string } } }[];
  assert.equal(record!.eventName, 'ObjectCreated:Put');
  assert.equal(record!.s3.configurationId, 'q');
  assert.equal(record!.s3.object.key, 'a+b.txt');
  assert.equal(event.senderId, 'AIDAJHIPRHEMV73VRJEBU');
});

test('--strict: the default queue and topic policies are refused; the policies the fix names are accepted', { skip }, async () => {
  const r = strict;
  await r.s3.send(new CreateBucketCommand({ Bucket: 'strict-bucket' }));
  const q = await queue(r, 'strict-events');
  const topicArn = (await r.sns.send(new CreateTopicCommand({ Name: 'strict-topic' }))).TopicArn!;
  const cfg = {
    Bucket: 'strict-bucket',
    NotificationConfiguration: {
      QueueConfigurations: [{ QueueArn: q.arn, Events: ['s3:ObjectCreated:*' as const] }],
      TopicConfigurations: [{ TopicArn: topicArn, Events: ['s3:ObjectRemoved:*' as const] }],
    },
  };
  const err = await r.s3.send(new PutBucketNotificationConfigurationCommand(cfg)).then(
    () => undefined,
    (e: Record<string, unknown>) => e,
  );
  assert.ok(err, 'refused');
  assert.equal(err.name, 'InvalidArgument');
  assert.equal(err.ArgumentName1, q.arn);
  assert.equal(err.ArgumentValue1, 'Permissions on the destination queue do not allow S3 to publish notifications from this bucket');
  assert.equal(err.ArgumentName2, topicArn);
  assert.equal(err.ArgumentValue2, 'Permissions on the destination topic do not allow S3 to publish notifications from this bucket');
  await r.sqs.send(
    new SetQueueAttributesCommand({ QueueUrl: q.url, Attributes: { Policy: JSON.stringify(s3SendPolicy(q.arn, 'strict-bucket')) } }),
  );
  await r.sns.send(
    new SetTopicAttributesCommand({
      TopicArn: topicArn,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify(s3PublishPolicy(topicArn, 'strict-bucket')),
    }),
  );
  await r.s3.send(new PutBucketNotificationConfigurationCommand(cfg));
  assert.equal((await receive(r, q.url)).body.Event, 's3:TestEvent');
});

test('the logged fix commands work as printed (AWS CLI v2): afterwards --strict accepts the configuration', { skip }, async (t) => {
  const cli = await findCli('/usr/bin/aws', '2');
  if (!cli) return t.skip('AWS CLI v2 (/usr/bin/aws) not installed');
  // Gaps logged by the lenient sandbox, fixed on the strict one (same endpoint shape, same account).
  const r = strict;
  await r.s3.send(new CreateBucketCommand({ Bucket: 'fixed-bucket' }));
  const q = await queue(r, 'fixed-events');
  const topicArn = (await r.sns.send(new CreateTopicCommand({ Name: 'fixed-topic' }))).TopicArn!;
  const lambda = new LambdaClient({
    endpoint: r.sandbox.endpoint,
    region: r.sandbox.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  t.after(() => lambda.destroy());
  const fnArn = (
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'fixed-fn',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: 'arn:aws:iam::000000000000:role/lambda-role',
        Code: { ZipFile: zipPackage({ 'index.mjs': 'export const handler = async () => 1;' }) },
      }),
    )
  ).FunctionArn!;
  for (const gap of [
    { kind: 'lambda' as const, arn: fnArn, bucket: 'fixed-bucket' },
    { kind: 'queue' as const, arn: q.arn, bucket: 'fixed-bucket' },
    { kind: 'topic' as const, arn: topicArn, bucket: 'fixed-bucket' },
  ]) {
    const command = permissionFix(gap, { endpoint: r.sandbox.endpoint, region: r.sandbox.region });
    await run('/bin/sh', ['-c', command.replace(/^aws /, `${cli} `)], { env: cliEnv(r.sandbox) });
  }
  await r.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'fixed-bucket',
      NotificationConfiguration: {
        QueueConfigurations: [{ QueueArn: q.arn, Events: ['s3:ObjectCreated:*'] }],
        TopicConfigurations: [{ TopicArn: topicArn, Events: ['s3:ObjectRemoved:*'] }],
        LambdaFunctionConfigurations: [{ LambdaFunctionArn: fnArn, Events: ['s3:ObjectRestore:*'] }],
      },
    }),
  );
});
