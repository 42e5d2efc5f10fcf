/**
 * `s3trigger event TYPE` for every S3 event type the sandbox emits (issue #14, item 3), compared field by field with
 * the record the sandbox delivers for the same operation: field names and order at every depth, and every field
 * that does not vary per request (ids, times and sequencers do).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  RestoreObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { S3EventRecord } from 'aws-lambda';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { setupDemo } from '../../src/sandbox/demo.js';
import { buildSampleEvent } from '../../src/sample-event/build.js';
import { decodeEventKey } from '../../src/aws/s3-events.js';
import { get, paths } from './fields.js';

/** Fields that are the same for the same object and event type (ids, times and sequencers are per request). */
const STABLE = [
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
  's3.object.versionId',
  'glacierEventData.restoreEventData.lifecycleRestoreStorageClass',
];

const BUCKET = 'every-type';
let sandbox: Sandbox;
let s3: S3Client;
const records: S3EventRecord[] = [];

before(async () => {
  // 0.001: restore tiers take milliseconds; a lifecycle day is one second times the scale.
  sandbox = await startSandbox({ port: 0, timing: { scale: 0.001 } });
  const demo = await setupDemo(sandbox, { bucket: BUCKET });
  s3 = new S3Client({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  // The configuration ids `s3trigger event` writes: the demo's for created and removed, `s3trigger-demo` otherwise.
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: BUCKET,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          { Id: 's3trigger-demo-created', LambdaFunctionArn: demo.functionArn, Events: ['s3:ObjectCreated:*'] },
          { Id: 's3trigger-demo-removed', LambdaFunctionArn: demo.functionArn, Events: ['s3:ObjectRemoved:*'] },
          {
            Id: 's3trigger-demo',
            LambdaFunctionArn: demo.functionArn,
            Events: ['s3:ObjectTagging:*', 's3:ObjectAcl:Put', 's3:ObjectRestore:*', 's3:LifecycleExpiration:*'],
          },
        ],
      },
    }),
  );
  sandbox.context.s3Events.subscribe((n) => {
    if (n.destination.kind === 'lambda') records.push(JSON.parse(JSON.stringify(n.record)));
  });
});
after(async () => {
  s3?.destroy();
  await sandbox?.close();
});

async function until(eventName: string, key: string): Promise<S3EventRecord> {
  for (let i = 0; i < 400; i++) {
    const found = records.find((r) => r.eventName === eventName && decodeEventKey(r.s3.object.key) === key);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${eventName} record for ${key}`);
}

function compare(record: S3EventRecord): void {
  compareIn(BUCKET, record);
}

function compareIn(bucket: string, record: S3EventRecord): void {
  const o = record.s3.object as Partial<S3EventRecord['s3']['object']>;
  const sample = (
    buildSampleEvent({
      eventName: record.eventName,
      bucket,
      key: decodeEventKey(o.key!),
      region: sandbox.region,
      ...(o.size !== undefined ? { size: o.size } : {}),
      ...(o.eTag !== undefined ? { etag: o.eTag } : {}),
      ...(o.versionId !== undefined ? { versionId: o.versionId } : {}),
    }) as { Records: S3EventRecord[] }
  ).Records[0]!;
  assert.deepEqual(paths(sample), paths(record), `${record.eventName}: the same field names, in the same order`);
  for (const path of STABLE) assert.deepEqual(get(sample, path), get(record, path), `${record.eventName}: ${path}`);
}

const key = 'types/a b=1.txt';

test('created: Put, Post, Copy, CompleteMultipartUpload', async () => {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'hello\n' }));
  compare(await until('ObjectCreated:Put', key));

  const post = await createPresignedPost(s3, { Bucket: BUCKET, Key: 'types/posted.txt', Expires: 300 });
  const form = new FormData();
  for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
  form.append('file', new Blob(['posted\n']), 'posted.txt');
  assert.equal((await fetch(post.url, { method: 'POST', body: form })).status, 204);
  compare(await until('ObjectCreated:Post', 'types/posted.txt'));

  await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'types/copied.txt', CopySource: `${BUCKET}/types/posted.txt` }));
  compare(await until('ObjectCreated:Copy', 'types/copied.txt'));

  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'types/big.bin' }));
  const part = await s3.send(
    new UploadPartCommand({ Bucket: BUCKET, Key: 'types/big.bin', UploadId, PartNumber: 1, Body: 'x'.repeat(1000) }),
  );
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: BUCKET,
      Key: 'types/big.bin',
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
    }),
  );
  compare(await until('ObjectCreated:CompleteMultipartUpload', 'types/big.bin'));
});

test('tagging Put and Delete, ACL Put, removed Delete', async () => {
  await s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: key, Tagging: { TagSet: [{ Key: 'env', Value: 'dev' }] } }));
  compare(await until('ObjectTagging:Put', key));
  await s3.send(new DeleteObjectTaggingCommand({ Bucket: BUCKET, Key: key }));
  compare(await until('ObjectTagging:Delete', key));
  await s3.send(new PutObjectAclCommand({ Bucket: BUCKET, Key: key, ACL: 'public-read' }));
  compare(await until('ObjectAcl:Put', key));
  await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'types/copied.txt' }));
  compare(await until('ObjectRemoved:Delete', 'types/copied.txt'));
});

test('restore: Post, Completed, Delete (a GLACIER object, AWS times at scale 0.001)', async () => {
  const archived = 'types/archived.bin';
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: archived, Body: 'cold\n', StorageClass: 'GLACIER' }));
  await s3.send(
    new RestoreObjectCommand({ Bucket: BUCKET, Key: archived, RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Expedited' } } }),
  );
  compare(await until('ObjectRestore:Post', archived));
  compare(await until('ObjectRestore:Completed', archived));
  compare(await until('ObjectRestore:Delete', archived));
});

test('versioned: DeleteMarkerCreated, Delete of a version, LifecycleExpiration Delete and DeleteMarkerCreated', async () => {
  const versioned = 'every-type-versioned';
  await s3.send(new CreateBucketCommand({ Bucket: versioned, CreateBucketConfiguration: { LocationConstraint: sandbox.region as never } }));
  const arn = `arn:aws:lambda:${sandbox.region}:000000000000:function:event-handler`;
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: versioned,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          { Id: 's3trigger-demo-created', LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'] },
          { Id: 's3trigger-demo-removed', LambdaFunctionArn: arn, Events: ['s3:ObjectRemoved:*'] },
          { Id: 's3trigger-demo', LambdaFunctionArn: arn, Events: ['s3:LifecycleExpiration:*'] },
        ],
      },
    }),
  );
  await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }));
  const put = await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'v/a.txt', Body: 'one\n' }));
  const created = await untilIn(versioned, 'ObjectCreated:Put', 'v/a.txt');
  assert.equal(created.s3.object.versionId, put.VersionId);
  compareIn(versioned, created);
  await s3.send(new DeleteObjectCommand({ Bucket: versioned, Key: 'v/a.txt' }));
  compareIn(versioned, await untilIn(versioned, 'ObjectRemoved:DeleteMarkerCreated', 'v/a.txt'));
  await s3.send(new DeleteObjectCommand({ Bucket: versioned, Key: 'v/a.txt', VersionId: put.VersionId }));
  compareIn(versioned, await untilIn(versioned, 'ObjectRemoved:Delete', 'v/a.txt'));
  // Lifecycle: a day is 1 ms here; a current version expires into a delete marker.
  await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'old/b.txt', Body: 'two\n' }));
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: versioned,
      LifecycleConfiguration: {
        Rules: [
          {
            ID: 'expire',
            Status: 'Enabled',
            Filter: { Prefix: 'old/' },
            Expiration: { Days: 1 },
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          },
        ],
      },
    }),
  );
  compareIn(versioned, await untilIn(versioned, 'LifecycleExpiration:DeleteMarkerCreated', 'old/b.txt'));
  compareIn(versioned, await untilIn(versioned, 'LifecycleExpiration:Delete', 'old/b.txt'));
});

async function untilIn(bucket: string, eventName: string, key: string): Promise<S3EventRecord> {
  for (let i = 0; i < 400; i++) {
    const found = records.find((r) => r.s3.bucket.name === bucket && r.eventName === eventName && decodeEventKey(r.s3.object.key) === key);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${eventName} record for ${key} in ${bucket}`);
}
