/** Issue #12's faults found against AWS's behaviour, each driven by the JS SDK v3 (or signed raw HTTP where the SDK cannot send it). */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { rawRequest, sigV4 } from '../raw-http.js';
import { startS3, type S3Harness } from './helpers.js';

let h: S3Harness;
before(async () => {
  h = await startS3();
  await h.s3.send(new CreateBucketCommand({ Bucket: 'faults' }));
});
after(() => h.close());

test('7: max-keys=0 (and max-uploads=0, max-parts=0) is an empty page that is not truncated', async () => {
  await h.s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'a.txt', Body: 'a' }));
  const v2 = await h.s3.send(new ListObjectsV2Command({ Bucket: 'faults', MaxKeys: 0 }));
  assert.equal(v2.IsTruncated, false);
  assert.equal(v2.KeyCount, 0);
  assert.equal(v2.Contents, undefined);
  assert.equal(v2.NextContinuationToken, undefined);
  const v1 = await h.s3.send(new ListObjectsCommand({ Bucket: 'faults', MaxKeys: 0 }));
  assert.equal(v1.IsTruncated, false);
  assert.equal(v1.Contents, undefined);
  const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: 'faults', Key: 'mp-list' }));
  await h.s3.send(new UploadPartCommand({ Bucket: 'faults', Key: 'mp-list', UploadId, PartNumber: 1, Body: 'x' }));
  const uploads = await h.s3.send(new ListMultipartUploadsCommand({ Bucket: 'faults', MaxUploads: 0 }));
  assert.equal(uploads.IsTruncated, false);
  assert.equal(uploads.Uploads, undefined);
  assert.equal(uploads.MaxUploads, 0);
  const parts = await h.s3.send(new ListPartsCommand({ Bucket: 'faults', Key: 'mp-list', UploadId, MaxParts: 0 }));
  assert.equal(parts.IsTruncated, false);
  assert.equal(parts.Parts, undefined);
  assert.equal(parts.MaxParts, 0);
});

test('8: re-creating your own bucket is 200 on a us-east-1 sandbox, 409 BucketAlreadyOwnedByYou elsewhere', async () => {
  await assert.rejects(h.s3.send(new CreateBucketCommand({ Bucket: 'faults' })), { name: 'BucketAlreadyOwnedByYou' });
  const east = await startS3({ region: 'us-east-1' });
  try {
    await east.s3.send(new CreateBucketCommand({ Bucket: 'again' }));
    const second = await east.s3.send(new CreateBucketCommand({ Bucket: 'again' }));
    assert.equal(second.$metadata.httpStatusCode, 200);
    assert.equal(second.Location, '/again');
  } finally {
    await east.close();
  }
});

test('9: an Expect value S3 does not know is ignored (no 417 from Node); 100-continue still works', async () => {
  const put = await rawRequest(h.sandbox.endpoint, {
    method: 'PUT',
    path: '/faults/expect.txt',
    headers: { ...sigV4('s3'), expect: 'something-else', 'content-length': '5' },
    body: 'hello',
  });
  assert.equal(put.status, 200, put.body);
  const get = await rawRequest(h.sandbox.endpoint, { path: '/faults/expect.txt', headers: { ...sigV4('s3'), expect: 'x-unknown=1' } });
  assert.equal(get.status, 200, get.body);
  assert.equal(get.body, 'hello');
  const cont = await rawRequest(h.sandbox.endpoint, {
    method: 'PUT',
    path: '/faults/continue.txt',
    headers: { ...sigV4('s3'), expect: '100-continue', 'content-length': '2' },
    body: 'ok',
  });
  assert.equal(cont.status, 200, cont.body);
});
