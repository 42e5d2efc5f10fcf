import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSecrets, scrub, toOpError } from '../../src/ops/errors.js';

for (const [name, input, secret] of [
  [
    'presigned URL',
    'GET https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAABCDEFGHIJKLMNOP%2F20250101&X-Amz-Signature=deadbeef0123&X-Amz-Security-Token=FQoGZXIvYXdzEJr',
    'deadbeef0123',
  ],
  ['security token', 'X-Amz-Security-Token=FQoGZXIvYXdzEJr', 'FQoGZXIvYXdzEJr'],
  [
    'authorization header',
    'Authorization: AWS4-HMAC-SHA256 Credential=ASIAABCDEFGHIJKLMNOP/20250101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=0123abcd',
    '0123abcd',
  ],
  ['access key id', 'key AKIAABCDEFGHIJKLMNOP leaked', 'AKIAABCDEFGHIJKLMNOP'],
  ['JSON secret', '{"secretAccessKey":"wJalrXUtnFEMI/K7MDENG","sessionToken":"tok123"}', 'wJalrXUtnFEMI'],
  ['ini secret', 'aws_secret_access_key = wJalrXUtnFEMI', 'wJalrXUtnFEMI'],
  ['POST form policy', 'Policy=eyJleHBpcmF0aW9uIjoi', 'eyJleHBpcmF0aW9uIjoi'],
] as const) {
  test(`scrub removes the ${name}`, () => {
    const out = scrub(input);
    assert.ok(!out.includes(secret), out);
  });
}

test('scrub leaves ordinary text alone', () => {
  assert.equal(scrub('The specified key does not exist.'), 'The specified key does not exist.');
});

const s3Error = (name: string, message: string, status: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

for (const [name, err, want] of [
  ['S3 service error', s3Error('NoSuchKey', 'The specified key does not exist.', 404), { code: 'NoSuchKey', httpStatus: 404 }],
  ['AccessDenied', s3Error('AccessDenied', 'Access Denied', 403), { code: 'AccessDenied', httpStatus: 403 }],
  ['ExpiredToken', s3Error('ExpiredToken', 'The provided token has expired.', 400), { code: 'ExpiredToken' }],
  [
    'missing file',
    Object.assign(new Error('ENOENT'), { code: 'ENOENT', path: 'x.txt' }),
    { code: 'FileNotFound', message: 'file not found: x.txt' },
  ],
  ['unreadable file', Object.assign(new Error('EACCES'), { code: 'EACCES', path: 'x.txt' }), { code: 'FileUnreadable' }],
  [
    'refused connection',
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    { code: 'EndpointUnreachable' },
  ],
  [
    'fetch failure cause',
    Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
    { code: 'EndpointUnreachable' },
  ],
  ['aggregate', Object.assign(new AggregateError([{ code: 'ECONNREFUSED' }]), {}), { code: 'EndpointUnreachable' }],
  ['abort', Object.assign(new Error('Upload aborted.'), { name: 'AbortError' }), { code: 'Aborted' }],
  [
    'no credentials',
    Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
    { code: 'NoCredentials' },
  ],
  ['HEAD 404 without body', s3Error('NotFound', 'UnknownError', 404), { code: 'NotFound' }],
  [
    'message with a signature',
    s3Error('SignatureDoesNotMatch', 'expected Signature=abc123', 403),
    { code: 'SignatureDoesNotMatch', message: 'expected Signature=[redacted]' },
  ],
] as const) {
  test(`toOpError: ${name}`, () => {
    const got = toOpError(err) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, JSON.stringify(got));
  });
}

test('scrub: literal secrets added, also URL-encoded; short values (the sandbox test key) are left alone', () => {
  const token = 'FQoGZXIvYXdzEXAMPLE/token+value==';
  addSecrets(token, 'test', undefined);
  assert.equal(scrub(`bad token ${token} and ${encodeURIComponent(token)}`), 'bad token [redacted] and [redacted]');
  assert.equal(scrub('the test key test'), 'the test key test');
});

for (const [text, want] of [
  ['http://me:pa55@host:1/x', 'http://me:***@host:1/x'],
  ['see https://:pa55@h', 'see https://:***@h'],
  ['http://me@host (no password)', 'http://me@host (no password)'],
  ['http://host:4566/a@b', 'http://host:4566/a@b'],
] as const) {
  test(`scrub: URL password in ${text}`, () => assert.equal(scrub(text), want));
}

test("toOpError keeps the bucket S3's error names (<BucketName>): a COPY's NoSuchBucket may be its source", () => {
  const err = Object.assign(new Error('The specified bucket does not exist'), {
    name: 'NoSuchBucket',
    Code: 'NoSuchBucket',
    BucketName: 'src-bkt',
    $metadata: { httpStatusCode: 404 },
  });
  assert.deepEqual(toOpError(err), {
    code: 'NoSuchBucket',
    message: 'The specified bucket does not exist',
    httpStatus: 404,
    bucketName: 'src-bkt',
  });
  const { BucketName: _, ...unnamed } = err;
  assert.equal(toOpError(Object.assign(new Error(err.message), unnamed)).bucketName, undefined);
});
