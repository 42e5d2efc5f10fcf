/**
 * Latency of one matched operation. Clocks (documented on Latency in types.ts):
 * ack and seenAt are this machine's; START/REPORT timestamps are Lambda's; Duration and
 * Init Duration are Lambda's own measurements. Figures spanning two clocks include their skew.
 */
import type { OpResult } from '../ops/types.js';
import type { Invocation, Latency } from './types.js';

/**
 * From an earlier moment to a later one, never below 0 ms. On one clock (the sandbox) START can be stamped before
 * the SDK has parsed the ack, so a few ms below zero mean "less than a millisecond"; across two clocks it is their
 * skew, which no figure can take back. Faces show 0 as `<1 ms`.
 */
function span(from: number, to: number): number {
  return Math.max(0, to - from);
}

/**
 * The figures of one matched invocation against its operation's ack (ms): trigger (ack -> START), end-to-end
 * (ack -> REPORT), Lambda's own duration and init duration, and tail lag (START -> seen here). None is negative.
 */
export function computeLatency(result: Pick<OpResult, 'ackedAt'>, inv: Invocation): Latency {
  const ack = result.ackedAt;
  const start = inv.lines.find((l) => l.kind === 'start');
  const initDurationMs = inv.report?.initDurationMs;
  return {
    ...(ack !== undefined && inv.startedAt !== undefined ? { triggerMs: span(ack, inv.startedAt) } : {}),
    ...(ack !== undefined && inv.reportedAt !== undefined ? { endToEndMs: span(ack, inv.reportedAt) } : {}),
    ...(inv.report ? { durationMs: inv.report.durationMs } : {}),
    ...(initDurationMs !== undefined ? { initDurationMs } : {}),
    coldStart: initDurationMs !== undefined,
    ...(start ? { tailLagMs: span(start.timestamp, start.seenAt) } : {}),
  };
}
