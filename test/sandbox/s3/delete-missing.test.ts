/**
 * Deleting a key that does not exist in an unversioned bucket: S3 answers 204 (DeleteObject) or lists it as Deleted
 * (DeleteObjects) and publishes s3:ObjectRemoved:Delete for it all the same (MinIO changed to match S3 in
 * minio/minio PR #19037, "Send a bucket notification event on DeleteObject() for non-existing object"). A version id
 * the key never had stays without an event. Driven by the AWS SDK v3 and the AWS CLI v2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { findCli } from '../../aws-cli.js';
import { cliEnv, lambdaEverything, putNotification, startS3 } from './helpers.js';

const run = promisify(execFile);

test('SDK: DeleteObject and DeleteObjects of a missing key (unversioned) publish ObjectRemoved:Delete; a missing version does not', async (t) => {
  const h = await startS3();
  t.after(() => h.close());
  await h.s3.send(new CreateBucketCommand({ Bucket: 'gone-bucket' }));
  assert.equal((await putNotification(h.sandbox, 'gone-bucket', lambdaEverything('cfg'))).status, 200);
  h.events.length = 0;

  const del = await h.s3.send(new DeleteObjectCommand({ Bucket: 'gone-bucket', Key: 'never existed.txt' }));
  assert.equal(del.$metadata.httpStatusCode, 204);
  assert.deepEqual(
    h.events.map((e) => e.record.eventName),
    ['ObjectRemoved:Delete'],
  );
  const record = h.events[0]!.record;
  assert.equal(record.s3.object.key, 'never+existed.txt');
  assert.deepEqual(Object.keys(record.s3.object).sort(), ['key', 'sequencer'], 'as any delete: no eTag, no size');
  assert.match(record.s3.object.sequencer, /^[0-9A-F]{18}$/);
  assert.equal(record.responseElements['x-amz-request-id'], del.$metadata.requestId);

  h.events.length = 0;
  await h.s3.send(new PutObjectCommand({ Bucket: 'gone-bucket', Key: 'here.txt', Body: 'x' }));
  h.events.length = 0;
  const batch = await h.s3.send(
    new DeleteObjectsCommand({ Bucket: 'gone-bucket', Delete: { Objects: [{ Key: 'missing.txt' }, { Key: 'here.txt' }] } }),
  );
  assert.deepEqual(batch.Deleted?.map((d) => d.Key).sort(), ['here.txt', 'missing.txt']);
  assert.deepEqual(
    h.events.map((e) => `${e.record.eventName} ${e.record.s3.object.key}`),
    ['ObjectRemoved:Delete missing.txt', 'ObjectRemoved:Delete here.txt'],
  );

  // The null version of a key that has none: nothing was removed and no version named exists: no event.
  h.events.length = 0;
  await h.s3.send(new DeleteObjectCommand({ Bucket: 'gone-bucket', Key: 'missing.txt', VersionId: 'null' }));
  assert.deepEqual(h.events, []);
});

test('AWS CLI v2: s3api delete-object and s3 rm of a missing key -> one ObjectRemoved:Delete record each', async (t) => {
  const cli = await findCli('/usr/bin/aws', '2');
  if (!cli) {
    t.skip('AWS CLI v2 not found (/usr/bin/aws)');
    return;
  }
  const h = await startS3();
  t.after(() => h.close());
  const aws = (...args: string[]) => run(cli, ['--endpoint-url', h.sandbox.endpoint, ...args], { env: cliEnv(h.sandbox) });
  await aws('s3api', 'create-bucket', '--bucket', 'gone-cli', '--create-bucket-configuration', `LocationConstraint=${h.sandbox.region}`);
  assert.equal((await putNotification(h.sandbox, 'gone-cli', lambdaEverything('cfg'))).status, 200);
  h.events.length = 0;
  await aws('s3api', 'delete-object', '--bucket', 'gone-cli', '--key', 'nothing-here.txt');
  assert.deepEqual(
    h.events.map((e) => `${e.record.eventName} ${e.record.s3.object.key}`),
    ['ObjectRemoved:Delete nothing-here.txt'],
  );
  h.events.length = 0;
  await aws('s3', 'rm', 's3://gone-cli/also-missing.txt');
  assert.deepEqual(
    h.events.map((e) => `${e.record.eventName} ${e.record.s3.object.key}`),
    ['ObjectRemoved:Delete also-missing.txt'],
  );
});
