/**
 * Live tail latency of the sandbox, two figures:
 *  1. S3 PUT ack -> the START line of the invocation it caused, delivered to an open StartLiveTail
 *     session (whole sandbox: S3 + Lambda + Logs, demo function warm), one PUT at a time.
 *  2. Logs alone: LogsSink.append -> the sessionUpdate carrying it at the SDK client.
 *
 *   npx tsx scripts/bench-livetail.ts [puts=200]
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  StartLiveTailCommand,
  type LiveTailSessionLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { setupDemo } from '../src/sandbox/demo.js';
import { startSandbox } from '../src/sandbox/server.js';

const count = Number(process.argv[2] ?? 200);
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const fmt = (xs: number[]) =>
  `p50 ${quantile(xs, 0.5).toFixed(2)} ms  p90 ${quantile(xs, 0.9).toFixed(2)} ms  p99 ${quantile(xs, 0.99).toFixed(2)} ms  ` +
  `min ${Math.min(...xs).toFixed(2)}  max ${Math.max(...xs).toFixed(2)}  (n=${xs.length})`;

/** Reads a live tail session in the background; `next(predicate)` resolves with the arrival time of a matching event. */
function tailReader(stream: AsyncIterable<{ sessionUpdate?: { sessionResults?: LiveTailSessionLogEvent[] } }>) {
  const seen: { at: number; event: LiveTailSessionLogEvent }[] = [];
  let wake: (() => void) | undefined;
  void (async () => {
    try {
      for await (const frame of stream) {
        const at = performance.now();
        for (const event of frame.sessionUpdate?.sessionResults ?? []) seen.push({ at, event });
        wake?.();
      }
    } catch {
      // aborted at the end of the run
    }
  })();
  return async (predicate: (e: LiveTailSessionLogEvent) => boolean, timeoutMs = 10_000): Promise<number> => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const i = seen.findIndex((s) => predicate(s.event));
      if (i >= 0) return seen.splice(0, i + 1)[i]!.at;
      if (performance.now() > deadline) throw new Error('timed out waiting for a live tail event');
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
}

const sb = await startSandbox({ port: 0 });
const s3 = new S3Client({ endpoint: sb.endpoint, region: sb.region, credentials, forcePathStyle: true });
const logs = new CloudWatchLogsClient({ endpoint: sb.endpoint, region: sb.region, credentials, disableHostPrefix: true });
const abort = new AbortController();
try {
  const bucket = 'bench-livetail';
  const { logGroup } = await setupDemo(sb, { bucket });

  // A first PUT creates the log group (and warms the environment) before the session opens.
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'warmup', Body: 'x' }));
  for (let i = 0; i < 200; i++) {
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroup }));
    if (groups.logGroups?.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const session = await logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [logGroup] }), { abortSignal: abort.signal });
  const next = tailReader(session.responseStream!);

  const endToEnd: number[] = [];
  const putAck: number[] = [];
  for (let i = 0; i < count + 5; i++) {
    const t0 = performance.now();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `obj-${i}`, Body: `body ${i}` }));
    const acked = performance.now();
    const started = await next((e) => e.message?.startsWith('START RequestId:') ?? false);
    // Wait for this invocation's REPORT so the next PUT finds the same warm environment.
    await next((e) => e.message?.startsWith('REPORT RequestId:') ?? false);
    if (i < 5) continue; // warm-up rounds
    putAck.push(acked - t0);
    endToEnd.push(started - acked);
  }

  const appendToClient: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    sb.context.logs.append(logGroup, 'bench-stream', [{ timestamp: Date.now(), message: `bench ${i}` }]);
    const at = await next((e) => e.message === `bench ${i}`);
    appendToClient.push(at - t0);
  }

  console.log(`S3 PUT ack -> START line at the StartLiveTail client (warm demo function, ${count} PUTs)`);
  console.log(`  ${fmt(endToEnd)}`);
  console.log(`S3 PUT round trip (send -> ack), same PUTs`);
  console.log(`  ${fmt(putAck)}`);
  console.log(`LogsSink.append -> sessionUpdate at the StartLiveTail client (${count} appends)`);
  console.log(`  ${fmt(appendToClient)}`);
} finally {
  abort.abort();
  s3.destroy();
  logs.destroy();
  await sb.close();
}
