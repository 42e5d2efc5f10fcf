/**
 * Ruby handlers (ruby3.2/3.3/3.4) end to end: created with the AWS CLI v2, run from an S3 PUT through a bucket
 * notification on the ruby found on this machine, their log read back from CloudWatch Logs; errors as the AWS Ruby
 * runtime returns and prints them. Skips when ruby or the AWS CLI v2 is missing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { awsCliEnv, findCli } from '../../aws-cli.js';

const run = promisify(execFile);
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'ruby');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function rubyVersion(): string | undefined {
  try {
    return execFileSync('ruby', ['-e', 'print RUBY_VERSION'], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
}
const ruby = rubyVersion();
const NO_RUBY = 'ruby not found on PATH (Debian: apt-get install ruby)';

let sb: Sandbox;
let dir: string;
let cli: string | undefined;
let s3: S3Client;
let logs: CloudWatchLogsClient;
const sandboxLog: string[] = [];

before(async () => {
  sb = await startSandbox({ port: 0, log: (line) => sandboxLog.push(line) });
  dir = mkdtempSync(join(tmpdir(), 's3trigger-ruby-'));
  writeFileSync(join(dir, 'config'), '');
  writeFileSync(join(dir, 'credentials'), '');
  cli = await findCli('/usr/bin/aws', '2');
  const common = { endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  s3 = new S3Client({ ...common, forcePathStyle: true });
  logs = new CloudWatchLogsClient(common);
});
after(async () => {
  s3.destroy();
  logs.destroy();
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

async function aws(args: string[]): Promise<string> {
  const { stdout } = await run(cli!, ['--endpoint-url', sb.endpoint, '--output', 'json', ...args], {
    env: awsCliEnv(dir, sb.region),
    cwd: dir,
    timeout: 60_000,
  });
  return stdout;
}

/** `aws lambda create-function` with a zip of the named fixtures (paths kept). */
async function createFunction(name: string, runtime: string, handler: string, files: string[]): Promise<Record<string, unknown>> {
  const zip = join(dir, `${name}.zip`);
  writeFileSync(zip, zipPackage(Object.fromEntries(files.map((f) => [f, fixture(f)]))));
  const args = ['lambda', 'create-function', '--function-name', name, '--runtime', runtime, '--handler', handler];
  args.push('--zip-file', `fileb://${zip}`, '--role', 'arn:aws:iam::000000000000:role/lambda-role', '--timeout', '10');
  return JSON.parse(await aws(args)) as Record<string, unknown>;
}

async function invoke(name: string, payload: string): Promise<{ meta: Record<string, unknown>; body: string }> {
  const out = join(dir, `${name}-${Date.now()}.json`);
  const args = ['lambda', 'invoke', '--function-name', name, '--cli-binary-format', 'raw-in-base64-out', '--payload', payload, out];
  const meta = JSON.parse(await aws(args)) as Record<string, unknown>;
  return { meta, body: readFileSync(out, 'utf8') };
}

/** Every message of the function's log group, once `done` holds over them (or the deadline passes). */
async function logOf(name: string, done: (messages: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    let messages: string[] = [];
    try {
      const r = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}` }));
      messages = (r.events ?? []).map((e) => e.message ?? '');
    } catch {
      /* the group appears with the first line */
    }
    if (done(messages)) return messages;
    if (Date.now() > deadline) throw new Error(`log of ${name} incomplete:\n${messages.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function skipWhy(): string | undefined {
  if (!ruby) return NO_RUBY;
  if (!cli) return 'AWS CLI v2 (/usr/bin/aws) not found';
  return undefined;
}

test('ruby3.3 from the AWS CLI, run by an S3 PUT: START/END/REPORT, puts and Logger lines, the context fields', async (t) => {
  const why = skipWhy();
  if (why) return t.skip(why);
  const created = await createFunction('ruby-fn', 'ruby3.3', 'function.handler', ['function.rb']);
  assert.equal(created.Runtime, 'ruby3.3');
  assert.equal(created.Handler, 'function.handler');
  if (!ruby!.startsWith('3.3.')) {
    assert.ok(
      sandboxLog.some((l) => l === `lambda: function ruby-fn (ruby3.3) runs on ruby ${ruby} found on this machine`),
      `one notice line naming the version found:\n${sandboxLog.join('\n')}`,
    );
  }
  await s3.send(new CreateBucketCommand({ Bucket: 'ruby-bucket' }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'ruby-bucket',
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          { LambdaFunctionArn: `arn:aws:lambda:${sb.region}:000000000000:function:ruby-fn`, Events: ['s3:ObjectCreated:*'] },
        ],
      },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: 'ruby-bucket', Key: 'in/photo 1.jpg', Body: 'jpeg' }));
  const messages = await logOf('ruby-fn', (m) => m.some((l) => l.startsWith('REPORT ')));
  const start = messages.find((l) => l.startsWith('START '));
  const requestId = /^START RequestId: (\S+) Version: \$LATEST\n$/.exec(start ?? '')?.[1];
  assert.ok(requestId, messages.join(''));
  assert.match(messages[0]!, /^INIT_START Runtime Version: ruby:3\.3\.v\d+\t/, 'the platform line names the requested runtime');
  assert.ok(messages.includes('function.rb loaded\n'), 'init-phase puts');
  assert.ok(messages.includes('object ruby-bucket/in/photo+1.jpg\n'), 'the key as S3 sends it (form-encoded)');
  assert.ok(messages.includes('two\rlines\n'), 'one puts is one log event, as with the runtime telemetry sink');
  const logger = messages.find((l) => l.includes('handled by Logger'));
  assert.match(
    logger ?? '',
    new RegExp(`^I, \\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6} #\\d+\\]  INFO ${requestId} -- : handled by Logger\\n$`),
  );
  const contextLine = messages.find((l) => l.startsWith('context '));
  const context = JSON.parse(contextLine!.slice('context '.length)) as Record<string, unknown>;
  assert.deepEqual(
    { ...context, deadline_ms: typeof context.deadline_ms, remaining_ms: typeof context.remaining_ms },
    {
      aws_request_id: requestId,
      function_name: 'ruby-fn',
      function_version: '$LATEST',
      invoked_function_arn: `arn:aws:lambda:${sb.region}:000000000000:function:ruby-fn`,
      memory_limit_in_mb: '128',
      log_group_name: '/aws/lambda/ruby-fn',
      log_stream_name: context.log_stream_name,
      deadline_ms: 'number',
      identity: null,
      client_context: null,
      remaining_ms: 'number',
    },
  );
  assert.match(String(context.log_stream_name), /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.ok((context.remaining_ms as number) > 0 && (context.remaining_ms as number) <= 10_000);
  assert.equal(messages.at(-2), `END RequestId: ${requestId}\n`);
  assert.match(messages.at(-1)!, new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\t.*Init Duration: [\\d.]+ ms\\t\\n$`));

  const { meta, body } = await invoke('ruby-fn', '{"hello":"ruby"}');
  assert.equal(meta.StatusCode, 200);
  assert.equal(meta.FunctionError, undefined);
  assert.deepEqual(JSON.parse(body), { statusCode: 200, body: 'ok' });
});

test('a raising handler: FunctionError Unhandled, the Function<…> payload and the two log lines the runtime prints', async (t) => {
  const why = skipWhy();
  if (why) return t.skip(why);
  await createFunction('ruby-raises', 'ruby3.2', 'raises.handler', ['raises.rb']);
  const { meta, body } = await invoke('ruby-raises', '{}');
  assert.equal(meta.StatusCode, 200);
  assert.equal(meta.FunctionError, 'Unhandled');
  const payload = JSON.parse(body) as { errorMessage: string; errorType: string; stackTrace: string[] };
  assert.deepEqual(Object.keys(payload), ['errorMessage', 'errorType', 'stackTrace']);
  assert.equal(payload.errorMessage, 'boom from ruby');
  assert.equal(payload.errorType, 'Function<ArgumentError>');
  assert.equal(payload.stackTrace.length, 1, `only the handler's frames: ${payload.stackTrace.join('\n')}`);
  assert.match(payload.stackTrace[0]!, /\/raises\.rb:3:in [`']handler'$/);
  const messages = await logOf('ruby-raises', (m) => m.some((l) => l.startsWith('REPORT ')));
  const at = messages.indexOf('Error raised from handler method\n');
  assert.ok(at > 0, messages.join(''));
  assert.deepEqual(JSON.parse(messages[at + 1]!.replaceAll('\r', '\n')), payload, 'the pretty JSON, one event');
  assert.ok(messages[at + 1]!.startsWith('{\r  "errorMessage": "boom from ruby",\r  "errorType": "Function<ArgumentError>",'));
  assert.match(messages[at + 2]!, /^END RequestId: /);

  const again = await invoke('ruby-raises', '{}');
  assert.equal(again.meta.FunctionError, 'Unhandled');
  const second = await logOf('ruby-raises', (m) => m.filter((l) => l.startsWith('REPORT ')).length === 2);
  assert.doesNotMatch(second.at(-1)!, /Init Duration/, 'a StandardError keeps the environment warm');
});

test('a NameError is critical (the runtime exits: next invoke is a cold start); a missing library is Init<LoadError>', async (t) => {
  const why = skipWhy();
  if (why) return t.skip(why);
  await createFunction('ruby-critical', 'ruby3.4', 'critical.handler', ['critical.rb']);
  const first = await invoke('ruby-critical', '{}');
  assert.equal(first.meta.FunctionError, 'Unhandled');
  const payload = JSON.parse(first.body) as { errorMessage: string; errorType: string };
  assert.equal(payload.errorType, 'Function<NoMethodError>');
  assert.match(payload.errorMessage, /^undefined method [`']no_such_method_here' for /);
  await invoke('ruby-critical', '{}');
  const messages = await logOf('ruby-critical', (m) => m.filter((l) => l.startsWith('REPORT ')).length === 2);
  assert.equal(messages.filter((l) => l === 'Critical exception from handler\n').length, 2);
  assert.equal(messages.filter((l) => /Init Duration/.test(l)).length, 2, 'each invoke started a new runtime');

  await createFunction('ruby-load-error', 'ruby3.3', 'load_error.handler', ['load_error.rb']);
  const init = await invoke('ruby-load-error', '{}');
  assert.equal(init.meta.FunctionError, 'Unhandled');
  const initPayload = JSON.parse(init.body) as { errorMessage: string; errorType: string; stackTrace: string[] };
  assert.equal(initPayload.errorType, 'Init<LoadError>');
  assert.equal(initPayload.errorMessage, 'cannot load such file -- no_such_library_for_s3trigger');
  assert.ok(
    initPayload.stackTrace.some((f) => /\/load_error\.rb:1:in /.test(f)),
    initPayload.stackTrace.join('\n'),
  );
  const initLog = await logOf('ruby-load-error', (m) => m.some((l) => l.startsWith('REPORT ')));
  assert.ok(initLog.includes('Init error when loading handler\n'), initLog.join(''));

  await createFunction('ruby-no-file', 'ruby3.3', 'nothere.handler', ['raises.rb']);
  const missing = JSON.parse((await invoke('ruby-no-file', '{}')).body) as { errorMessage: string; errorType: string };
  assert.deepEqual([missing.errorType, missing.errorMessage], ['Init<LoadError>', 'cannot load such file -- nothere']);
});

test('FILE.CLASS.METHOD handlers: lib/h.Handler.process and a namespaced lib/h.Shop::Handler.process', async (t) => {
  const why = skipWhy();
  if (why) return t.skip(why);
  await createFunction('ruby-class', 'ruby3.3', 'lib/h.Handler.process', ['lib/h.rb']);
  assert.deepEqual(JSON.parse((await invoke('ruby-class', '{}')).body), 'plain Handler');
  await createFunction('ruby-namespaced', 'ruby3.3', 'lib/h.Shop::Handler.process', ['lib/h.rb']);
  assert.deepEqual(JSON.parse((await invoke('ruby-namespaced', '{"Records":[{}]}')).body), { handled_by: 'Shop::Handler.process' });
  const messages = await logOf('ruby-namespaced', (m) => m.some((l) => l.startsWith('REPORT ')));
  assert.ok(messages.includes('Handler.process got 1 record(s) in ruby-namespaced\n'), messages.join(''));
});

test('a handler that writes back with aws-sdk-s3 (Debian ruby-aws-sdk-s3) into the sandbox S3', async (t) => {
  const why = skipWhy();
  if (why) return t.skip(why);
  try {
    execFileSync('ruby', ['-e', "require 'aws-sdk-s3'"], { stdio: 'ignore' });
  } catch {
    return t.skip('aws-sdk-s3 for ruby not installed (Debian: apt-get install ruby-aws-sdk-s3)');
  }
  await createFunction('ruby-writeback', 'ruby3.3', 'writeback.handler', ['writeback.rb']);
  await s3.send(new CreateBucketCommand({ Bucket: 'ruby-writeback' }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'ruby-writeback',
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          { LambdaFunctionArn: `arn:aws:lambda:${sb.region}:000000000000:function:ruby-writeback`, Events: ['s3:ObjectCreated:Put'] },
        ],
      },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: 'ruby-writeback', Key: 'a.txt', Body: 'a' }));
  const messages = await logOf('ruby-writeback', (m) => m.filter((l) => l.startsWith('REPORT ')).length >= 2);
  assert.ok(messages.includes('wrote out/a.txt\n'), messages.join(''));
  const got = await s3.send(new GetObjectCommand({ Bucket: 'ruby-writeback', Key: 'out/a.txt' }));
  assert.equal(await got.Body!.transformToString(), 'seen a.txt');
});
