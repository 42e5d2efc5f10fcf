/** Bad wire input gets the right S3 error and the server keeps serving. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListBucketsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { startS3, type S3Harness } from './helpers.js';
import { sigV4 } from '../raw-http.js';

let h: S3Harness;
let parent: string;
before(async () => {
  parent = mkdtempSync(join(tmpdir(), 's3trigger-bad-'));
  h = await startS3({ dataDir: join(parent, 'data') });
  await h.s3.send(new CreateBucketCommand({ Bucket: 'bad-bucket' }));
});
after(async () => {
  await h.close();
  rmSync(parent, { recursive: true, force: true });
});

const url = (path: string) => `${h.sandbox.endpoint}${path}`;
const AUTH = sigV4('s3').authorization;
/** fetch with a SigV4-shaped Authorization: the sandbox refuses unsigned writes. */
const sfetch = (input: string, init: RequestInit = {}) =>
  fetch(input, { ...init, headers: { authorization: AUTH, ...(init.headers as Record<string, string> | undefined) } });
const code = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];

/** A raw HTTP/1.1 exchange over a socket: write head + body, half-close, read until the server closes or answers. */
function raw(head: string, body: Buffer | string, { halfClose = true } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(h.sandbox.port, '127.0.0.1');
    let data = '';
    socket.on('data', (c) => {
      data += c.toString('latin1');
      if (/\r\n\r\n[\s\S]*<\/Error>/.test(data)) socket.end();
    });
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(data));
    socket.write(`${head.replace(/\n/g, '\r\n')}\r\n`);
    socket.write(body);
    if (halfClose) socket.end();
  });
}

async function stillServing(): Promise<void> {
  const buckets = await h.s3.send(new ListBucketsCommand({}));
  assert.ok(buckets.Buckets!.some((b) => b.Name === 'bad-bucket'));
}

async function status(path: string): Promise<number> {
  return (await sfetch(url(path))).status;
}

test('malformed XML bodies -> MalformedXML', async () => {
  const cases: [string, string, string][] = [
    ['PUT', '/bad-bucket?notification', '<NotificationConfiguration><Queue'],
    ['PUT', '/bad-bucket?notification', 'not xml at all'],
    ['POST', '/bad-bucket?delete', '<Delete><Object><Key>k</Key></Object>'],
    ['POST', '/bad-bucket?delete', '<Delete></Delete>'],
    ['PUT', '/new-bad-bucket', '<CreateBucketConfiguration><LocationConstraint>eu'],
  ];
  for (const [method, path, body] of cases) {
    const res = await sfetch(url(path), { method, body, headers: { 'content-type': 'application/xml' } });
    assert.equal(res.status, 400, path);
    const text = await res.text();
    assert.equal(code(text), 'MalformedXML', `${path}: ${text}`);
    assert.match(text, /<RequestId>[0-9A-F]{16}<\/RequestId>/);
    assert.equal(res.headers.get('x-amz-request-id'), /<RequestId>([^<]+)/.exec(text)![1]);
  }
  const upload = await sfetch(url('/bad-bucket/mpu?uploads'), { method: 'POST' });
  const uploadId = /<UploadId>([^<]+)/.exec(await upload.text())![1]!;
  const res = await sfetch(url(`/bad-bucket/mpu?uploadId=${uploadId}`), { method: 'POST', body: '<CompleteMultipartUpload><Part>' });
  assert.equal(code(await res.text()), 'MalformedXML');
  await stillServing();
});

test('notification config validation errors', async () => {
  const put = (xml: string) =>
    sfetch(url('/bad-bucket?notification'), { method: 'PUT', body: xml, headers: { 'x-amz-skip-destination-validation': 'true' } });
  const badArn = await put(
    '<NotificationConfiguration><QueueConfiguration><Queue>not-an-arn</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>',
  );
  const badArnText = await badArn.text();
  assert.equal(code(badArnText), 'InvalidArgument');
  assert.match(badArnText, /The ARN could not be parsed/);
  const badRule = await put(
    '<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:eu-west-1:000000000000:q</Queue><Event>s3:ObjectCreated:*</Event>' +
      '<Filter><S3Key><FilterRule><Name>middle</Name><Value>x</Value></FilterRule></S3Key></Filter></QueueConfiguration></NotificationConfiguration>',
  );
  assert.match(await badRule.text(), /filter rule name must be either prefix or suffix/);
  await stillServing();
});

test('truncated bodies: nothing stored, server keeps serving', async () => {
  const plain = await raw(
    `PUT /bad-bucket/truncated HTTP/1.1\nHost: 127.0.0.1\nAuthorization: ${AUTH}\nContent-Length: 100\n`,
    'only ten b',
  );
  assert.ok(plain === '' || /^HTTP\/1\.1 400/.test(plain), plain);
  const chunkedBody = '6\r\nhello \r\n5\r\nwor';
  const chunked = await raw(
    `PUT /bad-bucket/truncated2 HTTP/1.1\nHost: 127.0.0.1\nAuthorization: ${AUTH}\nContent-Encoding: aws-chunked\nx-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\n` +
      `x-amz-decoded-content-length: 11\nContent-Length: ${chunkedBody.length}\n`,
    chunkedBody,
    { halfClose: false },
  );
  assert.match(chunked, /^HTTP\/1\.1 400/);
  assert.equal(code(chunked), 'IncompleteBody');
  const short = await sfetch(url('/bad-bucket/short'), {
    method: 'PUT',
    body: '5\r\nhello\r\n0\r\n\r\n',
    headers: {
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length': '11',
    },
  });
  assert.equal(code(await short.text()), 'IncompleteBody');
  const form =
    '--xx\r\nContent-Disposition: form-data; name="key"\r\n\r\nposted-partly\r\n--xx\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nsome bytes';
  await raw(
    `POST /bad-bucket HTTP/1.1\nHost: 127.0.0.1\nAuthorization: ${AUTH}\nContent-Type: multipart/form-data; boundary=xx\nContent-Length: ${form.length + 1000}\n`,
    form,
  );
  for (const key of ['truncated', 'truncated2', 'short', 'posted-partly']) assert.equal(await status(`/bad-bucket/${key}`), 404, key);
  await stillServing();
});

test('wrong checksums -> BadDigest / InvalidRequest / InvalidDigest; nothing stored', async () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ['crc', { 'x-amz-checksum-crc32': 'AAAAAA==' }, 'hello world', 'BadDigest'],
    ['sha256', { 'x-amz-checksum-sha256': Buffer.alloc(32).toString('base64') }, 'hello world', 'BadDigest'],
    ['md5', { 'content-md5': Buffer.alloc(16).toString('base64') }, 'hello world', 'BadDigest'],
    ['invalid-crc', { 'x-amz-checksum-crc32': 'nope' }, 'hello world', 'InvalidRequest'],
    ['invalid-md5', { 'content-md5': 'nope' }, 'hello world', 'InvalidDigest'],
    [
      'trailer',
      {
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'x-amz-trailer': 'x-amz-checksum-crc32',
        'x-amz-decoded-content-length': '11',
      },
      '6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n',
      'BadDigest',
    ],
  ];
  for (const [key, headers, body, expected] of cases) {
    const res = await sfetch(url(`/bad-bucket/sum-${key}`), { method: 'PUT', body, headers });
    const text = await res.text();
    assert.equal(res.status, 400, key);
    assert.equal(code(text), expected, `${key}: ${text}`);
    assert.equal(await status(`/bad-bucket/sum-${key}`), 404, key);
  }
  const good = await sfetch(url('/bad-bucket/sum-ok'), {
    method: 'PUT',
    body: '6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n',
    headers: {
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-decoded-content-length': '11',
    },
  });
  assert.equal(good.status, 200);
  assert.equal(good.headers.get('x-amz-checksum-crc32'), 'DUoRhQ==');
  assert.equal(await (await sfetch(url('/bad-bucket/sum-ok'))).text(), 'hello world');
  await stillServing();
});

test('POST policy violations -> AWS codes and messages', async () => {
  const post = async (fields: Record<string, string>, content = 'data', extra: [string, string][] = []) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const [k, v] of extra) form.append(k, v);
    form.append('file', new Blob([content]), 'f.txt');
    const res = await sfetch(url('/bad-bucket'), { method: 'POST', body: form });
    return { status: res.status, text: await res.text() };
  };
  const valid = await createPresignedPost(h.s3, {
    Bucket: 'bad-bucket',
    Key: 'p/${filename}',
    Conditions: [['content-length-range', 2, 10]],
  });
  const expired = await createPresignedPost(h.s3, { Bucket: 'bad-bucket', Key: 'p/x', Expires: -10 });

  const ok = await post(valid.fields);
  assert.equal(ok.status, 204);
  const exp = await post(expired.fields);
  assert.equal(exp.status, 403);
  assert.match(exp.text, /<Code>AccessDenied<\/Code><Message>Invalid according to Policy: Policy expired\.<\/Message>/);
  const extraField = await post(valid.fields, 'data', [['Content-Type', 'text/plain']]);
  assert.equal(extraField.status, 403);
  assert.match(extraField.text, /Invalid according to Policy: Extra input fields: Content-Type/);
  const tooBig = await post(valid.fields, 'x'.repeat(11));
  assert.equal(code(tooBig.text), 'EntityTooLarge');
  const tooSmall = await post(valid.fields, 'x');
  assert.equal(code(tooSmall.text), 'EntityTooSmall');
  const wrongKey = await post({ ...valid.fields, key: 'elsewhere/x' });
  assert.equal(wrongKey.status, 403);
  assert.match(wrongKey.text, /Policy Condition failed/);

  const notForm = await sfetch(url('/bad-bucket'), { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
  assert.equal(notForm.status, 412);
  const noFile = new FormData();
  noFile.append('key', 'k');
  const nf = await sfetch(url('/bad-bucket'), { method: 'POST', body: noFile });
  assert.equal(code(await nf.text()), 'InvalidArgument');
  const broken = await sfetch(url('/bad-bucket'), {
    method: 'POST',
    body: '--xx\r\nContent-Disposition: form-data; name="key"\r\n\r\nk',
    headers: { 'content-type': 'multipart/form-data; boundary=xx' },
  });
  assert.equal(broken.status, 400);
  const listed = await h.s3.send(new ListObjectsV2Command({ Bucket: 'bad-bucket', Prefix: 'p/' }));
  assert.deepEqual(
    listed.Contents!.map((c) => c.Key),
    ['p/f.txt'],
  );
  await stillServing();
});

function rawRequest(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: h.sandbox.port, method, path, headers: { authorization: AUTH } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('hostile keys stay inside the data dir and round-trip', async () => {
  const keys = [
    '../../escape.txt',
    '../../../../../../tmp/escape-abs',
    '/etc/passwd',
    'nul\u0000byte',
    'ünïcødé/日本語 🚀.txt',
    'a'.repeat(1024),
    '..',
    '.',
  ];
  for (const key of keys) {
    const path = `/bad-bucket/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
    const put = await rawRequest('PUT', path, `body of ${key.length}`);
    assert.equal(put.status, 200, `${JSON.stringify(key)}: ${put.body}`);
    const get = await rawRequest('GET', path);
    assert.equal(get.body, `body of ${key.length}`, JSON.stringify(key));
  }
  const literal = await rawRequest('PUT', '/bad-bucket/../../literal-escape', 'x');
  assert.ok(literal.status === 200 || literal.status === 404 || literal.status === 400, String(literal.status));
  const spaced = await rawRequest('PUT', '/bad-bucket/%20spaced%20', 'x');
  assert.equal(spaced.status, 200);
  const del = await sfetch(url('/bad-bucket?delete'), {
    method: 'POST',
    body: '<Delete>\n  <Quiet> true </Quiet>\n  <Object><Key> spaced </Key></Object>\n</Delete>',
  });
  assert.equal(del.status, 200);
  assert.equal(await status('/bad-bucket/%20spaced%20'), 404);
  const tooLong = await rawRequest('PUT', `/bad-bucket/${'a'.repeat(1025)}`, 'x');
  assert.equal(code(tooLong.body), 'KeyTooLongError');
  assert.deepEqual(readdirSync(parent), ['data']);
  const listed = await h.s3.send(new ListObjectsV2Command({ Bucket: 'bad-bucket', EncodingType: 'url' }));
  // The JS SDK leaves url-encoded keys encoded (botocore decodes them).
  for (const key of keys)
    assert.ok(
      listed.Contents!.some((c) => decodeURIComponent(c.Key!) === key),
      JSON.stringify(key),
    );
  await stillServing();
});

test('unknown operations and methods answer with S3 errors', async () => {
  assert.equal((await rawRequest('PUT', '/bad-bucket/k?legal-hold', '<LegalHold/>')).status, 501);
  assert.equal(code((await rawRequest('PUT', '/bad-bucket/missing?tagging', '<Tagging/>')).body), 'NoSuchKey');
  assert.equal(code((await rawRequest('GET', '/bad-bucket/missing?tagging')).body), 'NoSuchKey');
  assert.equal(code((await rawRequest('PATCH', '/bad-bucket/k')).body), 'MethodNotAllowed');
  assert.equal(code((await rawRequest('GET', '/bad-bucket/%E0%A4%A')).body), 'InvalidURI');
  assert.equal(code((await rawRequest('GET', '/no-such-bucket-here/k')).body), 'NoSuchBucket');
  assert.equal(code((await rawRequest('GET', '/bad-bucket?list-type=2&continuation-token=garbage')).body), 'InvalidArgument');
  const range = await sfetch(url('/bad-bucket/sum-ok'), { headers: { range: 'bytes=100-' } });
  assert.equal(range.status, 416);
  assert.equal(code(await range.text()), 'InvalidRange');
  await stillServing();
});

test('a form part with no name -> MalformedPOSTRequest, and the process keeps serving', async () => {
  const form =
    '--xx\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n' +
    '--xx\r\nContent-Disposition: form-data; name="key"\r\n\r\nnameless-post\r\n' +
    '--xx\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nbody\r\n--xx--\r\n';
  const res = await fetch(url('/bad-bucket'), {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'multipart/form-data; boundary=xx' },
  });
  assert.equal(res.status, 400);
  assert.equal(code(await res.text()), 'MalformedPOSTRequest');
  const nameless = '--xx\r\nContent-Disposition: form-data; filename="f"\r\n\r\nbody\r\n--xx--\r\n';
  const file = await fetch(url('/bad-bucket'), {
    method: 'POST',
    body: nameless,
    headers: { 'content-type': 'multipart/form-data; boundary=xx' },
  });
  assert.equal(code(await file.text()), 'MalformedPOSTRequest');
  assert.equal(await status('/bad-bucket/nameless-post'), 404);
  await stillServing();
});

test('response-* overrides with control characters -> 400 InvalidArgument, not 500', async () => {
  await sfetch(url('/bad-bucket/override'), { method: 'PUT', body: 'x' });
  for (const name of ['response-content-type', 'response-content-disposition', 'response-cache-control', 'response-expires']) {
    const res = await sfetch(url(`/bad-bucket/override?${name}=a%0d%0aSet-Cookie:%20x`));
    const text = await res.text();
    assert.equal(res.status, 400, `${name}: ${text}`);
    assert.equal(code(text), 'InvalidArgument', name);
  }
  assert.equal((await sfetch(url('/bad-bucket/override?response-content-type=text/x-ok'))).headers.get('content-type'), 'text/x-ok');
  await stillServing();
});

test('checksum algorithms: unknown, or named with no value -> 400 InvalidRequest as AWS answers', async () => {
  const unsupported =
    'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]';
  const cases: [string, string, Record<string, string>, string][] = [
    ['PUT', '/bad-bucket/alg-unknown', { 'x-amz-sdk-checksum-algorithm': 'MD4', 'x-amz-checksum-crc32': 'DUoRhQ==' }, unsupported],
    ['POST', '/bad-bucket/alg-mpu?uploads', { 'x-amz-checksum-algorithm': 'MD4' }, unsupported],
    [
      'PUT',
      '/bad-bucket/alg-novalue',
      { 'x-amz-sdk-checksum-algorithm': 'CRC32' },
      'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
    ],
  ];
  for (const [method, path, headers, message] of cases) {
    const res = await sfetch(url(path), { method, body: method === 'PUT' ? 'hello world' : undefined, headers });
    const text = await res.text();
    assert.equal(res.status, 400, `${path}: ${text}`);
    assert.equal(code(text), 'InvalidRequest', path);
    assert.ok(text.includes(`<Message>${message}</Message>`), text);
  }
  for (const key of ['alg-unknown', 'alg-novalue']) assert.equal(await status(`/bad-bucket/${key}`), 404);
  const listed = await sfetch(url('/bad-bucket?uploads'));
  assert.doesNotMatch(await listed.text(), /alg-mpu/);
  await stillServing();
});

test('an aws-chunked line over 8 KiB -> 400, even when it arrives whole', async () => {
  const body = `5;${'e'.repeat(9000)}\r\nhello\r\n0\r\n\r\n`;
  const res = await sfetch(url('/bad-bucket/long-ext'), {
    method: 'PUT',
    body,
    headers: {
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD',
      'x-amz-decoded-content-length': '5',
    },
  });
  assert.equal(res.status, 400, await res.clone().text());
  assert.equal(code(await res.text()), 'InvalidRequest');
  assert.equal(await status('/bad-bucket/long-ext'), 404);
  await stillServing();
});

test('PUT and POST racing DeleteBucket: NoSuchBucket or BucketNotEmpty, never 500', async () => {
  const statuses = new Set<number>();
  for (let round = 0; round < 30; round++) {
    const bucket = `race-del-${round}`;
    assert.equal((await sfetch(url(`/${bucket}`), { method: 'PUT' })).status, 200);
    const form = new FormData();
    form.append('key', 'posted');
    form.append('file', new Blob(['form body']));
    const writes = [
      ...Array.from({ length: 4 }, (_, i) => sfetch(url(`/${bucket}/k${i}`), { method: 'PUT', body: Buffer.alloc(100 + i * 40_000, 1) })),
      sfetch(url(`/${bucket}`), { method: 'POST', body: form }),
    ];
    const del = new Promise((r) => setTimeout(r, round % 4)).then(() => sfetch(url(`/${bucket}`), { method: 'DELETE' }));
    for (const res of await Promise.all([...writes, del])) {
      statuses.add(res.status);
      assert.ok(res.status < 500, `round ${round}: ${res.status} ${await res.text()}`);
    }
  }
  await stillServing();
});
