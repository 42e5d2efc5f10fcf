/**
 * Reserved concurrency on the sandbox: Put/Get/DeleteFunctionConcurrency through the JS SDK and the AWS CLI v2,
 * GetFunction's Concurrency, 0 throttling synchronous invokes with Lambda's 429 (Reason
 * ReservedFunctionConcurrentInvocationLimitExceeded) and sending asynchronous events to the on-failure destination
 * without running them; with 1, a second synchronous invoke is throttled and an asynchronous event waits for the
 * running one, with never more than one execution environment.
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
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { awsCliEnv, findCli } from '../../aws-cli.js';
import { errorOf } from '../../sdk-errors.js';
import { ROLE } from './helpers.js';

const run = promisify(execFile);
const HANDLER = `import { existsSync } from 'node:fs';
export const handler = async (event) => {
  console.log('GOT ' + JSON.stringify(event));
  // Runs until the test creates the gate file.
  while (event.gate && !existsSync(event.gate)) await new Promise((r) => setTimeout(r, 20));
  return { ok: event.tag ?? true };
};`;

let sb: Sandbox;
let lambda: LambdaClient;
/** One attempt only: the SDK retries a 429 by itself, which would wait out the throttle. */
let once: LambdaClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;
let dir: string;

before(async () => {
  sb = await startSandbox({ port: 0, timing: { scale: 0.01 } });
  const common = { endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  lambda = new LambdaClient(common);
  once = new LambdaClient({ ...common, maxAttempts: 1 });
  sqs = new SQSClient(common);
  logs = new CloudWatchLogsClient(common);
  dir = mkdtempSync(join(tmpdir(), 's3trigger-concurrency-'));
  writeFileSync(join(dir, 'config'), '');
  writeFileSync(join(dir, 'credentials'), '');
});
after(async () => {
  lambda.destroy();
  once.destroy();
  sqs.destroy();
  logs.destroy();
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

async function fn(name: string): Promise<string> {
  const out = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zipPackage({ 'index.mjs': HANDLER }) },
    }),
  );
  return out.FunctionArn!;
}

async function messages(name: string): Promise<string[]> {
  try {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}` }));
    return (out.events ?? []).map((e) => e.message ?? '');
  } catch {
    return [];
  }
}

test('SDK: Put/Get/DeleteFunctionConcurrency, GetFunction shows it, and the account keeps 100 unreserved', async () => {
  await fn('conc-crud');
  assert.deepEqual(
    (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'conc-crud' }))).ReservedConcurrentExecutions,
    undefined,
  );
  const put = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'conc-crud', ReservedConcurrentExecutions: 5 }));
  assert.equal(put.ReservedConcurrentExecutions, 5);
  assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'conc-crud' }))).ReservedConcurrentExecutions, 5);
  assert.deepEqual((await lambda.send(new GetFunctionCommand({ FunctionName: 'conc-crud' }))).Concurrency, {
    ReservedConcurrentExecutions: 5,
  });
  const tooMuch = await errorOf(
    lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'conc-crud', ReservedConcurrentExecutions: 901 })),
  );
  assert.deepEqual(tooMuch, {
    name: 'InvalidParameterValueException',
    status: 400,
    message:
      "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
  });
  const negative = await errorOf(
    lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'conc-crud', ReservedConcurrentExecutions: -1 })),
  );
  assert.equal(negative.name, 'ValidationException');
  await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'conc-crud' }));
  assert.equal(
    (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'conc-crud' }))).ReservedConcurrentExecutions,
    undefined,
  );
  assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: 'conc-crud' }))).Concurrency, undefined);
  const missing = await errorOf(lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'conc-none' })));
  assert.equal(missing.name, 'ResourceNotFoundException');
});

test('reserved concurrency 0: a synchronous invoke is 429 TooManyRequestsException, an Event goes to OnFailure without running', async () => {
  const arn = await fn('conc-zero');
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'conc-zero-failed' }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await lambda.send(
    new PutFunctionEventInvokeConfigCommand({
      FunctionName: 'conc-zero',
      DestinationConfig: { OnFailure: { Destination: Attributes!.QueueArn! } },
    }),
  );
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'conc-zero', ReservedConcurrentExecutions: 0 }));

  let thrown: unknown;
  try {
    await once.send(new InvokeCommand({ FunctionName: 'conc-zero', Payload: '{}' }));
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown instanceof TooManyRequestsException, String(thrown));
  assert.equal(thrown.$metadata.httpStatusCode, 429);
  assert.equal(thrown.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
  assert.equal(thrown.Type, 'User');
  assert.equal(thrown.message, 'Rate Exceeded.');

  const sent = await lambda.send(new InvokeCommand({ FunctionName: 'conc-zero', InvocationType: 'Event', Payload: '{"tag":"held"}' }));
  assert.equal(sent.StatusCode, 202, 'an Event is accepted');
  let body: string | undefined;
  for (let i = 0; i < 20 && !body; i++) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    body = out.Messages?.[0]?.Body;
  }
  assert.ok(body, 'the on-failure queue got a record');
  const record = JSON.parse(body);
  assert.equal(record.requestContext.functionArn, `${arn}:$LATEST`);
  assert.equal(record.requestContext.approximateInvokeCount, 0);
  assert.deepEqual(record.requestPayload, { tag: 'held' });
  assert.equal(record.responseContext, undefined, 'it never ran');
  assert.deepEqual(
    (await messages('conc-zero')).filter((m) => m.startsWith('START')),
    [],
    'no execution environment ran it',
  );
});

test('reserved concurrency 1: a second synchronous invoke is throttled, an Event waits for the running one; one environment', async () => {
  await fn('conc-one');
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'conc-one', ReservedConcurrentExecutions: 1 }));
  const gate = join(dir, 'gate');
  const slow = lambda.send(new InvokeCommand({ FunctionName: 'conc-one', Payload: JSON.stringify({ gate, tag: 'slow' }) }));
  // Wait until the slow one has started (its START line), then try a second one.
  for (let i = 0; i < 100 && !(await messages('conc-one')).some((m) => m.startsWith('START')); i++)
    await new Promise((r) => setTimeout(r, 100));
  const second = await errorOf(once.send(new InvokeCommand({ FunctionName: 'conc-one', Payload: '{}' })));
  assert.deepEqual(second, { name: 'TooManyRequestsException', status: 429, message: 'Rate Exceeded.' });
  await lambda.send(new InvokeCommand({ FunctionName: 'conc-one', InvocationType: 'Event', Payload: '{"tag":"queued"}' }));
  writeFileSync(gate, '');
  const done = await slow;
  assert.equal(Buffer.from(done.Payload!).toString(), '{"ok":"slow"}');
  let lines: string[] = [];
  for (let i = 0; i < 100; i++) {
    lines = await messages('conc-one');
    if (lines.filter((m) => m.startsWith('REPORT')).length === 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const order = lines.filter((m) => /^(START|REPORT)/.test(m)).map((m) => m.split(' ')[0]);
  assert.deepEqual(order, ['START', 'REPORT', 'START', 'REPORT'], 'the Event ran after the synchronous one ended');
  assert.ok(lines.some((m) => m.includes('GOT {"tag":"queued"}')));
});

test('AWS CLI v2: put-function-concurrency 0, then invoke fails with TooManyRequestsException', async (t) => {
  const cli = await findCli('/usr/bin/aws', '2');
  if (!cli) return t.skip('AWS CLI v2 (/usr/bin/aws) not found');
  await fn('conc-cli');
  const env = awsCliEnv(dir, sb.region);
  const aws = (args: string[]) =>
    run(cli, ['--endpoint-url', sb.endpoint, '--output', 'json', ...args], { env, cwd: dir, timeout: 60_000 });
  const put = JSON.parse(
    (await aws(['lambda', 'put-function-concurrency', '--function-name', 'conc-cli', '--reserved-concurrent-executions', '0'])).stdout,
  );
  assert.deepEqual(put, { ReservedConcurrentExecutions: 0 });
  const got = JSON.parse((await aws(['lambda', 'get-function', '--function-name', 'conc-cli'])).stdout);
  assert.deepEqual(got.Concurrency, { ReservedConcurrentExecutions: 0 });
  // The CLI retries throttles by itself; one attempt keeps the test short.
  const failed = await run(cli, ['--endpoint-url', sb.endpoint, 'lambda', 'invoke', '--function-name', 'conc-cli', join(dir, 'out.json')], {
    env: { ...env, AWS_MAX_ATTEMPTS: '1' },
    cwd: dir,
    timeout: 60_000,
  }).then(
    () => undefined,
    (err: { code?: number; stderr?: string }) => err,
  );
  assert.ok(failed, 'the invoke failed');
  assert.equal(failed.code, 254);
  assert.match(failed.stderr ?? '', /TooManyRequestsException/);
  assert.match(failed.stderr ?? '', /Rate Exceeded\./);
});
