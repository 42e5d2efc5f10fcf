/**
 * The blog's walkthrough with only the endpoint changed: zip a Python handler, `aws lambda create-function`,
 * `aws s3api put-bucket-notification-configuration`, `aws s3 cp` put and copy, `aws s3 rm`, a curl form POST,
 * a 3-step `aws s3api` multipart, then `aws logs tail` (CLI v2 only) shows one block per operation.
 */
import { awsCliEnv } from '../../aws-cli.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sigV4 } from '../raw-http.js';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';

import { BLOG_HANDLER } from './helpers.js';
const run = promisify(execFile);

let sb: Sandbox;
let dir: string;
before(async () => {
  sb = await startSandbox({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 's3trigger-blog-'));
  writeFileSync(join(dir, 'config'), '');
  writeFileSync(join(dir, 'credentials'), '');
});
after(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

function onPath(cmd: string): string | undefined {
  for (const p of (process.env.PATH ?? '').split(':')) if (p && existsSync(join(p, cmd))) return join(p, cmd);
  return undefined;
}

const env = () => awsCliEnv(dir, sb.region);

async function reportCount(group: string): Promise<number> {
  const res = await fetch(sb.endpoint, {
    method: 'POST',
    headers: { ...sigV4('logs'), 'x-amz-target': 'Logs_20140328.FilterLogEvents', 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ logGroupName: group, filterPattern: '"REPORT RequestId"' }),
  });
  if (!res.ok) return 0;
  const body = (await res.json()) as { events?: unknown[] };
  return body.events?.length ?? 0;
}

test("the blog's walkthrough against the sandbox prints one block per operation", async (t) => {
  const v2 = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : undefined;
  const cli = onPath('aws') ?? v2;
  const curl = onPath('curl');
  if (!cli) return t.skip('aws CLI not found');
  if (!v2) return t.skip('aws CLI v2 not found (needed for `aws logs tail`)');
  if (!curl) return t.skip('curl not found');
  const aws = async (...args: string[]) =>
    (await run(cli, ['--endpoint-url', sb.endpoint, ...args], { env: env(), cwd: dir, timeout: 60_000 })).stdout;

  writeFileSync(join(dir, 'test.txt'), 'S3 events trigger demo file.\n');
  writeFileSync(join(dir, 'event_handler.zip'), zipPackage({ 'event_handler.py': BLOG_HANDLER }));
  writeFileSync(join(dir, 'part1.bin'), Buffer.alloc(5 * 1024 * 1024, 7));
  writeFileSync(join(dir, 'part2.bin'), Buffer.alloc(1024, 8));
  const fnArn = `arn:aws:lambda:${sb.region}:000000000000:function:event-handler`;

  await aws('s3', 'mb', 's3://test-bucket');
  await aws(
    'lambda',
    'create-function',
    '--function-name',
    'event-handler',
    '--runtime',
    'python3.9',
    '--handler',
    'event_handler.handler',
    '--zip-file',
    'fileb://event_handler.zip',
    '--role',
    'arn:aws:iam::000000000000:role/lambda-role',
  );
  await aws(
    's3api',
    'put-bucket-notification-configuration',
    '--bucket',
    'test-bucket',
    '--notification-configuration',
    JSON.stringify({
      LambdaFunctionConfigurations: [
        { LambdaFunctionArn: fnArn, Events: ['s3:ObjectCreated:*'] },
        { LambdaFunctionArn: fnArn, Events: ['s3:ObjectRemoved:*'] },
      ],
    }),
  );
  await aws('s3', 'cp', 'test.txt', 's3://test-bucket');
  await aws('s3', 'cp', 's3://test-bucket/test.txt', 's3://test-bucket/copy_test.txt');
  await aws('s3', 'rm', 's3://test-bucket/copy_test.txt');
  await run(curl, ['-s', '-f', '-X', 'POST', '-F', 'key=test.txt', '-F', 'file=@test.txt', `${sb.endpoint}/test-bucket`], { cwd: dir });
  const uploadId = (
    await aws(
      's3api',
      'create-multipart-upload',
      '--bucket',
      'test-bucket',
      '--key',
      'bigfile.bin',
      '--query',
      'UploadId',
      '--output',
      'text',
    )
  ).trim();
  const etags: string[] = [];
  for (const n of [1, 2]) {
    etags.push(
      (
        await aws(
          's3api',
          'upload-part',
          '--bucket',
          'test-bucket',
          '--key',
          'bigfile.bin',
          '--part-number',
          String(n),
          '--body',
          `part${n}.bin`,
          '--upload-id',
          uploadId,
          '--query',
          'ETag',
          '--output',
          'text',
        )
      ).trim(),
    );
  }
  await aws(
    's3api',
    'complete-multipart-upload',
    '--bucket',
    'test-bucket',
    '--key',
    'bigfile.bin',
    '--upload-id',
    uploadId,
    '--multipart-upload',
    JSON.stringify({ Parts: etags.map((ETag, i) => ({ ETag: JSON.parse(ETag), PartNumber: i + 1 })) }),
  );

  // Wait in-process (cheap) for the five invocations, then run `aws logs tail` once.
  const group = '/aws/lambda/event-handler';
  for (let i = 0; i < 300; i++) {
    if ((await reportCount(group)) >= 5) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const tail = (await run(v2, ['--endpoint-url', sb.endpoint, 'logs', 'tail', group], { env: env(), timeout: 60_000 })).stdout;
  const out = tail
    .split('\n')
    .map((l) => l.replace(/^\S+ \S+ /, ''))
    .join('\n');
  assert.equal((out.match(/^REPORT /gm) ?? []).length, 5);
  const grep = [...out.matchAll(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2} .*/g)].map((m) => m[0].slice(20).trimEnd());
  assert.equal(grep.length, 45, grep.join('\n'));
  assert.deepEqual(
    grep.filter((l) => l.startsWith('Event Type:')),
    [
      'Event Type: ObjectCreated:Put (Put)',
      'Event Type: ObjectCreated:Copy (Copy)',
      'Event Type: ObjectRemoved:Delete (Delete)',
      'Event Type: ObjectCreated:Post (Post)',
      'Event Type: ObjectCreated:CompleteMultipartUpload (CompleteMultipartUpload)',
    ],
  );
  assert.deepEqual(
    grep.slice(0, 9).filter((l) => !l.startsWith('Timestamp')),
    [
      'S3 Event Detected',
      '-------------------------------',
      'Event Type: ObjectCreated:Put (Put)',
      'Bucket:     test-bucket',
      'Object:     test.txt',
      'Size:       29 bytes',
      'ETag:       b72a05983f663132daaf4688bb919f80',
      '-------------------------------',
    ],
  );
  assert.ok(grep.includes('Size:       0 bytes') && grep.includes('ETag:'), 'the delete block: size 0, empty ETag');
  assert.ok(grep.includes('Size:       5243904 bytes'));
});
