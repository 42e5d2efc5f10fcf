/** boto3 (python3) and curl against the sandbox: the blog's trigger script calls and its curl form POST. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { cliEnv, lambdaEverything, putNotification, startS3, type S3Harness } from './helpers.js';

const run = promisify(execFile);

async function has(cmd: string, args: string[]): Promise<boolean> {
  try {
    await run(cmd, args, { env: { PATH: process.env.PATH } });
    return true;
  } catch {
    return false;
  }
}

let h: S3Harness;
before(async () => {
  h = await startS3();
});
after(() => h.close());

const BOTO_SCRIPT = String.raw`
import sys, uuid, urllib.request, json
import boto3
from boto3.s3.transfer import TransferConfig
endpoint, bucket, workdir = sys.argv[1], sys.argv[2], sys.argv[3]
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='eu-west-1', aws_access_key_id='test', aws_secret_access_key='test')
try:
    s3.head_bucket(Bucket=bucket)
except Exception:
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
s3.put_object(Bucket=bucket, Key='test.txt', Body=b'boto3 body')
s3.copy_object(CopySource={'Bucket': bucket, 'Key': 'test.txt'}, Bucket=bucket, Key='dir/a b+c.txt')
s3.delete_object(Bucket=bucket, Key='dir/a b+c.txt')
post = s3.generate_presigned_post(bucket, 'posted.txt', ExpiresIn=3600)
boundary = uuid.uuid4().hex
body = b''
for k, v in post['fields'].items():
    body += ('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary, k, v)).encode()
body += ('--%s\r\nContent-Disposition: form-data; name="file"; filename="posted.txt"\r\nContent-Type: text/plain\r\n\r\n' % boundary).encode()
body += b'posted by boto3\r\n' + ('--%s--\r\n' % boundary).encode()
req = urllib.request.Request(post['url'], data=body, method='POST', headers={'Content-Type': 'multipart/form-data; boundary=' + boundary})
status = urllib.request.urlopen(req).status
path = workdir + '/big.bin'
with open(path, 'wb') as f:
    f.write(b'm' * (6 * 1024 * 1024))
s3.upload_file(path, bucket, 'multi.bin', Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
print(json.dumps({'post_status': status, 'post_fields': sorted(post['fields'].keys()), 'multi_etag': s3.head_object(Bucket=bucket, Key='multi.bin')['ETag']}))
`;

test('boto3: head/create bucket, put, copy, delete, generate_presigned_post (SigV2 fields) + form, upload_file multipart', async (t) => {
  if (!(await has('python3', ['-c', 'import boto3']))) {
    t.skip('python3 with boto3 not found');
    return;
  }
  await h.s3.send(new CreateBucketCommand({ Bucket: 'boto-bucket' }));
  await putNotification(h.sandbox, 'boto-bucket', lambdaEverything());
  h.events.length = 0;
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-boto-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { stdout } = await run('python3', ['-c', BOTO_SCRIPT, h.sandbox.endpoint, 'boto-bucket', dir], { env: cliEnv(h.sandbox) });
  const out = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.equal(out.post_status, 204);
  assert.deepEqual(out.post_fields, ['AWSAccessKeyId', 'key', 'policy', 'signature']);
  assert.match(out.multi_etag, /^"[0-9a-f]{32}-2"$/);
  assert.deepEqual(
    h.events.map((e) => `${e.record.eventName} ${e.record.s3.object.key}`),
    [
      'ObjectCreated:Put test.txt',
      'ObjectCreated:Copy dir/a+b%2Bc.txt',
      'ObjectRemoved:Delete dir/a+b%2Bc.txt',
      'ObjectCreated:Post posted.txt',
      'ObjectCreated:CompleteMultipartUpload multi.bin',
    ],
  );
  const posted = await h.s3.send(new GetObjectCommand({ Bucket: 'boto-bucket', Key: 'posted.txt' }));
  assert.equal(await posted.Body!.transformToString(), 'posted by boto3');
});

test('curl -F key=... -F file=@...: a form without a policy is accepted (the blog POST)', async (t) => {
  if (!(await has('curl', ['--version']))) {
    t.skip('curl not found');
    return;
  }
  await h.s3.send(new CreateBucketCommand({ Bucket: 'curl-bucket' }));
  await putNotification(h.sandbox, 'curl-bucket', lambdaEverything());
  h.events.length = 0;
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-curl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'test.txt');
  writeFileSync(file, 'Hello from S3 bucket events!\n');
  const { stdout } = await run('curl', [
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '-X',
    'POST',
    '-F',
    'key=test.txt',
    '-F',
    `file=@${file}`,
    `${h.sandbox.endpoint}/curl-bucket`,
  ]);
  assert.equal(stdout, '204');
  assert.equal(h.events.length, 1);
  const record = h.events[0]!.record;
  assert.equal(record.eventName, 'ObjectCreated:Post');
  assert.equal(record.s3.object.size, 29);
  assert.equal(record.s3.object.eTag, createHash('md5').update('Hello from S3 bucket events!\n').digest('hex'));
  const redirected = await run('curl', [
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{redirect_url}',
    '-F',
    'key=${filename}',
    '-F',
    'success_action_redirect=http://example.invalid/done',
    '-F',
    `file=@${file}`,
    `${h.sandbox.endpoint}/curl-bucket`,
  ]);
  assert.match(redirected.stdout, /^303 http:\/\/example\.invalid\/done\?bucket=curl-bucket&key=test\.txt&etag=/);
  // The blog's Perl script builds its form from a hash, so the file part may come before the other fields.
  const fileFirst = await run('curl', [
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '-F',
    `file=@${file}`,
    '-F',
    'key=file-first.txt',
    `${h.sandbox.endpoint}/curl-bucket`,
  ]);
  assert.equal(fileFirst.stdout, '204');
  const got = await h.s3.send(new GetObjectCommand({ Bucket: 'curl-bucket', Key: 'file-first.txt' }));
  assert.equal(await got.Body!.transformToString(), 'Hello from S3 bucket events!\n');
});
