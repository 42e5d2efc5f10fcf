/**
 * Memory of the sandbox's Logs store under a log flood: RSS and V8 heap (after a full GC) before the
 * flood, after it, and after a restart on the same data dir (journal replay). The flood is PutLogEvents
 * over HTTP in batches of 10,000 lines of about 60 bytes, as a handler printing in a loop produces.
 *
 *   node --expose-gc --import tsx scripts/measure-logs-memory.ts [lines=100000] [logsMaxMb]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startSandbox, type SandboxOptions } from '../src/sandbox/server.js';

const lines = Number(process.argv[2] ?? 100_000);
const maxMb = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
function sample(label: string): void {
  gc!();
  const m = process.memoryUsage();
  console.log(`${label.padEnd(28)} rss ${mb(m.rss).padStart(8)}  heap ${mb(m.heapUsed).padStart(8)}`);
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
  sample('sandbox up');
  const started = Date.now();
  for (let sent = 0; sent < lines; ) {
    const n = Math.min(10_000, lines - sent);
    const now = Date.now();
    const logEvents = Array.from({ length: n }, (_, i) => ({
      timestamp: now,
      message: `flood line ${String(sent + i).padStart(9, '0')} of the handler's loop, key k`,
    }));
    await logs.send(new PutLogEventsCommand({ logGroupName: '/aws/lambda/flood', logStreamName: 's', logEvents }));
    sent += n;
  }
  sample(`after ${lines} lines`);
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
