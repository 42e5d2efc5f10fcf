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

function update(states: OpStates, opId: number, change: (op: OpState) => OpState): OpStates {
  const op = states[opId];
  return op ? { ...states, [opId]: change(op) } : states;
}

/** Applies one engine event; events that concern no known operation return `states` unchanged. Pure. */
export function foldOpEvent(states: OpStates, event: SessionEvent): OpStates {
  switch (event.type) {
    case 'OpStarted':
      return {
        ...states,
        [event.opId]: {
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
        },
      };
    case 'OpProgress':
      return update(states, event.opId, (op) => ({
        ...op,
        progress: { loaded: event.loaded, ...(event.total !== undefined ? { total: event.total } : {}) },
      }));
    case 'OpAcked':
      return update(states, event.opId, (op) => {
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
      });
    case 'OpFailed':
      return update(states, event.opId, (op) => ({
        ...op,
        result: event.result,
        status: event.result.error?.code === 'Aborted' ? 'cancelled' : 'failed',
        settled: true,
      }));
    case 'OpSkipped':
      return update(states, event.opId, (op) => ({ ...op, status: 'skipped', settled: true }));
    case 'Matched':
      return update(states, event.opId, (op) => {
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
      });
    case 'InvocationUpdated': {
      let next = states;
      for (const op of Object.values(states)) {
        const index = op.matches.findIndex((m) => m.requestId === event.invocation.requestId);
        if (index < 0) continue;
        const matches = op.matches.slice();
        const latency = op.result ? computeLatency(op.result, event.invocation) : matches[index]!.latency;
        matches[index] = { ...matches[index]!, invocation: event.invocation, latency };
        const status = op.status === 'matched' || op.status === 'lambda-failed' ? matchedStatus(matches) : op.status;
        next = { ...next, [op.opId]: { ...op, matches, status } };
      }
      return next;
    }
    case 'MatchTimeout':
      return update(states, event.opId, (op) => {
        if (op.settled) return op;
        if (hasAllMatches(op, op.matches)) return { ...op, status: matchedStatus(op.matches), settled: true };
        // Fan-out short of a function: no-match (exit 3), unless one that ran failed (lambda-failed ranks higher).
        if (op.matches.length > 0) {
          const status = matchedStatus(op.matches) === 'lambda-failed' ? 'lambda-failed' : 'no-match';
          return { ...op, status, settled: true };
        }
        return { ...op, status: op.status === 'acked' ? 'no-match' : op.status, settled: true };
      });
    case 'Warning':
      if (event.opId === undefined) return states;
      return update(states, event.opId, (op) =>
        op.warnings.includes(event.message) ? op : { ...op, warnings: [...op.warnings, event.message] },
      );
    default:
      return states;
  }
}

/** Folds a batch of events. */
export function foldOpEvents(states: OpStates, events: readonly SessionEvent[]): OpStates {
  let next = states;
  for (const event of events) next = foldOpEvent(next, event);
  return next;
}
