/** Each operation on its own run against a sandbox reached by --endpoint-url (the LocalStack-style path). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { setupDemo } from '../../src/sandbox/demo.js';
import { cliBuilt, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

let sandbox: Sandbox;
const dir = workDir();

before(async () => {
  sandbox = await startSandbox({ port: 0 });
  await setupDemo(sandbox, { bucket: 'test-bucket' });
});
after(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

const steps: { args: string[]; lines: RegExp[]; event: string }[] = [
  {
    args: ['--put', 'test.txt'],
    lines: [/^PUT object test.txt to bucket test-bucket$/m, /^Done\. Uploaded 29 bytes from file: test.txt$/m],
    event: 'ObjectCreated:Put',
  },
  {
    args: ['--copy', 'test-bucket', 'test.txt', 'copy_test.txt'],
    lines: [/^COPY object test.txt from test-bucket to copy_test.txt in test-bucket$/m, /^Done\.$/m],
    event: 'ObjectCreated:Copy',
  },
  {
    args: ['--delkey', 'copy_test.txt'],
    lines: [/^DELETE object copy_test.txt from bucket test-bucket$/m, /^Done\.$/m],
    event: 'ObjectRemoved:Delete',
  },
  {
    args: ['--post', 'test.txt'],
    lines: [/^POST object test.txt to bucket test-bucket$/m, /^Upload successful\. S3 POST trigger should fire\.$/m],
    event: 'ObjectCreated:Post',
  },
  {
    args: ['--multipart', 'bigfile.bin', '--size', '11', '--part-size', '5'],
    lines: [/^MULTIPART upload bigfile.bin to bucket test-bucket$/m, /^Done\. Upload completed with 3 parts\.$/m],
    event: 'ObjectCreated:CompleteMultipartUpload',
  },
  {
    args: ['--multipart', 'small.bin', '--size', '1'],
    lines: [/^Done\. Upload completed with 1 part\.$/m],
    event: 'ObjectCreated:CompleteMultipartUpload',
  },
];

for (const step of steps) {
  test(`singly: ${step.args.join(' ')}`, { skip: !cliBuilt && NOT_BUILT }, async () => {
    const r = await runCli(
      ['--endpoint-url', sandbox.endpoint, '--bucket', 'test-bucket', ...step.args, '--wait', '--timeout', '20s'],
      dir,
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`^Target: endpoint ${sandbox.endpoint.replace(/[.]/g, '\\.')} \\(region eu-west-1\\)$`, 'm'));
    for (const line of step.lines) assert.match(r.stdout, line);
    assert.match(r.stdout, new RegExp(`Event Type: ${step.event} `));
    assert.match(r.stdout, /^Latency: /m);
  });
}

test('without --wait nothing is tailed and the run ends after the ack', { skip: !cliBuilt && NOT_BUILT }, async () => {
  const r = await runCli(['--endpoint-url', sandbox.endpoint, '--bucket', 'test-bucket', '--put', 'test.txt', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const rec = JSON.parse(r.stdout.trim()) as { status: string; match: unknown };
  assert.equal(rec.status, 'acked');
  assert.equal(rec.match, null);
  assert.doesNotMatch(r.stderr, /Watching/);
});

test('--function naming a function that never runs: no match within --timeout exits 3', { skip: !cliBuilt && NOT_BUILT }, async () => {
  const r = await runCli(
    [
      '--endpoint-url',
      sandbox.endpoint,
      '--bucket',
      'test-bucket',
      '--put',
      'test.txt',
      '--wait',
      '--timeout',
      '1500ms',
      '--function',
      'other-fn',
    ],
    dir,
  );
  assert.equal(r.code, 3, r.stderr + r.stdout);
  assert.match(
    r.stderr,
    /^No matching invocation for PUT test.txt within 1\.5s in \/aws\/lambda\/other-fn \(tail: \/aws\/lambda\/other-fn: the log group does not exist yet \(nothing has logged to it\)\)$/m,
  );
});

test('a LocalStack-style profile (endpoint_url in ~/.aws/config) targets its endpoint, path-style, and matches', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const home = workDir();
  t.after(() => rmSync(home, { recursive: true, force: true }));
  writeFileSync(join(home, 'aws-config'), `[profile localstack]\nregion = eu-west-1\nendpoint_url = ${sandbox.endpoint}\n`);
  writeFileSync(join(home, 'aws-credentials'), '[localstack]\naws_access_key_id = test\naws_secret_access_key = test\n');
  const r = await runCli(['--profile', 'localstack', '--bucket', 'test-bucket', '--put', 'test.txt', '--wait', '--timeout', '20s'], home);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, new RegExp(`^Target: endpoint ${sandbox.endpoint.replace(/[.]/g, '\\.')} \\(region eu-west-1\\)$`, 'm'));
  assert.match(r.stdout, /Event Type: ObjectCreated:Put /);
});

test('AWS_ENDPOINT_URL_S3 alone sends S3 there and says CloudWatch Logs stays on AWS', { skip: !cliBuilt && NOT_BUILT }, async () => {
  const r = await runCli(['--bucket', 'test-bucket', '--put', 'test.txt'], dir, { AWS_ENDPOINT_URL_S3: sandbox.endpoint });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(
    r.stdout,
    new RegExp(`^Target: endpoint ${sandbox.endpoint.replace(/[.]/g, '\\.')} \\(logs on AWS\\) \\(region eu-west-1\\)$`, 'm'),
  );
  assert.match(r.stdout, /^Done\. Uploaded 29 bytes from file: test.txt$/m);
});

test('CloudWatch Logs unreachable: the timeout (exit 3) says what the tail ran into', { skip: !cliBuilt && NOT_BUILT }, async () => {
  // Discovery already meets the refused connection (and retries it for ~4 s) before the PUT: a short wait suffices.
  const r = await runCli(['--bucket', 'test-bucket', '--put', 'test.txt', '--wait', '--timeout', '1s'], dir, {
    AWS_ENDPOINT_URL_S3: sandbox.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://127.0.0.1:1',
  });
  assert.equal(r.code, 3, r.stderr + r.stdout);
  assert.match(r.stdout, /\(logs http:\/\/127\.0\.0\.1:1\)/);
  assert.match(
    r.stderr,
    /^No matching invocation for PUT test\.txt within 1s in \/aws\/lambda\/event-handler \(tail: \/aws\/lambda\/event-handler: .*ECONNREFUSED/m,
  );
});

test('AWS_ENDPOINT_URL_S3 alone, no credentials, --wait: exit 2 before firing, naming the variable to set', {
  skip: !cliBuilt && NOT_BUILT,
}, async () => {
  const r = await runCli(['--bucket', 'test-bucket', '--put', 'test.txt', '--key', 'never-fired.txt', '--wait'], dir, {
    AWS_ENDPOINT_URL_S3: sandbox.endpoint,
  });
  assert.equal(r.code, 2, r.stderr + r.stdout);
  assert.match(
    r.stderr,
    /^s3trigger: only S3 has an endpoint, so CloudWatch Logs is on AWS, and no AWS credentials were found: set AWS_ENDPOINT_URL_CLOUDWATCH_LOGS/m,
  );
  assert.doesNotMatch(r.stdout, /PUT object/);
  const s3 = new S3Client({
    region: 'eu-west-1',
    endpoint: sandbox.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'test-bucket', Key: 'never-fired.txt' })), { name: 'NotFound' });
  s3.destroy();
});
