import { test } from 'node:test';
import assert from 'node:assert/strict';
import { protocolOfUnknown, recognise, refusalError, signingScope } from '../../src/sandbox/router.js';
import { FALLBACK_SERVICE, SERVICES } from '../../src/sandbox/services.js';
import { sigV4 } from './raw-http.js';
import type { SandboxService, ServiceDefinition } from '../../src/sandbox/context.js';
import { scrubSecretPatterns as scrubForTest } from '../../src/aws/secrets.js';

test('recognise routes by SigV4 scope (header or presigned query), then X-Amz-Target, then path; S3 otherwise', () => {
  const name = (headers: Record<string, string>, url: string) => {
    const r = recognise({ headers, url }, SERVICES, FALLBACK_SERVICE);
    return r.kind === 'service' ? r.definition.signingName : `unknown:${r.name}:${r.protocol}`;
  };
  const cases: [Record<string, string>, string, string][] = [
    [sigV4('logs'), '/', 'logs'],
    [sigV4('lambda'), '/2015-03-31/functions', 'lambda'],
    [sigV4('s3'), '/2015-03-31/functions', 's3'],
    [sigV4('lambda'), '///', 'lambda'],
    [{ ...sigV4('sts'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, '/', 'sts'],
    [{}, '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20250101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=00', 's3'],
    [{ 'x-amz-target': 'Logs_20140328.FilterLogEvents' }, '/', 'logs'],
    [{}, '/2015-03-31/functions/fn/invocations', 'lambda'],
    [{}, '/test-bucket/key', 's3'],
    [
      { ...sigV4('dynamodb'), 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' },
      '/',
      'unknown:dynamodb:json-1.0',
    ],
    [
      { ...sigV4('kinesis'), 'x-amz-target': 'Kinesis_20131202.ListStreams', 'content-type': 'application/x-amz-json-1.1' },
      '/',
      'unknown:kinesis:json-1.1',
    ],
    [
      { ...sigV4('cloudformation'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      '/',
      'unknown:cloudformation:query',
    ],
    [{ ...sigV4('apigateway') }, '/restapis', 'unknown:apigateway:rest-json'],
    [{ 'x-amz-target': 'AWSEvents.ListRules' }, '/', 'events'],
    [{ 'x-amz-target': 'AWSShine.ListThings' }, '/', 'unknown:AWSShine:json-1.1'],
  ];
  for (const [headers, url, want] of cases) assert.equal(name(headers, url), want, `${JSON.stringify(headers)} ${url}`);
});

test('signingScope and protocolOfUnknown read the request shape', () => {
  assert.equal(signingScope(sigV4('sns'), '/'), 'sns');
  assert.equal(signingScope({}, '/?X-Amz-Credential=a%2F20250101%2Fr%2Fsqs%2Faws4_request'), 'sqs');
  assert.equal(signingScope({}, '/'), undefined);
  assert.equal(
    signingScope(
      { authorization: 'AWS4-ECDSA-P256-SHA256 Credential=AKID/20250101/s3/aws4_request, SignedHeaders=host, Signature=30' },
      '/',
    ),
    's3',
  );
  assert.equal(protocolOfUnknown({ 'x-amz-target': 'X.Y', 'content-type': 'application/x-amz-json-1.0' }), 'json-1.0');
  assert.equal(protocolOfUnknown({ 'x-amz-target': 'X.Y' }), 'json-1.1');
});

test('refusals use AWS codes per protocol, all 403', () => {
  const cases: [Parameters<typeof refusalError>[0], Parameters<typeof refusalError>[1], string][] = [
    ['rest-xml', 'Unsigned', 'AccessDenied'],
    ['rest-xml', 'CrossOrigin', 'AccessDenied'],
    ['rest-json', 'Unsigned', 'MissingAuthenticationTokenException'],
    ['json-1.1', 'ForeignHost', 'AccessDeniedException'],
    ['json-1.0', 'Unsigned', 'MissingAuthenticationTokenException'],
    ['query', 'Unsigned', 'MissingAuthenticationToken'],
    ['query', 'CrossOrigin', 'AccessDenied'],
  ];
  for (const [protocol, refusal, code] of cases) {
    const err = refusalError(protocol, refusal, 'm');
    assert.equal(err.code, code, `${protocol} ${refusal}`);
    assert.equal(err.status, 403);
  }
});

test('a service failure is a 500 in its protocol, logged without secrets, and the server keeps serving; an unroutable Lambda request is a 404', async (t) => {
  const { createServer } = await import('node:http');
  const { route } = await import('../../src/sandbox/router.js');
  const { rawRequest } = await import('./raw-http.js');
  const log: string[] = [];
  const failing: ServiceDefinition = {
    signingName: 's3',
    protocol: 'rest-xml',
    access: () => ({ anonymous: 'anyone', crossOrigin: 'never' }),
    start: async () => service,
  };
  const lambdaLike: ServiceDefinition = { ...failing, signingName: 'lambda', protocol: 'rest-json', paths: /^\/2015-03-31\/functions/ };
  const service: SandboxService = {
    handle: async (req) => {
      if (req.url?.includes('sync')) throw new TypeError(`cannot read ${req.url}`);
      await Promise.reject(
        new Error(
          `failed on ${req.url} with Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/eu-west-1/s3/aws4_request`,
        ),
      );
    },
    close: async () => {},
  };
  const running = new Map<ServiceDefinition, SandboxService>([
    [failing, service],
    [lambdaLike, service],
  ]);
  const server = createServer(
    (req, res) =>
      void route(
        { services: [failing, lambdaLike], fallback: failing, running, policy: { allowHosts: [] }, log: (l) => log.push(scrubForTest(l)) },
        req,
        res,
      ),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const endpoint = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  const presigned =
    '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20250101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=deadbeef1234&X-Amz-Security-Token=TOKENVALUE123';
  for (const path of [presigned, `${presigned}&sync`]) {
    const res = await rawRequest(endpoint, { method: 'PUT', path, body: 'x' });
    assert.equal(res.status, 500);
    assert.match(res.body, /<Code>InternalError<\/Code>/);
  }
  const unroutable = await rawRequest(endpoint, { path: '///', headers: sigV4('lambda') });
  assert.equal(unroutable.status, 404);
  assert.equal(unroutable.headers['x-amzn-errortype'], 'UnknownOperationException');
  assert.equal(log.length, 2);
  for (const line of log) assert.doesNotMatch(line, /deadbeef1234|TOKENVALUE123|AKIAIOSFODNN7EXAMPLE/, line);
});
