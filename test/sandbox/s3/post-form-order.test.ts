/**
 * Issue #12, fault 2: the order and shape of POST Object's form parts. Every part before the file is a field, also one
 * sent with a filename (Python `requests` with `files=` does that); parts after the file are ignored by AWS, which the
 * sandbox does under --strict, while by default it keeps them (the blog's Perl script sends its form in hash order)
 * and logs what AWS would do. Driven with curl and fetch's FormData against a real sandbox.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startS3 } from './helpers.js';

const run = promisify(execFile);

async function curlPost(endpoint: string, parts: string[]): Promise<{ status: string; body: string }> {
  const out = await run('curl', ['-s', '-w', '\n%{http_code}', ...parts.flatMap((p) => ['-F', p]), endpoint]);
  const lines = out.stdout.split('\n');
  return { status: lines.pop()!, body: lines.join('\n') };
}

const hasCurl = await run('curl', ['--version']).then(
  () => true,
  () => false,
);

test('a part with a filename that is not `file` is read as a field, as AWS reads it (requests files= style)', async () => {
  const h = await startS3();
  try {
    await h.s3.send(new CreateBucketCommand({ Bucket: 'form-bucket' }));
    const form = new FormData();
    form.append('key', new Blob(['named.txt']), 'key');
    form.append('x-amz-meta-origin', new Blob(['requests']), 'x-amz-meta-origin');
    form.append('file', new Blob(['body']), 'upload.bin');
    const res = await fetch(`${h.sandbox.endpoint}/form-bucket`, { method: 'POST', body: form });
    assert.equal(res.status, 204, await res.text());
    const head = await h.s3.send(new HeadObjectCommand({ Bucket: 'form-bucket', Key: 'named.txt' }));
    assert.deepEqual(head.Metadata, { origin: 'requests' });
  } finally {
    await h.close();
  }
});

test('fields after the file: kept by default with a log line naming them, ignored under --strict as on AWS', {
  skip: !hasCurl && 'curl is not installed',
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-post-order-'));
  const file = join(dir, 'test.txt');
  writeFileSync(file, 'late fields\n');
  const log: string[] = [];
  const lenient = await startS3({ log: (l) => log.push(l) });
  const strictDir = mkdtempSync(join(tmpdir(), 's3trigger-post-strict-'));
  const strict = await startS3({ strict: true, dataDir: strictDir });
  try {
    await lenient.s3.send(new CreateBucketCommand({ Bucket: 'order-bucket' }));
    const kept = await curlPost(`${lenient.sandbox.endpoint}/order-bucket`, [`file=@${file}`, 'key=k.txt', 'x-amz-meta-late=yes']);
    assert.equal(kept.status, '204', kept.body);
    const got = await lenient.s3.send(new GetObjectCommand({ Bucket: 'order-bucket', Key: 'k.txt' }));
    assert.equal(await got.Body!.transformToString(), 'late fields\n');
    assert.match(log.join('\n'), /form fields after the file part \(key, x-amz-meta-late\) were used; AWS ignores them/);

    await strict.s3.send(new CreateBucketCommand({ Bucket: 'order-bucket' }));
    const refused = await curlPost(`${strict.sandbox.endpoint}/order-bucket`, [`file=@${file}`, 'key=k.txt']);
    assert.equal(refused.status, '400');
    assert.match(refused.body, /<Code>InvalidArgument<\/Code>/);
    assert.match(
      refused.body,
      /must contain a field named (?:'|&apos;)key(?:'|&apos;)\. {2}If it is specified, please check the order of the fields/,
    );
    const listed = await strict.s3.send(new ListObjectsV2Command({ Bucket: 'order-bucket' }));
    assert.equal(listed.KeyCount, 0);
    const blobs = join(strictDir, 's3', 'blobs');
    const leftover = readdirSync(blobs, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    assert.deepEqual(leftover, [], 'the refused upload left no blob behind');

    const late = await curlPost(`${strict.sandbox.endpoint}/order-bucket`, ['key=m.txt', `file=@${file}`, 'x-amz-meta-late=yes']);
    assert.equal(late.status, '204', late.body);
    const head = await strict.s3.send(new HeadObjectCommand({ Bucket: 'order-bucket', Key: 'm.txt' }));
    assert.deepEqual(head.Metadata, {});
  } finally {
    await lenient.close();
    await strict.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(strictDir, { recursive: true, force: true });
  }
});
