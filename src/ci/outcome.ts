/** What became of one operation in a CI run, and the exit code of a whole run. */
import { attemptCount } from '../observe/invocations.js';
import type { OpInput, OpResult } from '../ops/types.js';
import type { Invocation, Latency, LogLine, MatchConfidence } from '../observe/types.js';
import { ExitCode } from '../errors.js';
import { missingFunctions, type OpState } from '../op-state.js';

/** One operation of a CI run as it ended (from the engine's fold, plus what CI itself checks: --expect). */
export interface OpOutcome {
  input: OpInput;
  warnings: string[];
  result?: OpResult;
  /** The first (or only) matched invocation. */
  match?: OpMatchSummary;
  /** Every matched invocation, first first (fan-out: one per function). */
  matches?: OpMatchSummary[];
  /** --wait and no invocation matched within --timeout (fan-out: some function's did not). */
  timedOut?: boolean;
  /** Fan-out: the functions its event reaches that had no matched invocation when it settled. */
  missing?: string[];
  /** How many invocations it waited for, when more than one (fan-out, --expect-invocations). */
  expectedInvocations?: number;
  /** A matched invocation's last attempt seen within --timeout failed or timed out (the fold's `lambda-failed`). */
  lambdaFailed?: boolean;
  /** --expect: whether the matched invocation's log contained the pattern. */
  expect?: { pattern: string; ok: boolean };
  cancelled?: boolean;
  /** An interrupt cut its wait short: ms from S3's ack to the interrupt (this machine's clock). */
  waitedMs?: number;
  /** Never fired: an earlier operation of the run failed. */
  skipped?: boolean;
}

export interface OpMatchSummary {
  invocation: Invocation;
  confidence: MatchConfidence;
  latency: Latency;
}

/**
 * A CI outcome from the engine's settled state; `interrupted`: the run was stopped while it waited, `interruptedAt`
 * when (epoch ms). Closing the session settles a waiting op as it stands (`no-match`): that wait was cut short, not
 * timed out, so it is `cancelled`.
 */
export function outcomeOf(state: OpState, interrupted = false, interruptedAt?: number): OpOutcome {
  const cutShort = interrupted && (!state.settled || state.status === 'no-match');
  const ackedAt = state.result && !state.result.error ? state.result.ackedAt : undefined;
  const matches = state.matches.map(({ invocation, confidence, latency }) => ({ invocation, confidence, latency }));
  return {
    input: state.input,
    warnings: state.warnings,
    ...(state.result ? { result: state.result } : {}),
    ...(matches[0] ? { match: matches[0], matches } : {}),
    ...(state.status === 'no-match' && !cutShort ? { timedOut: true } : {}),
    ...(state.settled && missingFunctions(state).length ? { missing: missingFunctions(state) } : {}),
    ...(state.expectedMatches > 1 ? { expectedInvocations: state.expectedMatches } : {}),
    ...(state.status === 'lambda-failed' ? { lambdaFailed: true } : {}),
    ...(state.status === 'skipped' ? { skipped: true } : {}),
    ...(cutShort ? { cancelled: true } : {}),
    ...(cutShort && ackedAt !== undefined && interruptedAt !== undefined ? { waitedMs: Math.max(0, interruptedAt - ackedAt) } : {}),
  };
}

/** The fold's final statuses (op-state.ts), plus `expect-failed`: matched, but --expect found nothing. */
export type OutcomeStatus = 'acked' | 'matched' | 'lambda-failed' | 'failed' | 'no-match' | 'expect-failed' | 'cancelled' | 'skipped';

/** One outcome's status: skipped, cancelled and failed first, then no-match, lambda-failed, expect-failed (4 > 3). */
export function statusOf(o: OpOutcome): OutcomeStatus {
  if (o.skipped) return 'skipped';
  if (o.cancelled || o.result?.error?.code === 'Aborted') return 'cancelled';
  if (!o.result || o.result.error) return 'failed';
  if (o.timedOut) return 'no-match';
  if (o.lambdaFailed) return 'lambda-failed';
  if (o.expect && !o.expect.ok) return 'expect-failed';
  return o.match ? 'matched' : 'acked';
}

/** Op errors that mean nothing reached S3 and the fix is on this side (the endpoint, TMPDIR): exit 2, as bad input. */
const NOTHING_SENT_CODES = new Set(['EndpointUnreachable', 'TempFileUnwritable']);

/** Each status's exit code, ranked: the run exits with the highest-ranked one of its operations. */
const EXIT_BY_STATUS: readonly [OutcomeStatus, ExitCode][] = [
  ['failed', ExitCode.OperationFailed],
  ['cancelled', ExitCode.OperationFailed],
  ['lambda-failed', ExitCode.LambdaFailed],
  ['no-match', ExitCode.NoMatch],
  ['expect-failed', ExitCode.NoMatch],
];

/**
 * The run's exit code: 130 interrupted > 2 endpoint unreachable or temp file unwritable (nothing reached S3) >
 * 1 an operation failed > 4 a matched Lambda failed > 3 no match / --expect not matched > 0.
 */
export function exitCodeFor(outcomes: OpOutcome[], interrupted: boolean): ExitCode {
  if (interrupted) return ExitCode.Interrupted;
  if (outcomes.some((o) => NOTHING_SENT_CODES.has(o.result?.error?.code ?? ''))) return ExitCode.Usage;
  const statuses = new Set(outcomes.map(statusOf));
  return EXIT_BY_STATUS.find(([status]) => statuses.has(status))?.[1] ?? ExitCode.Ok;
}

/** The invocation's log as one text, for --expect: the kept lines plus the evidence recorded past the line cap. */
export function invocationText(inv: Invocation): string {
  const extra = (inv.evidence ?? []).filter((l) => !inv.lines.includes(l));
  const lines = extra.length ? [...inv.lines, ...extra].sort((a, b) => a.timestamp - b.timestamp) : inv.lines;
  return lines.map((l) => l.message).join('\n');
}

/** An invocation's error lines: an unhandled error, a runtime exit, `Task timed out` (messages as logged). */
export function errorLines(inv: Invocation): LogLine[] {
  return inv.lines.filter((l) => l.kind === 'error' || l.kind === 'timeout');
}

/** Lambda's most attempts at an asynchronous invocation: the first and two retries (MaximumRetryAttempts is 0 to 2). */
export const MAX_ASYNC_ATTEMPTS = 3;

/** Whether the invocation (its last attempt) ended in an error or a timeout. */
export function invocationFailed(inv: Invocation): boolean {
  return inv.status === 'failed' || inv.status === 'timed-out';
}

/** Whether a retry of the invocation is running (its last attempt has not ended yet). */
export function retryRunning(inv: Invocation): boolean {
  return inv.status === 'running' && attemptCount(inv) > 1;
}

/**
 * Whether a failed invocation may still be retried: fewer attempts seen than `maxAttempts` (the function's
 * MaximumRetryAttempts + 1 when discovery read it; else MAX_ASYNC_ATTEMPTS).
 */
export function mayBeRetried(inv: Invocation, maxAttempts = MAX_ASYNC_ATTEMPTS): boolean {
  return invocationFailed(inv) && attemptCount(inv) < maxAttempts;
}
