/**
 * Issue #12: storage classes on PUT, COPY, multipart and POST, echoed on GET/HEAD and in listings, with AWS's errors;
 * archived classes refuse GET and copies until restored; GLACIER_IR is readable at once and does not restore.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  RestoreObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { requestedStorageClass, storageClassHeader } from '../../../src/sandbox/s3/storage-class.js';
import { errorOf } from '../../sdk-errors.js';
import { sigV4 } from '../raw-http.js';
import { startS3, type S3Harness } from './helpers.js';

test('requestedStorageClass: the general purpose classes; STANDARD is stored as absent; others are InvalidStorageClass', () => {
  const ok: Array<[string | undefined, string | undefined]> = [
    [undefined, undefined],
    ['STANDARD', undefined],
    ['GLACIER', 'GLACIER'],
    ['DEEP_ARCHIVE', 'DEEP_ARCHIVE'],
    ['GLACIER_IR', 'GLACIER_IR'],
    ['STANDARD_IA', 'STANDARD_IA'],
    ['ONEZONE_IA', 'ONEZONE_IA'],
    ['INTELLIGENT_TIERING', 'INTELLIGENT_TIERING'],
    ['REDUCED_REDUNDANCY', 'REDUCED_REDUNDANCY'],
  ];
  for (const [raw, want] of ok) assert.equal(requestedStorageClass(raw), want, String(raw));
  for (const raw of ['OUTPOSTS', 'EXPRESS_ONEZONE', 'glacier', 'FakeClass', '']) {
    assert.throws(
      () => requestedStorageClass(raw),
      (e: Error & { code?: string; extra?: Record<string, unknown> }) =>
        e.code === 'InvalidStorageClass' && e.extra?.StorageClassRequested === raw,
      raw,
    );
  }
  assert.deepEqual(storageClassHeader(undefined), {});
  assert.deepEqual(storageClassHeader('GLACIER'), { 'x-amz-storage-class': 'GLACIER' });
});

let h: S3Harness;
const B = 'classes';
before(async () => {
  h = await startS3();
  await h.s3.send(new CreateBucketCommand({ Bucket: B }));
});
after(() => h.close());

const put = (Key: string, StorageClass?: string) =>
  h.s3.send(
    new PutObjectCommand({ Bucket: B, Key, Body: 'body-test', ...(StorageClass ? { StorageClass: StorageClass as 'GLACIER' } : {}) }),
  );

test('PUT with each class: HEAD echoes x-amz-storage-class except for STANDARD; GET works except for GLACIER/DEEP_ARCHIVE', async () => {
  for (const cls of ['STANDARD', 'STANDARD_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE']) {
    await put(`put/${cls}`, cls);
    const head = await h.s3.send(new HeadObjectCommand({ Bucket: B, Key: `put/${cls}` }));
    assert.equal(head.StorageClass, cls === 'STANDARD' ? undefined : cls, cls);
    if (cls === 'GLACIER' || cls === 'DEEP_ARCHIVE') {
      assert.deepEqual(await errorOf(h.s3.send(new GetObjectCommand({ Bucket: B, Key: `put/${cls}` }))), {
        name: 'InvalidObjectState',
        status: 403,
        message: "The operation is not valid for the object's storage class",
      });
    } else {
      const got = await h.s3.send(new GetObjectCommand({ Bucket: B, Key: `put/${cls}` }));
      assert.equal(await got.Body!.transformToString(), 'body-test');
      assert.equal(got.StorageClass, cls === 'STANDARD' ? undefined : cls);
    }
  }
});

test('GET of an archived object: 403 with the class as an XML element and as x-amz-storage-class, as AWS answers', async () => {
  await put('raw/glacier', 'GLACIER');
  const res = await fetch(`${h.sandbox.endpoint}/${B}/raw/glacier`, { headers: sigV4('s3') });
  assert.equal(res.status, 403);
  assert.equal(res.headers.get('x-amz-storage-class'), 'GLACIER');
  const body = await res.text();
  // The shared XML writer escapes the apostrophe (&apos;), which an XML reader reads as AWS's "'".
  assert.match(
    body,
    /<Code>InvalidObjectState<\/Code><Message>The operation is not valid for the object(?:'|&apos;)s storage class<\/Message>/,
  );
  assert.match(body, /<StorageClass>GLACIER<\/StorageClass>/);
});

test('an unknown class: 400 InvalidStorageClass naming it, on PUT and CreateMultipartUpload; nothing is stored', async () => {
  for (const send of [
    () => h.s3.send(new PutObjectCommand({ Bucket: B, Key: 'bad', Body: 'x', StorageClass: 'OUTPOSTS' })),
    () => h.s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'bad', StorageClass: 'OUTPOSTS' })),
  ]) {
    assert.deepEqual(await errorOf(send()), {
      name: 'InvalidStorageClass',
      status: 400,
      message: 'The storage class you specified is not valid',
    });
  }
  const res = await fetch(`${h.sandbox.endpoint}/${B}/bad`, {
    method: 'PUT',
    headers: { ...sigV4('s3'), 'x-amz-storage-class': 'FakeClass' },
    body: 'x',
  });
  assert.equal(res.status, 400);
  assert.match(await res.text(), /<StorageClassRequested>FakeClass<\/StorageClassRequested>/);
  assert.equal((await errorOf(h.s3.send(new HeadObjectCommand({ Bucket: B, Key: 'bad' })))).status, 404);
});

test("ListObjects and ListObjectsV2 show each object's StorageClass", async () => {
  await put('list/a', 'GLACIER');
  await put('list/b');
  await put('list/c', 'ONEZONE_IA');
  const want = [
    ['list/a', 'GLACIER'],
    ['list/b', 'STANDARD'],
    ['list/c', 'ONEZONE_IA'],
  ];
  const v1 = await h.s3.send(new ListObjectsCommand({ Bucket: B, Prefix: 'list/' }));
  assert.deepEqual(
    v1.Contents!.map((o) => [o.Key, o.StorageClass]),
    want,
  );
  const v2 = await h.s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'list/' }));
  assert.deepEqual(
    v2.Contents!.map((o) => [o.Key, o.StorageClass]),
    want,
  );
});

test("CopyObject: the copy takes the request's class (STANDARD by default, not the source's); onto itself only with a class", async () => {
  await put('copy/src', 'STANDARD_IA');
  await h.s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copy/dst', CopySource: `${B}/copy/src` }));
  assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket: B, Key: 'copy/dst' }))).StorageClass, undefined);
  await h.s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copy/dst2', CopySource: `${B}/copy/src`, StorageClass: 'GLACIER_IR' }));
  assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket: B, Key: 'copy/dst2' }))).StorageClass, 'GLACIER_IR');

  const self = await errorOf(h.s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copy/src', CopySource: `${B}/copy/src` })));
  assert.equal(self.name, 'InvalidRequest');
  await h.s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copy/src', CopySource: `${B}/copy/src`, StorageClass: 'STANDARD_IA' }));
  await h.s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copy/src', CopySource: `${B}/copy/src`, StorageClass: 'GLACIER' }));
  assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket: B, Key: 'copy/src' }))).StorageClass, 'GLACIER');
});

test('copying from an archived source (CopyObject, UploadPartCopy): 403 InvalidObjectState until restored', async () => {
  await put('copy/archived', 'DEEP_ARCHIVE');
  assert.deepEqual(await errorOf(h.s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copy/out', CopySource: `${B}/copy/archived` }))), {
    name: 'InvalidObjectState',
    status: 403,
    message: "Operation is not valid for the source object's storage class",
  });
  const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'copy/mpu' }));
  const partCopy = await errorOf(
    h.s3.send(new UploadPartCopyCommand({ Bucket: B, Key: 'copy/mpu', UploadId, PartNumber: 1, CopySource: `${B}/copy/archived` })),
  );
  assert.equal(partCopy.name, 'InvalidObjectState');
});

test("multipart: the upload's class shows in ListMultipartUploads and ListParts and becomes the object's", async () => {
  const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mpu/deep', StorageClass: 'DEEP_ARCHIVE' }));
  const part = await h.s3.send(new UploadPartCommand({ Bucket: B, Key: 'mpu/deep', UploadId, PartNumber: 1, Body: 'part one' }));
  const uploads = await h.s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: 'mpu/' }));
  assert.deepEqual(
    uploads.Uploads!.map((u) => [u.Key, u.StorageClass]),
    [['mpu/deep', 'DEEP_ARCHIVE']],
  );
  assert.equal((await h.s3.send(new ListPartsCommand({ Bucket: B, Key: 'mpu/deep', UploadId }))).StorageClass, 'DEEP_ARCHIVE');
  await h.s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: B,
      Key: 'mpu/deep',
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
    }),
  );
  assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket: B, Key: 'mpu/deep' }))).StorageClass, 'DEEP_ARCHIVE');
  assert.equal((await errorOf(h.s3.send(new GetObjectCommand({ Bucket: B, Key: 'mpu/deep' })))).name, 'InvalidObjectState');
});

test('POST form: the x-amz-storage-class field sets the class; an unknown one is InvalidStorageClass', async () => {
  const form = (cls: string) => {
    const f = new FormData();
    f.append('key', 'posted/${filename}');
    f.append('x-amz-storage-class', cls);
    f.append('file', new Blob(['posted']), 'p.txt');
    return f;
  };
  const ok = await fetch(`${h.sandbox.endpoint}/${B}`, { method: 'POST', body: form('GLACIER_IR') });
  assert.equal(ok.status, 204);
  assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket: B, Key: 'posted/p.txt' }))).StorageClass, 'GLACIER_IR');
  const bad = await fetch(`${h.sandbox.endpoint}/${B}`, { method: 'POST', body: form('FakeClass') });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /<Code>InvalidStorageClass<\/Code>/);
});

test("RestoreObject on a class that does not restore (STANDARD, GLACIER_IR): 403 InvalidObjectState, AWS's message", async () => {
  for (const [key, cls] of [
    ['norestore/std', undefined],
    ['norestore/ir', 'GLACIER_IR'],
  ] as const) {
    await put(key, cls);
    assert.deepEqual(await errorOf(h.s3.send(new RestoreObjectCommand({ Bucket: B, Key: key, RestoreRequest: { Days: 1 } }))), {
      name: 'InvalidObjectState',
      status: 403,
      message: "Restore is not allowed for the object's current storage class",
    });
  }
  assert.equal(
    (await errorOf(h.s3.send(new RestoreObjectCommand({ Bucket: B, Key: 'norestore/missing', RestoreRequest: { Days: 1 } })))).name,
    'NoSuchKey',
  );
});
