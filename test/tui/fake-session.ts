/** A small in-memory SessionApi for UI tests and the TUI benchmark (no AWS, no sandbox). */
import type { Discovery, FiredOp, SessionApi, SessionEvent, SessionListener, TargetInfo } from '../../src/events.js';
import type { OpState } from '../../src/op-state.js';
import type { OpInput, OpResult } from '../../src/ops/types.js';
import type { Invocation, LogLine } from '../../src/observe/types.js';

export interface FakeSessionOptions {
  buckets?: string[];
  /** Answer fired ops with ack + a matched invocation (default true). */
  autoRespond?: boolean;
  target?: Partial<TargetInfo>;
  /** What selectBucket discovers (default: the bucket notifies `event-handler`); a chain with several functions fans out. */
  discovery?: Omit<Discovery, 'bucket'>;
}

export const FAKE_GROUP = '/aws/lambda/event-handler';

export class FakeSession implements SessionApi {
  readonly target: TargetInfo;
  readonly fired: OpInput[] = [];
  readonly used: string[] = [];
  readonly created: string[] = [];
  closed = 0;
  private nextId = 1;
  private readonly listeners = new Set<SessionListener>();
  private buckets: string[];
  private readonly autoRespond: boolean;
  private readonly discovery?: Omit<Discovery, 'bucket'>;

  constructor(options: FakeSessionOptions = {}) {
    this.buckets = options.buckets ?? ['test-bucket', 'other-bucket'];
    this.autoRespond = options.autoRespond ?? true;
    this.discovery = options.discovery;
    this.target = { kind: 'sandbox', region: 'us-east-1', account: '000000000000', label: 'local sandbox (fake)', ...options.target };
  }

  on(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: SessionEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  async listKeys(): Promise<string[]> {
    return [];
  }

  async listBuckets(): Promise<string[]> {
    return [...this.buckets];
  }

  async ensureBucket(bucket: string): Promise<boolean> {
    if (this.buckets.includes(bucket)) return false;
    this.buckets.push(bucket);
    this.created.push(bucket);
    return true;
  }

  async selectBucket(bucket: string): Promise<Discovery> {
    this.used.push(bucket);
    const discovery: Discovery = this.discovery
      ? { ...this.discovery, bucket }
      : { bucket, functions: ['event-handler'], logGroups: [FAKE_GROUP], destinations: [], warnings: [] };
    this.emit({ type: 'Discovered', discovery });
    for (const logGroup of discovery.logGroups) this.emit({ type: 'TailState', state: { logGroup, mode: 'live' } });
    return discovery;
  }

  fire(input: OpInput): FiredOp {
    const opId = this.nextId++;
    this.fired.push(input);
    const startedAt = Date.now();
    // A fan-out awaits one invocation per function discovered, as the engine does.
    const fns = this.discovery?.functions ?? [];
    const expected = fns.length > 1 ? { expectedMatches: fns.length, expectedFunctions: fns } : {};
    this.emit({ type: 'OpStarted', opId, input, startedAt, warnings: [], ...expected });
    if (this.autoRespond) setTimeout(() => this.respond(opId, input, startedAt), 5);
    return { opId, settled: new Promise<OpState>(() => {}) }; // the TUI never awaits it
  }

  previewWarning(_input: OpInput): string | undefined {
    return undefined;
  }

  skip(input: OpInput): FiredOp {
    return this.fire(input);
  }

  /** Ack the op and emit a matched invocation with the demo handler's lines. */
  respond(opId: number, input: OpInput, startedAt: number): void {
    const key = input.key ?? 'test.txt';
    const ackedAt = startedAt + 3;
    const result: OpResult = {
      opId,
      op: input.kind,
      bucket: input.bucket,
      key,
      bytes: 29,
      etag: '"b72a05983f663132daaf4688bb919f80"',
      requestId: `S3REQ${opId}`,
      startedAt,
      ackedAt,
    };
    this.emit({ type: 'OpAcked', opId, result });
    const requestId = `req-${opId}`;
    const lines = invocationLines(requestId, key, ackedAt + 10);
    for (const line of lines) this.emit({ type: 'LogLine', line });
    const invocation: Invocation = {
      requestId,
      logGroup: FAKE_GROUP,
      logStream: '2026/11/22/[$LATEST]abc',
      startedAt: ackedAt + 10,
      endedAt: ackedAt + 14,
      reportedAt: ackedAt + 14,
      report: {
        durationMs: 3.2,
        billedDurationMs: 4,
        memorySizeMB: 128,
        maxMemoryUsedMB: 40,
        initDurationMs: opId === 1 ? 120 : undefined,
      },
      status: 'succeeded',
      lines,
      firstSeenAt: ackedAt + 20,
    };
    this.emit({
      type: 'Matched',
      opId,
      invocation,
      confidence: 'key',
      latency: { triggerMs: 10, durationMs: 3.2, coldStart: opId === 1, endToEndMs: 14 },
    });
  }

  async cancel(): Promise<void> {}

  async close(): Promise<void> {
    this.closed++;
  }
}

export function logLine(message: string, kind: LogLine['kind'], extra: Partial<LogLine> = {}): LogLine {
  return {
    logGroup: FAKE_GROUP,
    logStream: '2026/11/22/[$LATEST]abc',
    timestamp: Date.UTC(2026, 10, 22, 9, 41, 24),
    seenAt: Date.now(),
    message,
    kind,
    ...extra,
  };
}

export function invocationLines(requestId: string, key: string, at: number): LogLine[] {
  const l = (message: string, kind: LogLine['kind']) => logLine(message, kind, { requestId, timestamp: at });
  return [
    l(`START RequestId: ${requestId} Version: $LATEST`, 'start'),
    l('S3 Event Detected', 'app'),
    l(`Object:     ${key}`, 'app'),
    l(`END RequestId: ${requestId}`, 'end'),
    l(`REPORT RequestId: ${requestId}\tDuration: 3.20 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB`, 'report'),
  ];
}
