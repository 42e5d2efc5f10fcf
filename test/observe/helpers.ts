/** Shared by the observe integration tests: a sandbox, moto_server, Lambda-format log writers, a fault proxy. */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import type { TimingOptions } from '../../src/sandbox/timing/profile.js';
import type { OpResult } from '../../src/ops/types.js';
import type { ObserveEvent, Observer } from '../../src/observe/observer.js';

/** moto_server (a Python emulator: no live tail, its own ids in event records) is on PATH. */
export const hasMoto = spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;

/** Starts moto_server on a free port; stop() ends it. */
export async function startMoto(): Promise<{ endpoint: string; stop(): void }> {
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`moto_server did not start: ${seen}`)), 20_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => reject(new Error(`moto_server exited: ${seen}`)));
  });
  return { endpoint, stop: () => child.kill() };
}

/**
 * The sandbox timing the engine's end-to-end tests run under: instant by default; AWS's, scaled to 1/100 with a
 * fixed seed, when S3TRIGGER_TEST_TIMING=aws (test/observe/timed.test.ts runs them so).
 */
export const TEST_TIMING: TimingOptions | undefined =
  process.env.S3TRIGGER_TEST_TIMING === 'aws'
    ? { profile: 'aws', scale: 0.01, seed: Number(process.env.S3TRIGGER_TEST_SEED ?? 11) }
    : undefined;

/** `{ timing }` for startSandbox / createSession when the tests run under a timing profile; empty otherwise. */
export const testTiming = (): { timing?: TimingOptions } => (TEST_TIMING ? { timing: TEST_TIMING } : {});

export async function sandbox(): Promise<Sandbox> {
  return startSandbox({ port: 0, ...testTiming() });
}

export function logsClient(endpoint: string, region: string, extra: { maxAttempts?: number } = {}): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    disableHostPrefix: true,
    ...extra,
  });
}

export async function createGroup(logs: CloudWatchLogsClient, group: string, streams: string[]): Promise<void> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  for (const s of streams) await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));
}

export async function put(
  logs: CloudWatchLogsClient,
  group: string,
  stream: string,
  events: { timestamp: number; message: string }[],
): Promise<void> {
  await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events }));
}

export const report = (id: string, durationMs = 12.5, initMs?: number) =>
  `REPORT RequestId: ${id}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\t` +
  (initMs !== undefined ? `Init Duration: ${initMs.toFixed(2)} ms\t` : '') +
  '\n';

/** The messages of one invocation in the classic text format: START, the handler's lines, END, REPORT. */
export function invocationMessages(id: string, body: string[], initMs?: number): string[] {
  return [`START RequestId: ${id} Version: $LATEST\n`, ...body, `END RequestId: ${id}\n`, report(id, 12.5, initMs)];
}

export async function putInvocation(
  logs: CloudWatchLogsClient,
  group: string,
  stream: string,
  id: string,
  body: string[],
  at = Date.now(),
  initMs?: number,
): Promise<void> {
  await put(
    logs,
    group,
    stream,
    invocationMessages(id, body, initMs).map((message, i) => ({ timestamp: at + i, message })),
  );
}

/** The blog's python handler output for one record (one print = one event). */
export function demoPrint(eventName: string, key: string, bucket = 'test-bucket'): string {
  const t = '2025-11-07T09:41:24';
  return `\n${t} S3 Event Detected\n${t} -------------------------------\n${t} Event Type: ${eventName} (${eventName.split(':')[1]})\n${t} Bucket:     ${bucket}\n${t} Object:     ${key}\n${t} -------------------------------\n        \n`;
}

export function requestId(n: number): string {
  return `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** Collects an observer's events and waits for the one a test needs. */
export class Recorder {
  readonly events: ObserveEvent[] = [];
  private waiters: { pred: (e: ObserveEvent) => boolean; resolve: (e: ObserveEvent) => void }[] = [];

  constructor(observer: Observer) {
    observer.on((e) => {
      this.events.push(e);
      for (const w of [...this.waiters]) {
        if (w.pred(e)) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(e);
        }
      }
    });
  }

  of<T extends ObserveEvent['type']>(type: T): Extract<ObserveEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<ObserveEvent, { type: T }> => e.type === type);
  }

  /** Resolves with the first event (already seen or future) that satisfies pred. */
  waitFor<T extends ObserveEvent = ObserveEvent>(pred: (e: ObserveEvent) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; saw: ${this.events.map((e) => e.type).join(',')}`)),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as T);
        },
      });
    });
  }

  lineCount(message: string): number {
    return this.of('LogLine').filter((e) => e.line.message === message).length;
  }
}

export type ProxyDecision = 'pass' | 'hold' | { status: number; body: string };

/**
 * A small fault-injecting proxy in front of the sandbox: per request it passes, holds (until
 * release()) or answers with an AWS JSON error; killLive() cuts the open live-tail streams.
 */
export class FaultProxy {
  private server!: Server;
  private readonly liveSockets = new Set<Socket>();
  private held: (() => void)[] = [];
  readonly calls: string[] = [];
  endpoint = '';
  decide: (operation: string, callIndex: number) => ProxyDecision = () => 'pass';
  /** Rewrites a request body before it is passed on (e.g. point StartLiveTail at another group). */
  rewriteRequest: (operation: string, body: Buffer) => Buffer = (_, body) => body;
  /** Rewrites a JSON response of these operations (buffered; never StartLiveTail's stream). */
  rewriteResponse: { operations: string[]; rewrite(json: Record<string, unknown>): unknown } | undefined;

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', () => ok()));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  count(operation: string): number {
    return this.calls.filter((c) => c === operation).length;
  }

  killLive(): void {
    for (const s of this.liveSockets) s.destroy();
    this.liveSockets.clear();
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const go of held) go();
  }

  async close(): Promise<void> {
    this.release();
    this.killLive();
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^Logs_20140328\./, '') || 'unknown';
    const body = this.rewriteRequest(operation, Buffer.concat(chunks));
    this.calls.push(operation);
    const decision = this.decide(operation, this.count(operation) - 1);
    if (decision === 'hold') await new Promise<void>((go) => this.held.push(go));
    else if (decision !== 'pass') {
      res.writeHead(decision.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'proxy' });
      res.end(decision.body);
      return;
    }
    const url = new URL(req.url ?? '/', this.target);
    const headers = { ...req.headers, host: url.host, 'content-length': String(body.length) };
    const rewrite = this.rewriteResponse;
    const upstream = request(url, { method: req.method, headers }, (up) => {
      if (rewrite?.operations.includes(operation) && up.statusCode === 200) {
        void (async () => {
          const parts: Buffer[] = [];
          for await (const c of up) parts.push(c as Buffer);
          const out = Buffer.from(JSON.stringify(rewrite.rewrite(JSON.parse(Buffer.concat(parts).toString()))));
          const { 'transfer-encoding': _chunked, ...upHeaders } = up.headers;
          res.writeHead(200, { ...upHeaders, 'content-length': String(out.length) });
          res.end(out);
        })();
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (operation === 'StartLiveTail') {
        this.liveSockets.add(res.socket!);
        res.socket!.once('close', () => this.liveSockets.delete(res.socket!));
      }
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    upstream.end(body);
  }
}

export function awsError(type: string, message = type): { status: number; body: string } {
  return { status: 400, body: JSON.stringify({ __type: type, message }) };
}

/** An acknowledged PUT to test-bucket (request id from the op id), fired 20 ms and acked 10 ms ago. */
export function acked(opId: number, key: string, extra: Partial<OpResult> = {}): OpResult {
  const now = Date.now();
  return {
    opId,
    op: 'put',
    bucket: 'test-bucket',
    key,
    requestId: `REQ${String(opId).padStart(13, '0')}`,
    startedAt: now - 20,
    ackedAt: now - 10,
    ...extra,
  };
}
