/**
 * A Go function on provided.al2023 end to end: test/fixtures/go-runtime/main.go (standard library only, the Runtime
 * API loop aws-lambda-go runs) built here, zipped as `bootstrap` (0755) with the zip CLI, created with
 * `aws lambda create-function --runtime provided.al2023 --handler bootstrap`, wired to a bucket and triggered by a
 * PUT over the AWS SDK v3; its log is Lambda's and s3trigger's
 * CI mode (`--endpoint-url … --put … --wait --json`) matches it. Also `--handler bootstrap` with `--local`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parseLambdaMessage } from '../../src/observe/lambda-log.js';
import { zipPackage } from '../../src/sandbox/lambda/zip.js';
import { cliBuilt, ndjson, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';
import { clis, ROLE, startWalk, type Walk } from './walkthrough-helpers.js';

const run = promisify(execFile);
const SOURCE = resolve('test/fixtures/go-runtime/main.go');

/** `go` on PATH (Debian's golang-go), or undefined. */
async function findGo(): Promise<string | undefined> {
  try {
    await run('go', ['version'], { timeout: 30_000 });
    return 'go';
  } catch {
    return undefined;
  }
}

/** Builds main.go as a static linux binary named `bootstrap` in `dir`; the build cache stays under the temp dir. */
async function buildBootstrap(dir: string): Promise<string> {
  const out = join(dir, 'bootstrap');
  const gocache = join(tmpdir(), 's3trigger-test-gocache');
  mkdirSync(gocache, { recursive: true });
  await run('go', ['build', '-o', out, SOURCE], {
    cwd: dir,
    timeout: 240_000,
    env: {
      ...process.env,
      GOCACHE: gocache,
      GOPATH: join(gocache, 'gopath'),
      CGO_ENABLED: '0',
      GOOS: 'linux',
      GOFLAGS: '',
      GO111MODULE: 'off',
    },
  });
  return out;
}

/** `zip -j function.zip bootstrap` (the zip CLI keeps the 0755 mode), or the same archive built here. */
async function zipBootstrap(dir: string, bootstrap: string): Promise<string> {
  const zip = join(dir, 'function.zip');
  chmodSync(bootstrap, 0o755);
  try {
    await run('zip', ['-j', '-q', zip, bootstrap], { cwd: dir, timeout: 60_000 });
  } catch {
    writeFileSync(zip, zipPackage({ bootstrap: { content: readFileSync(bootstrap), mode: 0o755 } }));
  }
  return zip;
}

let go: string | undefined;
let v2: string | undefined;
let walk: Walk | undefined;
let bootstrap: string | undefined;
let buildDir: string;

before(async () => {
  go = await findGo();
  v2 = (await clis()).v2;
  buildDir = mkdtempSync(join(tmpdir(), 's3trigger-go-'));
  if (go) bootstrap = await buildBootstrap(buildDir);
  if (go && v2 && cliBuilt) walk = await startWalk('go');
});
after(async () => {
  await walk?.close();
  rmSync(buildDir, { recursive: true, force: true });
});

const messagesOf = async (w: Walk, group: string): Promise<string[]> => {
  const logs = new CloudWatchLogsClient({
    endpoint: w.sb.endpoint,
    region: w.sb.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
    return (out.events ?? []).map((e) => e.message ?? '');
  } catch {
    return [];
  } finally {
    logs.destroy();
  }
};

async function until(w: Walk, group: string, enough: (lines: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const lines = await messagesOf(w, group);
    if (enough(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`${group} so far:\n${lines.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a stdlib Go bootstrap from `aws lambda create-function --runtime provided.al2023` runs from an S3 PUT; s3trigger matches it', async (t) => {
  if (!go) return t.skip('go not found (Debian: apt-get install golang-go)');
  if (!v2) return t.skip('AWS CLI v2 (/usr/bin/aws) not found');
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const w = walk!;
  const zip = await zipBootstrap(buildDir, bootstrap!);
  const created = await w.aws(
    v2,
    'lambda',
    'create-function',
    '--function-name',
    'go-fn',
    '--runtime',
    'provided.al2023',
    '--handler',
    'bootstrap',
    '--role',
    ROLE,
    '--zip-file',
    `fileb://${zip}`,
  );
  assert.equal(created.Runtime, 'provided.al2023');
  assert.equal(created.Handler, 'bootstrap');
  // The bucket side over the SDK: the AWS CLI's S3 commands have their own walkthroughs, and each call is a Python start.
  const s3 = new S3Client({
    endpoint: w.sb.endpoint,
    region: w.sb.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  t.after(() => s3.destroy());
  await s3.send(new CreateBucketCommand({ Bucket: 'go-bucket' }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'go-bucket',
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [{ LambdaFunctionArn: created.FunctionArn, Events: ['s3:ObjectCreated:*'] }],
      },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: 'go-bucket', Key: 'hello.txt', Body: readFileSync(join(w.dir, 'test.txt')) }));

  const lines = await until(w, '/aws/lambda/go-fn', (l) => l.some((m) => m.startsWith('REPORT ')));
  const start = lines.findIndex((m) => m.startsWith('START RequestId: '));
  const requestId = /^START RequestId: (\S+) Version: \$LATEST\n$/.exec(lines[start]!)![1]!;
  assert.match(lines[0]!, /^INIT_START Runtime Version: provided:al2023\.v\d+\t/);
  assert.deepEqual(lines.slice(start + 1, start + 3), [
    'ObjectCreated:Put s3://go-bucket/hello.txt (29 bytes)\n',
    `END RequestId: ${requestId}\n`,
  ]);
  assert.match(
    lines[start + 3]!,
    new RegExp(
      `^REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: [\\d.]+ ms\\t\\n$`,
    ),
  );

  // s3trigger's CI mode against the same sandbox: the PUT's invocation is matched, with the Go line in its log.
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(
    [
      '--endpoint-url',
      w.sb.endpoint,
      '--region',
      'eu-west-1',
      '--bucket',
      'go-bucket',
      '--put',
      'test.txt',
      '--key',
      'ci.txt',
      '--wait',
      '--json',
      '--timeout',
      '30s',
    ],
    dir,
    { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const [op] = ndjson(r.stdout);
  assert.equal(op!.status, 'matched');
  assert.equal(op!.match.status, 'succeeded');
  assert.equal(op!.match.logGroup, '/aws/lambda/go-fn');
  const logged = (op!.log as { message: string }[]).map((l) => l.message);
  assert.ok(logged.includes('ObjectCreated:Put s3://go-bucket/ci.txt (29 bytes)'), logged.join('\n'));
  assert.ok(logged.some((m) => m.startsWith(`REPORT RequestId: ${op!.match.requestId}`)));
});

test('the Go bootstrap posting to /error: s3trigger reports the Lambda failure (exit 4) with the invoke error', async (t) => {
  if (!go) return t.skip('go not found (Debian: apt-get install golang-go)');
  if (!v2) return t.skip('AWS CLI v2 (/usr/bin/aws) not found');
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const w = walk!;
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'fail.txt'), 'no\n');
  const r = await runCli(
    [
      '--endpoint-url',
      w.sb.endpoint,
      '--region',
      'eu-west-1',
      '--bucket',
      'go-bucket',
      '--put',
      'fail.txt',
      '--wait',
      '--json',
      '--timeout',
      '30s',
    ],
    dir,
    { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
  );
  const [op] = ndjson(r.stdout);
  assert.equal(op!.status, 'lambda-failed', r.stderr + r.stdout);
  assert.equal(r.code, 4);
  assert.equal(op!.match.status, 'failed');
  assert.match(op!.match.errors.join('\n'), /\{"errorMessage":"refusing fail\.txt","errorType":"errorString"\}/);
});

test('--local --handler ./bootstrap runs the Go binary as provided.al2023 and matches its PUT', async (t) => {
  if (!go) return t.skip('go not found (Debian: apt-get install golang-go)');
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bootstrap'), readFileSync(bootstrap!));
  chmodSync(join(dir, 'bootstrap'), 0o755);
  const r = await runCli(
    ['--handler', './bootstrap', '--bucket', 'test-bucket', '--put', 'test.txt', '--wait', '--json', '--timeout', '30s'],
    dir,
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const [op] = ndjson(r.stdout);
  assert.equal(op!.status, 'matched');
  const logged = (op!.log as { message: string }[]).map((l) => l.message);
  assert.ok(logged.includes('ObjectCreated:Put s3://test-bucket/test.txt (29 bytes)'), logged.join('\n'));
});

test("aws-lambda-go's failure line (the /error payload, logged with log.Printf) is a failed invocation for the engine", () => {
  const parsed = parseLambdaMessage('2026/11/30 14:30:00 {"errorMessage":"refusing fail.txt","errorType":"errorString"}\n');
  assert.equal(parsed.kind, 'error');
  assert.equal(parsed.outcome, 'failed');
  assert.equal(parseLambdaMessage('2026/11/30 14:30:00 {"status":"fine"}\n').outcome, undefined, 'other logged JSON is not a failure');
});

test('--handler with a bootstrap that is not executable is a usage error (exit 2) naming the fix', async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bootstrap'), '#!/bin/sh\n');
  chmodSync(join(dir, 'bootstrap'), 0o644);
  const r = await runCli(['--handler', './bootstrap', '--bucket', 'test-bucket', '--put', 'test.txt', '--wait'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--handler \.\/bootstrap: bootstrap is not executable: chmod \+x it/);
  mkdirSync(join(dir, 'empty'));
  const empty = await runCli(['--handler', 'empty', '--bucket', 'test-bucket', '--put', 'test.txt', '--wait'], dir);
  assert.equal(empty.code, 2, empty.stderr);
  assert.match(empty.stderr, /--handler empty: the folder holds no bootstrap file/);
});
