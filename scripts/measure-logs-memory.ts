/**
 * Memory of the sandbox's Logs store under a log flood: RSS and V8 heap (after a full GC) before the
 * flood, after it, and after a restart on the same data dir (journal replay). The flood is PutLogEvents
 * over HTTP in batches of 10,000 lines of about 60 bytes, as a handler printing in a loop produces.
 *
 * Figures for `npm run bench` (the sandbox runs in this process, so RSS is this process's, after a full GC):
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
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startSandbox, type SandboxOptions } from '../src/sandbox/server.js';
import { emitFigure } from './bench/figures.js';

const lines = Number(process.argv[2] ?? 100_000);
const maxMb = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
/** Prints RSS and heap after a full GC; returns RSS in MiB. */
function sample(label: string): number {
  gc!();
  const m = process.memoryUsage();
  console.log(
    `${label.padEnd(28)} rss ${mb(m.rss).padStart(8)}  heap ${mb(m.heapUsed).padStart(8)} of ${mb(m.heapTotal).padStart(8)}  external ${mb(m.external).padStart(6)} (array buffers ${mb(m.arrayBuffers)})`,
  );
  return m.rss / 1048576;
}

const dataDir = mkdtempSync(join(tmpdir(), 'logs-memory-'));
const options = { port: 0, dataDir, ...(maxMb !== undefined && { logsMaxMb: maxMb }) } as SandboxOptions;
try {
  sample('start');
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined = await startSandbox(options);
  const client = () =>
    new CloudWatchLogsClient({
      endpoint: sandbox!.endpoint,
      region: sandbox!.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  const logs = client();
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/flood' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: '/aws/lambda/flood', logStreamName: 's' }));
  const before = sample('sandbox up');
  let halfway: number | undefined;
  const started = Date.now();
  for (let sent = 0; sent < lines; ) {
    if (halfway === undefined && sent >= lines / 2) halfway = sample(`after ${sent} lines`);
    const n = Math.min(10_000, lines - sent);
    const now = Date.now();
    const logEvents = Array.from({ length: n }, (_, i) => ({
      timestamp: now,
      message: `flood line ${String(sent + i).padStart(9, '0')} of the handler's loop, key k`,
    }));
    await logs.send(new PutLogEventsCommand({ logGroupName: '/aws/lambda/flood', logStreamName: 's', logEvents }));
    sent += n;
  }
  const after = sample(`after ${lines} lines`);
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
  await sandbox.close();
  sandbox = undefined;
  sample('closed');
  const t0 = Date.now();
  sandbox = await startSandbox(options);
  console.log(
    `restart (replay) took ${((Date.now() - t0) / 1000).toFixed(1)} s; journal ${mb(statSync(join(dataDir, 'logs', 'journal.ndjson')).size)}`,
  );
  sample('restarted');
  await sandbox.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
