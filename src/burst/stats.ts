/** A burst's figures from the engine's final op states (pure): the summary both faces show. */
import type { OpState } from '../op-state.js';
import { ExitCode } from '../errors.js';
import { classify, type Classification } from './classify.js';
import { eventTimeOf } from './same-key.js';
import { peakByFunction, type RunInterval } from './concurrency.js';
import { distribution, type Distribution } from './percentiles.js';

/** Everything a burst measured. Times are ms. */
export interface BurstStats {
  count: number;
  /** Operations S3 acknowledged. */
  acknowledged: number;
  /** Acknowledged per second, from the first operation's start to the last acknowledgement. */
  opsPerSecond: number | undefined;
  /** From the first start to the last acknowledgement. */
  firingMs: number;
  counts: Classification['counts'];
  /** Operations whose matched invocation (its last attempt) failed or timed out. */
  lambdaFailed: number;
  /** First match per operation: S3 ack -> START, ack -> REPORT (latency.ts), and Lambda's own Duration. */
  triggerMs?: Distribution;
  endToEndMs?: Distribution;
  durationMs?: Distribution;
  /** Matched invocations with an Init Duration in REPORT. */
  coldStarts: number;
  /** Per function: most invocations running at once (overlapping START…REPORT), and distinct log streams seen. */
  peakConcurrency: Record<string, number>;
  logStreams: Record<string, number>;
  classification: Classification;
}

/** `/aws/lambda/NAME` -> NAME; another log group as it is. */
const functionOfGroup = (group: string) => group.replace(/^\/aws\/lambda\//, '');

const FAILED = new Set(['failed', 'timed-out']);

/** The figures of a burst; `states` in firing order. */
export function burstStats(states: readonly OpState[], sameKey: boolean): BurstStats {
  const classification = classify(
    states.map((s) => ({
      failed: !s.result || Boolean(s.result.error),
      startedAt: s.startedAt,
      ...(s.result?.ackedAt !== undefined && !s.result.error ? { ackedAt: s.result.ackedAt } : {}),
      matches: s.matches.map((m) => {
        const eventAt = sameKey ? eventTimeOf(m.invocation) : undefined;
        return { logGroup: m.logGroup, requestId: m.requestId, ...(eventAt !== undefined ? { eventAt } : {}) };
      }),
    })),
    sameKey,
  );
  const acked = states.filter((s) => s.result && !s.result.error && s.result.ackedAt !== undefined);
  const firstStart = Math.min(...states.map((s) => s.startedAt));
  const lastAck = Math.max(...acked.map((s) => s.result!.ackedAt!));
  const firingMs = acked.length ? Math.max(0, lastAck - firstStart) : 0;
  const firsts = states.flatMap((s) => (s.matches[0] ? [s.matches[0]] : []));
  const all = states.flatMap((s) => s.matches);
  const intervals: RunInterval[] = [];
  const streams = new Map<string, Set<string>>();
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.requestId)) continue;
    seen.add(m.requestId);
    const fn = functionOfGroup(m.logGroup);
    const inv = m.invocation;
    if (inv.startedAt !== undefined && inv.reportedAt !== undefined) intervals.push({ fn, start: inv.startedAt, end: inv.reportedAt });
    for (const stream of inv.attempts?.map((a) => a.logStream) ?? [inv.logStream]) {
      streams.set(fn, (streams.get(fn) ?? new Set()).add(stream));
    }
  }
  const triggerMs = distribution(firsts.map((m) => m.latency.triggerMs));
  const endToEndMs = distribution(firsts.map((m) => m.latency.endToEndMs));
  const durationMs = distribution(firsts.map((m) => m.invocation.report?.durationMs));
  return {
    count: states.length,
    acknowledged: acked.length,
    opsPerSecond: firingMs > 0 ? (acked.length * 1000) / firingMs : undefined,
    firingMs,
    counts: classification.counts,
    lambdaFailed: states.filter((s) => s.matches.some((m) => FAILED.has(m.invocation.status))).length,
    ...(triggerMs ? { triggerMs } : {}),
    ...(endToEndMs ? { endToEndMs } : {}),
    ...(durationMs ? { durationMs } : {}),
    coldStarts: firsts.filter((m) => m.latency.coldStart).length,
    peakConcurrency: peakByFunction(intervals),
    logStreams: Object.fromEntries([...streams].sort(([a], [b]) => a.localeCompare(b)).map(([fn, s]) => [fn, s.size])),
    classification,
  };
}

/** A gate the run missed, one line each (exit 3): trigger p99 above --expect-p99, more lost than --max-lost. */
export function missedGates(stats: BurstStats, gates: { expectP99Ms?: number; maxLost: number }): string[] {
  const missed: string[] = [];
  if (gates.expectP99Ms !== undefined) {
    const p99 = stats.triggerMs?.p99;
    if (p99 === undefined) missed.push(`--expect-p99 ${gates.expectP99Ms} ms: no trigger latency was measured`);
    else if (p99 > gates.expectP99Ms)
      missed.push(`trigger latency p99 ${Math.round(p99)} ms is above --expect-p99 ${gates.expectP99Ms} ms`);
  }
  if (stats.counts.lost > gates.maxLost)
    missed.push(
      `${stats.counts.lost} operation${stats.counts.lost === 1 ? '' : 's'} lost (no invocation within --timeout), more than --max-lost ${gates.maxLost}`,
    );
  return missed;
}

/** The burst's exit code: 130 interrupted > 1 an operation failed > 4 a Lambda failed > 3 a gate missed > 0. */
export function burstExitCode(stats: BurstStats, missed: readonly string[], interrupted: boolean): number {
  if (interrupted) return ExitCode.Interrupted;
  if (stats.counts.failed > 0) return ExitCode.OperationFailed;
  if (stats.lambdaFailed > 0) return ExitCode.LambdaFailed;
  return missed.length ? ExitCode.NoMatch : ExitCode.Ok;
}
