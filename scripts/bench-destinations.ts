/**
 * S3 event destinations on the sandbox (issue #10, "Performance"). Prints figures; asserts nothing.
 *   npx tsx scripts/bench-destinations.ts [--quick]
 * 1. S3 PUT ack -> Lambda START of `event-handler`, per route: direct, SNS, SQS (event source mapping, batch size 10,
 *    window 0) and EventBridge, each the `--via` demo topology on its own in-process sandbox (instant timing):
 *    p50 / p99 / max over N PUTs (200; 50 with --quick), one PUT in flight, 8 in flight (the first burst may start
 *    new execution environments) and 8 in flight again (the environments now warm), beside the targets
 *    (p50 <= 20 ms, p99 <= 100 ms) and AWS's published S3 -> Lambda p50 of 1.3 s (TriggerBench). The ack is when the
 *    SDK's PutObject resolves; START is the timestamp of the invocation's START line (FilterLogEvents), joined to
 *    the PUT through the key the handler logs under that request id. Both are this machine's Date.now() (1 ms).
 *    The client shares the sandbox's event loop, so START can come before the ack (negative figures); also printed:
 *    PUT sent -> START, and the cold starts (REPORT with Init Duration) among the measured invocations.
 * 2. 1,000 PUTs (200 with --quick), 8 in flight, through SQS (batch size 10, window 0): how many keys the function
 *    logged once, never (lost) or more than once (duplicated); invocations and mean batch; the time to drain.
 * 3. SQS SendMessage + ReceiveMessage + DeleteMessage round trips/s with @aws-sdk/client-sqs, one client and 8
 *    clients (a queue each): sandbox (child process) vs moto_server in the same run, and the ratio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DemoVia } from '../src/cli-flags.js';
import { setupDemo } from '../src/sandbox/demo.js';
import { viaResourceName } from '../src/sandbox/demo-via.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { hasMoto, startMoto } from '../test/observe/helpers.js';

const quick = process.argv.includes('--quick');
const here = fileURLToPath(import.meta.url);
const N = quick ? 50 : 200;
const FLOOD = quick ? 200 : 1000;
const IN_FLIGHT = 8;
const BUCKET = 'bench-destinations';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};
const ms = (x: number) => (Math.abs(x) >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** What the function's log says: START time per request id, and the request ids whose handler printed each key. */
interface FunctionLog {
  startAt: Map<string, number>;
  reportAt: Map<string, number>;
  /** Request ids whose REPORT carries an Init Duration: a new execution environment (cold start). */
  cold: Set<string>;
  keyRequests: Map<string, string[]>;
}

/** Every START, REPORT and `Object:     <key>` line of the group, through FilterLogEvents (all pages). */
async function readFunctionLog(logs: CloudWatchLogsClient, logGroupName: string): Promise<FunctionLog> {
  const out: FunctionLog = { startAt: new Map(), reportAt: new Map(), cold: new Set(), keyRequests: new Map() };
  let nextToken: string | undefined;
  do {
    const page = await logs.send(
      new FilterLogEventsCommand({ logGroupName, filterPattern: '?"START RequestId" ?"REPORT RequestId" ?"Object:     "', nextToken }),
    );
    for (const e of page.events ?? []) {
      const message = e.message ?? '';
      const marker = /^(START|REPORT) RequestId: (\S+)/.exec(message);
      if (marker) (marker[1] === 'START' ? out.startAt : out.reportAt).set(marker[2]!, e.timestamp!);
      if (marker?.[1] === 'REPORT' && message.includes('Init Duration:')) out.cold.add(marker[2]!);
      // Node's console line: `<ISO>\t<request id>\tINFO\t<message>`.
      const printed = /^[^\t]*\t(\S+)\tINFO\t.*Object: {5}(\S+)/.exec(message);
      if (printed) out.keyRequests.set(printed[2]!, [...(out.keyRequests.get(printed[2]!) ?? []), printed[1]!]);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

/** Polls the log until every key is printed, or nothing new came for `quietMs`; returns the last read. */
async function waitForKeys(logs: CloudWatchLogsClient, group: string, keys: string[], quietMs = 10_000): Promise<FunctionLog> {
  let seen = -1;
  let changedAt = Date.now();
  for (;;) {
    const log = await readFunctionLog(logs, group);
    const count = keys.filter((k) => log.keyRequests.has(k)).length;
    if (count === keys.length) return log;
    if (count !== seen) [seen, changedAt] = [count, Date.now()];
    else if (Date.now() - changedAt > quietMs) return log;
    await sleep(100);
  }
}

interface Route {
  sandbox: Sandbox;
  s3: S3Client;
  logs: CloudWatchLogsClient;
  group: string;
  /** The sandbox's own log lines about failed or dropped deliveries. */
  problems: string[];
  close(): Promise<void>;
}

/** A sandbox with the `--via` demo topology (SQS: window set to 0, batch size 10), warmed with 2 x 8 PUTs. */
async function openRoute(via: DemoVia): Promise<Route> {
  const problems: string[] = [];
  const sandbox = await startSandbox({ port: 0, log: (l) => /drop|fail|error|paused/i.test(l) && problems.push(l) });
  const setup = await setupDemo(sandbox, { bucket: BUCKET, via });
  const config = { endpoint: sandbox.endpoint, region: sandbox.region, credentials };
  if (via === 'sqs') {
    const lambda = new LambdaClient(config);
    const { EventSourceMappings } = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: setup.functionName }));
    const uuid = EventSourceMappings!.find((m) => m.EventSourceArn?.endsWith(`:${viaResourceName(BUCKET)}`))!.UUID!;
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 10, MaximumBatchingWindowInSeconds: 0 }));
    lambda.destroy();
  }
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const logs = new CloudWatchLogsClient(config);
  const route: Route = {
    sandbox,
    s3,
    logs,
    group: setup.logGroup,
    problems,
    async close() {
      s3.destroy();
      logs.destroy();
      await sandbox.close();
    },
  };
  for (let round = 0; round < 2; round++) {
    const keys = Array.from({ length: IN_FLIGHT }, (_, i) => `warm/${round}-${i}.txt`);
    await putAll(route, keys, IN_FLIGHT);
    await waitForKeys(logs, route.group, keys);
  }
  return route;
}

/** PUTs the keys, `inFlight` at a time; each key's ack time (Date.now() when PutObject resolved) and send time. */
async function putAll(route: Route, keys: string[], inFlight: number): Promise<{ acks: Map<string, number>; sent: Map<string, number> }> {
  const acks = new Map<string, number>();
  const sent = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        sent.set(key, Date.now());
        await route.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `bench ${key}\n` }));
        acks.set(key, Date.now());
      }
    }),
  );
  return { acks, sent };
}

/** Part 1: ack -> START for one route, sequential then 8 in flight. */
async function latency(via: DemoVia): Promise<void> {
  const route = await openRoute(via);
  try {
    const phases = [
      { inFlight: 1, name: '1 in flight' },
      { inFlight: IN_FLIGHT, name: `${IN_FLIGHT} in flight` },
      { inFlight: IN_FLIGHT, name: `${IN_FLIGHT} in flight again` },
    ];
    for (const [phase, { inFlight, name }] of phases.entries()) {
      const keys = Array.from({ length: N }, (_, i) => `lat/${phase}-${String(i).padStart(4, '0')}.txt`);
      const { acks, sent } = await putAll(route, keys, inFlight);
      const log = await waitForKeys(route.logs, route.group, keys);
      const deltas: number[] = [];
      const fromSent: number[] = [];
      const cold = new Set<string>();
      let missing = 0;
      for (const key of keys) {
        const requestId = log.keyRequests.get(key)?.[0] ?? '';
        const start = log.startAt.get(requestId);
        if (start === undefined) missing++;
        else {
          deltas.push(start - acks.get(key)!);
          fromSent.push(start - sent.get(key)!);
        }
        if (log.cold.has(requestId)) cold.add(requestId);
      }
      const label = `${via.padEnd(11)} ${name.padEnd(17)}`;
      if (!deltas.length) {
        console.log(`  ${label} no START found for any of ${N} PUTs`);
        continue;
      }
      const p50 = quantile(deltas, 0.5);
      const p99 = quantile(deltas, 0.99);
      console.log(
        `  ${label} p50 ${ms(p50).padStart(6)} ${p50 <= 20 ? '(ok) ' : '(MISS)'}  p99 ${ms(p99).padStart(6)} ${p99 <= 100 ? '(ok) ' : '(MISS)'}` +
          `  max ${ms(Math.max(...deltas)).padStart(6)}  min ${ms(Math.min(...deltas))}  n=${deltas.length}` +
          `${missing ? `  MISSING ${missing}` : ''}  AWS p50 / ours: ${p50 >= 1 ? `${fmt(1300 / p50, 0)}x` : 'START before ack'};` +
          `  sent -> START p50 ${ms(quantile(fromSent, 0.5))} p99 ${ms(quantile(fromSent, 0.99))}; cold starts ${cold.size}`,
      );
    }
    if (route.problems.length)
      console.log(`  ${via}: sandbox logged ${route.problems.length} problem line(s), first: ${route.problems[0]}`);
  } finally {
    await route.close();
  }
}

/** Part 2: FLOOD PUTs through SQS; each key counted in the function's log. */
async function flood(): Promise<void> {
  const route = await openRoute('sqs');
  try {
    const keys = Array.from({ length: FLOOD }, (_, i) => `flood/${String(i).padStart(5, '0')}.txt`);
    const t0 = Date.now();
    const { acks } = await putAll(route, keys, IN_FLIGHT);
    const lastAck = Math.max(...acks.values());
    let log = await waitForKeys(route.logs, route.group, keys);
    // Late redeliveries (a visibility timeout running out) would come after the last first delivery.
    await sleep(quick ? 2000 : 5000);
    log = await readFunctionLog(route.logs, route.group);
    const sqs = new SQSClient({ endpoint: route.sandbox.endpoint, region: route.sandbox.region, credentials });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: viaResourceName(BUCKET) }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    sqs.destroy();
    const counts = keys.map((k) => log.keyRequests.get(k)?.length ?? 0);
    const once = counts.filter((c) => c === 1).length;
    const lost = keys.filter((_, i) => counts[i] === 0);
    const duplicated = keys.filter((_, i) => counts[i]! > 1);
    const requests = new Set(keys.flatMap((k) => log.keyRequests.get(k) ?? []));
    const lastReport = Math.max(...[...requests].map((r) => log.reportAt.get(r) ?? 0));
    console.log(
      `  ${FLOOD} PUTs (${IN_FLIGHT} in flight, ${ms(lastAck - t0)} to send): delivered once ${once}, lost ${lost.length}, ` +
        `duplicated ${duplicated.length}; ${requests.size} invocations (mean batch ${fmt(FLOOD / Math.max(requests.size, 1))})`,
    );
    if (lost.length) console.log(`  lost keys (first 5): ${lost.slice(0, 5).join(', ')}`);
    if (duplicated.length) {
      console.log(
        `  duplicated keys (first 5): ${duplicated
          .slice(0, 5)
          .map((k) => `${k} x${log.keyRequests.get(k)!.length}`)
          .join(', ')}`,
      );
    }
    console.log(
      `  drain: last invocation's REPORT ${ms(lastReport - lastAck)} after the last PUT ack, ${ms(lastReport - t0)} after the first PUT ` +
        `(${fmt(FLOOD / ((lastReport - t0) / 1000), 0)} ops/s end to end); queue afterwards: ` +
        `${Attributes?.ApproximateNumberOfMessages} visible, ${Attributes?.ApproximateNumberOfMessagesNotVisible} in flight`,
    );
    if (route.problems.length) console.log(`  sandbox logged ${route.problems.length} problem line(s), first: ${route.problems[0]}`);
  } finally {
    await route.close();
  }
}

/** Child mode: a sandbox in this process; prints its endpoint. */
async function childMain(): Promise<void> {
  const sandbox = await startSandbox({ port: 0 });
  process.once('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
  process.stdout.write(`${sandbox.endpoint}\n`);
}

async function spawnSandbox(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', here, '--child'], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.once('exit', () => child.kill('SIGKILL'));
  const endpoint = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox child exited ${code}`)));
  });
  return { child, endpoint };
}

/** `clients` SDK clients, each on its own queue, doing send + receive + delete back to back; round trips/s. */
async function sqsRoundTrips(endpoint: string, clients: number, seconds: number): Promise<{ perSecond: number; empty: number }> {
  const sqsClients = Array.from({ length: clients }, () => new SQSClient({ endpoint, region: 'eu-west-1', credentials }));
  const urls = await Promise.all(
    sqsClients.map(async (c, i) => (await c.send(new CreateQueueCommand({ QueueName: `bench-rt-${clients}-${i}` }))).QueueUrl!),
  );
  let trips = 0;
  let empty = 0;
  const trip = async (c: SQSClient, QueueUrl: string) => {
    await c.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(256) }));
    const got = await c.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
    const m = got.Messages?.[0];
    if (!m) return void empty++;
    await c.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    trips++;
  };
  await Promise.all(sqsClients.map((c, i) => trip(c, urls[i]!))); // warm-up: connections and JIT
  trips = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    sqsClients.map(async (c, i) => {
      while (performance.now() < deadline) await trip(c, urls[i]!);
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  for (const c of sqsClients) c.destroy();
  return { perSecond: trips / elapsed, empty };
}

async function roundTripBenchmark(): Promise<void> {
  const seconds = quick ? 3 : 8;
  const stop = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const sandbox = await spawnSandbox();
  const ours = [await sqsRoundTrips(sandbox.endpoint, 1, seconds), await sqsRoundTrips(sandbox.endpoint, IN_FLIGHT, seconds)];
  await stop(sandbox.child);
  const describe = (r: { perSecond: number; empty: number }) =>
    `${fmt(r.perSecond, 0)} round trips/s${r.empty ? ` (${r.empty} empty receives)` : ''}`;
  console.log(`  sandbox (child process), 1 client: ${describe(ours[0]!)}; ${IN_FLIGHT} clients: ${describe(ours[1]!)}`);
  if (!hasMoto) {
    console.log('  moto_server: skipped (not found on PATH)');
    return;
  }
  const moto = await startMoto();
  try {
    const theirs = [await sqsRoundTrips(moto.endpoint, 1, seconds), await sqsRoundTrips(moto.endpoint, IN_FLIGHT, seconds)];
    console.log(`  moto_server,              1 client: ${describe(theirs[0]!)}; ${IN_FLIGHT} clients: ${describe(theirs[1]!)}`);
    console.log(
      `  ratio sandbox / moto: ${fmt(ours[0]!.perSecond / theirs[0]!.perSecond)}x (1 client), ` +
        `${fmt(ours[1]!.perSecond / theirs[1]!.perSecond)}x (${IN_FLIGHT} clients)`,
    );
  } finally {
    moto.stop();
  }
}

if (process.argv[2] === '--child') {
  await childMain();
} else {
  console.log(`bench-destinations (${quick ? 'quick' : 'full'}), node ${process.version}`);
  console.log(
    `1. S3 PUT ack -> Lambda START (event-handler), in-process sandbox, instant timing, ${N} PUTs each; ` +
      "both clocks this machine's Date.now(); targets p50 <= 20 ms, p99 <= 100 ms; AWS S3 -> Lambda p50 1.3 s (TriggerBench)",
  );
  for (const via of ['direct', 'sns', 'sqs', 'eventbridge'] as const) await latency(via);
  console.log(`2. ${FLOOD} PUTs through SQS (event source mapping, batch size 10, window 0)`);
  await flood();
  console.log('3. SQS SendMessage + ReceiveMessage + DeleteMessage, @aws-sdk/client-sqs, 256-byte bodies');
  await roundTripBenchmark();
}
