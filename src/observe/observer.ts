/**
 * The observe engine: tails the log groups, groups lines into invocations, matches them to the
 * operations fired here and emits ObserveEvents. The pure parts live in lambda-log, invocations,
 * correlate, recursion and latency; this class owns the state, the tails and the timers.
 *
 * A match is emitted once the invocation is complete (REPORT seen), so its latency is final;
 * an op whose matched invocation never completes gets its Matched (partial figures) at its timeout.
 * Better evidence arriving later (the op's request id in a printed record) upgrades the match's
 * confidence: the same invocation's Matched is emitted again with it.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { SessionEvent } from '../events.js';
import type { OpResult } from '../ops/types.js';
import { awaitsMore, decideMatchAmong, evidenceFor, evidenceOf, mayBeEvidence, type OpCandidate } from './correlate.js';
import { CandidateIndex } from './candidates.js';
import { GroupTail, LIVE_BACKING_GRACE_MS } from './group-tail.js';
import { InvocationBook, isComplete, type EvidenceTest } from './invocations.js';
import { toLogLine, type RawLogEvent } from './lambda-log.js';
import { computeLatency } from './latency.js';
import { emptyRecursion, loopStoppedWarning, noteForeign, type OurActivity, type RecursionState } from './recursion.js';
import { LoopWatch } from './loop-watch.js';
import { RateGate } from './tail-poll.js';
import { dateHeaderSample, describeOffset, ingestionSample, matchingOffset, noteClockSample, type ClockOffset } from './clock.js';
import type { Invocation, MatchConfidence } from './types.js';

export type ObserveEvent = Extract<
  SessionEvent,
  { type: 'LogLine' | 'InvocationUpdated' | 'Matched' | 'Foreign' | 'MatchTimeout' | 'TailState' | 'Warning' }
>;

export interface ObserverOptions {
  logs: CloudWatchLogsClient; // the caller sets disableHostPrefix for custom endpoints
  logGroups: string[];
  mode?: 'auto' | 'live' | 'poll'; // auto: StartLiveTail, fall back to FilterLogEvents polling
  pollFastMs?: number; // while ops await a match
  pollIdleMs?: number; // when idle
  foreignGraceMs?: number; // how long an unclaimed complete invocation waits before it is 'Foreign'
  now?: () => number;
  /** FilterLogEvents budget across all groups (requests/s). Default 4. */
  maxRequestsPerSecond?: number;
  /** Polls re-read this much of the past to catch events indexed late (ms). Default 15000. */
  overlapMs?: number;
  /** Ceiling of the throttling backoff (ms). Default 30000. */
  maxBackoffMs?: number;
  /** First window start for polling/backfill, relative to start() (ms back). Default 5000. */
  lookbackMs?: number;
  /** Tolerated skew between this machine's clock and Lambda's for time matches (ms). Default 2000. */
  clockSkewMs?: number;
  /** Second backfill delay after a live (re)connect (ms). Default 3000. */
  settleMs?: number;
  /**
   * Once a live session has delivered lines, only ops awaiting their match longer than this are backed by
   * FilterLogEvents reads (ms). Default LIVE_BACKING_GRACE_MS.
   */
  liveBackingGraceMs?: number;
  /** Read the sandbox's recursion records (loop-watch.ts): targets other than AWS. */
  loopRecords?: boolean;
}

export interface AwaitedOp {
  result: OpResult;
  /** The S3 event names the op can cause, from the operation registry (`ObjectRemoved:Delete`, `ObjectRemoved:DeleteMarkerCreated`). */
  eventNames: readonly string[];
  timeoutMs: number;
  /** Invocations the op waits for (fan-out: one per function reached); fewer by its timeout is a MatchTimeout. Default 1. */
  expectedMatches?: number;
  /** The log groups of the functions its event reaches (fan-out), so each gets its own invocation. */
  expectedGroups?: string[];
  /** Invocations each function gets for it (RESTORE on the sandbox: Post, then Completed). Default 1. */
  perFunction?: number;
}

/** What the observer keeps per op besides its candidate (in the CandidateIndex). */
interface OpRecord {
  result?: OpResult;
  timer?: NodeJS.Timeout;
  expectedMatches?: number;
}

interface Claim {
  opIds: number[];
  confidence: MatchConfidence;
  emitted: boolean;
}

const SWEEP_MS = 250;
const CONFIDENCE_RANK: Record<MatchConfidence, number> = { time: 0, key: 1, 'request-id': 2 };
/** S3 request ids of the ops fired here remembered after they stop being candidates (evidence naming one is theirs). */
const MAX_OUR_REQUEST_IDS = 2000;
const DATE_MIDDLEWARE = 's3triggerLogsDateHeader';
/** An invocation that never reports is given up (foreign or partial match) after this. */
const STALE_INVOCATION_MS = 5 * 60_000;
/** A fired op never acked nor failed (its await() never came) stops holding foreign decisions after this. */
const STALE_PENDING_MS = 15 * 60_000;

export class Observer {
  private readonly listeners = new Set<(event: ObserveEvent) => void>();
  private readonly now: () => number;
  private readonly tails: GroupTail[] = [];
  private readonly invocations = new InvocationBook();
  private readonly ops = new Map<number, OpRecord>();
  private readonly claims = new Map<string, Claim>();
  /** The request ids of the claims naming each op, oldest first (its timeout looks at its own claims only). */
  private readonly claimsOf = new Map<number, string[]>();
  /** The ops' candidates, indexed by what evidence names; `ops` and it hold the same op ids. */
  private readonly candidates = new CandidateIndex();
  private readonly settled = new Set<string>(); // request ids decided foreign (or matched and emitted)
  /** Request ids of invocations neither claimed nor settled (some may have been evicted since): what an ack may decide. */
  private readonly undecided = new Set<string>();
  private readonly completedAt = new Map<string, number>();
  private recursion: RecursionState = emptyRecursion();
  private ours: OurActivity[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Spellings of the keys of the ops known now (pending ones included, candidates.keyForms), for recording evidence as lines arrive. */
  private readonly isEvidence: EvidenceTest = (line) => mayBeEvidence(line.message, this.candidates.keyForms);
  /** Lines received per invocation (its `lines` stop growing at the cap), to pace re-evaluation of big logs. */
  private readonly lineCounts = new Map<string, number>();
  /** The log endpoint's clock minus this machine's, as measured (clock.ts). */
  private clockOffset: ClockOffset;
  private clockWarned = false;
  /** S3 request ids of every op acked here (bounded), so a record naming one is not taken for another op's. */
  private readonly ourRequestIds = new Set<string>();
  /** The sandbox's loops stopped by recursion detection, reported on the op that started them. */
  private loops?: LoopWatch;
  private loopsReadAt = 0;

  constructor(private readonly options: ObserverOptions) {
    this.now = options.now ?? Date.now;
  }

  on(listener: (event: ObserveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ObserveEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // a listener's bug must not stop the tail
      }
    }
  }

  /** Resolves once every group's tail is connected, polling, or waiting for its group. */
  async start(): Promise<void> {
    const o = this.options;
    this.watchDateHeaders();
    if (o.loopRecords) {
      this.loops = new LoopWatch(
        o.logs,
        (opId, record) => this.emit({ type: 'Warning', opId, message: loopStoppedWarning(record) }),
        this.now(),
      );
    }
    const gate = new RateGate(1000 / (o.maxRequestsPerSecond ?? 4), this.now);
    // Ops registered before the tail starts (fired during discovery) must find their invocations too.
    const since = Math.min(this.now() - (o.lookbackMs ?? 5000), this.awaitingSince() ?? Infinity);
    for (const logGroup of [...new Set(o.logGroups)]) {
      const tail = new GroupTail({
        logs: o.logs,
        logGroup,
        mode: o.mode ?? 'auto',
        gate,
        since,
        interval: () => this.interval(),
        overlapMs: o.overlapMs ?? 15_000,
        maxBackoffMs: o.maxBackoffMs ?? 30_000,
        settleMs: o.settleMs ?? 3000,
        settleUntil: (connectedAt) => this.lambdaTimeAt(connectedAt),
        now: this.now,
        awaitingSince: (olderThanMs) => this.awaitingSince(olderThanMs),
        liveBackingGraceMs: o.liveBackingGraceMs ?? LIVE_BACKING_GRACE_MS,
        onEvents: (events) => this.ingest(events),
        onState: (state) => this.emit({ type: 'TailState', state }),
      });
      this.tails.push(tail);
    }
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
    await Promise.all(this.tails.map((t) => t.start()));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.sweeper);
    this.options.logs.middlewareStack.remove(DATE_MIDDLEWARE);
    for (const op of this.ops.values()) clearTimeout(op.timer);
    this.ops.clear();
    this.candidates.clear();
    this.claimsOf.clear();
    await Promise.all(this.tails.map((t) => t.stop()));
    this.listeners.clear();
  }

  /** Every Logs response's Date header is a clock sample (the one that shows offsets over a second when polling). */
  private watchDateHeaders(): void {
    const { middlewareStack } = this.options.logs;
    middlewareStack.remove(DATE_MIDDLEWARE);
    middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const headers = (out.response as { headers?: Record<string, string> } | undefined)?.headers;
        this.noteClock(dateHeaderSample(headers?.date, this.now()));
        return out;
      },
      { step: 'deserialize', name: DATE_MIDDLEWARE },
    );
  }

  private noteClock(sample: number | undefined): void {
    this.clockOffset = noteClockSample(this.clockOffset, sample);
  }

  /** The measured offset time matching uses; said once when it is over a second, as it changes what "after" means. */
  private matchingOffset(): number {
    const offset = matchingOffset(this.clockOffset, this.skewMs());
    if (!this.clockWarned && Math.abs(offset) > 1000) {
      this.clockWarned = true;
      this.emit({
        type: 'Warning',
        message: `the log endpoint's clock is about ${describeOffset(offset)} this machine's: matching allows for it, latencies include it`,
      });
    }
    return offset;
  }

  /**
   * The latest Lambda-clock time an event written by `at` (this machine's clock) can carry: the tolerated skew plus the
   * measured offset, as time matching allows.
   */
  private lambdaTimeAt(at: number): number {
    return at + this.skewMs() + Math.max(0, matchingOffset(this.clockOffset, this.skewMs()));
  }

  private skewMs(): number {
    return this.options.clockSkewMs ?? 2000;
  }

  /**
   * Lambda-clock start of the window holding the invocations of the ops awaiting their first match (those started at
   * least `olderThanMs` ago); undefined when none.
   */
  private awaitingSince(olderThanMs = 0): number | undefined {
    let oldest = Infinity;
    const latest = this.now() - olderThanMs;
    for (const op of this.candidates.all()) if (awaitsMore(op) && op.startedAt <= latest) oldest = Math.min(oldest, op.startedAt);
    return oldest === Infinity ? undefined : oldest - this.skewMs() + matchingOffset(this.clockOffset, this.skewMs());
  }

  /** Fast polling while any op is in flight or awaiting its first match. */
  private interval(): number {
    const busy = this.candidates.all().some(awaitsMore);
    return busy ? (this.options.pollFastMs ?? 500) : (this.options.pollIdleMs ?? 5000);
  }

  /**
   * An op was fired; `key` (when known before the ack) lets lines naming it be kept as evidence from the start.
   * `startedAt` (this machine's clock, default now): when it was fired, for an op fired before this observer existed.
   */
  pending(opId: number, bucket: string, key = '', startedAt = this.now()): void {
    if (this.stopped) return;
    this.ops.set(opId, {});
    this.candidates.set({ opId, bucket, key, eventNames: [], startedAt, pending: true, matched: false });
  }

  /** Forgets the op: no invocation is weighed against it any more. */
  private drop(opId: number): void {
    this.ops.delete(opId);
    this.candidates.delete(opId);
    this.claimsOf.delete(opId);
  }

  await(op: AwaitedOp): void {
    if (this.stopped) return;
    const { result } = op;
    clearTimeout(this.ops.get(result.opId)?.timer);
    const existing = this.candidates.get(result.opId);
    if (result.error) {
      this.drop(result.opId);
      return;
    }
    const record: OpRecord = {
      result,
      ...(op.expectedMatches !== undefined ? { expectedMatches: op.expectedMatches } : {}),
    };
    const candidate: OpCandidate = {
      opId: result.opId,
      bucket: result.bucket,
      key: result.key,
      eventNames: op.eventNames,
      ...(result.requestId ? { requestId: result.requestId } : {}),
      ...(result.invocationRequestIds ? { invocationRequestIds: result.invocationRequestIds } : {}),
      startedAt: Math.min(result.startedAt, existing?.startedAt ?? Infinity),
      ...(result.ackedAt !== undefined ? { ackedAt: result.ackedAt } : {}),
      pending: false,
      matched: existing?.matched ?? false,
      ...(existing?.matchedGroups ? { matchedGroups: existing.matchedGroups } : {}),
      ...(op.expectedGroups ? { expectedGroups: op.expectedGroups } : {}),
      ...(op.perFunction !== undefined && op.perFunction > 1 ? { perFunction: op.perFunction } : {}),
    };
    record.timer = setTimeout(() => this.timeout(result.opId), op.timeoutMs);
    record.timer.unref();
    this.ops.set(result.opId, record);
    this.candidates.set(candidate);
    if (result.requestId) this.noteOurRequestId(result.requestId);
    this.loops?.note({ opId: result.opId, bucket: result.bucket, key: result.key, startedAt: result.startedAt });
    this.decideFor(candidate);
  }

  /**
   * The Lambda may have logged before the ack was read: weighs what is already here again, now that the op is acked:
   * every invocation no op has claimed yet, and its own claims (their confidence may rise: its request id is known
   * now), in the invocations' order. Only the undecided ones, not all: a burst's matched invocations cost nothing here.
   * Narrowing this further to the invocations whose evidence names the op let one fired during discovery settle for a
   * time match (test/session-robustness.test.ts, about 1 run in 8).
   */
  private decideFor(op: OpCandidate): void {
    const here = new Set<Invocation>();
    for (const id of this.undecided) {
      const inv = this.invocations.byId.get(id);
      if (!inv)
        this.undecided.delete(id); // evicted
      else here.add(inv);
    }
    for (const id of this.claimsOf.get(op.opId) ?? []) {
      const inv = this.invocations.byId.get(id);
      if (inv) here.add(inv);
    }
    for (const inv of this.invocations.inOrder(here)) {
      const claim = this.claims.get(inv.requestId);
      if (!claim || claim.opIds.includes(op.opId)) this.evaluate(inv);
    }
  }

  private ingest(events: RawLogEvent[]): void {
    if (this.stopped) return;
    const changed = new Map<string, Invocation>();
    const gotEvidence = new Set<string>();
    const lines = [...events]
      .sort((a, b) => a.timestamp - b.timestamp)
      .map((raw) => {
        const read = toLogLine(raw, this.now());
        if (read.line.ingestionTime !== undefined) this.noteClock(ingestionSample(read.line.ingestionTime, read.line.seenAt));
        return read;
      });
    for (const { line, parsed } of lines) {
      const r = this.invocations.add(line, parsed, this.isEvidence);
      this.emit({ type: 'LogLine', line: r.line });
      for (const inv of r.updated) {
        changed.set(inv.requestId, inv);
        this.lineCounts.set(inv.requestId, (this.lineCounts.get(inv.requestId) ?? 0) + 1);
        if (r.evidence) gotEvidence.add(inv.requestId);
      }
    }
    for (const inv of changed.values()) {
      if (!this.claims.has(inv.requestId) && !this.settled.has(inv.requestId)) this.undecided.add(inv.requestId);
      if (isComplete(inv) && !this.completedAt.has(inv.requestId)) this.completedAt.set(inv.requestId, this.now());
      this.emit({ type: 'InvocationUpdated', invocation: inv });
      this.evaluate(inv, gotEvidence.has(inv.requestId));
    }
  }

  private noteOurRequestId(requestId: string): void {
    this.ourRequestIds.add(requestId);
    if (this.ourRequestIds.size > MAX_OUR_REQUEST_IDS) this.ourRequestIds.delete(this.ourRequestIds.values().next().value as string);
  }

  /** `newEvidence`: a line just recorded as evidence, so a big log is weighed now rather than at its next 50th line. */
  private evaluate(inv: Invocation, newEvidence = true): void {
    const claim = this.claims.get(inv.requestId);
    if (!claim && this.settled.has(inv.requestId)) return; // decided foreign
    if (claim) {
      if (newEvidence) this.upgrade(inv, claim);
    } else {
      if (this.candidates.size === 0) return;
      const seen = this.lineCounts.get(inv.requestId) ?? inv.lines.length;
      if (!isComplete(inv) && !newEvidence && seen > 200 && seen % 50 !== 0) return; // keep big logs cheap
      const decisions = decideMatchAmong(inv, evidenceOf(inv), this.candidates, {
        clockSkewMs: this.skewMs(),
        clockOffsetMs: this.matchingOffset(),
        ourRequestIds: this.ourRequestIds,
      });
      if (decisions.length === 0) return;
      for (const d of decisions) {
        const op = this.candidates.get(d.opId);
        if (op) this.candidates.set({ ...op, matched: true, matchedGroups: [...(op.matchedGroups ?? []), inv.logGroup] });
        this.claimsOf.set(d.opId, [...(this.claimsOf.get(d.opId) ?? []), inv.requestId]);
      }
      this.claims.set(inv.requestId, { opIds: decisions.map((d) => d.opId), confidence: decisions[0]!.confidence, emitted: false });
      this.undecided.delete(inv.requestId);
    }
    if (isComplete(inv)) this.emitMatch(inv);
  }

  /**
   * Raises a claim's confidence when the evidence now says more about the ops it names (the record with the op's
   * request id printed after the key, or seen before the ack); an emitted match is emitted again with it.
   */
  private upgrade(inv: Invocation, claim: Claim): void {
    if (claim.confidence === 'request-id') return;
    const ops = claim.opIds.map((id) => this.candidates.get(id)).filter((op): op is OpCandidate => op !== undefined && !op.pending);
    if (ops.length === 0) return;
    const ev = evidenceOf(inv);
    let best: MatchConfidence = claim.confidence;
    for (const op of ops) {
      const found = evidenceFor(ev, op, this.ourRequestIds);
      if (found && CONFIDENCE_RANK[found] > CONFIDENCE_RANK[best]) best = found;
    }
    if (best === claim.confidence) return;
    claim.confidence = best;
    if (claim.emitted) this.emitMatched(inv, claim, false);
  }

  private emitMatch(inv: Invocation): void {
    const claim = this.claims.get(inv.requestId);
    if (!claim || claim.emitted) return;
    claim.emitted = true;
    this.settled.add(inv.requestId);
    this.emitMatched(inv, claim, true);
  }

  private emitMatched(inv: Invocation, claim: Claim, first: boolean): void {
    for (const opId of claim.opIds) {
      const op = this.ops.get(opId);
      const result = op?.result;
      if (!first && !op) continue; // timed out since: its outcome is settled
      this.emit({ type: 'Matched', opId, invocation: inv, confidence: claim.confidence, latency: computeLatency(result ?? {}, inv) });
      if (result && first)
        this.ours = [
          ...this.ours,
          { bucket: result.bucket, key: result.key, at: inv.reportedAt ?? this.now(), logGroup: inv.logGroup },
        ].slice(-100);
    }
  }

  private timeout(opId: number): void {
    const op = this.ops.get(opId);
    if (!op) return;
    let matched = 0;
    for (const requestId of this.claimsOf.get(opId) ?? []) {
      const claim = this.claims.get(requestId);
      if (!claim?.opIds.includes(opId)) continue;
      matched++;
      const inv = this.invocations.byId.get(requestId);
      if (inv && !claim.emitted) this.emitMatch(inv); // partial: it never reported in time
    }
    this.drop(opId);
    if (matched < (op.expectedMatches ?? 1)) this.emit({ type: 'MatchTimeout', opId });
  }

  /** Unclaimed invocations become Foreign after the grace period, unless an op is still in flight. */
  private sweep(): void {
    if (this.stopped) return;
    const now = this.now();
    if (this.loops && now - this.loopsReadAt >= 1000) {
      this.loopsReadAt = now;
      void this.loops.poll();
    }
    const grace = this.options.foreignGraceMs ?? 3000;
    for (const op of this.candidates.all()) if (op.pending && now - op.startedAt > STALE_PENDING_MS) this.drop(op.opId);
    const inFlight = this.candidates.all().some((op) => op.pending);
    for (const inv of this.invocations.byId.values()) {
      if (this.settled.has(inv.requestId) || this.claims.has(inv.requestId)) continue;
      const doneAt = this.completedAt.get(inv.requestId);
      const stale = now - inv.firstSeenAt > STALE_INVOCATION_MS;
      if (!stale && (doneAt === undefined || now - doneAt < grace || inFlight)) continue;
      this.settled.add(inv.requestId);
      this.undecided.delete(inv.requestId);
      this.emit({ type: 'Foreign', invocation: inv });
      const r = noteForeign(
        this.recursion,
        { logGroup: inv.logGroup, at: inv.startedAt ?? inv.firstSeenAt, mentions: evidenceOf(inv).mentions },
        this.ours,
      );
      this.recursion = r.state;
      if (r.warning) this.emit({ type: 'Warning', message: r.warning });
    }
    this.prune();
  }

  /**
   * Waits (at most `maxMs`) until every recursive chain an op fired here started is stopped by Lambda's recursion
   * detection (its Warning then emitted), so a run does not end between a loop's start and its stop. Sandbox only.
   */
  async awaitLoops(maxMs: number): Promise<void> {
    await this.loops?.settle(maxMs, this.now);
  }

  /** Forget bookkeeping of invocations the reducer has evicted. */
  private prune(): void {
    if (this.settled.size < 2000) return;
    for (const set of [this.settled, this.claims, this.completedAt, this.lineCounts, this.undecided] as const) {
      for (const id of set.keys()) if (!this.invocations.byId.has(id)) set.delete(id);
    }
  }
}
