/**
 * What CI mode says and exits with when things go wrong after firing: a Lambda that throws (exit 4, its error lines,
 * a traceback one line per part), a failing operation among several (the rest skipped), and the checks before
 * firing (--key for two operations; the filter preview, which only --yes passes).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { setupDemo } from '../../src/sandbox/demo.js';
import { cliBuilt, ndjson, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

const skip = !cliBuilt && NOT_BUILT;
const dir = workDir();
after(() => rmSync(dir, { recursive: true, force: true }));

test('a node Lambda that throws: --wait exits 4, the record is lambda-failed with its error lines', { skip }, async () => {
  writeFileSync(
    join(dir, 'throws.mjs'),
    "export const handler = async (event) => { console.log('got', event.Records[0].s3.object.key); throw new Error('boom from the handler'); };\n",
  );
  const started = Date.now();
  const r = await runCli(
    ['--local', '--handler', 'throws.mjs', '--bucket', 'throw-bucket', '--put', 'test.txt', '--wait', '--timeout', '30s', '--json'],
    dir,
  );
  assert.equal(r.code, 4, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.ok(Date.now() - started < 20_000, "the third failed attempt (Lambda's last) ends the wait before --timeout");
  const [rec] = ndjson(r.stdout);
  assert.equal(rec!.status, 'lambda-failed');
  assert.equal(rec!.match.status, 'failed');
  assert.ok(
    rec!.match.errors.some((m: string) => m.includes('boom from the handler')),
    JSON.stringify(rec!.match),
  );
  assert.match(r.stderr, /^Lambda failed: invocation \S+ in \/aws\/lambda\/event-handler ended in an error$/m);
});

test('a Lambda whose first attempt throws and whose retry succeeds: the last attempt decides, exit 0', { skip }, async () => {
  const marker = join(dir, 'attempted');
  writeFileSync(
    join(dir, 'flaky.mjs'),
    `import { existsSync, writeFileSync } from 'node:fs';\nexport const handler = async (event) => {\n  console.log('got', event.Records[0].s3.object.key);\n  if (!existsSync(${JSON.stringify(marker)})) { writeFileSync(${JSON.stringify(marker)}, '1'); throw new Error('first attempt fails'); }\n};\n`,
  );
  const r = await runCli(
    ['--local', '--handler', 'flaky.mjs', '--bucket', 'flaky-bucket', '--put', 'test.txt', '--wait', '--timeout', '5s', '--json'],
    dir,
  );
  assert.ok(existsSync(marker), 'the first attempt ran');
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const [rec] = ndjson(r.stdout);
  assert.equal(rec!.status, 'matched');
  assert.equal(rec!.match.status, 'succeeded');
});

test('a python Lambda that raises: exit 4, each traceback part on its own line; JSON keeps the raw message', { skip }, async () => {
  writeFileSync(
    join(dir, 'raises.py'),
    'def handler(event, context):\n    print("got", event["Records"][0]["s3"]["object"]["key"])\n    raise ValueError("bad input")\n',
  );
  const r = await runCli(
    ['--local', '--handler', 'raises.py', '--bucket', 'raise-bucket', '--put', 'test.txt', '--wait', '--timeout', '30s', '--json'],
    dir,
  );
  assert.equal(r.code, 4, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.ok(!r.stderr.includes('\r'), 'no raw carriage return reaches the text lines');
  assert.match(r.stderr, /^Lambda failed: invocation \S+ in \/aws\/lambda\/event-handler ended in an error$/m);
  assert.match(r.stderr, /^ {2}\[ERROR\] ValueError: bad input$/m);
  assert.match(r.stderr, /^ {2}Traceback \(most recent call last\):$/m);
  const [rec] = ndjson(r.stdout);
  assert.ok(
    rec!.log.some((l: { message: string }) => /ValueError: bad input\rTraceback/.test(l.message)),
    'the JSON log line is the raw message',
  );
});

test('an operation that fails: every later one is reported as skipped (text and JSON), exit 1', { skip }, async () => {
  const args = [
    '--local',
    '--bucket',
    'skip-bucket',
    '--put',
    'test.txt',
    '--copy',
    'skip-bucket',
    'missing.txt',
    'c.txt',
    '--delkey',
    'c.txt',
    '--post',
    'test.txt',
  ];
  const json = await runCli([...args, '--json'], dir);
  assert.equal(json.code, 1, json.stderr);
  const records = ndjson(json.stdout);
  assert.deepEqual(
    records.map((o) => [o.op, o.status]),
    [
      ['put', 'acked'],
      ['copy', 'failed'],
      ['delete', 'skipped'],
      ['post', 'skipped'],
    ],
  );
  assert.equal(records[2]!.result, null);
  const textRun = await runCli(args, dir);
  assert.equal(textRun.code, 1);
  assert.match(textRun.stderr, /^Skipped: DELETE s3:\/\/skip-bucket\/c\.txt \(an earlier operation failed\)$/m);
  assert.match(textRun.stderr, /^Skipped: POST s3:\/\/skip-bucket\/test\.txt \(an earlier operation failed\)$/m);
  assert.ok(!textRun.stdout.includes('DELETE object'), 'the skipped DELETE was not started');
});

test('--key that would apply to --put and --post is exit 2 naming both; nothing is fired', { skip }, async () => {
  const r = await runCli(
    [
      '--local',
      '--bucket',
      'key-bucket',
      '--put',
      'test.txt',
      '--copy',
      'key-bucket',
      'test.txt',
      'c.txt',
      '--post',
      'test.txt',
      '--key',
      'p',
    ],
    dir,
  );
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr.trim(),
    's3trigger: --key would apply to both --put and --post: give --key with one of them and run the other separately',
  );
  assert.equal(r.stdout, '');
});

test('a lone --key with --put, or with --copy (it has its own DEST_KEY), is fine', { skip }, async () => {
  const r = await runCli(
    ['--local', '--bucket', 'key-bucket', '--put', 'test.txt', '--copy', 'key-bucket', 'k.txt', 'c.txt', '--key', 'k.txt'],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
});

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ port: 0 });
  const demo = await setupDemo(sandbox, { bucket: 'filtered-bucket' });
  const s3 = new S3Client({
    endpoint: sandbox.endpoint,
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'filtered-bucket',
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Id: 'uploads-only',
            LambdaFunctionArn: demo.functionArn,
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
          },
        ],
      },
    }),
  );
  s3.destroy();
});
after(() => sandbox?.close());

test('a key no notification covers: CI refuses before firing (exit 2, naming the configuration) unless --yes', { skip }, async () => {
  const base = ['--endpoint-url', sandbox.endpoint, '--bucket', 'filtered-bucket', '--put', 'test.txt'];
  const started = Date.now();
  const refused = await runCli([...base, '--wait', '--timeout', '20s'], dir);
  assert.equal(refused.code, 2, refused.stderr + refused.stdout);
  assert.ok(Date.now() - started < 15_000, 'refused at once, not after --timeout');
  assert.match(
    refused.stderr,
    /no notification of bucket filtered-bucket covers ObjectCreated:Put on key "test\.txt".*pass --yes to fire anyway/,
  );
  assert.ok(!refused.stdout.includes('PUT object'), 'nothing was fired');
  const covered = await runCli([...base, '--key', 'uploads/test.txt', '--wait', '--timeout', '20s'], dir);
  assert.equal(covered.code, 0, covered.stderr);
  const yes = await runCli([...base, '--yes'], dir);
  assert.equal(yes.code, 0, yes.stderr);
  assert.match(yes.stdout, /^Done\. Uploaded 29 bytes/m);
});
