/** What became of one operation in a CI run, and the exit code of a whole run. */
import type { OpInput, OpResult } from '../ops/types.js';
import type { Invocation, Latency, MatchConfidence } from '../observe/types.js';
import { ExitCode } from '../errors.js';
import type { OpState } from '../op-state.js';

export interface OpOutcome {
  input: OpInput;
  warnings: string[];
  result?: OpResult;
  /** The first (or only) matched invocation. */
  match?: OpMatchSummary;
  /** Every matched invocation, first first (fan-out: one per function). */
  matches?: OpMatchSummary[];
  /** --wait and no invocation matched within --timeout. */
  timedOut?: boolean;
  /** --expect: whether the matched invocation's log contained the pattern. */
  expect?: { pattern: string; ok: boolean };
  cancelled?: boolean;
}

export interface OpMatchSummary {
  invocation: Invocation;
  confidence: MatchConfidence;
  latency: Latency;
}

/** A CI outcome from the engine's settled state; `interrupted`: the run was stopped while it waited. */
export function outcomeOf(state: OpState, interrupted = false): OpOutcome {
  const matches = state.matches.map(({ invocation, confidence, latency }) => ({ invocation, confidence, latency }));
  return {
    input: state.input,
    warnings: state.warnings,
    ...(state.result ? { result: state.result } : {}),
    ...(matches[0] ? { match: matches[0], matches } : {}),
    ...(state.status === 'no-match' ? { timedOut: true } : {}),
    ...(interrupted && !state.settled ? { cancelled: true } : {}),
  };
}

export type OutcomeStatus = 'acked' | 'matched' | 'failed' | 'no-match' | 'expect-failed' | 'cancelled';

export function statusOf(o: OpOutcome): OutcomeStatus {
  if (o.cancelled || o.result?.error?.code === 'Aborted') return 'cancelled';
  if (!o.result || o.result.error) return 'failed';
  if (o.timedOut) return 'no-match';
  if (o.expect && !o.expect.ok) return 'expect-failed';
  return o.match ? 'matched' : 'acked';
}

/** Op errors that mean nothing reached S3 and the fix is on this side (the endpoint, TMPDIR): exit 2, as bad input. */
const NOTHING_SENT_CODES = new Set(['EndpointUnreachable', 'TempFileUnwritable']);

/** 130 interrupted > 2 endpoint unreachable or temp file unwritable (nothing reached S3) > 1 an op failed > 3 no match / expect failed > 0. */
export function exitCodeFor(outcomes: OpOutcome[], interrupted: boolean): ExitCode {
  if (interrupted) return ExitCode.Interrupted;
  if (outcomes.some((o) => NOTHING_SENT_CODES.has(o.result?.error?.code ?? ''))) return ExitCode.Usage;
  const statuses = outcomes.map(statusOf);
  if (statuses.includes('failed') || statuses.includes('cancelled')) return ExitCode.OperationFailed;
  if (statuses.includes('no-match') || statuses.includes('expect-failed')) return ExitCode.NoMatch;
  return ExitCode.Ok;
}

/** The invocation's log as one text, for --expect: the kept lines plus the evidence recorded past the line cap. */
export function invocationText(inv: Invocation): string {
  const extra = (inv.evidence ?? []).filter((l) => !inv.lines.includes(l));
  const lines = extra.length ? [...inv.lines, ...extra].sort((a, b) => a.timestamp - b.timestamp) : inv.lines;
  return lines.map((l) => l.message).join('\n');
}
