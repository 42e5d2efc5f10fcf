/**
 * Matching under AWS's timing (`--timing aws`, unscaled): how much latency s3trigger itself adds, from the
 * moment a log event is first available from the Logs API to the engine emitting the match, and the same
 * measure for the AWS CLI's own tails, side by side in one run. Prints figures, never asserts.
 *
 * One sandbox in this process (`startSandbox({ timing: { profile: 'aws' } })`, demo bucket and function),
 * `--puts` PUTs through an engine session with the live tail, then as many with `--poll`, fired at `--rate`
 * a second without waiting. Meanwhile `aws logs tail --follow` (CLI v2, polls FilterLogEvents every 5 s) and
 * `aws logs start-live-tail` (CLI v1 on PATH) print the group; each printed line is stamped on arrival.
 *
 * "Available" is when the Logs API could first hand the event to that client: its ingestionTime for
 * FilterLogEvents (the sandbox makes an event visible exactly then), and the live tail update that carries it
 * for StartLiveTail (updates go out on the second's boundaries, so that is the first boundary at or after the
 * ingestionTime). For s3trigger the event is the invocation's REPORT (a match is emitted once the invocation
 * is complete); for the CLIs, the demo handler's `Object:     <key>` line being printed.
 *
 *   npx tsx scripts/bench-matching.ts [--puts 100] [--rate 5] [--seed 1]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand, StartLiveTailCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { setupDemo } from '../src/sandbox/demo.js';
import { startSandbox } from '../src/sandbox/server.js';
import { LIVE_TAIL } from '../src/sandbox/timing/profile.js';
import { createSession } from '../src/session.js';
import type { OpState } from '../src/op-state.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const PUTS = flag('puts', 100);
const RATE = flag('rate', 5);
const SEED = flag('seed', 1);
const BUCKET = 'bench-matching';
const AWS_V2 = '/usr/bin/aws';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};
const ms = (x: number) => (Math.abs(x) >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
const summary = (xs: number[]) =>
  xs.length === 0
    ? 'no samples'
    : `p50 ${ms(quantile(xs, 0.5))}  p90 ${ms(quantile(xs, 0.9))}  p99 ${ms(quantile(xs, 0.99))}  max ${ms(Math.max(...xs))}  (n=${xs.length})`;

const keyOf = (phase: string, i: number) => `bench/${phase}-${String(i).padStart(3, '0')}.txt`;
const objectLine = (key: string) => `Object:     ${key}`;
/** The demo handler's `Object:     <key>` line -> the key; a REPORT line -> `REPORT <request id>`. */
function lineId(message: string): string | undefined {
  const object = /Object: {5}(\S+)/.exec(message);
  if (object) return object[1];
  const report = /^REPORT RequestId: (\S+)/.exec(message);
  return report ? `REPORT ${report[1]}` : undefined;
}

/** A child whose stdout lines are stamped (Date.now()) as they arrive. */
function stampedLines(child: ChildProcess): { lines: { at: number; text: string }[]; stderr: () => string } {
  const lines: { at: number; text: string }[] = [];
  let partial = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const at = Date.now();
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const text of parts) lines.push({ at, text });
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { lines, stderr: () => err };
}

const hasV2 = spawnSync(AWS_V2, ['--version'], { encoding: 'utf8' }).stdout?.startsWith('aws-cli/2.') ?? false;
const v1Version = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const hasV1 = /aws-cli\/1\./.test(`${v1Version.stdout}${v1Version.stderr}`);

const work = mkdtempSync(join(tmpdir(), 's3trigger-bench-matching-'));
writeFileSync(join(work, 'empty'), '');
writeFileSync(join(work, 'body.txt'), 'S3 events trigger demo file.\n');
const sandbox = await startSandbox({ port: 0, timing: { profile: 'aws', seed: SEED } });
const children: ChildProcess[] = [];
try {
  const { logGroup } = await setupDemo(sandbox, { bucket: BUCKET });
  const cliEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: sandbox.region,
    AWS_CONFIG_FILE: join(work, 'empty'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'empty'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    PYTHONUNBUFFERED: '1',
    // StartLiveTail's `stream-` host prefix cannot resolve for a custom endpoint (botocore reads this since 1.38).
    AWS_DISABLE_HOST_PREFIX_INJECTION: 'true',
  };
  const tails: { name: string; available: 'ingestion' | 'live-update'; out: ReturnType<typeof stampedLines> }[] = [];
  if (hasV2) {
    const child = spawn(AWS_V2, ['logs', 'tail', logGroup, '--follow', '--format', 'short', '--endpoint-url', sandbox.endpoint], {
      env: cliEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    tails.push({ name: 'aws logs tail --follow (v2, 5 s poll)', available: 'ingestion', out: stampedLines(child) });
  } else console.log(`skipped aws logs tail --follow: no AWS CLI v2 at ${AWS_V2}`);
  if (hasV1) {
    const child = spawn('aws', ['logs', 'start-live-tail', '--log-group-identifiers', logGroup, '--endpoint-url', sandbox.endpoint], {
      env: cliEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    tails.push({ name: 'aws logs start-live-tail (v1)', available: 'live-update', out: stampedLines(child) });
  } else console.log('skipped aws logs start-live-tail: no AWS CLI v1 on PATH');

  // A bare SDK live tail in this process: when an update actually reaches a client here (the transport's share).
  const reference = new CloudWatchLogsClient({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    disableHostPrefix: true,
  });
  const referenceAbort = new AbortController();
  const referenceSeen = new Map<string, number>(); // Object line -> key, REPORT -> `REPORT <request id>`: first arrival here
  const referenceTail = await reference.send(new StartLiveTailCommand({ logGroupIdentifiers: [logGroup] }), {
    abortSignal: referenceAbort.signal,
  });
  void (async () => {
    try {
      for await (const frame of referenceTail.responseStream!) {
        const at = Date.now();
        for (const r of frame.sessionUpdate?.sessionResults ?? []) {
          const id = lineId(r.message ?? '');
          if (id && !referenceSeen.has(id)) referenceSeen.set(id, at);
        }
      }
    } catch {
      // aborted at the end
    }
  })();

  const env = { AWS_CONFIG_FILE: join(work, 'empty'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'empty'), AWS_EC2_METADATA_DISABLED: 'true' };
  const matchedAt = new Map<string, number>();
  const triggerMs: Record<string, number[]> = { live: [], poll: [] };
  for (const phase of ['live', 'poll'] as const) {
    const session = await createSession({ endpointUrl: sandbox.endpoint, env, bucket: BUCKET, tailMode: phase, matchTimeoutMs: 120_000 });
    const keys = new Map<number, string>();
    session.on((e) => {
      if (e.type !== 'Matched') return;
      const key = keys.get(e.opId);
      if (!key || matchedAt.has(key)) return; // a duplicate delivery's invocation can match again
      matchedAt.set(key, Date.now());
      triggerMs[phase]!.push(e.latency.triggerMs ?? Number.NaN);
    });
    await session.selectBucket(BUCKET);
    await sleep(2000); // the tail connects (live) or starts its polling
    const started = Date.now();
    const settled: Promise<OpState>[] = [];
    for (let i = 0; i < PUTS; i++) {
      const key = keyOf(phase, i);
      const fired = session.fire({ kind: 'put', bucket: BUCKET, file: join(work, 'body.txt'), key });
      keys.set(fired.opId, key);
      settled.push(fired.settled);
      await sleep(Math.max(0, started + ((i + 1) * 1000) / RATE - Date.now()));
    }
    const states = await Promise.all(settled);
    const counts = new Map<string, number>();
    for (const s of states) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
    console.log(
      `${phase}: ${PUTS} PUTs in ${((Date.now() - started) / 1000).toFixed(1)} s: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}`,
    );
    await session.close();
  }
  await sleep(8000); // aws logs tail polls every 5 s
  for (const c of children) c.kill('SIGTERM');
  referenceAbort.abort();
  reference.destroy();

  // Every event's ingestionTime, read once everything has been ingested.
  const logs = new CloudWatchLogsClient({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: logGroup, ...(nextToken ? { nextToken } : {}) }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
    await sleep(250); // FilterLogEvents' quota
  } while (nextToken);
  logs.destroy();
  // Per key: the Object line's ingestionTime (what a tail prints) and the REPORT's of the same invocation (the
  // engine emits a match once the invocation is complete). A duplicate delivery prints the key again: the earliest counts.
  const ingestedAt = new Map<string, number>();
  const requestOf = new Map<string, string>();
  for (const e of events) {
    const id = lineId(e.message ?? '');
    if (!id) continue;
    if (!ingestedAt.has(id) || e.ingestionTime! < ingestedAt.get(id)!) {
      ingestedAt.set(id, e.ingestionTime!);
      if (!id.startsWith('REPORT ')) requestOf.set(id, (e.message ?? '').split('\t')[1] ?? '');
    }
  }
  const ingested = (key: string) => ingestedAt.get(key);
  const reportOf = (key: string) => `REPORT ${requestOf.get(key)}`;
  const completed = (key: string) => ingestedAt.get(reportOf(key));
  const interval = LIVE_TAIL.updateIntervalMs;
  const liveUpdate = (ingestionTime: number) => Math.ceil(ingestionTime / interval) * interval;

  const rows: [string, number[]][] = [];
  for (const phase of ['live', 'poll'] as const) {
    const added: number[] = [];
    for (let i = 0; i < PUTS; i++) {
      const key = keyOf(phase, i);
      const at = matchedAt.get(key);
      const ingestionTime = completed(key);
      if (at === undefined || ingestionTime === undefined) continue;
      added.push(at - (phase === 'live' ? liveUpdate(ingestionTime) : ingestionTime));
    }
    rows.push([phase === 'live' ? 's3trigger, live tail (REPORT update -> match)' : 's3trigger --poll (REPORT ingested -> match)', added]);
  }
  const transport: number[] = [];
  const afterReceipt: number[] = [];
  for (let i = 0; i < PUTS; i++) {
    const key = keyOf('live', i);
    const received = referenceSeen.get(reportOf(key));
    const ingestionTime = completed(key);
    if (received === undefined || ingestionTime === undefined) continue;
    transport.push(received - liveUpdate(ingestionTime));
    const at = matchedAt.get(key);
    if (at !== undefined) afterReceipt.push(at - received);
  }
  rows.push(['  of which: update -> a bare SDK client here receives it', transport]);
  rows.push(['  and: that SDK client received it -> s3trigger match', afterReceipt]);
  for (const tail of tails) {
    const lag: number[] = [];
    for (const phase of ['live', 'poll']) {
      for (let i = 0; i < PUTS; i++) {
        const key = keyOf(phase, i);
        const ingestionTime = ingested(key);
        const line = tail.out.lines.find((l) => l.text.includes(objectLine(key)));
        if (!line || ingestionTime === undefined) continue;
        lag.push(line.at - (tail.available === 'live-update' ? liveUpdate(ingestionTime) : ingestionTime));
      }
    }
    if (lag.length === 0)
      console.log(`${tail.name}: printed no line; stderr: ${tail.out.stderr().trim().split('\n').slice(-2).join(' / ')}`);
    rows.push([`${tail.name} (Object line ${tail.available === 'live-update' ? 'update' : 'ingested'} -> printed)`, lag]);
  }

  const delivery = [...triggerMs.live!, ...triggerMs.poll!].filter(Number.isFinite);
  console.log(`\nS3 -> Lambda START (trigger latency, --timing aws, seed ${SEED}): ${summary(delivery)}`);
  console.log('\nFrom available in the Logs API to the match / the printed line:');
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, xs] of rows) console.log(`  ${name.padEnd(width)}  ${summary(xs)}`);
  const base = rows[0]![1];
  if (base.length > 0) {
    console.log('\nMedians against s3trigger with the live tail:');
    for (const [name, xs] of rows.slice(1))
      if (xs.length > 0 && !name.startsWith(' '))
        console.log(`  ${name.padEnd(width)}  ${(quantile(xs, 0.5) / Math.max(0.1, quantile(base, 0.5))).toFixed(1)}x`);
  }
} finally {
  for (const c of children) c.kill('SIGKILL');
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
}
