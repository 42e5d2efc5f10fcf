/**
 * Bounded, seeded fuzz of the sandbox's wire input: real S3 / Lambda / Logs request shapes, mutated
 * (method, path, query, headers incl. SigV4-shaped Authorization, bodies, chunked and aws-chunked
 * framing, multipart forms), sent over raw sockets to an in-process sandbox with a data dir.
 * Asserts: the process lives, no 5xx for a client error, nothing is written outside the data dir,
 * and every object still listed reads back whole. S3_FUZZ_SEED=N replays one run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { get } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startSandbox } from '../../src/sandbox/server.js';
import { sigV4 } from './raw-http.js';
import { recognise } from '../../src/sandbox/router.js';
import { FALLBACK_SERVICE, SERVICES } from '../../src/sandbox/services.js';

const SEED = Number(process.env.S3_FUZZ_SEED ?? 20261130);
const REQUESTS = 3000;
const CONCURRENCY = 8;
const TIME_BUDGET_MS = 40_000;

/**
 * 5xx answers found in services this test does not own (src/sandbox/lambda, src/sandbox/logs): reported,
 * not failed. Empty it as those are fixed. S3 has no entry: every S3 5xx fails the test.
 */
const KNOWN_FOREIGN_FINDINGS: { service: string; why: string; matches(r: Sent): boolean }[] = [];

/** mulberry32: small, fast, good enough to replay a run from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

interface Sent {
  method: string;
  path: string;
  headers: [string, string][];
  body: Buffer;
  /** Raw framing: Transfer-Encoding chunked (possibly broken), no Content-Length. */
  chunked: boolean;
}

const BUCKET = 'fuzz-bucket';
const sigv4 = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'ab'.repeat(32)}`;
const awsChunked = (data: string, trailer?: string) =>
  `${data.length.toString(16)};chunk-signature=${'0'.repeat(64)}\r\n${data}\r\n0\r\n${trailer ? `${trailer}\r\n` : ''}\r\n`;
const form = (fields: [string, string][], boundary = 'fz') =>
  `${fields.map(([n, v]) => `--${boundary}\r\nContent-Disposition: form-data; ${n}\r\n\r\n${v}\r\n`).join('')}--${boundary}--\r\n`;

/** Real request shapes, one per operation family. */
function templates(uploadId: string): (() => Sent)[] {
  const s3 = (method: string, path: string, headers: [string, string][] = [], body = ''): Sent => ({
    method,
    path,
    headers: [['authorization', sigv4('s3')], ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD'], ...headers],
    body: Buffer.from(body),
    chunked: false,
  });
  const json = (service: 'lambda' | 'logs', method: string, path: string, body: unknown = '', headers: [string, string][] = []): Sent => ({
    method,
    path,
    headers: [
      ['authorization', sigv4(service)],
      ['content-type', service === 'logs' ? 'application/x-amz-json-1.1' : 'application/json'],
      ...headers,
    ],
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    chunked: false,
  });
  const logs = (op: string, body: unknown) => json('logs', 'POST', '/', body, [['x-amz-target', `Logs_20140328.${op}`]]);
  return [
    () => s3('GET', '/'),
    () => s3('PUT', `/${BUCKET}`),
    () =>
      s3(
        'PUT',
        '/fuzz-other',
        [],
        '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>',
      ),
    () => s3('HEAD', `/${BUCKET}`),
    () => s3('GET', `/${BUCKET}?list-type=2&prefix=k&max-keys=3&delimiter=/`),
    () => s3('GET', `/${BUCKET}?location`),
    () =>
      s3(
        'PUT',
        `/${BUCKET}/key-1`,
        [
          ['content-type', 'text/plain'],
          ['x-amz-meta-a', 'b'],
        ],
        'hello world',
      ),
    () =>
      s3(
        'PUT',
        `/${BUCKET}/key-2`,
        [
          ['x-amz-checksum-crc32', 'DUoRhQ=='],
          ['x-amz-sdk-checksum-algorithm', 'CRC32'],
          ['content-md5', 'XrY7u+Ae7tCTyyK7j1rNww=='],
        ],
        'hello world',
      ),
    () =>
      s3(
        'PUT',
        `/${BUCKET}/key-3`,
        [
          ['content-encoding', 'aws-chunked'],
          ['x-amz-content-sha256', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'],
          ['x-amz-trailer', 'x-amz-checksum-crc32'],
          ['x-amz-decoded-content-length', '11'],
        ],
        awsChunked('hello world', 'x-amz-checksum-crc32:DUoRhQ=='),
      ),
    () =>
      s3('GET', `/${BUCKET}/key-1?response-content-type=text/x&response-cache-control=no`, [
        ['range', 'bytes=0-4'],
        ['if-none-match', '"x"'],
      ]),
    () => s3('HEAD', `/${BUCKET}/key-1`, [['x-amz-checksum-mode', 'ENABLED']]),
    () =>
      s3('PUT', `/${BUCKET}/copy-1`, [
        ['x-amz-copy-source', `/${BUCKET}/key-1`],
        ['x-amz-metadata-directive', 'REPLACE'],
      ]),
    () => s3('DELETE', `/${BUCKET}/key-2`),
    () => s3('POST', `/${BUCKET}?delete`, [['content-md5', '']], '<Delete><Quiet>true</Quiet><Object><Key>copy-1</Key></Object></Delete>'),
    () => s3('POST', `/${BUCKET}/mpu?uploads`, [['x-amz-checksum-algorithm', 'CRC32']]),
    () => s3('PUT', `/${BUCKET}/mpu?partNumber=1&uploadId=${uploadId}`, [], 'part body'),
    () =>
      s3('PUT', `/${BUCKET}/mpu?partNumber=2&uploadId=${uploadId}`, [
        ['x-amz-copy-source', `/${BUCKET}/key-1`],
        ['x-amz-copy-source-range', 'bytes=0-3'],
      ]),
    () => s3('GET', `/${BUCKET}/mpu?uploadId=${uploadId}&max-parts=2`),
    () => s3('GET', `/${BUCKET}?uploads&prefix=m`),
    () =>
      s3(
        'POST',
        `/${BUCKET}/mpu?uploadId=${uploadId}`,
        [],
        '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>',
      ),
    () => s3('DELETE', `/${BUCKET}/mpu?uploadId=${uploadId}`),
    () =>
      s3(
        'PUT',
        `/${BUCKET}?notification`,
        [['x-amz-skip-destination-validation', 'true']],
        '<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:eu-west-1:000000000000:q</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>',
      ),
    () => s3('GET', `/${BUCKET}?notification`),
    () => ({
      ...s3(
        'POST',
        `/${BUCKET}`,
        [['content-type', 'multipart/form-data; boundary=fz']],
        form([
          ['name="key"', 'posted/${filename}'],
          ['name="Content-Type"', 'text/plain'],
          ['name="x-amz-meta-m"', 'v'],
          ['name="file"; filename="f.txt"', 'form body'],
        ]),
      ),
      headers: [['content-type', 'multipart/form-data; boundary=fz']],
    }),
    () => json('lambda', 'GET', '/2015-03-31/functions/'),
    () => json('lambda', 'GET', '/2015-03-31/functions/fuzz-fn'),
    () =>
      json('lambda', 'POST', '/2015-03-31/functions', {
        FunctionName: 'fuzz-fn',
        Runtime: 'nodejs20.x',
        Role: 'arn:aws:iam::000000000000:role/r',
        Handler: 'index.handler',
        Code: { ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' },
      }),
    () => json('lambda', 'PUT', '/2015-03-31/functions/fuzz-fn/configuration', { Timeout: 3, Environment: { Variables: { A: 'b' } } }),
    () => json('lambda', 'DELETE', '/2015-03-31/functions/fuzz-fn'),
    () => logs('CreateLogGroup', { logGroupName: '/fuzz/group' }),
    () => logs('CreateLogStream', { logGroupName: '/fuzz/group', logStreamName: 's' }),
    () =>
      logs('PutLogEvents', { logGroupName: '/fuzz/group', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'hello' }] }),
    () => logs('FilterLogEvents', { logGroupName: '/fuzz/group', filterPattern: '?hello -bye "a b"', limit: 5 }),
    () => logs('GetLogEvents', { logGroupName: '/fuzz/group', logStreamName: 's', startFromHead: true }),
    () => logs('DescribeLogGroups', { logGroupNamePrefix: '/fuzz' }),
  ];
}

const WEIRD = [
  '',
  ' ',
  '%',
  '%zz',
  '%00',
  '\u00e9',
  '\u{1F600}',
  '..',
  '../../canary',
  '//',
  '\\',
  '?',
  '&',
  '=',
  ';',
  '*',
  '"',
  "'",
  '<x>',
  '-1',
  '0',
  '99999999999999999999',
  'NaN',
  'true',
  'null',
  '{}',
  '[]',
  'x'.repeat(1100),
  '\t',
];
const HEADER_NAMES = [
  'range',
  'content-md5',
  'x-amz-checksum-crc32',
  'x-amz-checksum-sha256',
  'x-amz-sdk-checksum-algorithm',
  'x-amz-checksum-algorithm',
  'x-amz-trailer',
  'x-amz-decoded-content-length',
  'content-encoding',
  'x-amz-content-sha256',
  'x-amz-copy-source',
  'x-amz-copy-source-range',
  'x-amz-metadata-directive',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'content-type',
  'x-amz-target',
  'x-amz-meta-x',
  'host',
  'x-amz-invocation-type',
  'x-amz-log-type',
  'expect',
];
const QUERY_NAMES = [
  'uploads',
  'uploadId',
  'partNumber',
  'list-type',
  'max-keys',
  'continuation-token',
  'start-after',
  'delimiter',
  'prefix',
  'marker',
  'key-marker',
  'upload-id-marker',
  'max-uploads',
  'max-parts',
  'part-number-marker',
  'delete',
  'notification',
  'location',
  'versioning',
  'tagging',
  'response-content-type',
  'response-expires',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'Qualifier',
];
const pct = (s: string) => encodeURIComponent(s);

function mutate(r: Sent, rng: Rng): Sent {
  const m: Sent = { ...r, headers: [...r.headers], body: Buffer.from(r.body) };
  const rounds = 1 + rng.int(3);
  for (let i = 0; i < rounds; i++) {
    switch (rng.int(13)) {
      case 12: {
        // A JSON body with one value of the wrong type (null, number, list...).
        try {
          const doc = JSON.parse(m.body.toString()) as Record<string, unknown>;
          const keys = Object.keys(doc);
          if (!keys.length) break;
          doc[rng.pick(keys)] = rng.pick([null, 0, -1, 'x', [], {}, true, { Variables: null }, { Variables: { 'A=B': 'c', N: 7 } }]);
          m.body = Buffer.from(JSON.stringify(doc));
        } catch {
          // not JSON
        }
        break;
      }
      case 0:
        m.method = rng.pick(['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS', 'get', 'PROPFIND']);
        break;
      case 1: {
        const segs = m.path.split('?');
        const parts = segs[0]!.split('/');
        parts[rng.int(parts.length)] = rng.chance(0.5) ? pct(rng.pick(WEIRD)) : rng.pick(WEIRD).replace(/[\s?#]/g, '_');
        m.path = parts.join('/') + (segs[1] !== undefined ? `?${segs[1]}` : '');
        break;
      }
      case 2:
        m.path += `${m.path.includes('?') ? '&' : '?'}${rng.pick(QUERY_NAMES)}${rng.chance(0.7) ? `=${pct(rng.pick(WEIRD))}` : ''}`;
        break;
      case 3:
        m.headers.push([rng.pick(HEADER_NAMES), rng.pick(WEIRD).replace(/[\r\n\0]/g, '')]);
        break;
      case 4:
        if (m.headers.length) m.headers.splice(rng.int(m.headers.length), 1);
        break;
      case 5:
        m.headers = m.headers.filter(([n]) => n !== 'authorization');
        m.headers.push([
          'authorization',
          rng.chance(0.5)
            ? sigv4(rng.pick(['s3', 'lambda', 'logs', 'sqs', '']))
            : rng.pick(['AWS4-HMAC-SHA256', 'AWS test:sig', 'Bearer x', 'AWS4-HMAC-SHA256 Credential=/', '']),
        ]);
        break;
      case 6:
        if (m.body.length) m.body[rng.int(m.body.length)] = rng.int(256);
        break;
      case 7:
        m.body = m.body.subarray(0, rng.int(m.body.length + 1));
        break;
      case 8:
        m.body = Buffer.concat([
          m.body,
          Buffer.from(
            rng.pick(['\r\n', '--fz\r\nContent-Disposition: form-data\r\n\r\nx\r\n', '0\r\n\r\n', '<a>', '"', 'x'.repeat(rng.int(70_000))]),
          ),
        ]);
        break;
      case 9:
        m.chunked = true;
        break;
      case 10:
        m.headers.push([
          'content-type',
          rng.pick([
            'multipart/form-data; boundary=fz',
            'multipart/form-data',
            'text/plain',
            'application/json',
            'application/xml',
            'application/x-amz-json-1.1',
          ]),
        ]);
        break;
      default:
        m.headers.push(
          ['content-encoding', 'aws-chunked'],
          ['x-amz-content-sha256', rng.pick(['STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'])],
        );
        if (rng.chance(0.5))
          m.body = Buffer.from(
            awsChunked(m.body.toString('latin1').slice(0, 40), rng.chance(0.5) ? 'x-amz-checksum-crc32:AAAAAA==' : undefined),
          );
    }
  }
  return m;
}

interface Answer {
  status: number;
  head: string;
}

/** One request over its own socket; resolves with the status line ('0' when the server closed without answering). */
function send(port: number, r: Sent): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const finish = () => {
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, head: data.slice(0, 600) });
    };
    const timer = setTimeout(finish, 5000);
    socket.on('data', (c) => {
      data += c.toString('latin1');
      if (/^HTTP\/1\.1 \d{3}[\s\S]*\r\n\r\n/.test(data)) {
        clearTimeout(timer);
        finish();
      }
    });
    socket.on('error', () => {
      clearTimeout(timer);
      finish();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      finish();
    });
    const hasHost = r.headers.some(([n]) => n.toLowerCase() === 'host');
    const lines = [
      `${r.method} ${r.path.replace(/[\s\r\n]/g, '_')} HTTP/1.1`,
      ...(hasHost ? [] : ['Host: 127.0.0.1']),
      ...r.headers.map(([n, v]) => `${n}: ${v}`),
    ];
    lines.push(r.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${r.body.length}`, 'Connection: close', '', '');
    socket.write(Buffer.from(lines.join('\r\n'), 'latin1'));
    if (r.chunked) {
      if (r.body.length) socket.write(`${r.body.length.toString(16)}\r\n`);
      socket.write(r.body);
      socket.write(r.body.length ? '\r\n0\r\n\r\n' : '0\r\n\r\n');
    } else socket.write(r.body);
  });
}

function getBody(port: number, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET ${path}: ${res.statusCode}`))));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The signing name of the service the sandbox routes a raw request to (as router.ts decides). */
function routeOf(r: Sent): string {
  const headers: Record<string, string> = {};
  for (const [n, v] of r.headers) headers[n.toLowerCase()] ??= v;
  const found = recognise({ headers, url: r.path }, SERVICES, FALLBACK_SERVICE);
  return found.kind === 'service' ? found.definition.signingName : found.name;
}

test(`fuzzed wire input (seed ${SEED}): no crash, no 5xx for client errors, nothing outside the data dir`, async () => {
  const parent = mkdtempSync(join(tmpdir(), 's3trigger-fuzz-'));
  const internal: string[] = [];
  const sandbox = await startSandbox({ port: 0, dataDir: join(parent, 'data'), log: (line) => internal.push(line) });
  const rng = prng(SEED);
  const findings: string[] = [];
  const foreign: string[] = [];
  const counts = { sent: 0, byStatus: new Map<number, number>() };
  try {
    const base = (p: string, init: RequestInit = {}) => fetch(`${sandbox.endpoint}${p}`, { ...init, headers: sigV4('s3') });
    await base(`/${BUCKET}`, { method: 'PUT' });
    const created = await (await base(`/${BUCKET}/mpu?uploads`, { method: 'POST' })).text();
    const uploadId = /<UploadId>([^<]+)/.exec(created)![1]!;
    const shapes = templates(uploadId);
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS && Date.now() - started < TIME_BUDGET_MS) {
        next++;
        const template = rng.pick(shapes)();
        const r = rng.chance(0.15) ? template : mutate(template, rng);
        const answer = await send(sandbox.port, r);
        counts.sent++;
        counts.byStatus.set(answer.status, (counts.byStatus.get(answer.status) ?? 0) + 1);
        // 501 NotImplemented is AWS's own answer to a feature the client asked for.
        if (answer.status < 500 || answer.status === 501) continue;
        const line = `${answer.status} ${r.method} ${r.path.slice(0, 200)} ${JSON.stringify(r.headers).slice(0, 300)} body=${JSON.stringify(r.body.toString('latin1').slice(0, 200))} chunked=${r.chunked}`;
        const service = routeOf(r);
        if (service !== 's3' && KNOWN_FOREIGN_FINDINGS.some((k) => k.service === service && k.matches(r)))
          foreign.push(`${service}: ${line}`);
        else findings.push(`${service}: ${line}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(
      `# fuzz seed ${SEED}: ${counts.sent} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(counts.byStatus))}`,
    );
    for (const f of foreign) console.log(`# known finding (not S3): ${f}`);
    assert.ok(counts.sent >= 500, `only ${counts.sent} requests were sent`);
    for (const line of new Set(internal.map((l) => l.split('\n').slice(0, 3).join(' | '))))
      if (findings.length) console.log(`# sandbox log: ${line}`);
    assert.deepEqual(findings, [], `5xx answers to client errors (seed ${SEED})`);
    // Still serving, and every object listed reads back whole.
    const s3 = new S3Client({
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      // URL-encoded keys: XML would turn a CR LF in a key into LF.
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, EncodingType: 'url' }));
      for (const c of listed.Contents ?? []) {
        c.Key = decodeURIComponent(c.Key!.replace(/\+/g, ' '));
        // Raw GET: the SDK's client would normalise a key such as '..' out of the path.
        const body = await getBody(sandbox.port, `/${BUCKET}/${encodeURIComponent(c.Key!)}`);
        assert.equal(body.length, c.Size, `${JSON.stringify(c.Key)}: size`);
        if (!c.ETag!.includes('-'))
          assert.equal(`"${createHash('md5').update(body).digest('hex')}"`, c.ETag, `${JSON.stringify(c.Key)}: body`);
      }
    } finally {
      s3.destroy();
    }
    assert.deepEqual(readdirSync(parent), ['data'], 'nothing written beside the data dir');
    assert.ok(!readdirSync(tmpdir()).some((f) => f.startsWith('canary')), 'nothing written into the temp dir by a ../ path');
  } finally {
    await sandbox.close();
    rmSync(parent, { recursive: true, force: true });
  }
});
