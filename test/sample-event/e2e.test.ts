/**
 * `s3trigger event put` against what the sandbox really delivers: a real PUT on a demo bucket, the record captured
 * from the sandbox's S3 event bus, and the built CLI's sample for the same object compared field name by field name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { startSandbox } from '../../src/sandbox/server.js';
import { setupDemo } from '../../src/sandbox/demo.js';
import type { S3Notification } from '../../src/sandbox/context.js';
import { CLI, cliBuilt, NOT_BUILT } from '../ci/helpers.js';
import { get, paths } from './fields.js';

function runEvent(args: string[]) {
  return spawnSync(process.execPath, [CLI, 'event', ...args], { encoding: 'utf8', timeout: 30_000 });
}

test('event put matches the record the sandbox delivers for a real PUT, field by field', {
  skip: cliBuilt ? false : NOT_BUILT,
}, async () => {
  const sandbox = await startSandbox({ port: 0 });
  try {
    const bucket = 'sample-event-e2e';
    await setupDemo(sandbox, { bucket });
    const captured = new Promise<S3EventRecord>((resolve) => {
      const off = sandbox.context.s3Events.subscribe((n: S3Notification) => {
        if (n.record.eventName === 'ObjectCreated:Put') {
          off();
          resolve(n.record);
        }
      });
    });
    const s3 = new S3Client({
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const body = 'sample event end-to-end body\n';
    const key = 'photos/cat 1.txt';
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const record = JSON.parse(JSON.stringify(await captured)) as S3EventRecord;
    s3.destroy();

    const run = runEvent([
      'put',
      '--bucket',
      bucket,
      '--key',
      key,
      '--size',
      String(Buffer.byteLength(body)),
      '--etag',
      put.ETag!,
      '--region',
      sandbox.region,
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const sample = (JSON.parse(run.stdout) as { Records: S3EventRecord[] }).Records[0]!;

    assert.deepEqual(paths(sample), paths(record), 'the same field names, in the same order, at every depth');
    for (const path of [
      'eventVersion',
      'eventSource',
      'awsRegion',
      'eventName',
      'userIdentity.principalId',
      'requestParameters.sourceIPAddress',
      's3.s3SchemaVersion',
      's3.configurationId',
      's3.bucket.name',
      's3.bucket.ownerIdentity.principalId',
      's3.bucket.arn',
      's3.object.key',
      's3.object.size',
      's3.object.eTag',
    ]) {
      assert.deepEqual(get(sample, path), get(record, path), path);
    }
    assert.equal(record.s3.object.key, 'photos/cat+1.txt');
    assert.match(sample.s3.object.sequencer, /^[0-9A-F]{18}$/);
    assert.match(sample.responseElements['x-amz-request-id'], /^[0-9A-F]{16}$/);
  } finally {
    await sandbox.close();
  }
});

test('the CLI: --via sns / sqs / eventbridge envelopes, --seed byte-identical, bad TYPE exit 2', {
  skip: cliBuilt ? false : NOT_BUILT,
}, () => {
  const common = ['--bucket', 'b', '--key', 'photos/cat 1.txt'];
  const sns = runEvent(['put', ...common, '--via', 'sns']);
  assert.equal(sns.status, 0, sns.stderr);
  const snsEvent = JSON.parse(sns.stdout) as { Records: { Sns: { Message: string } }[] };
  const fromSns = JSON.parse(snsEvent.Records[0]!.Sns.Message) as { Records: S3EventRecord[] };
  assert.equal(fromSns.Records[0]!.s3.object.key, 'photos/cat+1.txt');

  const sqs = runEvent(['s3:ObjectCreated:Put', ...common, '--via', 'sqs']);
  assert.equal(sqs.status, 0, sqs.stderr);
  const fromSqs = JSON.parse((JSON.parse(sqs.stdout) as { Records: { body: string }[] }).Records[0]!.body) as { Records: S3EventRecord[] };
  assert.equal(fromSqs.Records[0]!.eventName, 'ObjectCreated:Put');

  const eb = runEvent(['ObjectCreated:Put', ...common, '--via', 'eventbridge']);
  assert.equal(eb.status, 0, eb.stderr);
  const ebEvent = JSON.parse(eb.stdout) as { 'detail-type': string; detail: { object: { key: string } } };
  assert.equal(ebEvent['detail-type'], 'Object Created');
  assert.equal(ebEvent.detail.object.key, 'photos/cat 1.txt');

  const a = runEvent(['delete', ...common, '--via', 'sqs', '--seed', '5']);
  const b = runEvent(['delete', ...common, '--via', 'sqs', '--seed', '5']);
  const c = runEvent(['delete', ...common, '--via', 'sqs', '--seed', '6']);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.notEqual(a.stdout, c.stdout);

  const bad = runEvent(['upload', ...common]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr.trimEnd().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /unknown event type 'upload': use put, post, copy, multipart, delete/);
  const badFlag = runEvent(['put', ...common, '--sise', '3']);
  assert.equal(badFlag.status, 2);
  assert.equal(badFlag.stdout, '');
  assert.match(
    badFlag.stderr,
    /^s3trigger: Unknown argument: sise: use s3trigger event TYPE --bucket B --key K .*--via sns\|sqs\|eventbridge/,
  );
  assert.equal(badFlag.stderr.trimEnd().split('\n').length, 1, badFlag.stderr);
  const missing = runEvent(['put', '--bucket', 'b']);
  assert.equal(missing.status, 2);
  assert.equal(missing.stdout, '');
});
