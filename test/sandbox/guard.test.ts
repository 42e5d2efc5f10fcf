import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guardRequest, hostName, isAcceptedHost, isLocalOrigin, isSigned, type RequestAccess } from '../../src/sandbox/guard.js';
import { sigV4 } from './raw-http.js';

const policy = { allowHosts: ['sandbox.lan', '192.168.1.5'] };

test('hostName strips the port and a trailing dot, keeps IPv6 brackets, rejects junk', () => {
  const cases: [string, string | undefined][] = [
    ['localhost:4566', 'localhost'],
    ['LocalHost.', 'localhost'],
    ['[::1]:4566', '[::1]'],
    ['127.0.0.1', '127.0.0.1'],
    ['a b', undefined],
    ['user@evil.example', undefined],
    ['', undefined],
  ];
  for (const [input, want] of cases) assert.equal(hostName(input), want, input);
});

test('isAcceptedHost: loopback names and addresses, the README virtual-host forms, allowed names', () => {
  const cases: [string, boolean][] = [
    ['localhost', true],
    ['bucket.localhost', true],
    ['127.0.0.1', true],
    ['127.255.3.4', true],
    ['127.256.0.1', false],
    ['[::1]', true],
    ['[::ffff:127.0.0.1]', true],
    ['localhost.localstack.cloud', true],
    ['bucket.s3.localhost.localstack.cloud', true],
    ['my.dotted.bucket.s3.127.0.0.1', true],
    ['bucket.s3.[::1]', true],
    ['sandbox.lan', true],
    ['bucket.s3.sandbox.lan', true],
    ['192.168.1.5', true],
    ['evil.example', false],
    ['localhost.evil.example', false],
    ['evil-localhost', false],
    ['s3.evil.example', false],
    ['bucket.s3.evil.example', false],
    ['127.0.0.1.evil.example', false],
    ['[::2]', false],
    ['10.0.0.1', false],
  ];
  for (const [name, want] of cases) assert.equal(isAcceptedHost(name, policy), want, name);
});

test('isLocalOrigin: http(s) origins on an accepted host only', () => {
  const cases: [string, boolean][] = [
    ['http://localhost:3000', true],
    ['https://app.localhost', true],
    ['http://127.0.0.1:8080', true],
    ['http://[::1]:5173', true],
    ['http://sandbox.lan', true],
    ['https://evil.example', false],
    ['null', false],
    ['file://', false],
    ['chrome-extension://abc', false],
    ['http://localhost.evil.example', false],
  ];
  for (const [origin, want] of cases) assert.equal(isLocalOrigin(origin, policy), want, origin);
});

test('isSigned: SigV4/SigV2 Authorization shapes and presigned queries', () => {
  const cases: [Record<string, string>, string, boolean][] = [
    [sigV4('s3'), '/b/k', true],
    [
      { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/lambda/aws4_request,SignedHeaders=host,Signature=abc123' },
      '/',
      true,
    ],
    [{ authorization: 'AWS AKIDEXAMPLE:c2lnbmF0dXJl' }, '/b/k', true],
    [
      { authorization: 'AWS4-ECDSA-P256-SHA256 Credential=AKID/20250101/s3/aws4_request, SignedHeaders=host, Signature=3045' },
      '/b/k',
      true,
    ],
    [{ authorization: 'Bearer xyz' }, '/b/k', false],
    [{ authorization: 'AWS4-HMAC-SHA256 Credential=x' }, '/b/k', false],
    [{}, '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=ab', true],
    [{}, '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Signature=', false],
    [{}, '/b/k?AWSAccessKeyId=a&Signature=b&Expires=1', true],
    [{}, '/b/k?Signature=b', false],
    [{}, '/b/k', false],
  ];
  for (const [headers, url, want] of cases) assert.equal(isSigned(headers, url), want, `${JSON.stringify(headers)} ${url}`);
});

test('guardRequest: Host, then Origin, then Authorization, as each service allows', () => {
  const never: RequestAccess = { anonymous: 'never', crossOrigin: 'never' };
  const s3Write: RequestAccess = { anonymous: 'never', crossOrigin: 'cors' };
  const s3Read: RequestAccess = { anonymous: 'loopback', crossOrigin: 'cors' };
  const form: RequestAccess = { anonymous: 'anyone', crossOrigin: 'cors' };
  const preflight: RequestAccess = { anonymous: 'anyone', crossOrigin: 'service' };
  const local = '127.0.0.1';
  const evil = { origin: 'https://evil.example' };
  type Case = [string, Record<string, string>, RequestAccess, string | undefined, string];
  const cases: Case[] = [
    ['signed, loopback Host', { host: 'localhost:4566', ...sigV4('lambda') }, never, local, 'ok'],
    ['no Host header (not a browser)', { ...sigV4('lambda') }, never, local, 'ok'],
    ['foreign Host', { host: 'evil.example:4566', ...sigV4('lambda') }, never, local, 'ForeignHost'],
    ['allowed Host', { host: 'sandbox.lan:4566', ...sigV4('lambda') }, never, '10.0.0.2', 'ok'],
    ['foreign Origin on Lambda, even signed', { host: 'localhost', ...evil, ...sigV4('lambda') }, never, local, 'CrossOrigin'],
    ['null Origin', { host: 'localhost', origin: 'null' }, never, local, 'CrossOrigin'],
    ['local Origin', { host: 'localhost', origin: 'http://localhost:3000', ...sigV4('lambda') }, never, local, 'ok'],
    ['Sec-Fetch-Site cross-site without Origin', { host: 'localhost', 'sec-fetch-site': 'cross-site' }, s3Read, local, 'CrossOrigin'],
    [
      'local Origin, cross-site fetch (localhost:3000 -> 127.0.0.1)',
      { host: '127.0.0.1', origin: 'http://localhost:3000', 'sec-fetch-site': 'cross-site' },
      s3Read,
      local,
      'ok',
    ],
    ['S3 write from a foreign Origin: CORS decides', { host: 'localhost', ...evil, ...sigV4('s3') }, s3Write, local, 'cors'],
    ['S3 form from a foreign Origin: CORS decides', { host: 'localhost', ...evil }, form, local, 'cors'],
    ['S3 preflight from a foreign Origin: S3 answers', { host: 'localhost', ...evil }, preflight, '10.0.0.2', 'ok'],
    ['unsigned S3 write', { host: 'localhost' }, s3Write, local, 'Unsigned'],
    ['unsigned S3 GET from loopback', { host: 'localhost' }, s3Read, local, 'ok'],
    ['unsigned S3 GET from ::ffff:127.0.0.1', { host: 'localhost' }, s3Read, '::ffff:127.0.0.1', 'ok'],
    ['unsigned S3 GET from another machine', { host: 'sandbox.lan' }, s3Read, '10.0.0.2', 'Unsigned'],
    ['unsigned form from another machine', { host: 'sandbox.lan' }, form, '10.0.0.2', 'ok'],
    ['unsigned Lambda', { host: 'localhost' }, never, local, 'Unsigned'],
  ];
  for (const [what, headers, access, remoteAddress, want] of cases) {
    const verdict = guardRequest({ method: 'POST', url: '/', headers, remoteAddress }, access, policy);
    const got = verdict.ok ? (verdict.cors !== undefined ? 'cors' : 'ok') : verdict.refusal;
    assert.equal(got, want, what);
    if (!verdict.ok) assert.doesNotMatch(verdict.message, /\n/, what);
  }
});

test('AWS endpoint names (the AWS-shaped test target) are accepted only when the policy says so', () => {
  const aws = { allowHosts: [], awsHostNames: true };
  const plain = { allowHosts: [] };
  const cases: [string, boolean][] = [
    ['s3.eu-west-1.amazonaws.com', true],
    ['test-bucket.s3.eu-west-1.amazonaws.com', true],
    ['my.dotted.bucket.s3.eu-west-1.amazonaws.com', true],
    ['s3.amazonaws.com', true],
    ['test-bucket.s3.amazonaws.com', true],
    ['logs.eu-west-1.amazonaws.com', true],
    ['stream-logs.eu-west-1.amazonaws.com', true],
    ['lambda.us-east-1.amazonaws.com', true],
    ['sts.eu-west-1.amazonaws.com', true],
    ['sts.amazonaws.com', true],
    ['dynamodb.eu-west-1.amazonaws.com', false],
    ['logs.amazonaws.com', false],
    ['amazonaws.com', false],
    ['evil.example', false],
    ['s3.eu-west-1.amazonaws.com.evil.example', false],
    ['s3.eu_west.amazonaws.com', false],
    ['localhost', true],
  ];
  for (const [name, want] of cases) {
    assert.equal(isAcceptedHost(name, aws), want, `accepted: ${name}`);
    assert.equal(isAcceptedHost(name, plain), name === 'localhost', `default policy: ${name}`);
  }
  const verdict = guardRequest(
    { method: 'PUT', url: '/k', headers: { host: 'test-bucket.s3.eu-west-1.amazonaws.com', ...sigV4('s3') } },
    { anonymous: 'never', crossOrigin: 'cors' },
    plain,
  );
  assert.equal(verdict.ok ? 'ok' : verdict.refusal, 'ForeignHost');
});
