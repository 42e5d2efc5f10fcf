/**
 * A web page must not be able to use a running sandbox: cross-site browser-shaped requests (a foreign
 * Origin, `Content-Type: text/plain`, no Authorization) to every service are refused and change nothing,
 * and a foreign Host (DNS rebinding) is refused too.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { zipPackage } from '../../src/sandbox/lambda/zip.js';
import { ROLE } from './lambda/helpers.js';
import { rawRequest, sigV4 } from './raw-http.js';

let sb: Sandbox;
let dir: string;
let marker: string;
const EVIL = { origin: 'https://evil.example', 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' };

const handlerZip = () =>
  Buffer.from(
    zipPackage({
      'index.mjs':
        "import { writeFileSync } from 'node:fs';\nexport const handler = async () => { writeFileSync(process.env.MARKER, 'ran'); return 1; };",
    }),
  ).toString('base64');

const createBody = (name: string) =>
  JSON.stringify({
    FunctionName: name,
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: ROLE,
    Code: { ZipFile: handlerZip() },
    Environment: { Variables: { MARKER: marker } },
  });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 's3trigger-cross-site-'));
  marker = join(dir, 'ran');
  sb = await startSandbox({ port: 0 });
  const created = await rawRequest(sb.endpoint, {
    method: 'POST',
    path: '/2015-03-31/functions',
    headers: { ...sigV4('lambda'), 'content-type': 'application/json' },
    body: createBody('victim-fn'),
  });
  assert.equal(created.status, 201, created.body);
  for (const path of ['/victim', '/victim/keep.txt']) {
    const res = await rawRequest(sb.endpoint, { method: 'PUT', path, headers: sigV4('s3'), body: path.endsWith('.txt') ? 'keep' : '' });
    assert.equal(res.status, 200, res.body);
  }
});
after(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

const form = (key: string) => {
  const boundary = 'evilboundary';
  const body = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="key"',
    '',
    key,
    `--${boundary}`,
    'Content-Disposition: form-data; name="file"; filename="x.txt"',
    'Content-Type: text/plain',
    '',
    'evil',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { body, type: `multipart/form-data; boundary=${boundary}` };
};

test('cross-site browser-shaped requests to every service are refused and change nothing', async () => {
  const logsTarget = { 'x-amz-target': 'Logs_20140328.CreateLogGroup' };
  const evilForm = form('evil-form.txt');
  const cases: { what: string; method: string; path: string; headers?: Record<string, string>; body?: string }[] = [
    { what: 'Lambda CreateFunction', method: 'POST', path: '/2015-03-31/functions', body: createBody('evil-fn') },
    { what: 'Lambda Invoke', method: 'POST', path: '/2015-03-31/functions/victim-fn/invocations', body: '{}' },
    {
      what: 'Lambda Invoke (Event)',
      method: 'POST',
      path: '/2015-03-31/functions/victim-fn/invocations',
      headers: { 'x-amz-invocation-type': 'Event' },
      body: '{}',
    },
    { what: 'Logs CreateLogGroup', method: 'POST', path: '/', headers: logsTarget, body: '{"logGroupName":"/evil"}' },
    { what: 'S3 PutObject', method: 'PUT', path: '/victim/evil.txt', body: 'evil' },
    { what: 'S3 CreateBucket', method: 'PUT', path: '/evil-bucket', body: '' },
    { what: 'S3 POST Object (form)', method: 'POST', path: '/victim', headers: { 'content-type': evilForm.type }, body: evilForm.body },
    { what: 'S3 DeleteObject', method: 'DELETE', path: '/victim/keep.txt' },
    {
      what: 'SQS CreateQueue (JSON)',
      method: 'POST',
      path: '/',
      headers: { 'x-amz-target': 'AmazonSQS.CreateQueue' },
      body: '{"QueueName":"evil-q"}',
    },
    {
      what: 'SQS CreateQueue (query, signed-looking)',
      method: 'POST',
      path: '/',
      headers: { ...sigV4('sqs'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateQueue&QueueName=evil-q',
    },
    {
      what: 'SNS CreateTopic (signed-looking)',
      method: 'POST',
      path: '/',
      headers: { ...sigV4('sns'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateTopic&Name=evil-t',
    },
    {
      what: 'EventBridge PutRule',
      method: 'POST',
      path: '/',
      headers: { 'x-amz-target': 'AWSEvents.PutRule' },
      body: '{"Name":"evil-rule","EventPattern":"{\\"source\\":[\\"aws.s3\\"]}"}',
    },
  ];
  for (const c of cases) {
    const res = await rawRequest(sb.endpoint, { method: c.method, path: c.path, headers: { ...EVIL, ...c.headers }, body: c.body });
    assert.equal(res.status, 403, `${c.what}: ${res.status} ${res.body}`);
  }
  await new Promise((r) => setTimeout(r, 300)); // an asynchronous invocation would have run by now
  assert.equal(existsSync(marker), false, 'the function ran');
  assert.equal(sb.context.functions.exists('evil-fn'), false, 'a function was created');
  assert.equal(sb.context.queues.exists('arn:aws:sqs:eu-west-1:000000000000:evil-q'), false, 'a queue was created');
  assert.equal(sb.context.topics.exists('arn:aws:sns:eu-west-1:000000000000:evil-t'), false, 'a topic was created');
  const signed = async (method: string, path: string, service: string, headers: Record<string, string> = {}, body?: string) =>
    rawRequest(sb.endpoint, { method, path, headers: { ...sigV4(service), ...headers }, body });
  const groups = await signed(
    'POST',
    '/',
    'logs',
    { 'x-amz-target': 'Logs_20140328.DescribeLogGroups', 'content-type': 'application/x-amz-json-1.1' },
    '{}',
  );
  assert.doesNotMatch(groups.body, /\/evil/);
  const rules = await signed(
    'POST',
    '/',
    'events',
    { 'x-amz-target': 'AWSEvents.ListRules', 'content-type': 'application/x-amz-json-1.1' },
    '{}',
  );
  assert.equal(rules.status, 200, rules.body);
  assert.doesNotMatch(rules.body, /evil-rule/);
  assert.equal((await signed('HEAD', '/victim/evil.txt', 's3')).status, 404);
  assert.equal((await signed('HEAD', '/victim/evil-form.txt', 's3')).status, 404);
  assert.equal((await signed('HEAD', '/evil-bucket', 's3')).status, 404);
  assert.equal((await signed('HEAD', '/victim/keep.txt', 's3')).status, 200);
});

test('the refusals speak each service’s protocol', async () => {
  const lambda = await rawRequest(sb.endpoint, {
    method: 'POST',
    path: '/2015-03-31/functions',
    headers: EVIL,
    body: createBody('evil-fn'),
  });
  assert.equal(lambda.headers['x-amzn-errortype'], 'AccessDeniedException');
  const s3 = await rawRequest(sb.endpoint, { method: 'PUT', path: '/victim/evil.txt', headers: EVIL, body: 'x' });
  assert.match(s3.body, /<Code>AccessDenied<\/Code>/);
  const unsigned = await rawRequest(sb.endpoint, {
    method: 'POST',
    path: '/',
    headers: { 'x-amz-target': 'Logs_20140328.DescribeLogGroups', 'content-type': 'application/x-amz-json-1.1' },
    body: '{}',
  });
  assert.equal(unsigned.status, 403);
  assert.equal(JSON.parse(unsigned.body).__type, 'MissingAuthenticationTokenException');
  const unsignedPut = await rawRequest(sb.endpoint, { method: 'PUT', path: '/victim/unsigned.txt', body: 'x' });
  assert.equal(unsignedPut.status, 403);
  assert.match(unsignedPut.body, /<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
});

test('a foreign Host (DNS rebinding) is refused for every service; loopback names are served', async () => {
  for (const [path, service] of [
    ['/', 's3'],
    ['/2015-03-31/functions', 'lambda'],
    ['/', 'sqs'],
    ['/', 'sns'],
    ['/', 'events'],
  ] as const) {
    const res = await rawRequest(sb.endpoint, { path, headers: { ...sigV4(service), host: `rebind.evil.example:${sb.port}` } });
    assert.equal(res.status, 403, `${service}: ${res.body}`);
    assert.match(res.body, /rebind\.evil\.example/);
  }
  for (const host of ['localhost', '127.0.0.1', 'victim.s3.localhost.localstack.cloud', 'victim.localhost']) {
    const res = await rawRequest(sb.endpoint, {
      path: host.startsWith('victim') ? '/keep.txt' : '/victim/keep.txt',
      headers: { host: `${host}:${sb.port}` },
    });
    assert.equal(res.status, 200, `${host}: ${res.body}`);
  }
});
