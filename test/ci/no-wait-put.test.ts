/**
 * A PUT without --wait against a separate `s3trigger sandbox`: its lines in order, and the notification read that goes
 * out beside the bucket check (run.ts) read again when the check created the bucket.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cliBuilt, NOT_BUILT, runCli, workDir, startSandboxProcess } from './helpers.js';

const dir = workDir();
let endpoint = '';
let stopSandbox = async () => {};

before(async () => {
  if (!cliBuilt) return;
  const sandbox = await startSandboxProcess(dir, 'demo-bucket');
  endpoint = sandbox.endpoint;
  stopSandbox = sandbox.stop;
});
after(() => stopSandbox());

const put = (bucket: string, ...extra: string[]) =>
  runCli(['--endpoint-url', endpoint, '--region', 'eu-west-1', '--bucket', bucket, '--put', 'test.txt', ...extra], dir);

test('a PUT on a wired bucket: target, bucket, chain, op lines in this order', {
  skip: !cliBuilt && NOT_BUILT,
}, async () => {
  const r = await put('demo-bucket');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split('\n'), [
    `Target: endpoint ${endpoint} (region eu-west-1)`,
    "Bucket 'demo-bucket' exists and is accessible.",
    'Chain: demo-bucket → event-handler',
    'PUT object test.txt to bucket demo-bucket',
    'Done. Uploaded 29 bytes from file: test.txt',
  ]);
  assert.equal(r.stderr, '');
});

test('a bucket the check creates is read after it was created, not reported missing', { skip: !cliBuilt && NOT_BUILT }, async () => {
  const r = await put('fresh-bucket');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.deepEqual(lines.slice(1, 3), ['Bucket fresh-bucket created.', 'Chain: fresh-bucket → (no function reached)']);
  assert.doesNotMatch(r.stdout, /does not exist yet/);
  assert.match(r.stdout, /Warning: bucket fresh-bucket has no event notifications: this operation will not notify anything/);
});

test('--json without --wait: the record carries the chain; informational lines go to stderr', {
  skip: !cliBuilt && NOT_BUILT,
}, async () => {
  const r = await put('demo-bucket', '--json');
  assert.equal(r.code, 0, r.stderr);
  const record = JSON.parse(r.stdout) as { status: string; chain: { summary: string }; match: unknown };
  assert.equal(record.status, 'acked');
  assert.equal(record.chain.summary, 'demo-bucket → event-handler');
  assert.equal(record.match, null);
  assert.match(r.stderr, /^Target: .*\nBucket 'demo-bucket' exists and is accessible\.\nChain: demo-bucket → event-handler\n$/);
});
