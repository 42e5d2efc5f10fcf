/** The JS SDK v3 (client-s3, lib-storage, s3-presigned-post) against the sandbox over real HTTP. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  ListObjectsCommand,
  UploadPartCopyCommand,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { FN_ARN, lambdaEverything, putNotification, sdkClient, startS3, type S3Harness } from './helpers.js';

let h: S3Harness;
before(async () => {
  h = await startS3();
});
after(() => h.close());

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

async function errorOf(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (err) {
    return err as S3ServiceException;
  }
  assert.fail('expected an error');
}

test('buckets: create (with and without LocationConstraint), head, list, location, delete', async () => {
  await h.s3.send(new CreateBucketCommand({ Bucket: 'plain-bucket' }));
  await h.s3.send(new CreateBucketCommand({ Bucket: 'west-bucket', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
  const head = await h.s3.send(new HeadBucketCommand({ Bucket: 'west-bucket' }));
  assert.equal(head.BucketRegion, 'us-west-2');
  const loc = await h.s3.send(new GetBucketLocationCommand({ Bucket: 'plain-bucket' }));
  assert.equal(loc.LocationConstraint, h.sandbox.region);
  const names = (await h.s3.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name);
  assert.ok(names.includes('plain-bucket') && names.includes('west-bucket'));

  const dup = await errorOf(h.s3.send(new CreateBucketCommand({ Bucket: 'plain-bucket' })));
  assert.equal(dup.name, 'BucketAlreadyOwnedByYou');
  assert.equal(dup.$metadata.httpStatusCode, 409);
  const bad = await errorOf(h.s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })));
  assert.equal(bad.name, 'InvalidBucketName');
  const missing = await errorOf(h.s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' })));
  assert.equal(missing.$metadata.httpStatusCode, 404);

  await h.s3.send(new PutObjectCommand({ Bucket: 'west-bucket', Key: 'k', Body: 'x' }));
  const notEmpty = await errorOf(h.s3.send(new DeleteBucketCommand({ Bucket: 'west-bucket' })));
  assert.equal(notEmpty.name, 'BucketNotEmpty');
  await h.s3.send(new DeleteObjectCommand({ Bucket: 'west-bucket', Key: 'k' }));
  await h.s3.send(new DeleteBucketCommand({ Bucket: 'west-bucket' }));
  const gone = await errorOf(h.s3.send(new ListObjectsV2Command({ Bucket: 'west-bucket' })));
  assert.equal(gone.name, 'NoSuchBucket');
});

test('objects: put (raw and aws-chunked stream), get with range, head, metadata, copy, list, delete', async () => {
  await h.s3.send(new CreateBucketCommand({ Bucket: 'obj-bucket' }));
  const put = await h.s3.send(
    new PutObjectCommand({
      Bucket: 'obj-bucket',
      Key: 'dir/a b+c.txt',
      Body: 'hello world',
      ContentType: 'text/plain',
      Metadata: { colour: 'blue' },
    }),
  );
  assert.equal(put.ETag, `"${md5('hello world')}"`);
  assert.equal(put.ChecksumCRC32, 'DUoRhQ==');
  const streamed = await h.s3.send(
    new PutObjectCommand({
      Bucket: 'obj-bucket',
      Key: 'streamed',
      Body: Readable.from([Buffer.from('hello '), Buffer.from('world')]),
      ContentLength: 11,
    }),
  );
  assert.equal(streamed.ETag, `"${md5('hello world')}"`);

  const get = await h.s3.send(new GetObjectCommand({ Bucket: 'obj-bucket', Key: 'dir/a b+c.txt' }));
  assert.equal(await get.Body!.transformToString(), 'hello world');
  assert.equal(get.ContentType, 'text/plain');
  assert.deepEqual(get.Metadata, { colour: 'blue' });
  const range = await h.s3.send(new GetObjectCommand({ Bucket: 'obj-bucket', Key: 'streamed', Range: 'bytes=6-' }));
  assert.equal(await range.Body!.transformToString(), 'world');
  assert.equal(range.ContentRange, 'bytes 6-10/11');
  const head = await h.s3.send(new HeadObjectCommand({ Bucket: 'obj-bucket', Key: 'streamed' }));
  assert.equal(head.ContentLength, 11);

  const copy = await h.s3.send(new CopyObjectCommand({ Bucket: 'obj-bucket', Key: 'copy.txt', CopySource: 'obj-bucket/dir/a b+c.txt' }));
  assert.equal(copy.CopyObjectResult!.ETag, `"${md5('hello world')}"`);
  const encoded = await h.s3.send(
    new CopyObjectCommand({ Bucket: 'obj-bucket', Key: 'copy2.txt', CopySource: encodeURIComponent('obj-bucket/dir/a b+c.txt') }),
  );
  assert.ok(encoded.CopyObjectResult!.ETag);
  const copied = await h.s3.send(new GetObjectCommand({ Bucket: 'obj-bucket', Key: 'copy.txt' }));
  assert.deepEqual(copied.Metadata, { colour: 'blue' });

  const list = await h.s3.send(new ListObjectsV2Command({ Bucket: 'obj-bucket', Delimiter: '/' }));
  assert.deepEqual(
    list.Contents!.map((c) => c.Key),
    ['copy.txt', 'copy2.txt', 'streamed'],
  );
  assert.deepEqual(list.CommonPrefixes, [{ Prefix: 'dir/' }]);
  const paged: string[] = [];
  let token: string | undefined;
  do {
    const page = await h.s3.send(new ListObjectsV2Command({ Bucket: 'obj-bucket', MaxKeys: 1, ContinuationToken: token }));
    paged.push(...page.Contents!.map((c) => c.Key!));
    token = page.NextContinuationToken;
  } while (token);
  assert.deepEqual(paged, ['copy.txt', 'copy2.txt', 'dir/a b+c.txt', 'streamed']);

  await h.s3.send(new DeleteObjectCommand({ Bucket: 'obj-bucket', Key: 'copy.txt' }));
  const missing = await errorOf(h.s3.send(new GetObjectCommand({ Bucket: 'obj-bucket', Key: 'copy.txt' })));
  assert.equal(missing.name, 'NoSuchKey');
  const del = await h.s3.send(
    new DeleteObjectsCommand({ Bucket: 'obj-bucket', Delete: { Objects: [{ Key: 'copy2.txt' }, { Key: 'streamed' }] } }),
  );
  assert.deepEqual(
    del.Deleted!.map((d) => d.Key),
    ['copy2.txt', 'streamed'],
  );
});

test('notification configuration: round trip through the SDK; validation of a missing function', async () => {
  await h.s3.send(new CreateBucketCommand({ Bucket: 'notif-bucket' }));
  const unvalidated = await errorOf(
    h.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'notif-bucket',
        NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: FN_ARN, Events: ['s3:ObjectCreated:*'] }] },
      }),
    ),
  );
  assert.equal(unvalidated.name, 'InvalidArgument');
  await h.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'notif-bucket',
      SkipDestinationValidation: true,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Id: 'uploads',
            LambdaFunctionArn: FN_ARN,
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } },
          },
        ],
        EventBridgeConfiguration: {},
      },
    }),
  );
  const got = await h.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'notif-bucket' }));
  assert.deepEqual(got.LambdaFunctionConfigurations, [
    {
      Id: 'uploads',
      LambdaFunctionArn: FN_ARN,
      Events: ['s3:ObjectCreated:*'],
      Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'in/' }] } },
    },
  ]);
  assert.deepEqual(got.EventBridgeConfiguration, {});
});

test('event records: exact shape per event type, key encoding, request-id equality, sequencer order', async () => {
  await h.s3.send(new CreateBucketCommand({ Bucket: 'events-bucket' }));
  assert.equal((await putNotification(h.sandbox, 'events-bucket', lambdaEverything('cfg-all'))).status, 200);
  h.events.length = 0;

  const put = await h.s3.send(new PutObjectCommand({ Bucket: 'events-bucket', Key: 'in/a b+c@d=e:f.txt', Body: 'twelve bytes' }));
  await h.s3.send(new CopyObjectCommand({ Bucket: 'events-bucket', Key: 'in/copy', CopySource: 'events-bucket/in/a b+c@d=e:f.txt' }));
  const del = await h.s3.send(new DeleteObjectCommand({ Bucket: 'events-bucket', Key: 'in/a b+c@d=e:f.txt' }));
  // A key that never existed gets its ObjectRemoved:Delete too, as on AWS (MinIO changed to match S3 in
  // minio/minio PR #19037, "Send a bucket notification event on DeleteObject() for non-existing object").
  await h.s3.send(new DeleteObjectCommand({ Bucket: 'events-bucket', Key: 'never-existed' }));

  assert.deepEqual(
    h.events.map((e) => `${e.record.eventName} ${e.record.s3.object.key}`),
    [
      'ObjectCreated:Put in/a+b%2Bc%40d%3De%3Af.txt',
      'ObjectCreated:Copy in/copy',
      'ObjectRemoved:Delete in/a+b%2Bc%40d%3De%3Af.txt',
      'ObjectRemoved:Delete never-existed',
    ],
  );
  const [created, copied, removed] = h.events.map((e) => e.record);
  assert.deepEqual(h.events[0]!.destination, { kind: 'lambda', arn: FN_ARN, configurationId: 'cfg-all' });
  assert.equal(created!.eventVersion, '2.1');
  assert.equal(created!.eventSource, 'aws:s3');
  assert.equal(created!.awsRegion, h.sandbox.region);
  assert.match(created!.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(created!.userIdentity.principalId);
  assert.equal(created!.requestParameters.sourceIPAddress, '127.0.0.1');
  assert.equal(created!.responseElements['x-amz-request-id'], put.$metadata.requestId);
  assert.equal(created!.responseElements['x-amz-id-2'], put.$metadata.extendedRequestId);
  assert.equal(removed!.responseElements['x-amz-request-id'], del.$metadata.requestId);
  assert.equal(created!.s3.configurationId, 'cfg-all');
  assert.deepEqual(created!.s3.bucket.name, 'events-bucket');
  assert.equal(created!.s3.bucket.arn, 'arn:aws:s3:::events-bucket');
  assert.ok(created!.s3.bucket.ownerIdentity.principalId);
  assert.deepEqual(Object.keys(created!.s3.object).sort(), ['eTag', 'key', 'sequencer', 'size']);
  assert.equal(created!.s3.object.key, 'in/a+b%2Bc%40d%3De%3Af.txt');
  assert.equal(created!.s3.object.size, 12);
  assert.equal(created!.s3.object.eTag, md5('twelve bytes'));
  assert.equal(copied!.s3.object.key, 'in/copy');
  assert.deepEqual(Object.keys(removed!.s3.object).sort(), ['key', 'sequencer']);
  for (const r of [created, copied, removed]) assert.match(r!.s3.object.sequencer, /^[0-9A-F]{18}$/);
  assert.ok(created!.s3.object.sequencer < removed!.s3.object.sequencer);
});

test('event records: filters, one per matching configuration (EventBridge too), DeleteObjects per key', async () => {
  await h.s3.send(new CreateBucketCommand({ Bucket: 'filter-bucket' }));
  const xml =
    `<NotificationConfiguration>` +
    `<CloudFunctionConfiguration><Id>jpg</Id><CloudFunction>${FN_ARN}</CloudFunction><Event>s3:ObjectCreated:Put</Event>` +
    `<Filter><S3Key><FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter></CloudFunctionConfiguration>` +
    `<QueueConfiguration><Id>q</Id><Queue>arn:aws:sqs:eu-west-1:000000000000:q</Queue><Event>s3:ObjectRemoved:*</Event></QueueConfiguration>` +
    `<EventBridgeConfiguration></EventBridgeConfiguration></NotificationConfiguration>`;
  assert.equal((await putNotification(h.sandbox, 'filter-bucket', xml)).status, 200);
  h.events.length = 0;
  await h.s3.send(new PutObjectCommand({ Bucket: 'filter-bucket', Key: 'a.jpg', Body: 'x' }));
  await h.s3.send(new PutObjectCommand({ Bucket: 'filter-bucket', Key: 'a.png', Body: 'x' }));
  const del = await h.s3.send(
    new DeleteObjectsCommand({ Bucket: 'filter-bucket', Delete: { Objects: [{ Key: 'a.jpg' }, { Key: 'a.png' }] } }),
  );
  const seen = h.events.map((e) => `${e.record.eventName} ${e.record.s3.object.key} ${e.destination.kind}`);
  assert.deepEqual(seen, [
    'ObjectCreated:Put a.jpg lambda',
    'ObjectCreated:Put a.jpg eventbridge',
    'ObjectCreated:Put a.png eventbridge',
    'ObjectRemoved:Delete a.jpg queue',
    'ObjectRemoved:Delete a.jpg eventbridge',
    'ObjectRemoved:Delete a.png queue',
    'ObjectRemoved:Delete a.png eventbridge',
  ]);
  assert.equal(h.events[0]!.record.s3.object.sequencer, h.events[1]!.record.s3.object.sequencer);
  for (const e of h.events.slice(3)) assert.equal(e.record.responseElements['x-amz-request-id'], del.$metadata.requestId);
});

test('multipart: low-level API, ETag formula, one event only at Complete, list and abort', async () => {
  await h.s3.send(new CreateBucketCommand({ Bucket: 'mpu-bucket' }));
  await putNotification(h.sandbox, 'mpu-bucket', lambdaEverything());
  h.events.length = 0;
  const part1 = Buffer.alloc(5 * 1024 * 1024, 1);
  const part2 = Buffer.from('tail');
  const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu-bucket', Key: 'big.bin' }));
  const p1 = await h.s3.send(new UploadPartCommand({ Bucket: 'mpu-bucket', Key: 'big.bin', UploadId, PartNumber: 1, Body: part1 }));
  const p2 = await h.s3.send(new UploadPartCommand({ Bucket: 'mpu-bucket', Key: 'big.bin', UploadId, PartNumber: 2, Body: part2 }));
  assert.equal(h.events.length, 0);
  const uploads = await h.s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpu-bucket' }));
  assert.deepEqual(
    uploads.Uploads!.map((u) => u.UploadId),
    [UploadId],
  );
  const parts = await h.s3.send(new ListPartsCommand({ Bucket: 'mpu-bucket', Key: 'big.bin', UploadId }));
  assert.deepEqual(
    parts.Parts!.map((p) => [p.PartNumber, p.Size]),
    [
      [1, part1.length],
      [2, 4],
    ],
  );

  const done = await h.s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: 'mpu-bucket',
      Key: 'big.bin',
      UploadId,
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: p1.ETag },
          { PartNumber: 2, ETag: p2.ETag },
        ],
      },
    }),
  );
  const expected = `${md5(Buffer.concat([Buffer.from(md5(part1), 'hex'), Buffer.from(md5(part2), 'hex')]))}-2`;
  assert.equal(done.ETag, `"${expected}"`);
  assert.equal(done.ServerSideEncryption, 'AES256');
  assert.equal(h.events.length, 1);
  assert.equal(h.events[0]!.record.eventName, 'ObjectCreated:CompleteMultipartUpload');
  assert.equal(h.events[0]!.record.s3.object.eTag, expected);
  assert.equal(h.events[0]!.record.s3.object.size, part1.length + 4);
  assert.equal(h.events[0]!.record.responseElements['x-amz-request-id'], done.$metadata.requestId);
  const body = Buffer.from(
    await (
      await h.s3.send(new GetObjectCommand({ Bucket: 'mpu-bucket', Key: 'big.bin', Range: `bytes=${part1.length - 2}-` }))
    ).Body!.transformToByteArray(),
  );
  assert.deepEqual(body, Buffer.concat([Buffer.from([1, 1]), part2]));

  const gone = await errorOf(h.s3.send(new ListPartsCommand({ Bucket: 'mpu-bucket', Key: 'big.bin', UploadId })));
  assert.equal(gone.name, 'NoSuchUpload');
  const second = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu-bucket', Key: 'other' }));
  await h.s3.send(new AbortMultipartUploadCommand({ Bucket: 'mpu-bucket', Key: 'other', UploadId: second.UploadId }));
  const aborted = await errorOf(
    h.s3.send(new AbortMultipartUploadCommand({ Bucket: 'mpu-bucket', Key: 'other', UploadId: second.UploadId })),
  );
  assert.equal(aborted.name, 'NoSuchUpload');
});

test('multipart: Complete rejects small non-last parts, unknown parts, wrong order', async () => {
  await h.s3.send(new CreateBucketCommand({ Bucket: 'mpu-errors' }));
  const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu-errors', Key: 'k' }));
  const a = await h.s3.send(new UploadPartCommand({ Bucket: 'mpu-errors', Key: 'k', UploadId, PartNumber: 1, Body: 'small' }));
  const b = await h.s3.send(new UploadPartCommand({ Bucket: 'mpu-errors', Key: 'k', UploadId, PartNumber: 2, Body: 'small' }));
  const complete = (Parts: { PartNumber: number; ETag?: string }[]) =>
    errorOf(h.s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu-errors', Key: 'k', UploadId, MultipartUpload: { Parts } })));
  assert.equal(
    (
      await complete([
        { PartNumber: 1, ETag: a.ETag },
        { PartNumber: 2, ETag: b.ETag },
      ])
    ).name,
    'EntityTooSmall',
  );
  assert.equal(
    (
      await complete([
        { PartNumber: 2, ETag: b.ETag },
        { PartNumber: 1, ETag: a.ETag },
      ])
    ).name,
    'InvalidPartOrder',
  );
  assert.equal((await complete([{ PartNumber: 3, ETag: a.ETag }])).name, 'InvalidPart');
  const missing = await errorOf(
    h.s3.send(new UploadPartCommand({ Bucket: 'mpu-errors', Key: 'k', UploadId: 'nope', PartNumber: 1, Body: 'x' })),
  );
  assert.equal(missing.name, 'NoSuchUpload');
});

test('ListObjects (V1) with marker and delimiter; UploadPartCopy with a source range', async () => {
  await h.s3.send(new CreateBucketCommand({ Bucket: 'v1-bucket' }));
  for (const key of ['a', 'b/1', 'b/2', 'c']) await h.s3.send(new PutObjectCommand({ Bucket: 'v1-bucket', Key: key, Body: key }));
  const first = await h.s3.send(new ListObjectsCommand({ Bucket: 'v1-bucket', Delimiter: '/', MaxKeys: 2 }));
  assert.deepEqual(
    [first.Contents!.map((c) => c.Key), first.CommonPrefixes!.map((p) => p.Prefix), first.IsTruncated, first.NextMarker],
    [['a'], ['b/'], true, 'b/'],
  );
  const rest = await h.s3.send(new ListObjectsCommand({ Bucket: 'v1-bucket', Delimiter: '/', Marker: first.NextMarker }));
  assert.deepEqual([rest.Contents!.map((c) => c.Key), rest.CommonPrefixes ?? [], rest.IsTruncated], [['c'], [], false]);

  const source = Buffer.alloc(6 * 1024 * 1024, 9);
  await h.s3.send(new PutObjectCommand({ Bucket: 'v1-bucket', Key: 'src.bin', Body: source }));
  const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: 'v1-bucket', Key: 'dst.bin' }));
  const p1 = await h.s3.send(
    new UploadPartCopyCommand({
      Bucket: 'v1-bucket',
      Key: 'dst.bin',
      UploadId,
      PartNumber: 1,
      CopySource: 'v1-bucket/src.bin',
      CopySourceRange: `bytes=0-${5 * 1024 * 1024 - 1}`,
    }),
  );
  const p2 = await h.s3.send(
    new UploadPartCopyCommand({
      Bucket: 'v1-bucket',
      Key: 'dst.bin',
      UploadId,
      PartNumber: 2,
      CopySource: 'v1-bucket/src.bin',
      CopySourceRange: `bytes=${5 * 1024 * 1024}-${source.length - 1}`,
    }),
  );
  await h.s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: 'v1-bucket',
      Key: 'dst.bin',
      UploadId,
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: p1.CopyPartResult!.ETag },
          { PartNumber: 2, ETag: p2.CopyPartResult!.ETag },
        ],
      },
    }),
  );
  const copied = Buffer.from(
    await (await h.s3.send(new GetObjectCommand({ Bucket: 'v1-bucket', Key: 'dst.bin' }))).Body!.transformToByteArray(),
  );
  assert.equal(md5(copied), md5(source));
});

test('lib-storage Upload: CRC32 echoed per part and accepted at Complete', async () => {
  await h.s3.send(new CreateBucketCommand({ Bucket: 'upload-bucket' }));
  const data = Buffer.alloc(11 * 1024 * 1024, 7);
  const done = await new Upload({
    client: h.s3,
    params: { Bucket: 'upload-bucket', Key: 'u.bin', Body: data },
    partSize: 5 * 1024 * 1024,
  }).done();
  assert.match(done.ETag!, /^"[0-9a-f]{32}-3"$/);
  const head = await h.s3.send(new HeadObjectCommand({ Bucket: 'upload-bucket', Key: 'u.bin' }));
  assert.equal(head.ContentLength, data.length);
  const small = await new Upload({ client: h.s3, params: { Bucket: 'upload-bucket', Key: 'small.txt', Body: 'tiny' } }).done();
  assert.equal(small.ETag, `"${md5('tiny')}"`);
});

test('presigned POST (SigV4 fields) with FormData: 201 PostResponse, Post event, policy enforced', async () => {
  await h.s3.send(new CreateBucketCommand({ Bucket: 'post-bucket' }));
  await putNotification(h.sandbox, 'post-bucket', lambdaEverything());
  h.events.length = 0;
  const { url, fields } = await createPresignedPost(h.s3, {
    Bucket: 'post-bucket',
    Key: 'uploads/${filename}',
    Conditions: [
      ['content-length-range', 1, 100],
      ['starts-with', '$key', 'uploads/'],
    ],
    Fields: { success_action_status: '201' },
  });
  const form = (content: string) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    f.append('file', new Blob([content]), 'photo one.jpg');
    return f;
  };
  const res = await fetch(url, { method: 'POST', body: form('posted!') });
  assert.equal(res.status, 201);
  const xml = await res.text();
  assert.match(
    xml,
    /<PostResponse[^>]*><Location>[^<]+\/post-bucket\/uploads\/photo%20one\.jpg<\/Location><Bucket>post-bucket<\/Bucket><Key>uploads\/photo one\.jpg<\/Key><ETag>(&quot;|")[0-9a-f]{32}(&quot;|")<\/ETag><\/PostResponse>/,
  );
  assert.equal(h.events.length, 1);
  assert.equal(h.events[0]!.record.eventName, 'ObjectCreated:Post');
  assert.equal(h.events[0]!.record.s3.object.key, 'uploads/photo+one.jpg');
  assert.equal(h.events[0]!.record.responseElements['x-amz-request-id'], res.headers.get('x-amz-request-id'));

  const tooBig = await fetch(url, { method: 'POST', body: form('x'.repeat(101)) });
  assert.equal(tooBig.status, 400);
  assert.match(await tooBig.text(), /<Code>EntityTooLarge<\/Code>/);
  assert.equal(h.events.length, 1);
});

test('virtual-host addressing: <bucket>.localhost and <bucket>.s3.<anything> Host headers', async () => {
  await h.s3.send(new CreateBucketCommand({ Bucket: 'vhost-bucket' }));
  await h.s3.send(new PutObjectCommand({ Bucket: 'vhost-bucket', Key: 'dir/k.txt', Body: 'via vhost' }));
  const { request } = await import('node:http');
  const get = (host: string, path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.sandbox.port, path, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
  assert.deepEqual(await get(`vhost-bucket.localhost:${h.sandbox.port}`, '/dir/k.txt'), { status: 200, body: 'via vhost' });
  assert.deepEqual(await get('vhost-bucket.s3.localhost.localstack.cloud', '/dir/k.txt'), { status: 200, body: 'via vhost' });
  const list = await get(`vhost-bucket.s3.127.0.0.1:${h.sandbox.port}`, '/?list-type=2');
  assert.match(list.body, /<Key>dir\/k\.txt<\/Key>/);
  // A name that is not this machine's is refused (DNS rebinding) unless the sandbox was started with --allow-host.
  assert.equal((await get('vhost-bucket.s3.eu-west-1.amazonaws.com', '/?list-type=2')).status, 403);
  // The SDK's own virtual-host style: resolve every <bucket>.localhost name to 127.0.0.1 (system resolvers may not).
  const lookup = ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) =>
    opts?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) as unknown as LookupFunction;
  const vclient = sdkClient(h.sandbox, {
    forcePathStyle: false,
    endpoint: `http://localhost:${h.sandbox.port}`,
    requestHandler: { httpAgent: new Agent({ lookup }) },
  });
  try {
    await vclient.send(new PutObjectCommand({ Bucket: 'vhost-bucket', Key: 'sdk.txt', Body: 'sdk vhost' }));
    const got = await vclient.send(new GetObjectCommand({ Bucket: 'vhost-bucket', Key: 'sdk.txt' }));
    assert.equal(await got.Body!.transformToString(), 'sdk vhost');
  } finally {
    vclient.destroy();
  }
});
