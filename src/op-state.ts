/**
 * The one fold from engine events to per-operation state. The session uses it to settle `fire()`,
 * CI reports from it and the TUI's rows are a view of it: one status vocabulary for every face.
 */
import type { SessionEvent } from './events.js';
import type { OpInput, OpResult } from './ops/types.js';
import type { Invocation, Latency, MatchConfidence } from './observe/types.js';
import { computeLatency } from './observe/latency.js';

/**
 * Where one operation stands.
 * - `pending`: announced, not sent yet (queued until the tail is ready);
 * - `sending`: the S3 request is in flight (`progress` for multipart);
 * - `acked`: S3 answered 2xx; waiting for the invocation, or done when nothing is awaited;
 * - `matched`: every expected invocation matched and (as far as seen) succeeded;
 * - `lambda-failed`: a matched invocation ended in an error or a timeout (Lambda's `status: error|timeout`);
 * - `no-match`: no invocation matched within the timeout;
 * - `failed`: the S3 request failed; `cancelled`: it was aborted (Ctrl-C, quit);
 * - `skipped`: never fired because an earlier operation of the run failed.
 */
export type OpStatus = 'pending' | 'sending' | 'acked' | 'matched' | 'lambda-failed' | 'no-match' | 'failed' | 'cancelled' | 'skipped';

/** One invocation matched to the operation, with its figures (final once the invocation reported). */
export interface OpMatch {
  requestId: string;
  logGroup: string;
  confidence: MatchConfidence;
  latency: Latency;
  /** The latest snapshot of the invocation (lines, REPORT metrics, status). */
  invocation: Invocation;
}

export interface OpState {
  opId: number;
  input: OpInput;
  /** When it was fired (epoch ms, this machine). */
  startedAt: number;
  status: OpStatus;
  warnings: string[];
  progress?: { loaded: number; total?: number };
  result?: OpResult;
  /** First match first; fan-out adds one per function. */
  matches: OpMatch[];
  /**
   * Matches that settle the operation: 1 for a direct notification (S3 allows no overlapping configurations); one per
   * function reached through a fan-out (SNS subscriptions, EventBridge rules); `--expect-invocations N`.
   */
  expectedMatches: number;
  /** The functions the op's event reaches (from the chain): matches count once per function; absent: every match counts. */
  expectedFunctions?: string[];
  /** Invocations each function must get (RESTORE on the sandbox: ObjectRestore:Post and :Completed); absent: 1. */
  eventsPerFunction?: number;
  /** Whether an invocation is awaited at all (false: the operation settles at its ack). */
  awaitsInvocation: boolean;
  /** fire()'s promise has resolved with this op. Later events only add: a late match turns `no-match` into `matched`. */
  settled: boolean;
}

/** Per-operation states by op id. */
export type OpStates = Readonly<Record<number, OpState>>;

const FAILED_INVOCATION = new Set<Invocation['status']>(['failed', 'timed-out']);

function matchedStatus(matches: readonly OpMatch[]): OpStatus {
  return matches.some((m) => FAILED_INVOCATION.has(m.invocation.status)) ? 'lambda-failed' : 'matched';
}

/**
 * Whether the op has every invocation it waits for: `eventsPerFunction` (default 1) per function when its functions are
 * known, else by count.
 */
export function hasAllMatches(
  op: Pick<OpState, 'expectedMatches' | 'expectedFunctions' | 'eventsPerFunction'>,
  matches: readonly OpMatch[],
): boolean {
  const per = op.eventsPerFunction ?? 1;
  if (!op.expectedFunctions) return matches.length >= op.expectedMatches * per;
  const byGroup = new Map<string, number>();
  for (const m of matches) byGroup.set(m.logGroup, (byGroup.get(m.logGroup) ?? 0) + 1);
  return [...byGroup.values()].filter((n) => n >= per).length >= op.expectedMatches;
}

/** The expected functions no matched invocation came from (their log group `/aws/lambda/NAME`), in order. */
export function missingFunctions(op: Pick<OpState, 'expectedFunctions' | 'matches'>): string[] {
  const groups = new Set(op.matches.map((m) => m.logGroup));
  return (op.expectedFunctions ?? []).filter((fn) => !groups.has(`/aws/lambda/${fn}`));
}

/** A settled op's status once another match came in late: matched when nothing is missing any more. */
function lateStatus(op: OpState, matches: readonly OpMatch[]): OpStatus {
  const status = matchedStatus(matches);
  return hasAllMatches(op, matches) || status === 'lambda-failed' ? status : 'no-match';
}

/** The op an event is about (InvocationUpdated: see foldOpEvent), undefined for events about none. */
function opIdOf(event: SessionEvent): number | undefined {
  return 'opId' in event ? event.opId : undefined;
}

/** The invocation snapshot replaces the op's match of it (no match of it: `op` unchanged). */
function withInvocation(op: OpState, invocation: Invocation): OpState {
  const index = op.matches.findIndex((m) => m.requestId === invocation.requestId);
  if (index < 0) return op;
  const matches = op.matches.slice();
  const latency = op.result ? computeLatency(op.result, invocation) : matches[index]!.latency;
  matches[index] = { ...matches[index]!, invocation, latency };
  const status = op.status === 'matched' || op.status === 'lambda-failed' ? matchedStatus(matches) : op.status;
  return { ...op, matches, status };
}

/**
 * Applies one event to one operation: `op` is the state of the op the event names (undefined when unknown; OpStarted
 * makes it), and for InvocationUpdated any op (unchanged unless it matched that invocation). Returns `op` itself when
 * the event changes nothing. Pure.
 */
export function foldOp(op: OpState | undefined, event: SessionEvent): OpState | undefined {
  if (event.type === 'OpStarted')
    return {
      opId: event.opId,
      input: event.input,
      startedAt: event.startedAt,
      status: 'sending',
      warnings: event.warnings,
      matches: [],
      expectedMatches: event.expectedMatches ?? 1,
      ...(event.expectedFunctions ? { expectedFunctions: event.expectedFunctions } : {}),
      ...(event.eventsPerFunction !== undefined && event.eventsPerFunction > 1 ? { eventsPerFunction: event.eventsPerFunction } : {}),
      awaitsInvocation: event.awaitsInvocation ?? true,
      settled: false,
    };
  if (!op) return op;
  switch (event.type) {
    case 'OpProgress':
      return { ...op, progress: { loaded: event.loaded, ...(event.total !== undefined ? { total: event.total } : {}) } };
    case 'OpAcked': {
      // A Lambda can report before the SDK has parsed the ack: a match that came first stands.
      const matched = hasAllMatches(op, op.matches);
      const latency = (m: OpMatch) => ({ ...m, latency: computeLatency(event.result, m.invocation) });
      const matches = op.matches.map(latency);
      return {
        ...op,
        result: event.result,
        matches,
        status: matched ? matchedStatus(matches) : 'acked',
        settled: matched || !op.awaitsInvocation,
      };
    }
    case 'OpFailed':
      return { ...op, result: event.result, status: event.result.error?.code === 'Aborted' ? 'cancelled' : 'failed', settled: true };
    case 'OpSkipped':
      return { ...op, status: 'skipped', settled: true };
    case 'Matched': {
      const index = op.matches.findIndex((m) => m.requestId === event.invocation.requestId);
      if (index >= 0) {
        // The same invocation again: better evidence arrived (the observer upgrades a match's confidence).
        const matches = op.matches.slice();
        const latency = op.result ? computeLatency(op.result, event.invocation) : event.latency;
        matches[index] = { ...matches[index]!, confidence: event.confidence, invocation: event.invocation, latency };
        const status = op.status === 'matched' || op.status === 'lambda-failed' ? matchedStatus(matches) : op.status;
        return { ...op, matches, status };
      }
      const match: OpMatch = {
        requestId: event.invocation.requestId,
        logGroup: event.invocation.logGroup,
        confidence: event.confidence,
        latency: event.latency,
        invocation: event.invocation,
      };
      const matches = [...op.matches, match];
      if (op.status === 'failed' || op.status === 'cancelled' || op.status === 'skipped') return { ...op, matches };
      if (op.settled) return { ...op, matches, status: lateStatus(op, matches) }; // a late match beats no-match
      // Before the ack the op is still sending: OpAcked settles it with its figures.
      const complete = op.result !== undefined && hasAllMatches(op, matches);
      return { ...op, matches, ...(complete ? { status: matchedStatus(matches), settled: true } : {}) };
    }
    case 'InvocationUpdated':
      return withInvocation(op, event.invocation);
    case 'MatchTimeout': {
      if (op.settled) return op;
      if (hasAllMatches(op, op.matches)) return { ...op, status: matchedStatus(op.matches), settled: true };
      // Fan-out short of a function: no-match (exit 3), unless one that ran failed (lambda-failed ranks higher).
      if (op.matches.length > 0) {
        const status = matchedStatus(op.matches) === 'lambda-failed' ? 'lambda-failed' : 'no-match';
        return { ...op, status, settled: true };
      }
      return { ...op, status: op.status === 'acked' ? 'no-match' : op.status, settled: true };
    }
    case 'Warning':
      return op.warnings.includes(event.message) ? op : { ...op, warnings: [...op.warnings, event.message] };
    default:
      return op;
  }
}

/**
 * Applies one engine event; events that concern no known operation return `states` unchanged. Pure. Each event
 * copies `states` once (an InvocationUpdated also looks at every op): an engine that keeps many ops uses OpBook.
 */
export function foldOpEvent(states: OpStates, event: SessionEvent): OpStates {
  if (event.type === 'InvocationUpdated') {
    let next = states;
    for (const op of Object.values(states)) {
      const changed = withInvocation(op, event.invocation);
      if (changed !== op) next = { ...next, [op.opId]: changed };
    }
    return next;
  }
  const opId = opIdOf(event);
  if (opId === undefined) return states;
  const op = states[opId];
  const next = foldOp(op, event);
  return next === undefined || next === op ? states : { ...states, [opId]: next };
}

/**
 * The same fold kept in a Map, for an engine that owns its states (the session, a burst): an event replaces the one
 * entry it changes (foldOp) instead of copying every op's, and an index of invocation -> ops finds the ops an
 * InvocationUpdated concerns without looking at every op. Iterates in the order the ops started.
 */
export class OpBook {
  private readonly states = new Map<number, OpState>();
  /** Invocation request id -> the ops with a match of it. */
  private readonly byInvocation = new Map<string, Set<number>>();

  get size(): number {
    return this.states.size;
  }

  get(opId: number): OpState | undefined {
    return this.states.get(opId);
  }

  /** Op ids, oldest first. */
  ids(): IterableIterator<number> {
    return this.states.keys();
  }

  values(): IterableIterator<OpState> {
    return this.states.values();
  }

  apply(event: SessionEvent): void {
    if (event.type === 'InvocationUpdated') {
      for (const opId of this.byInvocation.get(event.invocation.requestId) ?? []) {
        const op = this.states.get(opId);
        if (op) this.states.set(opId, withInvocation(op, event.invocation));
      }
      return;
    }
    const opId = opIdOf(event);
    if (opId === undefined) return;
    const op = this.states.get(opId);
    const next = foldOp(op, event);
    if (next === undefined || next === op) return;
    if (op && event.type === 'OpStarted') this.unindex(op); // an id started again: a new op
    this.states.set(opId, next);
    if (event.type === 'Matched') {
      const ops = this.byInvocation.get(event.invocation.requestId);
      if (ops) ops.add(opId);
      else this.byInvocation.set(event.invocation.requestId, new Set([opId]));
    }
  }

  /** Forgets the op (later events about it change nothing). */
  delete(opId: number): void {
    const op = this.states.get(opId);
    if (!op) return;
    this.unindex(op);
    this.states.delete(opId);
  }

  private unindex(op: OpState): void {
    for (const m of op.matches) {
      const ops = this.byInvocation.get(m.requestId);
      ops?.delete(op.opId);
      if (ops?.size === 0) this.byInvocation.delete(m.requestId);
    }
  }
}

/** Folds a batch of events. */
export function foldOpEvents(states: OpStates, events: readonly SessionEvent[]): OpStates {
  let next = states;
  for (const event of events) next = foldOpEvent(next, event);
  return next;
}
