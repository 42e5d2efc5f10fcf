/**
 * Runs a burst on an open session (both faces): creates the source objects untimed when the kind needs them, then
 * fires the operations `parallel` at a time (in flight = sent and not yet acknowledged by S3; waiting for invocations
 * overlaps) and waits until each is settled by the engine: matched, failed, or its --timeout ran out.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionApi, SessionEvent } from '../events.js';
import { OpBook, type OpState } from '../op-state.js';
import type { OpInput } from '../ops/types.js';
import type { OpModifiers } from '../ops/definition.js';
import { burstInput, burstKeys, newRunId, setupKeys, type BurstKeys, type BurstPlan } from './plan.js';
import { holdBody } from '../ops/held-bodies.js';

/**
 * Bursts of at least this many operations fire from a firing thread (ops/firing-thread.ts): it costs ~0.2 s of CPU
 * and wall time to start, more than a small burst's firing does.
 */
export const FIRING_THREAD_MIN_OPS = 100;

/**
 * After Ctrl-C, how long the operations in flight have to get S3's answer (ms) before they are cancelled (their
 * requests aborted): a responsive endpoint answers within it, so the summary says what happened to each; one that
 * stopped answering does not hold the interrupted burst.
 */
export const IN_FLIGHT_GRACE_MS = 1000;

/** The body the firing thread holds for `plan` (its setup objects' too), or undefined when the burst fires from the main thread. */
export function firingThreadFiles(plan: Pick<BurstPlan, 'count'>, file: string): string[] | undefined {
  return plan.count >= FIRING_THREAD_MIN_OPS ? [file] : undefined;
}

/** The 29-byte demo content (test.txt of the blog), the default body. */
export const DEMO_BODY = 'S3 events trigger demo file.\n';

/** How far a burst is, for a live view. `triggerMs`: the first match's trigger latency of each matched op so far. */
export interface BurstProgress {
  phase: 'setup' | 'firing' | 'waiting' | 'done';
  total: number;
  /** Setup objects created / to create (0 / 0 when the kind needs none). */
  setupDone: number;
  setupTotal: number;
  fired: number;
  acked: number;
  failed: number;
  settled: number;
  matched: number;
  triggerMs: number[];
}

export interface BurstRunOptions {
  bucket: string;
  /** Called at each change, at most every `progressEveryMs` (the last call, with phase `done`, always comes). */
  onProgress?: (p: BurstProgress) => void;
  progressEveryMs?: number;
  /** Stops firing and waiting (already fired operations settle as they stand when the session closes). */
  signal?: AbortSignal;
  /** --part-size and --concurrency for MULTIPART bursts. */
  modifiers?: Pick<OpModifiers, 'partSize' | 'concurrency'>;
  runId?: string;
}

/** What a burst did: every operation's final state in firing order, plus the run's keys. */
export interface BurstRun {
  runId: string;
  keys: BurstKeys;
  states: OpState[];
  /** The setup failed: the message; nothing was fired then. */
  setupError?: string;
  interrupted: boolean;
}

/** The body file for the plan: the user's file, or a temp file (demo content, or `sizeMB` of random bytes) removed by `remove`. */
export async function bodyFile(body: BurstPlan['body']): Promise<{ path: string; remove(): Promise<void> }> {
  if ('file' in body) return { path: body.file, remove: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 's3trigger-burst-'));
  const path = join(dir, 'sizeMB' in body ? 'body.bin' : 'test.txt');
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    if ('demo' in body) await writeFile(path, DEMO_BODY);
    else await writeRandom(path, Math.round(body.sizeMB * 1024 * 1024));
  } catch (err) {
    await remove();
    throw err;
  }
  return { path, remove };
}

async function writeRandom(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path, { mode: 0o600 });
  const chunk = 1024 * 1024;
  for (let left = bytes; left > 0; left -= chunk) {
    if (!out.write(randomBytes(Math.min(chunk, left)))) await new Promise<void>((ok) => out.once('drain', () => ok()));
  }
  await new Promise<void>((ok, fail) => out.end((err?: Error | null) => (err ? fail(err) : ok())));
}

/** Runs `work(i)` for i in 0..count-1, at most `parallel` at a time, until done or `stopped()`. */
async function pool(count: number, parallel: number, work: (i: number) => Promise<void>, stopped: () => boolean): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count && !stopped()) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}

/** The inputs of a burst (first one checked by the caller before anything is fired). */
export function burstInputs(
  plan: BurstPlan,
  bucket: string,
  file: string,
  keys: BurstKeys,
  modifiers?: BurstRunOptions['modifiers'],
): OpInput[] {
  return Array.from({ length: plan.count }, (_, i) =>
    burstInput(plan.kind, i, keys, { bucket, bodyFile: file, ...(modifiers ? { modifiers } : {}) }),
  );
}

/**
 * Fires the burst on `session` (whose bucket is selected and tailed) and resolves when every operation is settled.
 * Never rejects for an operation's failure (it is in its state); `file` is the body's path (see bodyFile).
 */
export async function runBurst(session: SessionApi, plan: BurstPlan, file: string, o: BurstRunOptions): Promise<BurstRun> {
  const runId = o.runId ?? newRunId();
  const keys = burstKeys(plan, runId);
  const inputs = burstInputs(plan, o.bucket, file, keys, o.modifiers);
  const states = new OpBook();
  const acks = new Map<number, () => void>();
  const stopped = () => o.signal?.aborted === true;
  const ids: number[] = [];
  const fired = new Set<number>(); // every op of the burst, its set-up's too, until S3 answered it
  const cancelInFlight = () => {
    for (const id of fired) void session.cancel(id);
  };
  let grace: NodeJS.Timeout | undefined;
  const onAbort = () => {
    grace = setTimeout(cancelInFlight, IN_FLIGHT_GRACE_MS);
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const settled: Promise<OpState>[] = [];
  const setup = setupKeys(plan.kind, plan.count, keys);
  let setupDone = 0;
  let phase: BurstProgress['phase'] = setup.length ? 'setup' : 'firing';
  let lastShown = 0;
  let timer: NodeJS.Timeout | undefined;
  const progress = (): BurstProgress => {
    const p: BurstProgress = {
      phase,
      total: plan.count,
      setupDone,
      setupTotal: setup.length,
      fired: ids.length,
      acked: 0,
      failed: 0,
      settled: 0,
      matched: 0,
      triggerMs: [],
    };
    for (const id of ids) {
      const s = states.get(id);
      if (!s) continue;
      if (s.result && !s.result.error) p.acked++;
      if (s.status === 'failed' || s.status === 'cancelled') p.failed++;
      if (s.settled) p.settled++;
      if (s.matches.length > 0) p.matched++;
      const triggerMs = s.matches[0]?.latency.triggerMs;
      if (triggerMs !== undefined) p.triggerMs.push(triggerMs);
    }
    return p;
  };
  const every = o.progressEveryMs ?? 200;
  function changed(): void {
    if (!o.onProgress || timer) return;
    const wait = Math.max(0, lastShown + every - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      lastShown = Date.now();
      o.onProgress?.(progress());
    }, wait);
    timer.unref();
  }
  const unsubscribe = session.on((e: SessionEvent) => {
    states.apply(e);
    if (e.type === 'OpAcked' || e.type === 'OpFailed' || e.type === 'OpSettled') fired.delete(e.opId);
    if ((e.type === 'OpAcked' || e.type === 'OpFailed' || e.type === 'OpSettled') && acks.has(e.opId)) {
      acks.get(e.opId)!();
      acks.delete(e.opId);
    }
    changed();
  });
  // The body is read once for the burst (ops/held-bodies.ts): by the setup's PUTs and the kinds that send the whole
  // file (PUT, POST). Unreadable: each operation reads it and fails with its own error, as without holding.
  const sendsBody = plan.kind === 'put' || plan.kind === 'post';
  let release = sendsBody || setup.length ? await holdBody(file).catch(() => undefined) : undefined;
  // The operations go to a firing thread (ops/firing-thread.ts) once it has started, meanwhile they run here.
  const threadFiles = firingThreadFiles(plan, file);
  const offloading = threadFiles ? session.offloadFiring?.(threadFiles).catch(() => undefined) : undefined;
  try {
    // Untimed: the source objects (their own invocations are matched to them here, not to the burst).
    let setupError: string | undefined;
    await pool(
      setup.length,
      plan.parallel,
      async (i) => {
        const input: OpInput = { kind: 'put', bucket: o.bucket, file, key: setup[i]! };
        const covered = session.previewWarning(input) === undefined;
        const op = session.fire(input);
        fired.add(op.opId);
        const state = covered ? await op.settled : await Promise.race([ackOf(op.opId).then(() => states.get(op.opId)!), op.settled]);
        const error = state.result?.error;
        if (error && !setupError) setupError = `could not create the source object ${setup[i]}: ${error.code}: ${error.message}`;
        setupDone++;
        changed();
      },
      () => stopped() || setupError !== undefined,
    );
    if (setupError || stopped()) return { runId, keys, states: [], ...(setupError ? { setupError } : {}), interrupted: stopped() };
    if (!sendsBody) {
      release?.();
      release = undefined;
    }
    phase = 'firing';
    if (await offloading) {
      release?.(); // the firing thread holds its own copy
      release = undefined;
    }
    await pool(
      inputs.length,
      plan.parallel,
      async (i) => {
        const op = session.fire(inputs[i]!);
        ids.push(op.opId);
        fired.add(op.opId);
        settled.push(op.settled);
        changed();
        await Promise.race([op.settled.then(() => undefined), ackOf(op.opId)]);
      },
      stopped,
    );
    phase = 'waiting';
    changed();
    const abort = new Promise<void>((ok) => o.signal?.addEventListener('abort', () => ok(), { once: true }));
    await Promise.race([Promise.all(settled), abort]);
    phase = 'done';
    return { runId, keys, states: ids.map((id) => states.get(id)!).filter(Boolean), interrupted: stopped() };
  } finally {
    clearTimeout(grace);
    o.signal?.removeEventListener('abort', onAbort);
    release?.();
    await (await offloading)?.();
    clearTimeout(timer);
    unsubscribe();
    o.onProgress?.(progress());
  }

  function ackOf(opId: number): Promise<void> {
    const s = states.get(opId);
    if (s?.result || s?.settled) return Promise.resolve();
    return new Promise<void>((ok) => {
      const prev = acks.get(opId);
      acks.set(opId, () => {
        prev?.();
        ok();
      });
    });
  }
}
