/**
 * The real-AWS code path of the built CLI, end to end, against the AWS-shaped target (harness.ts): no endpoint
 * configured, credentials from the environment (the SDK's chain), STS GetCallerIdentity for the account label,
 * virtual-host S3, StartLiveTail on `stream-logs.<region>`, polling, `--create-bucket` and a missing bucket.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { GetBucketLocationCommand, HeadBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CLI, ndjson, workDir } from '../ci/helpers.js';
import { awsShapedSkip, EXAMPLE_CREDENTIALS, startAwsShapedTarget, type AwsShapedTarget } from './harness.js';

const skip = await awsShapedSkip();
let target: AwsShapedTarget;
let dir: string;
let s3: S3Client;

before(async () => {
  if (skip) return;
  target = await startAwsShapedTarget({ demoBuckets: ['test-bucket'] });
  dir = workDir();
  s3 = new S3Client({
    endpoint: target.sandbox.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
after(async () => {
  if (skip) return;
  s3.destroy();
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI and returns its result with the AWS endpoint names it connected to (TLS SNI), in first-use order. */
async function run(args: string[]) {
  target.front.servernames.length = 0;
  const r = await target.runCli(args, dir);
  assert.doesNotMatch(
    r.stdout + r.stderr,
    new RegExp(EXAMPLE_CREDENTIALS.secretAccessKey.replace(/\//g, '\\/')),
    'the secret key never shows',
  );
  return { ...r, endpoints: [...new Set(target.front.servernames)] };
}

test('no endpoint, keys in the environment: the account comes from STS, and a PUT --wait matches through StartLiveTail', {
  skip,
}, async () => {
  const r = await run(['--bucket', 'test-bucket', '--put', 'test.txt', '--wait', '--timeout', '20s']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^Target: AWS account 000000000000 \(region eu-west-1\)$/m);
  assert.match(r.stdout, /^Done\. Uploaded 29 bytes from file: test.txt$/m);
  assert.match(r.stdout, /^Invocation \S+ in \/aws\/lambda\/event-handler matched by (request-id|key)/m);
  assert.match(r.stdout, /Event Type: ObjectCreated:Put \(Put\)/);
  assert.equal(r.endpoints[0], 'sts.eu-west-1.amazonaws.com', 'the account is asked for first');
  for (const name of ['test-bucket.s3.eu-west-1.amazonaws.com', 'stream-logs.eu-west-1.amazonaws.com'])
    assert.ok(r.endpoints.includes(name), `${name} in ${r.endpoints}`);
});

test('--poll: matched through FilterLogEvents on logs.<region>, no live tail session', { skip }, async () => {
  // A key of its own: an invocation of the same key from the run before is within AWS's 2 s clock allowance.
  const r = await run([
    '--bucket',
    'test-bucket',
    '--put',
    'test.txt',
    '--key',
    'polled.txt',
    '--wait',
    '--timeout',
    '20s',
    '--poll',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const [record, ...more] = ndjson(r.stdout);
  assert.equal(more.length, 0);
  assert.equal(record!.status, 'matched', JSON.stringify(record));
  assert.equal(record!.target, 'aws');
  assert.ok(
    record!.log.some((l: { message: string }) => l.message.includes('Object:     polled.txt')),
    `its own invocation: ${JSON.stringify(record!.log.map((l: { message: string }) => l.message))} ${JSON.stringify(record!.match)}`,
  );
  assert.match(r.stderr, /^Target: AWS account 000000000000 \(region eu-west-1\)$/m);
  assert.ok(r.endpoints.includes('logs.eu-west-1.amazonaws.com'), String(r.endpoints));
  assert.ok(!r.endpoints.includes('stream-logs.eu-west-1.amazonaws.com'), String(r.endpoints));
});

test('--create-bucket on AWS: the missing bucket is created in the region, then the PUT goes in', { skip }, async () => {
  const r = await run(['--bucket', 'fresh-bucket', '--put', 'test.txt', '--create-bucket']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^Bucket fresh-bucket created\.$/m);
  assert.match(r.stdout, /^Warning: bucket fresh-bucket has no event notifications: this operation will not notify anything$/m);
  const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'fresh-bucket' }));
  assert.equal(location.LocationConstraint, 'eu-west-1', 'CreateBucketConfiguration names the region, as AWS requires outside us-east-1');
  await s3.send(new HeadObjectCommand({ Bucket: 'fresh-bucket', Key: 'test.txt' }));
  assert.ok(r.endpoints.includes('fresh-bucket.s3.eu-west-1.amazonaws.com'), String(r.endpoints));
});

test('a missing bucket without --create-bucket on AWS: nothing is created, exit 1 with one line naming --create-bucket', {
  skip,
}, async () => {
  const r = await run(['--bucket', 'missing-bucket', '--put', 'test.txt', '--wait', '--timeout', '5s']);
  assert.equal(r.code, 1, r.stderr + r.stdout);
  assert.equal(
    r.stderr,
    'Error: PUT s3://missing-bucket/test.txt: the bucket does not exist (NoSuchBucket): pass --create-bucket to create it\n',
  );
  assert.doesNotMatch(r.stdout, /created/);
  await assert.rejects(s3.send(new HeadBucketCommand({ Bucket: 'missing-bucket' })), { name: 'NotFound' });
});

test('no flag of `s3trigger sandbox` makes it answer AWS names: only the startSandbox option does', { skip }, () => {
  for (const flag of ['--accept-aws-host-names', '--acceptAwsHostNames']) {
    const r = spawnSync(process.execPath, [CLI, 'sandbox', '--port', '0', flag], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^s3trigger: Unknown argument/);
  }
});
