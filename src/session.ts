/**
 * The one engine both faces use: resolves the target, discovers what a bucket notifies, runs the
 * tail (Observer), fires operations and emits typed SessionEvents. It knows nothing about rendering.
 */
import { ListBucketsCommand, paginateListObjectsV2 } from './aws/clients-s3.js';
import type { GetBucketNotificationConfigurationCommandOutput } from '@aws-sdk/client-s3';
import type { Discovery, FiredOp, SessionApi, SessionEvent, SessionListener, TargetInfo } from './events.js';
import { OpBook, type OpState } from './op-state.js';
import type { OpInput, OpResult } from './ops/types.js';
import { awaitedEventsOf, opDefinition } from './ops/registry.js';
import { keyOf, runOp } from './ops/index.js';
import { bucketNameProblem, ensureBucket } from './ops/bucket.js';
import { resolveTarget, type ResolveOptions, type Target } from './target.js';
import { AppError, ExitCode, oneLine } from './errors.js';
import type { Observer } from './observe/observer.js';
import type { FiringThread } from './ops/firing-thread.js';
import { discover, logGroupOf, notifyWarning } from './observe/discover.js';
import { functionsFor } from './observe/chain-expect.js';

export interface SessionOptions extends ResolveOptions {
  /** Tail the function logs and match invocations (default true). */
  observe?: boolean;
  /** How long an acked op waits for its invocation (default 60 s). */
  matchTimeoutMs?: number;
  tailMode?: 'auto' | 'live' | 'poll';
  functions?: string[];
  logGroups?: string[];
  /** How many invocations each operation must get (--expect-invocations); default: one per function its event reaches. */
  expectInvocations?: number;
  now?: () => number;
}

/** The most keys listKeys returns (a backlog re-run of more is split by prefix). */
export const MAX_LISTED_KEYS = 100_000;

export const DEFAULT_MATCH_TIMEOUT_MS = 60_000;
/** Settled ops kept in the session's fold (late log lines still refresh their invocation). */
const MAX_KEPT_OPS = 1000;

/**
 * The clock that matters is the one stamping the log events. The embedded sandbox, and an endpoint on this
 * machine (LocalStack, moto: loopback), share this process's clock: a small skew keeps an earlier run's
 * invocation (still in the log group, maybe 200 ms old) from being taken for this op's. A remote endpoint
 * gets more; logs on AWS the Observer's default.
 */
export function clockOptions(info: Pick<TargetInfo, 'kind' | 'logsEndpoint'>): { clockSkewMs?: number; lookbackMs?: number } {
  if (onThisMachinesClock(info)) return { clockSkewMs: 50, lookbackMs: 0 };
  if (info.logsEndpoint) return { clockSkewMs: 250 };
  return {};
}

/** Whether S3's acks and Lambda's log timestamps share this machine's clock: the embedded sandbox, or Logs on loopback. */
export function onThisMachinesClock(info: Pick<TargetInfo, 'kind' | 'logsEndpoint'>): boolean {
  return info.kind === 'sandbox' || isLoopback(info.logsEndpoint);
}

function isLoopback(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname;
    // localhost.localstack.cloud is LocalStack's public name for 127.0.0.1.
    return /(^|\.)localhost(\.localstack\.cloud)?$/.test(host) || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

type Notification = Omit<GetBucketNotificationConfigurationCommandOutput, '$metadata'>;

interface InFlight {
  controller: AbortController;
  done: Promise<OpResult>;
}

/** An op fired while no observer existed (discovery still running): registered with the observer once it is made. */
interface EarlyOp {
  bucket: string;
  key: string;
  startedAt: number;
  eventNames: readonly string[];
  /** Set when S3 acked it before the observer existed. */
  result?: OpResult;
}

class Session implements SessionApi {
  private listeners = new Set<SessionListener>();
  private nextOpId = 0;
  private inFlight = new Map<number, InFlight>();
  private observer: Observer | undefined;
  private unsubscribeObserver: (() => void) | undefined;
  /** The observer each in-flight op was registered with (a bucket switch replaces the observer). */
  private readonly observerOf = new Map<number, Observer>();
  private readonly early = new Map<number, EarlyOp>();
  /** selectBucket() calls under way: an op acked meanwhile waits for the observer they make. */
  private discovering = 0;
  private discovery: Discovery | undefined;
  private notification: Notification | undefined;
  private closing: Promise<void> | undefined;
  private readonly now: () => number;
  private firing: FiringThread | undefined;
  /** The firing thread being started or running (offloadFiring), resolving to the function that ends it. */
  private firingStart: Promise<(() => Promise<void>) | undefined> | undefined;
  /** The fold of every op this session fired; settled ops are forgotten past MAX_KEPT_OPS. */
  private readonly ops = new OpBook();
  private readonly waiters = new Map<number, (state: OpState) => void>();

  constructor(
    private readonly t: Target,
    private readonly options: SessionOptions,
  ) {
    this.now = options.now ?? Date.now;
    // Hot reload (--handler on the embedded sandbox): a reload is an event; a failed one a warning.
    t.handlerReloads?.on((n) =>
      this.emit(
        n.type === 'reloaded' ? { type: 'HandlerReloaded', at: n.at, files: n.files } : { type: 'Warning', message: oneLine(n.message) },
      ),
    );
  }

  get target(): TargetInfo {
    return this.t.info;
  }

  /** New listeners first get the target and the current discovery, so no face misses them. */
  on(listener: SessionListener): () => void {
    this.listeners.add(listener);
    listener({ type: 'TargetResolved', target: this.t.info });
    if (this.discovery) listener({ type: 'Discovered', discovery: this.discovery });
    return () => this.listeners.delete(listener);
  }

  private emit(event: SessionEvent): void {
    this.ops.apply(event);
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // a face's bug must not stop the engine
      }
    }
    if ('opId' in event && event.opId !== undefined && event.type !== 'OpSettled') this.settleIfDone(event.opId);
  }

  /** Emits OpSettled and resolves fire()'s promise the first time the fold says the op is final. */
  private settleIfDone(opId: number): void {
    const state = this.ops.get(opId);
    const resolve = this.waiters.get(opId);
    if (!state?.settled || !resolve) return;
    this.waiters.delete(opId);
    this.emit({ type: 'OpSettled', opId, state });
    resolve(state);
    this.forgetOldOps();
  }

  /** Keeps the newest MAX_KEPT_OPS ops and every op still waiting; ids are in firing order. */
  private forgetOldOps(): void {
    let older = this.ops.size - MAX_KEPT_OPS;
    if (older <= 0) return;
    const forget: number[] = [];
    for (const id of this.ops.ids()) {
      if (older-- <= 0) break;
      if (!this.waiters.has(id)) forget.push(id);
    }
    for (const id of forget) this.ops.delete(id);
  }

  private announce(input: OpInput, warnings: string[], awaitsInvocation: boolean): FiredOp {
    const opId = ++this.nextOpId;
    const settled = new Promise<OpState>((resolve) => this.waiters.set(opId, resolve));
    const expected = awaitsInvocation ? this.expectationFor(input) : { expectedMatches: 1 };
    const { perFunction } = this.awaitedEvents(input);
    const perFunctionField =
      awaitsInvocation && perFunction > 1 && this.options.expectInvocations === undefined ? { eventsPerFunction: perFunction } : {};
    this.emit({ type: 'OpStarted', opId, input, startedAt: this.now(), warnings, awaitsInvocation, ...expected, ...perFunctionField });
    return { opId, settled };
  }

  /** What waiting for the op's invocations means on this target (RESTORE waits for its completion on the sandbox). */
  private awaitedEvents(input: OpInput) {
    return awaitedEventsOf(input, { sandbox: this.t.info.kind === 'sandbox' });
  }

  /**
   * How many invocations the op waits for: --expect-invocations, else one per watched function whose route accepts its
   * event (chain-expect.ts), at least one (a link not followed may still reach a function).
   */
  private expectationFor(input: OpInput): { expectedMatches: number; expectedFunctions?: string[] } {
    if (this.options.expectInvocations !== undefined) return { expectedMatches: this.options.expectInvocations };
    const direct = this.directFunctions(input);
    if (direct) return direct.length > 1 ? { expectedMatches: direct.length, expectedFunctions: direct } : { expectedMatches: 1 };
    const d = this.discovery;
    if (!d?.chain || d.bucket !== input.bucket) return { expectedMatches: 1 };
    const reached = functionsFor(d.chain, { bucket: input.bucket, key: keyOf(input), eventNames: this.awaitedEvents(input).eventNames });
    const watched = reached.filter((fn) => d.logGroups.includes(logGroupOf(fn, d.logGroupByFunction)));
    return watched.length > 1 ? { expectedMatches: watched.length, expectedFunctions: watched } : { expectedMatches: 1 };
  }

  /**
   * The functions an op that invokes Lambda itself (REPLAY) reaches: its definition decides, from discovery's for the
   * event's bucket; `--function` names them whatever bucket the event names (a captured event tried on a handler).
   */
  directFunctions(input: OpInput): string[] | undefined {
    const pick = opDefinition(input.kind).expectedFunctions as ((i: OpInput, d: readonly string[]) => string[]) | undefined;
    if (!pick) return undefined;
    const d = this.discovery;
    if (d?.bucket === input.bucket) return pick(input, d.functions);
    const given = this.options.functions ?? [];
    return pick(input, given.length ? (d?.functions ?? given) : []);
  }

  /** The op's expectation as the observer takes it. */
  private awaited(opId: number): { expectedMatches?: number; perFunction?: number; expectedGroups?: string[] } {
    const op = this.ops.get(opId);
    if (!op) return {};
    return {
      expectedMatches: op.expectedMatches * (op.eventsPerFunction ?? 1),
      ...(op.eventsPerFunction ? { perFunction: op.eventsPerFunction } : {}),
      ...(op.expectedFunctions
        ? { expectedGroups: op.expectedFunctions.map((fn) => logGroupOf(fn, this.discovery?.logGroupByFunction)) }
        : {}),
    };
  }

  async listBuckets(): Promise<string[]> {
    const out = await this.t.s3.send(new ListBucketsCommand({}));
    return (out.Buckets ?? [])
      .map((b) => b.Name ?? '')
      .filter(Boolean)
      .sort();
  }

  async listKeys(bucket: string, prefix: string, limit = MAX_LISTED_KEYS): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: this.t.s3 }, { Bucket: bucket, Prefix: prefix })) {
      for (const o of page.Contents ?? []) if (o.Key !== undefined && keys.length < limit) keys.push(o.Key);
      if (keys.length >= limit) break;
    }
    return keys;
  }

  async ensureBucket(bucket: string): Promise<boolean> {
    const why = bucketNameProblem(bucket);
    if (why) throw new AppError('InvalidBucketName', `invalid bucket name '${oneLine(bucket)}': ${why}`, ExitCode.Usage);
    const created = await ensureBucket(this.t.s3, bucket);
    if (created && this.t.sandbox) {
      // A bucket made in the embedded sandbox gets the demo function too, so its ops can match.
      const { setupDemo } = await import('./sandbox/demo.js');
      await setupDemo(this.t.sandbox, {
        bucket,
        ...(this.options.handler ? { handler: this.options.handler } : {}),
        ...(this.options.via ? { via: this.options.via } : {}),
      });
    }
    return created;
  }

  async selectBucket(bucket: string): Promise<Discovery> {
    this.discovering++;
    try {
      return await this.discoverAndObserve(bucket);
    } finally {
      this.discovering--;
      // Acked while discovering and not taken by an observer: nothing tails its bucket.
      for (const [opId, op] of this.early) {
        if (!op.result || this.discovering > 0) continue;
        this.early.delete(opId);
        this.emit({ type: 'MatchTimeout', opId });
      }
    }
  }

  /** Registers the ops fired before the observer existed, so their invocations are theirs, not foreign. */
  private adoptEarlyOps(observer: Observer, bucket: string): void {
    for (const [opId, op] of this.early) {
      if (op.bucket !== bucket) continue;
      this.early.delete(opId);
      observer.pending(opId, op.bucket, op.key, op.startedAt);
      if (op.result)
        observer.await({ result: op.result, eventNames: op.eventNames, timeoutMs: this.matchTimeoutMs(), ...this.awaited(opId) });
      else this.observerOf.set(opId, observer);
    }
  }

  private matchTimeoutMs(): number {
    return this.options.matchTimeoutMs ?? DEFAULT_MATCH_TIMEOUT_MS;
  }

  private async discoverAndObserve(bucket: string): Promise<Discovery> {
    const found = await discover(
      this.t.s3,
      bucket,
      { functions: this.options.functions, logGroups: this.options.logGroups },
      this.t.chainClients,
      // Without an observer nothing reads the functions' log groups or retry settings (a PUT without --wait).
      { functionSettings: this.options.observe !== false },
    );
    const { notification, ...discovery } = found;
    this.notification = notification;
    this.discovery = discovery;
    this.emit({ type: 'Discovered', discovery });
    await this.stopObserver();
    if (this.options.observe !== false && discovery.logGroups.length > 0) {
      const { Observer } = await import('./observe/observer.js');
      const observer = new Observer({
        logs: await this.t.logs(),
        logGroups: discovery.logGroups,
        ...(this.options.tailMode ? { mode: this.options.tailMode } : {}),
        ...(this.options.now ? { now: this.options.now } : {}),
        ...clockOptions(this.t.info),
        loopRecords: this.t.info.kind !== 'aws',
      });
      this.unsubscribeObserver = observer.on((e) => this.emit(e));
      this.observer = observer;
      this.adoptEarlyOps(observer, bucket);
      try {
        await observer.start();
      } catch (err) {
        await this.stopObserver(); // ops then end in MatchTimeout instead of waiting on a dead tail
        throw err;
      }
    }
    return discovery;
  }

  async awaitLoops(maxMs: number): Promise<void> {
    await this.observer?.awaitLoops(maxMs);
  }

  private async stopObserver(): Promise<void> {
    const observer = this.observer;
    this.observer = undefined;
    if (!observer) return;
    await observer.stop().catch(() => {});
    this.unsubscribeObserver?.();
    // Its timers are gone: an op it was waiting for can no longer match.
    for (const op of [...this.ops.values()]) {
      if (!op.settled && op.status === 'acked' && op.awaitsInvocation && !this.early.has(op.opId))
        this.emit({ type: 'MatchTimeout', opId: op.opId });
    }
  }

  skip(input: OpInput): FiredOp {
    const fired = this.announce(input, [], false);
    this.emit({ type: 'OpSkipped', opId: fired.opId });
    return fired;
  }

  previewWarning(input: OpInput): string | undefined {
    if (this.discovery?.bucket !== input.bucket || opDefinition(input.kind).invokes === 'lambda') return undefined;
    // Covered when a notification covers any of the events it waits for (DELETE: a delete or a delete marker).
    const warnings = this.awaitedEvents(input).eventNames.map((name) => notifyWarning(this.notification, input.bucket, name, keyOf(input)));
    return warnings.every((w) => w !== undefined) ? warnings[0] : undefined;
  }

  fire(input: OpInput): FiredOp {
    const controller = new AbortController();
    const { eventNames } = this.awaitedEvents(input);
    const warnings: string[] = [];
    const warning = this.previewWarning(input);
    if (warning) warnings.push(warning);
    const observe = this.options.observe !== false;
    const fired = this.announce(input, warnings, observe);
    const { opId } = fired;
    const key = keyOf(input);
    if (this.observer) {
      this.observer.pending(opId, input.bucket, key);
      this.observerOf.set(opId, this.observer);
    } else if (observe) {
      this.early.set(opId, { bucket: input.bucket, key, startedAt: this.ops.get(opId)?.startedAt ?? this.now(), eventNames });
    }
    let acked = false;
    // At S3's answer, not when the op's promise resolves (multipart still removes its temp file then): from here on
    // the op is no longer pending, so an invocation of its key is weighed against it.
    const acknowledge = (result: OpResult) => {
      if (acked) return;
      acked = true;
      this.emit({ type: 'OpAcked', opId, result });
      this.awaitInvocation(opId, result, eventNames);
    };
    const run = this.firing ? this.firing.run.bind(this.firing) : runOp;
    const done = run(
      {
        opId,
        s3: this.t.s3,
        s3Config: this.t.s3Config,
        signal: controller.signal,
        now: this.now,
        onProgress: (loaded, total) => this.emit({ type: 'OpProgress', opId, loaded, ...(total !== undefined ? { total } : {}) }),
        onAcked: acknowledge,
        ...(this.directFunctions(input) ? { functions: this.directFunctions(input) } : {}),
      },
      input,
    ).then((result) => {
      this.inFlight.delete(opId);
      if (acked) return result; // a cleanup failing after the ack does not undo what S3 did
      if (result.error) {
        // The observer forgets a failed op, so it no longer holds back 'foreign' decisions.
        this.observerOf.get(opId)?.await({ result, eventNames, timeoutMs: 0 });
        this.observerOf.delete(opId);
        this.early.delete(opId);
        this.emit({ type: 'OpFailed', opId, result });
        return result;
      }
      acknowledge(result);
      return result;
    });
    this.inFlight.set(opId, { controller, done });
    return fired;
  }

  /** Hands an acked op to the observer it was registered with, keeps it for one being made, or says nothing can match. */
  private awaitInvocation(opId: number, result: OpResult, eventNames: readonly string[]): void {
    const observer = this.observerOf.get(opId);
    this.observerOf.delete(opId);
    const early = this.early.get(opId);
    if (observer && observer === this.observer) {
      observer.await({ result, eventNames, timeoutMs: this.matchTimeoutMs(), ...this.awaited(opId) });
    } else if (early && this.discovering > 0) {
      early.result = result;
    } else if (this.options.observe !== false) {
      this.early.delete(opId);
      this.emit({ type: 'MatchTimeout', opId }); // nothing is tailed: no invocation can ever match
    }
  }

  offloadFiring(files: string[]): Promise<(() => Promise<void>) | undefined> {
    // A session with its own clock (tests) keeps it: the thread stamps times with Date.now().
    if (this.options.now) return Promise.resolve(undefined);
    this.firingStart ??= this.startFiringThread(files);
    return this.firingStart;
  }

  private async startFiringThread(files: string[]): Promise<(() => Promise<void>) | undefined> {
    const { FiringThread } = await import('./ops/firing-thread.js');
    const thread = new FiringThread(this.t.s3Config, files, this.t.info.kind !== 'sandbox');
    try {
      await thread.ready();
    } catch {
      return undefined; // no thread (e.g. out of memory for one): operations stay on this thread
    }
    this.firing = thread;
    let ended: Promise<void> | undefined;
    return () => {
      ended ??= (async () => {
        if (this.firing === thread) this.firing = undefined;
        this.firingStart = undefined;
        await thread.close();
      })();
      return ended;
    };
  }

  async cancel(opId: number): Promise<void> {
    const op = this.inFlight.get(opId);
    if (!op) return;
    op.controller.abort();
    await op.done;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const pending = [...this.inFlight.values()];
      for (const op of pending) op.controller.abort();
      await Promise.allSettled(pending.map((op) => op.done));
      await (await this.firingStart)?.();
      await this.stopObserver();
      await this.t.close().catch(() => {});
      // Nothing more can happen to an op still waiting: its promise gets the state as it stands.
      for (const [opId, resolve] of this.waiters) resolve(this.ops.get(opId)!);
      this.waiters.clear();
    })();
    return this.closing;
  }
}

export async function createSession(options: SessionOptions, prebuilt?: Target): Promise<SessionApi> {
  const target = prebuilt ?? (await resolveTarget(options));
  return new Session(target, options);
}
