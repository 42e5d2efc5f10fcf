/**
 * Latency of one matched operation. Clocks (documented on Latency in types.ts):
 * ack and seenAt are this machine's; START/REPORT timestamps are Lambda's; Duration and
 * Init Duration are Lambda's own measurements. Figures spanning two clocks include their skew.
 */
import type { OpResult } from '../ops/types.js';
import type { Invocation, Latency } from './types.js';

export function computeLatency(result: Pick<OpResult, 'ackedAt'>, inv: Invocation): Latency {
  const ack = result.ackedAt;
  const start = inv.lines.find((l) => l.kind === 'start');
  const initDurationMs = inv.report?.initDurationMs;
  return {
    ...(ack !== undefined && inv.startedAt !== undefined ? { triggerMs: inv.startedAt - ack } : {}),
    ...(ack !== undefined && inv.reportedAt !== undefined ? { endToEndMs: inv.reportedAt - ack } : {}),
    ...(inv.report ? { durationMs: inv.report.durationMs } : {}),
    ...(initDurationMs !== undefined ? { initDurationMs } : {}),
    coldStart: initDurationMs !== undefined,
    ...(start ? { tailLagMs: start.seenAt - start.timestamp } : {}),
  };
}
