/** Issue #12's faults found against AWS's behaviour, each driven by the JS SDK v3 (or signed raw HTTP where the SDK cannot send it). */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  HeadObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
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

/** Writes raw bytes on one connection (then half-closes it: the client gave up), and reads everything the server answers until it closes. */
function rawExchange(port: number, bytes: string, halfClose: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    if (halfClose) socket.end(bytes);
    else socket.write(bytes);
  });
}

const rawHead = (path: string, length: number) =>
  `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${sigV4('s3').authorization}\r\nContent-Length: ${length}\r\n\r\n`;

test('10: a body shorter than its Content-Length is 400 IncompleteBody in S3 XML; bytes past it are an S3 XML 400', async () => {
  const short = await rawExchange(h.sandbox.port, `${rawHead('/faults/short.txt', 10)}hello`, true);
  assert.match(short, /^HTTP\/1\.1 400 /);
  assert.match(short, /<Code>IncompleteBody<\/Code>/);
  assert.match(short, /x-amz-request-id: [0-9A-F]{16}/i);
  await assert.rejects(h.s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'short.txt' })), { name: 'NoSuchKey' });
  const long = await rawExchange(h.sandbox.port, `${rawHead('/faults/long.txt', 2)}hello world`, false);
  assert.match(long, /^HTTP\/1\.1 200 /);
  const second = long.slice(long.indexOf('HTTP/1.1', 1));
  assert.match(second, /^HTTP\/1\.1 400 /);
  assert.match(second, /<Code>BadRequest<\/Code>/);
  assert.match(second, /content-type: application\/xml/i);
});

test("6: CopyObject honours x-amz-copy-source-if-* with 412 PreconditionFailed, by AWS's rules for combinations", async () => {
  const { ETag } = await h.s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'src.txt', Body: 'source' }));
  const past = new Date(Date.now() - 3600_000);
  const future = new Date(Date.now() + 3600_000);
  const copy = (conditions: Partial<ConstructorParameters<typeof CopyObjectCommand>[0]>) =>
    h.s3.send(new CopyObjectCommand({ Bucket: 'faults', Key: 'dst.txt', CopySource: 'faults/src.txt', ...conditions }));
  const refused = [
    { CopySourceIfMatch: '"0123456789abcdef0123456789abcdef"' },
    { CopySourceIfNoneMatch: ETag },
    { CopySourceIfNoneMatch: '*' },
    { CopySourceIfModifiedSince: future },
    { CopySourceIfUnmodifiedSince: past },
    // if-none-match false decides, whatever if-modified-since says.
    { CopySourceIfNoneMatch: ETag, CopySourceIfModifiedSince: past },
  ];
  for (const conditions of refused) {
    await assert.rejects(copy(conditions), (err: { name: string; $metadata: { httpStatusCode?: number } }) => {
      assert.equal(err.name, 'PreconditionFailed', JSON.stringify(conditions));
      assert.equal(err.$metadata.httpStatusCode, 412);
      return true;
    });
  }
  await assert.rejects(h.s3.send(new HeadObjectCommand({ Bucket: 'faults', Key: 'dst.txt' })), { name: 'NotFound' });
  const accepted = [
    { CopySourceIfMatch: ETag },
    { CopySourceIfNoneMatch: '"0123456789abcdef0123456789abcdef"' },
    { CopySourceIfModifiedSince: past },
    { CopySourceIfUnmodifiedSince: future },
    // if-match true decides, whatever if-unmodified-since says (AWS: 200 and the copy is made).
    { CopySourceIfMatch: ETag, CopySourceIfUnmodifiedSince: past },
  ];
  for (const conditions of accepted) {
    const done = await copy(conditions);
    assert.equal(done.CopyObjectResult?.ETag, ETag, JSON.stringify(conditions));
  }
  const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: 'faults', Key: 'part-copy' }));
  const partCopy = (CopySourceIfMatch: string) =>
    h.s3.send(
      new UploadPartCopyCommand({
        Bucket: 'faults',
        Key: 'part-copy',
        UploadId,
        PartNumber: 1,
        CopySource: 'faults/src.txt',
        CopySourceIfMatch,
      }),
    );
  await assert.rejects(partCopy('"0123456789abcdef0123456789abcdef"'), { name: 'PreconditionFailed' });
  assert.equal((await partCopy(ETag!)).CopyPartResult?.ETag, ETag);
});

test('5: ?partNumber=N on GET/HEAD returns that part of a multipart object, 416 InvalidPartNumber past the last', async () => {
  const part1 = Buffer.alloc(5 * 1024 * 1024, 'a');
  const part2 = Buffer.from('the second part');
  const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: 'faults', Key: 'mp.bin' }));
  const etags: string[] = [];
  for (const [i, Body] of [part1, part2].entries()) {
    etags.push((await h.s3.send(new UploadPartCommand({ Bucket: 'faults', Key: 'mp.bin', UploadId, PartNumber: i + 1, Body }))).ETag!);
  }
  await h.s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: 'faults',
      Key: 'mp.bin',
      UploadId,
      MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
    }),
  );
  const second = await h.s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'mp.bin', PartNumber: 2 }));
  assert.equal(second.$metadata.httpStatusCode, 206);
  assert.equal(second.PartsCount, 2);
  assert.equal(second.ContentLength, part2.length);
  assert.equal(second.ContentRange, `bytes ${part1.length}-${part1.length + part2.length - 1}/${part1.length + part2.length}`);
  assert.equal(await second.Body!.transformToString(), part2.toString());
  const head = await h.s3.send(new HeadObjectCommand({ Bucket: 'faults', Key: 'mp.bin', PartNumber: 1 }));
  assert.equal(head.PartsCount, 2);
  assert.equal(head.ContentLength, part1.length);
  await assert.rejects(
    h.s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'mp.bin', PartNumber: 3 })),
    (err: { name: string; $metadata: { httpStatusCode?: number } }) => {
      assert.equal(err.name, 'InvalidPartNumber');
      assert.equal(err.$metadata.httpStatusCode, 416);
      return true;
    },
  );
  // A single PUT is one part: partNumber=1 is the whole object, 2 does not exist.
  await h.s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'single.txt', Body: 'whole' }));
  const whole = await h.s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'single.txt', PartNumber: 1 }));
  assert.equal(await whole.Body!.transformToString(), 'whole');
  await assert.rejects(h.s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'single.txt', PartNumber: 2 })), {
    name: 'InvalidPartNumber',
  });
});

test('11: x-amz-checksum-crc64nvme is verified (header, aws-chunked trailer, UploadPart): BadDigest on a mismatch, nothing stored', async () => {
  const put = await h.s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'crc64.txt', Body: 'hello', ChecksumAlgorithm: 'CRC64NVME' }));
  assert.equal(put.ChecksumCRC64NVME, 'M3eFcAZSQlc=');
  const { UploadId } = await h.s3.send(
    new CreateMultipartUploadCommand({ Bucket: 'faults', Key: 'crc64-mp', ChecksumAlgorithm: 'CRC64NVME' }),
  );
  const part = await h.s3.send(
    new UploadPartCommand({ Bucket: 'faults', Key: 'crc64-mp', UploadId, PartNumber: 1, Body: 'hello', ChecksumAlgorithm: 'CRC64NVME' }),
  );
  assert.equal(part.ChecksumCRC64NVME, 'M3eFcAZSQlc=');
  const wrong = 'AAAAAAAAAAA=';
  const badDigest = (res: { status: number; body: string }, what: string) => {
    assert.equal(res.status, 400, what);
    assert.match(res.body, /<Code>BadDigest<\/Code>/, what);
    assert.match(res.body, /The CRC64NVME you specified did not match the calculated checksum\./, what);
  };
  const plain = await rawRequest(h.sandbox.endpoint, {
    method: 'PUT',
    path: '/faults/crc64-bad.txt',
    headers: { ...sigV4('s3'), 'x-amz-checksum-crc64nvme': wrong, 'content-length': '5' },
    body: 'hello',
  });
  badDigest(plain, 'header');
  const chunked = await rawRequest(h.sandbox.endpoint, {
    method: 'PUT',
    path: '/faults/crc64-bad.txt',
    headers: {
      ...sigV4('s3'),
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length': '5',
      'x-amz-trailer': 'x-amz-checksum-crc64nvme',
    },
    body: `5\r\nhello\r\n0\r\nx-amz-checksum-crc64nvme:${wrong}\r\n\r\n`,
  });
  badDigest(chunked, 'trailer');
  const upload = await rawRequest(h.sandbox.endpoint, {
    method: 'PUT',
    path: `/faults/crc64-mp?partNumber=2&uploadId=${UploadId}`,
    headers: { ...sigV4('s3'), 'x-amz-checksum-crc64nvme': wrong, 'content-length': '5' },
    body: 'hello',
  });
  badDigest(upload, 'UploadPart');
  await assert.rejects(h.s3.send(new HeadObjectCommand({ Bucket: 'faults', Key: 'crc64-bad.txt' })), { name: 'NotFound' });
  const parts = await h.s3.send(new ListPartsCommand({ Bucket: 'faults', Key: 'crc64-mp', UploadId }));
  assert.deepEqual(
    parts.Parts?.map((p) => p.PartNumber),
    [1],
  );
});
