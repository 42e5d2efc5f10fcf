/**
 * An endpoint whose clock is behind this machine's (a proxy in front of the sandbox shifts the log events'
 * timestamps, their ingestionTime and the Date header): the invocation that printed the key still matches.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { setupDemo } from '../../src/sandbox/demo.js';
import { cliBuilt, ndjson, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

let sandbox: Sandbox;
const dir = workDir();
const proxies: Server[] = [];

/** Forwards everything to the sandbox; answers as if its clock were `behindMs` behind this machine's. */
function skewedProxy(behindMs: number): Promise<string> {
  const target = new URL(sandbox.endpoint);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          const body: Buffer[] = [];
          up.on('data', (c: Buffer) => body.push(c));
          up.on('end', () => {
            let out = Buffer.concat(body);
            const filter = String(req.headers['x-amz-target'] ?? '').endsWith('.FilterLogEvents');
            if (filter && up.statusCode === 200) {
              const doc = JSON.parse(out.toString()) as { events?: { timestamp: number; ingestionTime: number }[] };
              for (const e of doc.events ?? []) {
                e.timestamp -= behindMs;
                e.ingestionTime -= behindMs;
              }
              out = Buffer.from(JSON.stringify(doc));
            }
            const headers = { ...up.headers, date: new Date(Date.now() - behindMs).toUTCString(), 'content-length': String(out.length) };
            delete headers['transfer-encoding'];
            res.writeHead(up.statusCode ?? 502, headers);
            res.end(out);
          });
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(Buffer.concat(chunks));
    });
  });
  proxies.push(server);
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

before(async () => {
  sandbox = await startSandbox({ port: 0 });
  await setupDemo(sandbox, { bucket: 'skew-bucket' });
  // A warm function starts within milliseconds of the PUT: a cold start's init time would hide a small skew.
  if (cliBuilt)
    await runCli(['--endpoint-url', sandbox.endpoint, '--bucket', 'skew-bucket', '--put', 'test.txt', '--wait', '--timeout', '20s'], dir);
});
after(async () => {
  for (const p of proxies) await new Promise((ok) => p.close(ok));
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const behindMs of [400, 1000, 3000]) {
  test(`the endpoint's clock ${behindMs} ms behind: the PUT still matches its invocation by key`, {
    skip: !cliBuilt && NOT_BUILT,
  }, async () => {
    const endpoint = await skewedProxy(behindMs);
    const r = await runCli(
      [
        '--endpoint-url',
        endpoint,
        '--bucket',
        'skew-bucket',
        '--put',
        'test.txt',
        '--key',
        `skew-${behindMs}.txt`,
        '--wait',
        '--poll',
        '--timeout',
        '15s',
        '--json',
      ],
      dir,
    );
    assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    const [record] = ndjson(r.stdout);
    assert.equal(record?.match?.confidence, 'key', JSON.stringify(record?.latency));
  });
}
