import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedHostNames, startSandbox } from '../../src/sandbox/server.js';
import { rawRequest, sigV4 } from './raw-http.js';

test('startSandbox listens on a free port and closes', async () => {
  const sb = await startSandbox({ port: 0 });
  assert.match(sb.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${sb.endpoint}/`);
  assert.ok(res.headers.get('x-amz-request-id')?.match(/^[0-9A-F]{16}$/));
  await sb.close();
});

test('a port in use is a usage error naming --port, and nothing is left running', async () => {
  const first = await startSandbox({ port: 0 });
  await assert.rejects(startSandbox({ port: first.port }), (err: Error & { code?: string; exitCode?: number }) => {
    assert.equal(err.code, 'PortInUse');
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /--port/);
    return true;
  });
  await first.close();
});

test('a Lambda-signed request the Lambda API cannot route (GET ///) is its 404, not a 500', async () => {
  const sb = await startSandbox({ port: 0 });
  try {
    const res = await rawRequest(sb.endpoint, { path: '///', headers: sigV4('lambda') });
    assert.equal(res.status, 404, res.body);
    assert.equal(res.headers['x-amzn-errortype'], 'UnknownOperationException');
  } finally {
    await sb.close();
  }
});

test('allowedHostNames: --allow-host names, a non-loopback --host, and for a wildcard bind the wildcard and this machine’s addresses', () => {
  assert.deepEqual(allowedHostNames('192.168.1.5', ['Sandbox.LAN:4566']), ['sandbox.lan', '192.168.1.5']);
  assert.deepEqual(allowedHostNames('127.0.0.1'), []);
  assert.deepEqual(allowedHostNames('::1'), []);
  assert.deepEqual(allowedHostNames('fe80::1'), ['[fe80::1]']);
  assert.deepEqual(allowedHostNames(undefined, ['a.lan']), ['a.lan']);
  const wildcard = allowedHostNames('0.0.0.0');
  assert.ok(wildcard.includes('0.0.0.0') && wildcard.includes('127.0.0.1'), wildcard.join(' '));
  assert.ok(allowedHostNames('::').includes('[::]'));
});

test('acceptAwsHostNames: AWS endpoint Host names are answered only with the option', async () => {
  const plain = await startSandbox({ port: 0 });
  const aws = await startSandbox({ port: 0, acceptAwsHostNames: true });
  try {
    for (const host of ['s3.eu-west-1.amazonaws.com', 'sts.amazonaws.com']) {
      const refused = await rawRequest(plain.endpoint, { path: '/', headers: { ...sigV4(host.split('.')[0]!), host } });
      assert.equal(refused.status, 403, `${host} without the option: ${refused.body}`);
      assert.match(refused.body, /is not a name of this sandbox/);
      const path = host.startsWith('sts') ? '/?Action=GetCallerIdentity&Version=2011-06-15' : '/';
      const answered = await rawRequest(aws.endpoint, { path, headers: { ...sigV4(host.split('.')[0]!), host } });
      assert.equal(answered.status, 200, `${host} with the option: ${answered.body}`);
    }
  } finally {
    await plain.close();
    await aws.close();
  }
});
