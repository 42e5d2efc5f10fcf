/**
 * Saving a notification configuration against a running sandbox with the JS SDK: destinations must exist
 * (AWS's InvalidArgument otherwise), s3:TestEvent reaches queues and topics, and permissions are checked under
 * --strict and logged with their fix without it (issue #10; issue #12 fault 3 for Lambda). Queues, topics and
 * the bus are recording stubs set on the context (the real services live elsewhere); Lambda is the real one.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  type NotificationConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import type { SandboxContext } from '../../../src/sandbox/context.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { findCli } from '../../aws-cli.js';
import { cliEnv, sdkClient } from './helpers.js';

const run = promisify(execFile);

interface Running {
  sandbox: Sandbox;
  s3: S3Client;
  lambda: LambdaClient;
  log: string[];
  sent: { arn: string; body: string; senderId?: string }[];
  published: { arn: string; message: string; subject?: string }[];
  put: { detailType: string; detail: string }[];
  /** Queue and topic ARNs whose policy lets S3 in. */
  allowed: Set<string>;
}

const ACCOUNT = '000000000000';
let strict: Running;
let lenient: Running;

async function start(isStrict: boolean): Promise<Running> {
  const log: string[] = [];
  const sandbox = await startSandbox({ port: 0, strict: isStrict, log: (line) => log.push(line) });
  const r: Running = {
    sandbox,
    s3: sdkClient(sandbox),
    lambda: new LambdaClient({
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
    log,
    sent: [],
    published: [],
    put: [],
    allowed: new Set(),
  };
  const existing = (arn: string) => /:(q|q2|t|t2)$/.test(arn);
  const ctx: SandboxContext = sandbox.context;
  ctx.queues = {
    ...ctx.queues,
    exists: existing,
    allowsSend: (arn, principal, source) => principal === 's3.amazonaws.com' && source.startsWith('arn:aws:s3:::') && r.allowed.has(arn),
    send: (arn, body, options) => {
      r.sent.push({ arn, body, ...(options?.senderId ? { senderId: options.senderId } : {}) });
      return { messageId: `m${r.sent.length}` };
    },
  };
  ctx.topics = {
    exists: existing,
    allowsPublish: (arn, principal) => principal === 's3.amazonaws.com' && r.allowed.has(arn),
    publish: (arn, m) => {
      r.published.push({ arn, message: m.message, ...(m.subject ? { subject: m.subject } : {}) });
      return { messageId: `p${r.published.length}` };
    },
  };
  ctx.eventBus = {
    put: (entry) => {
      r.put.push({ detailType: entry.detailType, detail: entry.detail });
      return { eventId: 'e' };
    },
  };
  await r.lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'fn',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Code: { ZipFile: zipPackage({ 'index.mjs': 'export const handler = async () => "ok";' }) },
    }),
  );
  return r;
}

before(async () => {
  [strict, lenient] = await Promise.all([start(true), start(false)]);
});
after(async () => {
  for (const r of [strict, lenient]) {
    r.s3.destroy();
    r.lambda.destroy();
    await r.sandbox.close();
  }
});

const arnOf = (r: Running, service: 'sqs' | 'sns' | 'lambda', name: string) =>
  service === 'lambda'
    ? `arn:aws:lambda:${r.sandbox.region}:${ACCOUNT}:function:${name}`
    : `arn:aws:${service}:${r.sandbox.region}:${ACCOUNT}:${name}`;

let buckets = 0;
async function bucket(r: Running): Promise<string> {
  const name = `dest-bucket-${++buckets}`;
  await r.s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

async function save(r: Running, Bucket: string, NotificationConfiguration: NotificationConfiguration, skip = false) {
  return r.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket,
      NotificationConfiguration,
      ...(skip ? { SkipDestinationValidation: true } : {}),
    }),
  );
}

/** The S3 error a save answers with: code, status, message and the ArgumentName/Value fields. */
async function saveError(r: Running, Bucket: string, cfg: NotificationConfiguration): Promise<Record<string, unknown>> {
  try {
    await save(r, Bucket, cfg);
  } catch (err) {
    const e = err as Record<string, unknown> & { name: string; message: string; $metadata: { httpStatusCode?: number } };
    const args = Object.fromEntries(Object.entries(e).filter(([k]) => /^Argument(Name|Value)\d*$/.test(k)));
    return { code: e.name, status: e.$metadata.httpStatusCode, message: e.message, ...args };
  }
  assert.fail('the configuration was accepted');
}

const lambdaCfg = (r: Running): NotificationConfiguration => ({
  LambdaFunctionConfigurations: [{ LambdaFunctionArn: arnOf(r, 'lambda', 'fn'), Events: ['s3:ObjectCreated:*'] }],
});

test('issue #12 fault 3: under --strict a function without the S3 invoke permission is refused as AWS does; add-permission fixes it', async () => {
  const b = await bucket(strict);
  const fn = arnOf(strict, 'lambda', 'fn');
  assert.deepEqual(await saveError(strict, b, lambdaCfg(strict)), {
    code: 'InvalidArgument',
    status: 400,
    message: 'Unable to validate the following destination configurations',
    ArgumentName1: `${fn}, null`,
    ArgumentValue1: `Not authorized to invoke function [${fn}]`,
  });
  await strict.lambda.send(
    new AddPermissionCommand({
      FunctionName: 'fn',
      StatementId: 's3invoke',
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      SourceArn: `arn:aws:s3:::${b}`,
    }),
  );
  await save(strict, b, lambdaCfg(strict));
});

test('issue #12 fault 3: by default the same configuration is accepted, with one line naming the refusal and the add-permission fix', async () => {
  const b = await bucket(lenient);
  lenient.log.length = 0;
  await save(lenient, b, lambdaCfg(lenient));
  const lines = lenient.log.filter((l) => l.includes('AWS would refuse'));
  assert.equal(lines.length, 1, lenient.log.join('\n'));
  assert.match(
    lines[0]!,
    new RegExp(`function ${arnOf(lenient, 'lambda', 'fn')} has not granted lambda:InvokeFunction to s3\\.amazonaws\\.com`),
  );
  assert.ok(
    lines[0]!.endsWith(
      `Fix: aws --endpoint-url ${lenient.sandbox.endpoint} lambda add-permission --function-name fn --statement-id s3invoke ` +
        `--action lambda:InvokeFunction --principal s3.amazonaws.com --source-arn arn:aws:s3:::${b}`,
    ),
    lines[0],
  );
  // and the event is delivered (the invoke happens; the blog's walkthrough relies on this)
  lenient.log.length = 0;
  await lenient.s3.send(new PutObjectCommand({ Bucket: b, Key: 'x.txt', Body: 'x' }));
  assert.deepEqual(
    lenient.log.filter((l) => /dropped/.test(l)),
    [],
  );
});

test('a missing queue or topic is refused with AWS error; skip-destination-validation saves it untouched', async () => {
  for (const r of [strict, lenient]) {
    const b = await bucket(r);
    const missingQueue = arnOf(r, 'sqs', 'nope');
    const missingTopic = arnOf(r, 'sns', 'gone');
    assert.deepEqual(
      await saveError(r, b, {
        QueueConfigurations: [{ QueueArn: missingQueue, Events: ['s3:ObjectCreated:*'] }],
        TopicConfigurations: [{ TopicArn: missingTopic, Events: ['s3:ObjectRemoved:*'] }],
      }),
      {
        code: 'InvalidArgument',
        status: 400,
        message: 'Unable to validate the following destination configurations',
        ArgumentName1: missingQueue,
        ArgumentValue1: 'The destination queue does not exist',
        ArgumentName2: missingTopic,
        ArgumentValue2: 'The destination topic does not exist',
      },
    );
    r.sent.length = 0;
    await save(r, b, { QueueConfigurations: [{ QueueArn: missingQueue, Events: ['s3:ObjectCreated:*'] }] }, true);
    assert.deepEqual(r.sent, [], 'no TestEvent when validation is skipped');
  }
});

test('s3:TestEvent: one per queue and topic after a save, in AWS shape, with the request id of the save', async () => {
  const r = lenient;
  const b = await bucket(r);
  const q = arnOf(r, 'sqs', 'q');
  const t = arnOf(r, 'sns', 't');
  r.allowed.add(q).add(t);
  r.sent.length = 0;
  r.published.length = 0;
  const out = await save(r, b, {
    QueueConfigurations: [{ QueueArn: q, Events: ['s3:ObjectCreated:*'] }],
    TopicConfigurations: [{ TopicArn: t, Events: ['s3:ObjectRemoved:*'] }],
    LambdaFunctionConfigurations: [{ LambdaFunctionArn: arnOf(r, 'lambda', 'fn'), Events: ['s3:ObjectRestore:*'] }],
  });
  assert.equal(r.sent.length, 1);
  assert.equal(r.published.length, 1);
  const body = JSON.parse(r.sent[0]!.body) as Record<string, string>;
  assert.deepEqual(Object.keys(body), ['Service', 'Event', 'Time', 'Bucket', 'RequestId', 'HostId']);
  assert.equal(body.Service, 'Amazon S3');
  assert.equal(body.Event, 's3:TestEvent');
  assert.equal(body.Bucket, b);
  assert.equal(body.RequestId, out.$metadata.requestId);
  assert.equal(body.HostId, out.$metadata.extendedRequestId);
  assert.match(body.Time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(r.sent[0]!.senderId, 'AIDAJHIPRHEMV73VRJEBU');
  assert.equal(r.published[0]!.subject, 'Amazon S3 Notification');
  assert.equal(JSON.parse(r.published[0]!.message).Event, 's3:TestEvent');
});

test('queue and topic policies: --strict refuses with AWS messages; by default one line each with the fix', async () => {
  const q = arnOf(strict, 'sqs', 'q2');
  const t = arnOf(strict, 'sns', 't2');
  const cfg: NotificationConfiguration = {
    QueueConfigurations: [{ QueueArn: q, Events: ['s3:ObjectCreated:*'] }],
    TopicConfigurations: [{ TopicArn: t, Events: ['s3:ObjectRemoved:*'] }],
  };
  assert.deepEqual(await saveError(strict, await bucket(strict), cfg), {
    code: 'InvalidArgument',
    status: 400,
    message: 'Unable to validate the following destination configurations',
    ArgumentName1: q,
    ArgumentValue1: 'Permissions on the destination queue do not allow S3 to publish notifications from this bucket',
    ArgumentName2: t,
    ArgumentValue2: 'Permissions on the destination topic do not allow S3 to publish notifications from this bucket',
  });
  lenient.log.length = 0;
  const b = await bucket(lenient);
  await save(lenient, b, cfg);
  const lines = lenient.log.filter((l) => l.includes('AWS would refuse'));
  assert.equal(lines.length, 2, lenient.log.join('\n'));
  assert.match(
    lines[0]!,
    /the policy of queue .*:q2 does not let s3\.amazonaws\.com send .* Fix: aws --endpoint-url \S+ sqs set-queue-attributes --queue-url \S+\/000000000000\/q2 --attributes '\{"Policy":/,
  );
  assert.match(
    lines[1]!,
    /the policy of topic .*:t2 does not let s3\.amazonaws\.com publish .* Fix: aws --endpoint-url \S+ sns set-topic-attributes --topic-arn \S+:t2 --attribute-name Policy --attribute-value '\{/,
  );
});

test('events reach the queue, the topic and the bus through the glue (EventBridge: raw key, no filters)', async () => {
  const r = lenient;
  const b = await bucket(r);
  const q = arnOf(r, 'sqs', 'q');
  const t = arnOf(r, 'sns', 't');
  await save(r, b, {
    QueueConfigurations: [
      { QueueArn: q, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } } },
    ],
    TopicConfigurations: [
      { TopicArn: t, Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'out/' }] } } },
    ],
    EventBridgeConfiguration: {},
  });
  r.sent.length = 0;
  r.published.length = 0;
  r.put.length = 0;
  await r.s3.send(new PutObjectCommand({ Bucket: b, Key: 'in/a b+c.txt', Body: 'abc' }));
  await r.s3.send(new PutObjectCommand({ Bucket: b, Key: 'out/x.txt', Body: 'x' }));
  assert.deepEqual(
    r.sent.map((s) => JSON.parse(s.body).Records[0].s3.object.key),
    ['in/a+b%2Bc.txt'],
  );
  assert.deepEqual(
    r.published.map((p) => [JSON.parse(p.message).Records[0].s3.object.key, p.subject]),
    [['out/x.txt', 'Amazon S3 Notification']],
  );
  assert.deepEqual(
    r.put.map((p) => [p.detailType, JSON.parse(p.detail).object.key, JSON.parse(p.detail).reason]),
    [
      ['Object Created', 'in/a b+c.txt', 'PutObject'],
      ['Object Created', 'out/x.txt', 'PutObject'],
    ],
  );
});

test('AWS CLI v2: put-bucket-notification-configuration to a missing queue fails with AWS message', async (t) => {
  const cli = await findCli('/usr/bin/aws', '2');
  if (!cli) return t.skip('AWS CLI v2 (/usr/bin/aws) not installed');
  const r = lenient;
  const b = await bucket(r);
  const missing = arnOf(r, 'sqs', 'missing-queue');
  const cfg = JSON.stringify({ QueueConfigurations: [{ QueueArn: missing, Events: ['s3:ObjectCreated:*'] }] });
  const err = await run(
    cli,
    [
      '--endpoint-url',
      r.sandbox.endpoint,
      's3api',
      'put-bucket-notification-configuration',
      '--bucket',
      b,
      '--notification-configuration',
      cfg,
    ],
    { env: cliEnv(r.sandbox) },
  ).then(
    () => undefined,
    (e: { code?: number; stderr?: string }) => e,
  );
  assert.ok(err, 'the CLI call succeeded');
  assert.equal(err.code, 254);
  assert.match(
    err.stderr ?? '',
    /An error occurred \(InvalidArgument\) when calling the PutBucketNotificationConfiguration operation: Unable to validate the following destination configurations/,
  );
});
