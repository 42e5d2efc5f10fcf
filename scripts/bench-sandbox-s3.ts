/**
 * Benchmark of the sandbox's S3 service. Prints figures; asserts nothing.
 *   npx tsx scripts/bench-sandbox-s3.ts [--quick] [--only start|rss|put|multipart]
 * 1. start to ready (ms, median): in-process startSandbox, and `node dist/bin.cjs sandbox` to its ready line when built;
 *    idle RSS of that process after ready + 2 s idle vs a bare Node `http.createServer().listen(0)` child measured the
 *    same way, interleaved in the same run
 * 2. PUT 4 KiB ops/s with 16 concurrent SDK clients: sandbox (child process) vs moto_server, and the ratio;
 *    the same with 16 raw node:http connections, since on a 2-core machine the SDK clients themselves saturate first
 * 3. multipart 1 GiB through lib-storage: MB/s and the sandbox process's peak RSS
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startSandbox } from '../src/sandbox/server.js';
import { emitFigure } from './bench/figures.js';

const quick = process.argv.includes('--quick');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const here = fileURLToPath(import.meta.url);
const root = join(here, '..', '..');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number, digits = 1) => n.toFixed(digits);

function client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Child mode: run a sandbox in this process and print its endpoint. */
async function childMain(dataDir: string | undefined): Promise<void> {
  const sandbox = await startSandbox({ port: 0, dataDir });
  process.once('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
  process.stdout.write(`${sandbox.endpoint}\n`);
}

async function spawnSandbox(dataDir?: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', here, '--child', ...(dataDir ? [dataDir] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const endpoint = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox child exited ${code}`)));
  });
  return { child, endpoint };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function startToReady(): Promise<void> {
  const runs = quick ? 3 : 7;
  const inProcess: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const sb = await startSandbox({ port: 0 });
    inProcess.push(performance.now() - t0);
    await sb.close();
  }
  console.log(`start to ready, in-process startSandbox: median ${fmt(median(inProcess))} ms (${runs} runs)`);
  const cli = join(root, 'dist', 'bin.cjs');
  if (!existsSync(cli)) {
    console.log('start to ready, `s3trigger sandbox` process: skipped (dist/bin.cjs not built; run npm run build)');
    return;
  }
  const proc: number[] = [];
  const bare: number[] = []; // what node alone takes to a listening HTTP server, interleaved: the floor of this figure
  for (let i = 0; i < runs; i++) {
    const b = await spawnToReady(['-e', BARE_SERVER]);
    if (b !== undefined) bare.push(b);
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, 'sandbox', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const ok = await new Promise<boolean>((resolve) => {
      createInterface({ input: child.stdout! }).once('line', (l) => resolve(/ready/.test(l)));
      child.once('exit', () => resolve(false));
    });
    if (!ok) {
      console.log('start to ready, `s3trigger sandbox` process: skipped (dist/bin.cjs did not print a ready line)');
      await stop(child);
      return;
    }
    proc.push(performance.now() - t0);
    await stop(child);
  }
  console.log(`start to ready, \`node dist/bin.cjs sandbox\` process spawn to ready line: median ${fmt(median(proc))} ms (${runs} runs)`);
  if (bare.length > 0) console.log(`start to ready, bare node http server (interleaved): median ${fmt(median(bare))} ms`);
  emitFigure({
    id: 'sandbox.start-to-ready',
    name: 'sandbox process spawn -> ready line',
    unit: 'ms',
    ours: median(proc),
    better: 'lower',
    target: { value: 120 },
  });
}

/** Milliseconds from spawning `node args` to its first stdout line; undefined when it exits first. */
async function spawnToReady(args: string[]): Promise<number | undefined> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const ok = await new Promise<boolean>((resolve) => {
    createInterface({ input: child.stdout! }).once('line', () => resolve(true));
    child.once('exit', () => resolve(false));
  });
  const ms = performance.now() - t0;
  await stop(child);
  return ok ? ms : undefined;
}

/** A bare Node HTTP server child: prints a line once listening, as the sandbox prints its ready line. */
const BARE_SERVER = `require('node:http').createServer((q, s) => s.end()).listen(0, '127.0.0.1', () => console.log('ready'));`;

/** Spawns `args` (node), waits for its first stdout line, idles 2 s and returns its VmRSS in KiB; kills it. */
async function idleRssKb(args: string[]): Promise<number | undefined> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const ok = await new Promise<boolean>((resolve) => {
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(/ready/.test(l)));
    child.once('exit', () => resolve(false));
  });
  await new Promise((r) => setTimeout(r, 2000));
  const kb = ok ? rssKb(child.pid!, 'VmRSS') : undefined;
  await stop(child);
  return kb;
}

/** Idle RSS of `node dist/bin.cjs sandbox` vs a bare Node HTTP server, interleaved (medians). */
async function idleRss(): Promise<void> {
  const cli = join(root, 'dist', 'bin.cjs');
  if (!existsSync(cli)) {
    console.log('idle RSS: skipped (dist/bin.cjs not built; run npm run build)');
    return;
  }
  const runs = quick ? 1 : 3;
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    const o = await idleRssKb([cli, 'sandbox', '--port', '0']);
    const b = await idleRssKb(['-e', BARE_SERVER]);
    if (o === undefined || b === undefined) {
      console.log('idle RSS: skipped (a child did not print its ready line)');
      return;
    }
    ours.push(o / 1024);
    bare.push(b / 1024);
  }
  console.log(
    `idle RSS after ready + 2 s: \`node dist/bin.cjs sandbox\` ${fmt(median(ours))} MiB, bare node http server ${fmt(median(bare))} MiB ` +
      `(${fmt(median(ours) / median(bare), 2)}x; ${runs} interleaved runs)`,
  );
  emitFigure({
    id: 'sandbox.idle-rss',
    name: 'sandbox idle RSS (ready + 2 s)',
    unit: 'MiB',
    ours: median(ours),
    peer: { name: 'bare node http server', value: median(bare) },
    better: 'lower',
    target: { ratio: 1.15 },
  });
}

/** 16 clients, each PUTting 4 KiB objects back to back for the duration; returns ops/s. */
async function putLoad(endpoint: string, bucket: string, seconds: number, location?: BucketLocationConstraint): Promise<number> {
  const setup = client(endpoint);
  await setup.send(
    new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: location ? { LocationConstraint: location } : undefined }),
  );
  setup.destroy();
  const clients = Array.from({ length: 16 }, () => client(endpoint));
  const body = Buffer.alloc(4096, 'x');
  // Warm-up: connections and JIT.
  await Promise.all(clients.map((c, i) => c.send(new PutObjectCommand({ Bucket: bucket, Key: `warm-${i}`, Body: body }))));
  let ops = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        await c.send(new PutObjectCommand({ Bucket: bucket, Key: `k-${w}-${i % 500}`, Body: body }));
        ops++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  for (const c of clients) c.destroy();
  return ops / elapsed;
}

/** Worker-thread body (CommonJS eval): `clients` SDK clients PUT 4 KiB objects back to back until the deadline. */
const PUT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { S3Client, PutObjectCommand } = createRequire(workerData.root + '/package.json')('@aws-sdk/client-s3');
(async () => {
  const clients = Array.from({ length: workerData.clients }, () => new S3Client({
    endpoint: workerData.endpoint, region: 'eu-west-1', forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  }));
  const body = Buffer.alloc(4096, 'x');
  await Promise.all(clients.map((c, i) => c.send(new PutObjectCommand({ Bucket: workerData.bucket, Key: 'warm-' + workerData.id + '-' + i, Body: body }))));
  parentPort.postMessage({ ready: true });
  const start = await new Promise((r) => parentPort.once('message', r));
  let ops = 0;
  await Promise.all(clients.map(async (c, w) => {
    for (let i = 0; Date.now() < start.deadline; i++) {
      await c.send(new PutObjectCommand({ Bucket: workerData.bucket, Key: 'k-' + workerData.id + '-' + w + '-' + (i % 500), Body: body }));
      ops++;
    }
  }));
  for (const c of clients) c.destroy();
  parentPort.postMessage({ ops });
})();
`;

/** 16 SDK clients split over worker threads, so that one JS thread of client work is not the ceiling. */
async function putLoadThreads(endpoint: string, bucket: string, seconds: number, threads: number): Promise<number> {
  const workers = Array.from(
    { length: threads },
    (_, id) => new Worker(PUT_WORKER, { eval: true, workerData: { root, endpoint, bucket, clients: 16 / threads, id } }),
  );
  const next = (w: Worker) =>
    new Promise<{ ready?: boolean; ops?: number }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  await Promise.all(workers.map(next));
  const t0 = performance.now();
  const deadline = Date.now() + seconds * 1000;
  const done = workers.map(next);
  for (const w of workers) w.postMessage({ deadline });
  const results = await Promise.all(done);
  const elapsed = (performance.now() - t0) / 1000;
  await Promise.all(workers.map((w) => w.terminate()));
  return results.reduce((n, r) => n + (r.ops ?? 0), 0) / elapsed;
}

/** The same load from 16 keep-alive node:http connections: the server's capacity without SDK client cost. */
async function rawPutLoad(endpoint: string, bucket: string, seconds: number): Promise<number> {
  const { port } = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  // A SigV4-shaped header so that moto routes the request to S3 (the signature is not checked by either).
  const authorization = 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0';
  const put = (path: string, body: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'PUT', path, agent, headers: { 'content-length': body.length, authorization } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PUT ${path}: ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await put(`/${bucket}-raw`, Buffer.alloc(0));
  const body = Buffer.alloc(4096, 'x');
  let ops = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        await put(`/${bucket}-raw/k-${w}-${i % 500}`, body);
        ops++;
      }
    }),
  );
  agent.destroy();
  return ops / ((performance.now() - t0) / 1000);
}

async function startMoto(): Promise<{ child: ChildProcess; endpoint: string } | undefined> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const failed = new Promise<undefined>((r) => child.once('error', () => r(undefined)));
  const endpoint = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let i = 0; i < 300; i++) {
      try {
        await fetch(`${endpoint}/`);
        return { child, endpoint };
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return undefined;
  })();
  return Promise.race([ready, failed]);
}

async function putBenchmark(): Promise<void> {
  const seconds = quick ? 3 : 8;
  const sandbox = await spawnSandbox();
  const ours = await putLoad(sandbox.endpoint, 'bench-bucket', seconds);
  const oursThreads = await putLoadThreads(sandbox.endpoint, 'bench-bucket', seconds, 2);
  const oursRaw = await rawPutLoad(sandbox.endpoint, 'bench-bucket', seconds);
  await stop(sandbox.child);
  console.log(`PUT 4 KiB, 16 concurrent SDK clients, sandbox (temp data dir, no fsync): ${fmt(ours, 0)} ops/s`);
  console.log(`PUT 4 KiB, 16 concurrent SDK clients on 2 worker threads, sandbox (temp data dir): ${fmt(oursThreads, 0)} ops/s`);
  console.log(`PUT 4 KiB, 16 keep-alive node:http connections, sandbox (temp data dir): ${fmt(oursRaw, 0)} ops/s`);

  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-bench-'));
  const durable = await spawnSandbox(dataDir);
  const oursDurable = await putLoad(durable.endpoint, 'bench-bucket', seconds);
  await stop(durable.child);
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`PUT 4 KiB, 16 concurrent SDK clients, sandbox --data DIR (fsync per write): ${fmt(oursDurable, 0)} ops/s`);

  const figure = (peer?: number) =>
    emitFigure({
      id: 'sandbox.put-4k',
      name: 'sandbox PUT 4 KiB, 16 SDK clients, 1 thread',
      unit: 'ops/s',
      ours,
      ...(peer !== undefined ? { peer: { name: 'moto_server', value: peer } } : {}),
      better: 'higher',
      target: { ratio: 5 },
    });
  const moto = await startMoto();
  if (!moto) {
    console.log('PUT 4 KiB vs moto_server: skipped (moto_server not found or did not start)');
    figure();
    return;
  }
  try {
    const theirs = await putLoad(moto.endpoint, 'bench-bucket', seconds, 'eu-west-1');
    figure(theirs);
    const theirsThreads = await putLoadThreads(moto.endpoint, 'bench-bucket', seconds, 2);
    const theirsRaw = await rawPutLoad(moto.endpoint, 'bench-bucket', seconds);
    console.log(`PUT 4 KiB, 16 concurrent SDK clients, moto_server: ${fmt(theirs, 0)} ops/s`);
    console.log(`PUT 4 KiB, 16 concurrent SDK clients on 2 worker threads, moto_server: ${fmt(theirsThreads, 0)} ops/s`);
    console.log(`PUT 4 KiB, 16 keep-alive node:http connections, moto_server: ${fmt(theirsRaw, 0)} ops/s`);
    console.log(
      `ratio sandbox / moto, SDK clients: ${fmt(ours / theirs)}x (temp dir), ${fmt(oursDurable / theirs)}x (--data with fsync); ` +
        `SDK clients on 2 threads: ${fmt(oursThreads / theirsThreads)}x; node:http: ${fmt(oursRaw / theirsRaw)}x`,
    );
  } finally {
    await stop(moto.child);
  }
}

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

async function multipartBenchmark(): Promise<void> {
  const totalMiB = quick ? 256 : 1024;
  const sandbox = await spawnSandbox();
  const pid = sandbox.child.pid!;
  const s3 = client(sandbox.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: 'mpu-bench' }));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid, 'VmRSS'))), 50);
  const chunk = Buffer.alloc(1024 * 1024, 'm');
  const body = Readable.from(
    (function* () {
      for (let i = 0; i < totalMiB; i++) yield chunk;
    })(),
  );
  const t0 = performance.now();
  await new Upload({
    client: s3,
    params: { Bucket: 'mpu-bench', Key: 'big.bin', Body: body },
    partSize: 8 * 1024 * 1024,
    queueSize: 4,
  }).done();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const hwm = rssKb(pid, 'VmHWM');
  s3.destroy();
  await stop(sandbox.child);
  console.log(
    `multipart ${totalMiB} MiB via lib-storage (8 MiB parts, queue 4): ${fmt(totalMiB / seconds)} MiB/s, ` +
      `sandbox peak RSS ${fmt(Math.max(peak, hwm) / 1024, 0)} MB (VmHWM ${fmt(hwm / 1024, 0)} MB)`,
  );
}

if (process.argv[2] === '--child') {
  await childMain(process.argv[3]);
} else {
  // `--only put|multipart|start|rss` runs one part (for profiling); the default runs them all.
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  console.log(`bench-sandbox-s3 (${quick ? 'quick' : 'full'}), node ${process.version}`);
  if (!only || only === 'start') await startToReady();
  if (!only || only === 'rss') await idleRss();
  if (!only || only === 'put') await putBenchmark();
  if (!only || only === 'multipart') await multipartBenchmark();
}
