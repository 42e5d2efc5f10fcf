/**
 * Asynchronous invocation config end to end on the sandbox: the JS SDK and the AWS CLI v2 configure
 * retries and destinations, a failing handler invoked with InvocationType Event runs 1 + MaximumRetryAttempts times
 * (each attempt its own START … REPORT with the same request id), and the on-failure queue receives Lambda's
 * invocation record; a success goes to OnSuccess; a dead-letter queue gets the event with Lambda's attributes.
 * Timing scale 0.01: AWS's 1-minute retry wait takes 10 ms.
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
  CreateFunctionCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionEventInvokeConfigsCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { awsCliEnv, findCli } from '../../aws-cli.js';
import { errorOf } from '../../sdk-errors.js';
import { ROLE } from './helpers.js';

const run = promisify(execFile);
const HANDLER = `export const handler = async (event) => {
  console.log('GOT ' + JSON.stringify(event));
  if (event.fail) throw new Error('boom: ' + event.fail);
  return { ok: true, echo: event };
};`;

let sb: Sandbox;
let lambda: LambdaClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;
let dir: string;
const ACCOUNT = '000000000000';

before(async () => {
  sb = await startSandbox({ port: 0, timing: { scale: 0.01 } });
  const common = { endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  lambda = new LambdaClient(common);
  sqs = new SQSClient(common);
  logs = new CloudWatchLogsClient(common);
  dir = mkdtempSync(join(tmpdir(), 's3trigger-async-'));
  writeFileSync(join(dir, 'config'), '');
  writeFileSync(join(dir, 'credentials'), '');
});
after(async () => {
  lambda.destroy();
  sqs.destroy();
  logs.destroy();
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fn(name: string, extra: object = {}): Promise<string> {
  const out = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zipPackage({ 'index.mjs': HANDLER }) },
      ...extra,
    }),
  );
  return out.FunctionArn!;
}

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** The first message on the queue (long polls up to 20 s). */
async function receive(url: string): Promise<Message> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], AttributeNames: ['All'] }),
    );
    if (out.Messages?.length) return out.Messages[0]!;
  }
  throw new Error(`no message on ${url}`);
}

/** The function's platform lines (START/END/REPORT) for one request id. */
async function platformLines(name: string, requestId: string): Promise<string[]> {
  const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}` }));
  return (out.events ?? []).map((e) => e.message ?? '').filter((m) => /^(START|END|REPORT) RequestId: /.test(m) && m.includes(requestId));
}

test('SDK: Put/Get/Update/List/Delete FunctionEventInvokeConfig answer as Lambda does', async () => {
  const arn = await fn('eic-crud');
  const q = await queue('eic-crud-failed');
  const put = await lambda.send(
    new PutFunctionEventInvokeConfigCommand({
      FunctionName: 'eic-crud',
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: q.arn } },
    }),
  );
  assert.equal(put.FunctionArn, `${arn}:$LATEST`);
  assert.equal(put.MaximumRetryAttempts, 1);
  assert.equal(put.MaximumEventAgeInSeconds, undefined);
  assert.deepEqual(put.DestinationConfig, { OnSuccess: {}, OnFailure: { Destination: q.arn } });
  assert.ok(put.LastModified instanceof Date && Math.abs(put.LastModified.getTime() - Date.now()) < 60_000);

  const updated = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: arn, MaximumEventAgeInSeconds: 3600 }));
  assert.equal(updated.MaximumRetryAttempts, 1, 'Update keeps what it does not name');
  assert.equal(updated.MaximumEventAgeInSeconds, 3600);
  assert.equal(updated.DestinationConfig?.OnFailure?.Destination, q.arn);

  // Put replaces: settings left out are removed.
  const replaced = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic-crud', MaximumRetryAttempts: 0 }));
  assert.equal(replaced.MaximumEventAgeInSeconds, undefined);
  assert.deepEqual(replaced.DestinationConfig, { OnSuccess: {}, OnFailure: {} });

  const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic-crud' }));
  assert.equal(got.MaximumRetryAttempts, 0);
  const listed = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'eic-crud' }));
  assert.equal(listed.FunctionEventInvokeConfigs?.length, 1);
  assert.equal(listed.FunctionEventInvokeConfigs?.[0]?.FunctionArn, `${arn}:$LATEST`);

  await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'eic-crud' }));
  const missing = await errorOf(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic-crud' })));
  assert.deepEqual(missing, {
    name: 'ResourceNotFoundException',
    status: 404,
    message: `The function ${arn}:$LATEST doesn't have an EventInvokeConfig`,
  });
  const updateMissing = await errorOf(
    lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'eic-crud', MaximumRetryAttempts: 1 })),
  );
  assert.equal(updateMissing.name, 'ResourceNotFoundException');
  const listedNone = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'eic-crud' }));
  assert.deepEqual(listedNone.FunctionEventInvokeConfigs, []);
  const noFunction = await errorOf(
    lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic-none', MaximumRetryAttempts: 1 })),
  );
  assert.deepEqual(noFunction, {
    name: 'ResourceNotFoundException',
    status: 404,
    message: `Function not found: arn:aws:lambda:${sb.region}:${ACCOUNT}:function:eic-none`,
  });
});

test('SDK: out-of-range settings and foreign destinations are refused with Lambda errors', async () => {
  await fn('eic-bad');
  const put = (input: object) => errorOf(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic-bad', ...input })));
  assert.deepEqual(await put({ MaximumRetryAttempts: 3 }), {
    name: 'ValidationException',
    status: 400,
    message:
      "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2",
  });
  assert.match((await put({ MaximumEventAgeInSeconds: 59 })).message, /'maximumEventAgeInSeconds' .* greater than or equal to 60$/);
  assert.match((await put({ MaximumEventAgeInSeconds: 21_601 })).message, /less than or equal to 21600$/);
  const bucket = await put({ DestinationConfig: { OnFailure: { Destination: 'arn:aws:s3:::some-bucket' } } });
  assert.equal(bucket.name, 'InvalidParameterValueException');
  assert.equal(
    bucket.message,
    'The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=arn:aws:s3:::some-bucket)) is invalid.',
  );
  const self = await put({ DestinationConfig: { OnSuccess: { Destination: `arn:aws:lambda:${sb.region}:${ACCOUNT}:function:eic-bad` } } });
  assert.deepEqual(self, {
    name: 'InvalidParameterValueException',
    status: 400,
    message: "You can't specify the function as a destination for itself.",
  });
  assert.equal((await put({})).message, 'You must specify at least one of error handling or destination setting.');
  assert.equal((await put({ DestinationConfig: { OnFailure: { Destination: 'not-an-arn' } } })).name, 'ValidationException');
});

test("AWS CLI v2: MaximumRetryAttempts 1 + OnFailure queue: two attempts with one request id, then Lambda's record on the queue", async (t) => {
  const cli = await findCli('/usr/bin/aws', '2');
  if (!cli) return t.skip('AWS CLI v2 (/usr/bin/aws) not found');
  const arn = await fn('async-fails');
  const failed = await queue('q-failed');
  const aws = async (args: string[]) =>
    (
      await run(cli, ['--endpoint-url', sb.endpoint, '--output', 'json', ...args], {
        env: awsCliEnv(dir, sb.region),
        cwd: dir,
        timeout: 60_000,
      })
    ).stdout;
  const put = JSON.parse(
    await aws([
      'lambda',
      'put-function-event-invoke-config',
      '--function-name',
      'async-fails',
      '--maximum-retry-attempts',
      '1',
      '--destination-config',
      JSON.stringify({ OnFailure: { Destination: failed.arn } }),
    ]),
  );
  assert.equal(put.MaximumRetryAttempts, 1);
  const got = JSON.parse(await aws(['lambda', 'get-function-event-invoke-config', '--function-name', 'async-fails']));
  assert.equal(got.DestinationConfig.OnFailure.Destination, failed.arn);
  const payload = { fail: 'always', n: 7 };
  const invoked = JSON.parse(
    await aws([
      'lambda',
      'invoke',
      '--function-name',
      'async-fails',
      '--invocation-type',
      'Event',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      JSON.stringify(payload),
      join(dir, 'out.json'),
    ]),
  );
  assert.equal(invoked.StatusCode, 202);

  const message = await receive(failed.url);
  const record = JSON.parse(message.Body!);
  assert.equal(record.version, '1.0');
  assert.ok(!Number.isNaN(Date.parse(record.timestamp)) && record.timestamp.endsWith('Z'), record.timestamp);
  assert.equal(record.requestContext.functionArn, `${arn}:$LATEST`);
  assert.equal(record.requestContext.condition, 'RetriesExhausted');
  assert.equal(record.requestContext.approximateInvokeCount, 2);
  assert.match(record.requestContext.requestId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(record.requestPayload, payload);
  assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
  assert.equal(record.responsePayload.errorType, 'Error');
  assert.equal(record.responsePayload.errorMessage, 'boom: always');

  const lines = await platformLines('async-fails', record.requestContext.requestId);
  assert.equal(lines.filter((l) => l.startsWith('START ')).length, 2, lines.join('\n'));
  assert.equal(lines.filter((l) => l.startsWith('REPORT ')).length, 2, lines.join('\n'));
});

test('SDK: a successful Event invocation sends the Success record to OnSuccess', async () => {
  const arn = await fn('async-ok');
  const ok = await queue('q-ok');
  const failed = await queue('q-ok-failed');
  await lambda.send(
    new PutFunctionEventInvokeConfigCommand({
      FunctionName: 'async-ok',
      DestinationConfig: { OnSuccess: { Destination: ok.arn }, OnFailure: { Destination: failed.arn } },
    }),
  );
  const sent = await lambda.send(
    new InvokeCommand({ FunctionName: 'async-ok', InvocationType: 'Event', Payload: JSON.stringify({ hello: 'world' }) }),
  );
  assert.equal(sent.StatusCode, 202);
  const record = JSON.parse((await receive(ok.url)).Body!);
  assert.equal(record.requestContext.condition, 'Success');
  assert.equal(record.requestContext.approximateInvokeCount, 1);
  assert.equal(record.requestContext.functionArn, `${arn}:$LATEST`);
  assert.deepEqual(record.requestPayload, { hello: 'world' });
  assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
  assert.deepEqual(record.responsePayload, { ok: true, echo: { hello: 'world' } });
  const none = await sqs.send(new ReceiveMessageCommand({ QueueUrl: failed.url, WaitTimeSeconds: 0 }));
  assert.equal(none.Messages, undefined, 'nothing on the on-failure queue');
});

test('SDK: DeadLetterConfig gets the failed event with RequestID, ErrorCode and ErrorMessage attributes', async () => {
  const dlq = await queue('fn-dlq');
  await fn('async-dlq', { DeadLetterConfig: { TargetArn: dlq.arn } });
  const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'async-dlq' }));
  assert.deepEqual(conf.DeadLetterConfig, { TargetArn: dlq.arn });
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'async-dlq', MaximumRetryAttempts: 0 }));
  const body = JSON.stringify({ fail: 'to the dlq' });
  await lambda.send(new InvokeCommand({ FunctionName: 'async-dlq', InvocationType: 'Event', Payload: body }));
  const message = await receive(dlq.url);
  assert.equal(message.Body, body);
  const attrs = message.MessageAttributes!;
  assert.match(attrs.RequestID?.StringValue ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(attrs.RequestID?.DataType, 'String');
  assert.deepEqual(attrs.ErrorCode, { DataType: 'Number', StringValue: '200' });
  assert.deepEqual(attrs.ErrorMessage, { DataType: 'String', StringValue: 'boom: to the dlq' });
  const lines = await platformLines('async-dlq', attrs.RequestID!.StringValue!);
  assert.equal(lines.filter((l) => l.startsWith('START ')).length, 1, 'MaximumRetryAttempts 0: one attempt');

  // Removing it: an empty TargetArn.
  const removed = await lambda.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: 'async-dlq', DeadLetterConfig: { TargetArn: '' } }),
  );
  assert.equal(removed.DeadLetterConfig, undefined);
  const bad = await errorOf(
    lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'async-dlq',
        DeadLetterConfig: { TargetArn: `arn:aws:lambda:${sb.region}:${ACCOUNT}:function:x` },
      }),
    ),
  );
  assert.equal(bad.name, 'InvalidParameterValueException');
});

test('SDK: records reach an SNS topic, another Lambda function and the default EventBridge bus', async () => {
  const common = { endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const sns = new SNSClient(common);
  const eb = new EventBridgeClient(common);
  try {
    // SNS: OnFailure topic, read back through a raw SQS subscription.
    const viaTopic = await queue('via-topic');
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'async-failures' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: viaTopic.arn, Attributes: { RawMessageDelivery: 'true' } }));
    await fn('to-topic');
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'to-topic',
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: TopicArn } },
      }),
    );
    await lambda.send(new InvokeCommand({ FunctionName: 'to-topic', InvocationType: 'Event', Payload: '{"fail":"topic"}' }));
    const viaSns = JSON.parse((await receive(viaTopic.url)).Body!);
    assert.equal(viaSns.requestContext.condition, 'RetriesExhausted');
    assert.equal(viaSns.requestContext.approximateInvokeCount, 1);

    // Lambda: OnSuccess function, which logs what it got.
    const receiverArn = await fn('record-receiver');
    await fn('to-function');
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'to-function',
        DestinationConfig: { OnSuccess: { Destination: receiverArn } },
      }),
    );
    const sent = await lambda.send(new InvokeCommand({ FunctionName: 'to-function', InvocationType: 'Event', Payload: '{"n":1}' }));
    assert.equal(sent.StatusCode, 202);
    let got: { requestContext: { condition: string }; requestPayload: unknown } | undefined;
    for (let i = 0; i < 100 && !got; i++) {
      const out = await logs
        .send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/record-receiver' }))
        .catch(() => ({ events: [] }));
      const line = (out.events ?? []).map((e) => e.message ?? '').find((m) => m.includes('GOT {"version"'));
      if (line) got = JSON.parse(line.slice(line.indexOf('GOT ') + 4));
      else await sleep(100);
    }
    assert.ok(got, 'the destination function ran with the record');
    assert.equal(got.requestContext.condition, 'Success');
    assert.deepEqual(got.requestPayload, { n: 1 });

    // EventBridge: a rule on the default bus for Lambda's failure records, delivering to a queue.
    const viaBus = await queue('via-bus');
    await eb.send(
      new PutRuleCommand({
        Name: 'lambda-failures',
        EventPattern: JSON.stringify({ source: ['lambda'], 'detail-type': ['Lambda Function Invocation Result - Failure'] }),
      }),
    );
    await eb.send(new PutTargetsCommand({ Rule: 'lambda-failures', Targets: [{ Id: 'q', Arn: viaBus.arn }] }));
    const bus = `arn:aws:events:${sb.region}:${ACCOUNT}:event-bus/default`;
    const busFnArn = await fn('to-bus');
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'to-bus',
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: bus } },
      }),
    );
    await lambda.send(new InvokeCommand({ FunctionName: 'to-bus', InvocationType: 'Event', Payload: '{"fail":"bus"}' }));
    const event = JSON.parse((await receive(viaBus.url)).Body!);
    assert.equal(event.source, 'lambda');
    assert.equal(event['detail-type'], 'Lambda Function Invocation Result - Failure');
    assert.ok(event.resources.includes(`${busFnArn}:$LATEST`), JSON.stringify(event.resources));
    assert.equal(event.detail.requestContext.condition, 'RetriesExhausted');
    assert.deepEqual(event.detail.requestPayload, { fail: 'bus' });
  } finally {
    sns.destroy();
    eb.destroy();
  }
});
