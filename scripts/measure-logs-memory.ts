/**
 * Memory of the sandbox's Logs store under a log flood: RSS and V8 heap (after a full GC) before the
 * flood, after it, and after a restart on the same data dir (journal replay). The flood is PutLogEvents
 * over HTTP in batches of 10,000 lines of about 60 bytes, as a handler printing in a loop produces.
 *
 * The sandbox runs in a child process (this script with --sandbox-child, over IPC), so its RSS is the sandbox's alone:
 * the flooding client (the SDK building 1 MB request bodies) stays in this process.
 *
 * Figures for `npm run bench` (RSS of the sandbox's process after full GCs and 0.6 s for V8 to unmap the pages they
 * freed: read at once, RSS varied by up to 150 MB between runs on a loaded machine):
 *  - logs.flood-rss: RSS after the flood vs before it (peer "before the flood"). With a cap of M MiB the store may
 *    legitimately hold M MiB of events, so "flat" means growth bounded by the cap, not by the lines sent: the target
 *    is a ratio of 1.5, i.e. about +64 MiB on a ~130 MiB baseline with `--logs-max-mb 64`. Without a cap 1 M lines
 *    grow by ~230 MB (issue #16: ~23 MB per 100k lines), about 2.8x.
 *  - logs.flood-rss-flat: RSS after the flood vs halfway through it. Each line costs its message plus 128 bytes
 *    against the cap (store.ts), so 64 MiB is reached after ~350k lines: the second half only replaces events, and
 *    RSS should stay within 10% (target ratio 1.1).
 *
 *   node --expose-gc --import tsx scripts/measure-logs-memory.ts [lines=100000] [logsMaxMb]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { emitFigure } from './bench/figures.js';

/** What the parent asks the sandbox's process: start (or restart) it, sample its memory, close it. */
type Request = { op: 'start'; dataDir: string; maxMb?: number } | { op: 'sample' } | { op: 'close' };
type Reply = { endpoint: string; region: string } | { memory: NodeJS.MemoryUsage } | { closed: true };

if (process.argv.includes('--sandbox-child')) await runChild();
else await runFlood();

/** The sandbox's process: answers the parent's requests in order, one at a time. */
async function runChild(): Promise<void> {
  const { startSandbox } = await import('../src/sandbox/server.js');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
  const reply = (r: Reply) => process.send!(r);
  process.on('message', async (req: Request) => {
    if (req.op === 'start') {
      sandbox = await startSandbox({ port: 0, dataDir: req.dataDir, ...(req.maxMb !== undefined && { logsMaxMb: req.maxMb }) });
      reply({ endpoint: sandbox.endpoint, region: sandbox.region });
    } else if (req.op === 'sample') {
      // V8 hands freed pages back to the system from background threads after a GC: RSS is read once they have.
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      reply({ memory: process.memoryUsage() });
    } else {
      await sandbox?.close();
      sandbox = undefined;
      reply({ closed: true });
    }
  });
  process.send!({ ready: true });
}

async function runFlood(): Promise<void> {
  const lines = Number(process.argv[2] ?? 100_000);
  const maxMb = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const child = fork(fileURLToPath(import.meta.url), ['--sandbox-child'], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((resolve) => child.once('message', resolve));
  const ask = <R extends Reply>(req: Request) =>
    new Promise<R>((resolve, reject) => {
      child.once('message', (r) => resolve(r as R));
      child.once('exit', (code) => reject(new Error(`the sandbox's process exited (${code})`)));
      child.send(req);
    });
  /** Prints the sandbox process's RSS and heap after a full GC; returns RSS in MiB. */
  const sample = async (label: string): Promise<number> => {
    const { memory: m } = await ask<{ memory: NodeJS.MemoryUsage }>({ op: 'sample' });
    console.log(
      `${label.padEnd(28)} rss ${mb(m.rss).padStart(8)}  heap ${mb(m.heapUsed).padStart(8)} of ${mb(m.heapTotal).padStart(8)}  external ${mb(m.external).padStart(6)}`,
    );
    return m.rss / 1048576;
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'logs-memory-'));
  try {
    await flood(ask, sample, dataDir, lines, maxMb);
  } finally {
    child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function flood(
  ask: <R extends Reply>(req: Request) => Promise<R>,
  sample: (label: string) => Promise<number>,
  dataDir: string,
  lines: number,
  maxMb: number | undefined,
): Promise<void> {
  const start = { op: 'start' as const, dataDir, ...(maxMb !== undefined && { maxMb }) };
  await sample('start');
  const sandbox = await ask<{ endpoint: string; region: string }>(start);
  const logs = new CloudWatchLogsClient({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/flood' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: '/aws/lambda/flood', logStreamName: 's' }));
  const before = await sample('sandbox up');
  let halfway: number | undefined;
  const started = Date.now();
  for (let sent = 0; sent < lines; ) {
    if (halfway === undefined && sent >= lines / 2) halfway = await sample(`after ${sent} lines`);
    const n = Math.min(10_000, lines - sent);
    const now = Date.now();
    const logEvents = Array.from({ length: n }, (_, i) => ({
      timestamp: now,
      message: `flood line ${String(sent + i).padStart(9, '0')} of the handler's loop, key k`,
    }));
    await logs.send(new PutLogEventsCommand({ logGroupName: '/aws/lambda/flood', logStreamName: 's', logEvents }));
    sent += n;
  }
  const after = await sample(`after ${lines} lines`);
  const cap = maxMb === undefined ? 'default cap' : `--logs-max-mb ${maxMb}`;
  const label = `${lines >= 1e6 ? `${lines / 1e6} M` : lines} lines`;
  emitFigure({
    id: 'logs.flood-rss',
    name: `sandbox RSS after a ${label} log flood (${cap})`,
    unit: 'MiB',
    ours: after,
    peer: { name: 'before the flood', value: before },
    better: 'lower',
    target: { ratio: 1.5 },
  });
  if (halfway !== undefined)
    emitFigure({
      id: 'logs.flood-rss-flat',
      name: `sandbox RSS, 2nd half of the flood (${cap})`,
      unit: 'MiB',
      ours: after,
      peer: { name: 'halfway', value: halfway },
      better: 'lower',
      target: { ratio: 1.1 },
    });
  console.log(
    `flood took ${((Date.now() - started) / 1000).toFixed(1)} s; journal ${mb(statSync(join(dataDir, 'logs', 'journal.ndjson')).size)}`,
  );
  logs.destroy();
  await ask({ op: 'close' });
  await sample('closed');
  const t0 = Date.now();
  await ask(start);
  console.log(
    `restart (replay) took ${((Date.now() - t0) / 1000).toFixed(1)} s; journal ${mb(statSync(join(dataDir, 'logs', 'journal.ndjson')).size)}`,
  );
  await sample('restarted');
  await ask({ op: 'close' });
}

function mb(n: number): string {
  return `${(n / 1048576).toFixed(0)} MB`;
}
