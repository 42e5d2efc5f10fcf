/**
 * Runs operations on a worker thread (firing-worker.ts), for bursts: the SDK's work for each request (signing,
 * middleware, the HTTP client) then no longer shares the main thread with the live tail and matching, so a log line
 * is handled when it arrives instead of after a whole event-loop turn of S3 responses (dozens under --parallel 32).
 * `run` has runOp's shape and contract (never rejects; failures are an OpResult with `error`).
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type { OpContext } from './context.js';
import type { OpInput, OpResult } from './types.js';
import { keyOf } from './index.js';

/** The firing thread's nice value (Linux): it yields the CPUs to the main thread's live tail and matching. */
export const FIRING_THREAD_NICE = 10;

/** Main thread → firing thread (posted in batches: an array per event-loop turn). */
export type FiringRequest =
  | { t: 'run'; opId: number; input: OpInput; functions?: readonly string[] }
  | { t: 'abort'; opId: number }
  | { t: 'hold'; files: string[] }
  | { t: 'close' };

/** Firing thread → main thread (in batches). `done` without a result: the result is the one `acked` carried. */
export type FiringReply =
  | { t: 'acked'; opId: number; result: OpResult }
  | { t: 'progress'; opId: number; loaded: number; total?: number }
  | { t: 'done'; opId: number; result?: OpResult }
  | { t: 'held' };

/**
 * Queues messages and posts them as one array per event-loop turn: a turn of a burst sends or answers dozens of
 * operations, and each postMessage is a copy and a wake-up of the other thread.
 */
export function batched<T>(post: (batch: T[]) => void): (m: T) => void {
  let queue: T[] | undefined;
  return (m) => {
    if (queue) return void queue.push(m);
    queue = [m];
    setImmediate(() => {
      const batch = queue!;
      queue = undefined;
      post(batch);
    });
  };
}

interface Waiting {
  ctx: OpContext;
  input: OpInput;
  acked?: OpResult;
  done(result: OpResult): void;
}

/**
 * The worker's entry: next to the CLI's bundle (dist/firing-worker.cjs, scripts/bundle.mjs), else next to this module,
 * compiled (dist/ops/) or the source when run from src/ with tsx (tests).
 */
function entry(): URL {
  for (const name of ['./firing-worker.cjs', './firing-worker.js']) {
    const url = new URL(name, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return new URL('./firing-worker.ts', import.meta.url);
}

export class FiringThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private readonly held: Promise<void>;
  private drained: (() => void) | undefined;

  /**
   * Starts the thread with a client built from `s3Config` (plain data: region, endpoint, credentials or profile; the
   * thread resolves a profile's credentials itself). `files`: bodies to hold in memory for the burst (held-bodies.ts).
   */
  constructor(s3Config: S3ClientConfig, files: string[], scrub: boolean) {
    const url = entry();
    const workerData = { s3Config, scrub };
    // From src/ (tests under tsx) the thread registers tsx's loader first: a worker does not inherit the main thread's hooks.
    this.worker = url.pathname.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
          { eval: true, workerData },
        )
      : new Worker(url, { workerData });
    this.worker.unref();
    let heldOk!: () => void;
    let startFailed!: (err: Error) => void;
    this.held = new Promise<void>((ok, fail) => {
      heldOk = ok;
      startFailed = fail;
    });
    this.worker.on('message', (batch: FiringReply[]) => {
      for (const m of batch) this.receive(m, heldOk);
    });
    this.worker.on('error', (err) => {
      startFailed(err);
      this.failAll(err);
    });
    this.worker.on('exit', () => {
      startFailed(new Error('the firing thread exited'));
      this.failAll(new Error('the firing thread exited'));
    });
    this.post({ t: 'hold', files });
  }

  /**
   * Resolves when the thread holds the burst's bodies (or could not read them: operations then read the file);
   * rejects when the thread could not start.
   */
  ready(): Promise<void> {
    return this.held;
  }

  /** runOp on the thread: same context (signal, onAcked, onProgress), same result. */
  run(ctx: OpContext, input: OpInput): Promise<OpResult> {
    return new Promise<OpResult>((done) => {
      this.waiting.set(ctx.opId, { ctx, input, done });
      ctx.signal?.addEventListener('abort', () => this.post({ t: 'abort', opId: ctx.opId }), { once: true });
      this.post({ t: 'run', opId: ctx.opId, input, ...(ctx.functions ? { functions: ctx.functions } : {}) });
    });
  }

  /** Ends the thread once the operations it runs are done (an aborted one ends with its abort). */
  async close(): Promise<void> {
    if (this.waiting.size > 0) await new Promise<void>((ok) => (this.drained = ok));
    this.post({ t: 'close' });
    this.worker.ref(); // the process waits for the thread's end
    await new Promise<void>((ok) => {
      const stuck = setTimeout(() => void this.worker.terminate(), 2000);
      this.worker.once('exit', () => {
        clearTimeout(stuck);
        ok();
      });
    });
  }

  private readonly post = batched<FiringRequest>((batch) => this.worker.postMessage(batch));

  private receive(m: FiringReply, held: () => void): void {
    if (m.t === 'held') {
      held();
      return;
    }
    const w = this.waiting.get(m.opId);
    if (!w) return;
    if (m.t === 'progress') w.ctx.onProgress?.(m.loaded, m.total);
    else if (m.t === 'acked') {
      w.acked = m.result;
      w.ctx.onAcked?.(m.result);
    } else {
      this.waiting.delete(m.opId);
      w.done(m.result ?? w.acked!);
      if (this.waiting.size === 0) this.drained?.();
    }
  }

  private failAll(err: Error): void {
    for (const [opId, w] of this.waiting) {
      this.waiting.delete(opId);
      w.done({
        opId,
        op: w.input.kind,
        bucket: w.input.bucket,
        key: keyOf(w.input),
        startedAt: Date.now(),
        error: { code: 'FiringThread', message: `the firing thread failed: ${err.message}` },
      });
    }
    this.drained?.();
  }
}
