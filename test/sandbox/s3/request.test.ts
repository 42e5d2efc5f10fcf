import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketFromHost, bucketNameProblem, parseS3Target, resolveOperation } from '../../../src/sandbox/s3/request.js';

test('bucketFromHost: virtual-host forms, else path-style', () => {
  const cases: [string | undefined, string | undefined][] = [
    ['my-bucket.localhost:4566', 'my-bucket'],
    ['my-bucket.localhost', 'my-bucket'],
    ['my.dotted.bucket.localhost:1', 'my.dotted.bucket'],
    ['my-bucket.s3.localhost.localstack.cloud:4566', 'my-bucket'],
    ['my-bucket.s3.eu-west-1.amazonaws.com', 'my-bucket'],
    ['s3.localhost.localstack.cloud:4566', undefined],
    ['localhost:4566', undefined],
    ['127.0.0.1:4566', undefined],
    [undefined, undefined],
  ];
  for (const [host, bucket] of cases) assert.equal(bucketFromHost(host), bucket, String(host));
});

test('parseS3Target: bucket and key, percent-decoded only', () => {
  const cases: [string | undefined, string, string | undefined, string | undefined][] = [
    ['127.0.0.1', '/', undefined, undefined],
    ['127.0.0.1', '/b', 'b', undefined],
    ['127.0.0.1', '/b/', 'b', undefined],
    ['127.0.0.1', '/b/dir/a%20b+c.txt?x-id=PutObject', 'b', 'dir/a b+c.txt'],
    ['127.0.0.1', '/b/../../etc/passwd', 'b', '../../etc/passwd'],
    ['127.0.0.1', '/b//lead', 'b', '/lead'],
    ['b.localhost:1', '/k%2Fx', 'b', 'k/x'],
    ['b.localhost:1', '/', 'b', undefined],
  ];
  for (const [host, url, bucket, key] of cases) {
    const t = parseS3Target(host, url);
    assert.deepEqual([t.bucket, t.key], [bucket, key], url);
  }
  assert.equal(parseS3Target('h', '/b?uploads').query.has('uploads'), true);
  assert.throws(() => parseS3Target('h', '/b/%E0%A4%A'), { code: 'InvalidURI' });
});

test('resolveOperation: method + sub-resource + headers', () => {
  const op = (method: string, url: string, headers: Record<string, string> = {}) =>
    resolveOperation(method, parseS3Target('127.0.0.1', url), headers);
  const cases: [string, string, Record<string, string>, string][] = [
    ['GET', '/', {}, 'ListBuckets'],
    ['PUT', '/', {}, 'MethodNotAllowed'],
    ['PUT', '/b', {}, 'CreateBucket'],
    ['HEAD', '/b', {}, 'HeadBucket'],
    ['DELETE', '/b', {}, 'DeleteBucket'],
    ['GET', '/b?location', {}, 'GetBucketLocation'],
    ['GET', '/b?list-type=2&prefix=a', {}, 'ListObjectsV2'],
    ['GET', '/b', {}, 'ListObjects'],
    ['PUT', '/b?notification=', {}, 'PutBucketNotificationConfiguration'],
    ['GET', '/b?notification', {}, 'GetBucketNotificationConfiguration'],
    ['GET', '/b?uploads', {}, 'ListMultipartUploads'],
    ['POST', '/b?delete', {}, 'DeleteObjects'],
    ['POST', '/b', {}, 'PostObject'],
    ['PUT', '/b/k', {}, 'PutObject'],
    ['PUT', '/b/k?x-id=PutObject', {}, 'PutObject'],
    ['PUT', '/b/k', { 'x-amz-copy-source': 'a/b' }, 'CopyObject'],
    ['GET', '/b/k', {}, 'GetObject'],
    ['HEAD', '/b/k', {}, 'HeadObject'],
    ['DELETE', '/b/k', {}, 'DeleteObject'],
    ['POST', '/b/k?uploads', {}, 'CreateMultipartUpload'],
    ['PUT', '/b/k?partNumber=1&uploadId=u', {}, 'UploadPart'],
    ['PUT', '/b/k?partNumber=1&uploadId=u', { 'x-amz-copy-source': 'a/b' }, 'UploadPartCopy'],
    ['POST', '/b/k?uploadId=u', {}, 'CompleteMultipartUpload'],
    ['DELETE', '/b/k?uploadId=u', {}, 'AbortMultipartUpload'],
    ['GET', '/b/k?uploadId=u', {}, 'ListParts'],
    ['GET', '/b/k?tagging', {}, 'GetObjectTagging'],
    ['PUT', '/b/k?tagging', {}, 'PutObjectTagging'],
    ['DELETE', '/b/k?tagging', {}, 'DeleteObjectTagging'],
    ['GET', '/b/k?acl', {}, 'GetObjectAcl'],
    ['PUT', '/b/k?acl', {}, 'PutObjectAcl'],
    ['GET', '/b?acl', {}, 'GetBucketAcl'],
    ['GET', '/b?tagging', {}, 'NotImplemented'],
    ['PUT', '/b?acl', {}, 'PutBucketAcl'],
  ];
  for (const [method, url, headers, expected] of cases) assert.equal(op(method, url, headers), expected, `${method} ${url}`);
});

test('bucketNameProblem: AWS naming rules', () => {
  const ok = ['abc', 'test-bucket', 'my.bucket.1', 'a'.repeat(63)];
  const bad = ['ab', 'a'.repeat(64), 'Upper', '-lead', 'trail-', 'a..b', '192.168.1.1', 'under_score', 'xn--abc', 'x-s3alias'];
  for (const n of ok) assert.equal(bucketNameProblem(n), undefined, n);
  for (const n of bad) assert.ok(bucketNameProblem(n), n);
});
