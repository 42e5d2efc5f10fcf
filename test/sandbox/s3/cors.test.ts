/** Bucket CORS: the rules (pure), Put/Get/DeleteBucketCors over the SDK, curl preflights, an allowed cross-origin presigned POST. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  HeadObjectCommand,
  PutBucketCorsCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { corsHeaders, matchCorsRule, parseCorsXml, type CorsRule } from '../../../src/sandbox/s3/cors.js';
import type { S3Error } from '../../../src/sandbox/s3/errors.js';
import { rawRequest } from '../raw-http.js';
import { startS3 } from './helpers.js';

const run = promisify(execFile);
const doc = (rules: string) => `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules}</CORSConfiguration>`;

test('parseCorsXml: valid documents and S3 validation errors', () => {
  const rules = parseCorsXml(
    doc(
      '<CORSRule><ID>a</ID><AllowedOrigin>https://app.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>',
    ),
  );
  assert.deepEqual(rules, [
    {
      ID: 'a',
      AllowedOrigins: ['https://app.example'],
      AllowedMethods: ['GET', 'PUT'],
      AllowedHeaders: ['*'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 3000,
    },
  ]);
  const cases: [string, string, RegExp][] = [
    ['', 'MalformedXML', /not well-formed/],
    [doc(''), 'MalformedXML', /not well-formed/],
    [doc('<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>'), 'MalformedXML', /not well-formed/],
    [doc('<CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule>'), 'MalformedXML', /not well-formed/],
    [
      doc('<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule>'),
      'InvalidRequest',
      /^Found unsupported HTTP method in CORS config\. Unsupported method is PATCH$/,
    ],
    [
      doc('<CORSRule><AllowedOrigin>http://*.*.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>'),
      'InvalidRequest',
      /^AllowedOrigin "http:\/\/\*\.\*\.example" can not have more than one wildcard\.$/,
    ],
    [
      doc('<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-*-*</AllowedHeader></CORSRule>'),
      'InvalidRequest',
      /AllowedHeader "x-\*-\*" can not have more than one wildcard/,
    ],
    [
      doc('<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule>'),
      'MalformedXML',
      /not well-formed/,
    ],
    [
      doc('<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>'.repeat(101)),
      'MalformedXML',
      /not well-formed/,
    ],
  ];
  for (const [xml, code, message] of cases) {
    assert.throws(
      () => parseCorsXml(xml),
      (err: S3Error) => err.code === code && message.test(err.message) && err.status === 400,
      xml.slice(0, 120),
    );
  }
});

test('matchCorsRule: first rule whose origin (one wildcard), method and requested headers match', () => {
  const rule = (origins: string[], methods: string[], headers: string[] = []): CorsRule => ({
    AllowedOrigins: origins,
    AllowedMethods: methods,
    AllowedHeaders: headers,
    ExposeHeaders: [],
  });
  const rules = [
    rule(['https://app.example'], ['GET', 'PUT'], ['x-amz-*', 'content-type']),
    rule(['http://*.origin.example'], ['POST']),
    rule(['*'], ['HEAD']),
  ];
  const cases: [string, string, string[] | undefined, number | undefined][] = [
    ['https://app.example', 'GET', undefined, 0],
    ['https://app.example', 'PUT', ['x-amz-date', 'Content-Type'.toLowerCase()], 0],
    ['https://app.example', 'PUT', ['authorization'], undefined],
    ['https://app.example', 'DELETE', undefined, undefined],
    ['http://test.origin.example', 'POST', undefined, 1],
    ['http://origin.example', 'POST', undefined, undefined],
    ['https://anything.example', 'HEAD', undefined, 2],
    ['https://evil.example', 'GET', undefined, undefined],
  ];
  for (const [origin, method, requestHeaders, want] of cases) {
    const got = matchCorsRule(rules, { origin, method, requestHeaders });
    assert.equal(got === undefined ? undefined : rules.indexOf(got), want, `${origin} ${method} ${requestHeaders}`);
  }
  assert.equal(matchCorsRule(undefined, { origin: 'https://app.example', method: 'GET' }), undefined);
  assert.deepEqual(corsHeaders(rules[2]!, { origin: 'https://x.example', method: 'HEAD' }), {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'HEAD',
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  });
  assert.equal(
    corsHeaders(rules[0]!, { origin: 'https://app.example', method: 'PUT', requestHeaders: ['x-amz-date'] })[
      'Access-Control-Allow-Credentials'
    ],
    'true',
  );
});

const APP = 'https://app.example';

/** A presigned POST form as a browser would send it: body bytes and its multipart content type. */
async function presignedForm(s3: Parameters<typeof createPresignedPost>[0], bucket: string, key: string) {
  const post = await createPresignedPost(s3, { Bucket: bucket, Key: key, Expires: 300 });
  const form = new FormData();
  for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
  form.append('file', new Blob(['from the browser']), 'f.txt');
  const encoded = new Response(form);
  return { path: new URL(post.url).pathname, body: Buffer.from(await encoded.arrayBuffer()), type: encoded.headers.get('content-type')! };
}

test('PutBucketCors (SDK) survives a restart; curl preflight; an allowed cross-origin presigned POST; DeleteBucketCors', async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 's3trigger-cors-'));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const dataDir = join(parent, 'data');
  let h = await startS3({ dataDir });
  await h.s3.send(new CreateBucketCommand({ Bucket: 'web-bucket' }));
  await assert.rejects(
    h.s3.send(new GetBucketCorsCommand({ Bucket: 'web-bucket' })),
    (e: Error & { $metadata: { httpStatusCode: number } }) => e.name === 'NoSuchCORSConfiguration' && e.$metadata.httpStatusCode === 404,
  );
  await assert.rejects(
    h.s3.send(
      new PutBucketCorsCommand({
        Bucket: 'web-bucket',
        CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] }] },
      }),
    ),
    (e: Error) => e.name === 'InvalidRequest' && /Unsupported method is PATCH/.test(e.message),
  );
  const CORSRules = [
    {
      ID: 'app',
      AllowedOrigins: [APP],
      AllowedMethods: ['POST', 'GET'],
      AllowedHeaders: ['*'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 600,
    },
  ];
  await h.s3.send(new PutBucketCorsCommand({ Bucket: 'web-bucket', CORSConfiguration: { CORSRules } }));
  await h.close();
  h = await startS3({ dataDir });
  t.after(() => h.close());
  const got = await h.s3.send(new GetBucketCorsCommand({ Bucket: 'web-bucket' }));
  assert.deepEqual(got.CORSRules, CORSRules);

  const endpoint = h.sandbox.endpoint;
  try {
    await run('curl', ['--version']);
  } catch {
    t.diagnostic('curl not found: preflight checked over node:http only');
  }
  const preflight = async (origin: string, method: string) => {
    try {
      const { stdout } = await run('curl', [
        '-s',
        '-i',
        '-X',
        'OPTIONS',
        '-H',
        `Origin: ${origin}`,
        '-H',
        `Access-Control-Request-Method: ${method}`,
        '-H',
        'Access-Control-Request-Headers: content-type',
        `${endpoint}/web-bucket/k.txt`,
      ]);
      return stdout;
    } catch {
      const res = await rawRequest(endpoint, {
        method: 'OPTIONS',
        path: '/web-bucket/k.txt',
        headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
      });
      return `HTTP/1.1 ${res.status}\n${Object.entries(res.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n\n${res.body}`;
    }
  };
  const allowed = await preflight(APP, 'POST');
  assert.match(allowed, /^HTTP\/1\.1 200/);
  assert.match(allowed, /access-control-allow-origin: https:\/\/app\.example/i);
  assert.match(allowed, /access-control-allow-methods: POST, GET/i);
  assert.match(allowed, /access-control-allow-headers: content-type/i);
  assert.match(allowed, /access-control-max-age: 600/i);
  const refused = await preflight('https://evil.example', 'POST');
  assert.match(refused, /^HTTP\/1\.1 403/);
  assert.match(refused, /<Code>AccessForbidden<\/Code><Message>CORSResponse: This CORS request is not allowed\./);
  assert.match(refused, /<Method>POST<\/Method><ResourceType>OBJECT<\/ResourceType>/);
  const noOrigin = await rawRequest(endpoint, { method: 'OPTIONS', path: '/web-bucket/k.txt' });
  assert.equal(noOrigin.status, 400);
  assert.match(noOrigin.body, /<Code>BadRequest<\/Code><Message>Insufficient information\. Origin request header needed\.<\/Message>/);

  const fromApp = await presignedForm(h.s3, 'web-bucket', 'browser.txt');
  const posted = await rawRequest(endpoint, {
    method: 'POST',
    path: fromApp.path,
    headers: { origin: APP, 'content-type': fromApp.type },
    body: fromApp.body,
  });
  assert.equal(posted.status, 204, posted.body);
  assert.equal(posted.headers['access-control-allow-origin'], APP);
  assert.equal(posted.headers['access-control-expose-headers'], 'ETag');
  await h.s3.send(new HeadObjectCommand({ Bucket: 'web-bucket', Key: 'browser.txt' }));

  const fromEvil = await presignedForm(h.s3, 'web-bucket', 'evil.txt');
  const evil = await rawRequest(endpoint, {
    method: 'POST',
    path: fromEvil.path,
    headers: { origin: 'https://evil.example', 'content-type': fromEvil.type },
    body: fromEvil.body,
  });
  assert.equal(evil.status, 403);
  await assert.rejects(h.s3.send(new HeadObjectCommand({ Bucket: 'web-bucket', Key: 'evil.txt' })), { name: 'NotFound' });

  await h.s3.send(new DeleteBucketCorsCommand({ Bucket: 'web-bucket' }));
  await assert.rejects(h.s3.send(new GetBucketCorsCommand({ Bucket: 'web-bucket' })), { name: 'NoSuchCORSConfiguration' });
  const again = await presignedForm(h.s3, 'web-bucket', 'again.txt');
  assert.equal(
    (
      await rawRequest(endpoint, {
        method: 'POST',
        path: again.path,
        headers: { origin: APP, 'content-type': again.type },
        body: again.body,
      })
    ).status,
    403,
  );
});
