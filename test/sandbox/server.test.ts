import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceFor, startSandbox } from '../../src/sandbox/server.js';

test('serviceFor routes by SigV4 scope, then by target header and path', () => {
  const auth = (svc: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=test/20250101/eu-west-1/${svc}/aws4_request, SignedHeaders=host, Signature=x` });
  assert.equal(serviceFor({ headers: auth('logs'), url: '/' }), 'logs');
  assert.equal(serviceFor({ headers: auth('lambda'), url: '/2015-03-31/functions' }), 'lambda');
  assert.equal(serviceFor({ headers: auth('s3'), url: '/2015-03-31/functions' }), 's3');
  assert.equal(serviceFor({ headers: { 'x-amz-target': 'Logs_20140328.FilterLogEvents' }, url: '/' }), 'logs');
  assert.equal(serviceFor({ headers: {}, url: '/2015-03-31/functions/fn/invocations' }), 'lambda');
  assert.equal(serviceFor({ headers: {}, url: '/test-bucket/key' }), 's3');
});

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
