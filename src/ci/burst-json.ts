/** A burst's NDJSON (--json): one `op` record per operation (ci/json.ts's shape plus `burst`), then one `summary`. */
import type { Chain, TargetInfo } from '../events.js';
import type { OpState } from '../op-state.js';
import { outcomeOf } from './outcome.js';
import { outcomeRecord, RECORD_SCHEMA, type OutcomeRecord } from './json.js';
import type { OpClass } from '../burst/classify.js';
import type { Distribution } from '../burst/percentiles.js';
import type { BurstPlan } from '../burst/plan.js';
import type { BurstStats } from '../burst/stats.js';
import type { Attribution } from '../burst/same-key.js';

/** An op record of a burst: its place (1-based), its class and whether it was delivered twice. */
export type BurstOpRecord = OutcomeRecord & { burst: { runId: string; index: number; class: OpClass; duplicated: boolean } };

export function burstOpRecord(
  state: OpState,
  index: number,
  stats: BurstStats,
  runId: string,
  target: TargetInfo,
  oneClock: boolean,
  chain?: Chain,
): BurstOpRecord {
  return {
    ...outcomeRecord(outcomeOf(state), target, oneClock, chain),
    burst: {
      runId,
      index: index + 1,
      class: stats.classification.classes[index]!,
      duplicated: stats.classification.duplicated[index]!,
    },
  };
}

/** The final `summary` record. Times in ms; distributions are null when nothing was measured. */
export interface BurstSummaryRecord {
  type: 'summary';
  schema: typeof RECORD_SCHEMA;
  runId: string;
  target: string;
  setup: string;
  op: string;
  bucket: string;
  /** Operations asked for (--burst N), and fired (fewer when interrupted). */
  count: number;
  fired: number;
  interrupted: boolean;
  parallel: number;
  sameKey: boolean;
  acknowledged: number;
  matched: number;
  lost: number;
  coalesced: number;
  duplicated: number;
  extraInvocations: number;
  failed: number;
  lambdaFailed: number;
  throughput: { opsPerSecond: number | null; firingMs: number };
  triggerMs: Distribution | null;
  endToEndMs: Distribution | null;
  durationMs: Distribution | null;
  coldStarts: number;
  /** Per function: most overlapping START…REPORT intervals; `max` across functions. */
  peakConcurrency: { max: number; byFunction: Record<string, number> };
  logStreams: Record<string, number>;
  /** How invocations were given to operations: the engine's match, or (--same-key, no request id logged) S3's event time. */
  attribution: Attribution;
  gates: { expectP99Ms: number | null; maxLost: number; missed: string[] };
  oneClock: boolean;
  exitCode: number;
}

export function summaryRecord(
  plan: BurstPlan,
  stats: BurstStats,
  o: {
    runId: string;
    target: TargetInfo;
    setup: string;
    bucket: string;
    missed: string[];
    oneClock: boolean;
    exitCode: number;
    attribution: Attribution;
    interrupted: boolean;
  },
): BurstSummaryRecord {
  const c = stats.counts;
  return {
    type: 'summary',
    schema: RECORD_SCHEMA,
    runId: o.runId,
    target: o.target.kind,
    setup: o.setup,
    op: plan.kind,
    bucket: o.bucket,
    count: plan.count,
    fired: stats.count,
    interrupted: o.interrupted,
    parallel: plan.parallel,
    sameKey: plan.sameKey,
    acknowledged: stats.acknowledged,
    matched: c.matched,
    lost: c.lost,
    coalesced: c.coalesced,
    duplicated: c.duplicated,
    extraInvocations: c.extraInvocations,
    failed: c.failed,
    lambdaFailed: stats.lambdaFailed,
    throughput: { opsPerSecond: stats.opsPerSecond ?? null, firingMs: stats.firingMs },
    triggerMs: stats.triggerMs ?? null,
    endToEndMs: stats.endToEndMs ?? null,
    durationMs: stats.durationMs ?? null,
    coldStarts: stats.coldStarts,
    peakConcurrency: { max: Math.max(0, ...Object.values(stats.peakConcurrency)), byFunction: stats.peakConcurrency },
    logStreams: stats.logStreams,
    attribution: o.attribution,
    gates: { expectP99Ms: plan.expectP99Ms ?? null, maxLost: plan.maxLost, missed: o.missed },
    oneClock: o.oneClock,
    exitCode: o.exitCode,
  };
}
