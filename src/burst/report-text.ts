/** A burst's summary for people (CI text, the TUI's panel): the setup line and a table of figures. Pure. */
import type { TargetInfo } from '../events.js';
import type { Distribution } from './percentiles.js';
import type { BurstStats } from './stats.js';
import type { BurstPlan } from './plan.js';
import type { Attribution } from './same-key.js';
import { opDefinition } from '../ops/registry.js';

/** What the figures include, by target: on the sandbox everything shares this machine and this process tree (`timing`: its profile, when known). */
export function setupLine(target: Pick<TargetInfo, 'kind' | 'label' | 'region'>, timing?: string): string {
  if (target.kind === 'sandbox') {
    const profile =
      timing === 'aws'
        ? "; --timing aws adds AWS's simulated delays"
        : timing === 'instant'
          ? '; --timing instant: no simulated delay'
          : '';
    return `sandbox in-process: S3, Lambda, the handlers and this tool share this machine and process tree${profile}`;
  }
  if (target.kind === 'endpoint') return `custom endpoint (${target.label}): figures include the network to it and its own scheduling`;
  return `AWS ${target.region}: figures include S3's delivery, Lambda's queue, CloudWatch Logs' ingestion and the tail's delay`;
}

/** `12 ms` below 10 s, else `12.3 s`; `-` when unknown. */
export function ms(v: number | undefined): string {
  if (v === undefined) return '-';
  return v < 10_000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`;
}

const row = (label: string, d: Distribution | undefined) =>
  `${label.padEnd(18)}${[d?.p50, d?.p90, d?.p99, d?.max].map((v) => ms(v).padStart(10)).join('')}${d ? `   (n=${d.count})` : ''}`;

/** The summary table: counts, throughput, latency percentiles, cold starts, concurrency. */
export function summaryLines(plan: BurstPlan, stats: BurstStats, setup: string, attribution: Attribution = 'engine'): string[] {
  const c = stats.counts;
  const label = opDefinition(plan.kind).label;
  const keyNote = plan.sameKey ? 'one key' : 'unique keys';
  const peak = Object.entries(stats.peakConcurrency);
  const streams = Object.entries(stats.logStreams);
  return [
    stats.count < plan.count
      ? `Burst: ${stats.count} of ${plan.count} × ${label} fired (stopped), ${plan.parallel} in flight, ${keyNote}`
      : `Burst: ${stats.count} × ${label}, ${plan.parallel} in flight, ${keyNote}`,
    `Setup: ${setup}`,
    `Acknowledged      ${stats.acknowledged} of ${stats.count} in ${ms(stats.firingMs)}${stats.opsPerSecond !== undefined ? ` (${stats.opsPerSecond.toFixed(1)} ops/s)` : ''}`,
    `Matched           ${c.matched}`,
    `Lost              ${c.lost}${plan.sameKey ? '' : ' (no invocation within --timeout)'}`,
    ...(plan.sameKey && attribution === 'event-time'
      ? [
          'Attribution       by S3 event time (the handler logs no request id or sequencer): a second delivery shows only as invocations beyond the writes',
        ]
      : []),
    ...(plan.sameKey ? [`Coalesced         ${c.coalesced} (no event of its own; a later write's came)`] : []),
    `Duplicated        ${c.duplicated}${c.extraInvocations ? ` (${c.extraInvocations} extra invocation${c.extraInvocations === 1 ? '' : 's'})` : ''}`,
    `Failed (S3)       ${c.failed}`,
    `Lambda failed     ${stats.lambdaFailed}`,
    `Cold starts       ${stats.coldStarts}`,
    `Peak concurrency  ${peak.length ? peak.map(([fn, n]) => `${fn} ${n}`).join(', ') : '-'} (overlapping START…REPORT)`,
    `Log streams       ${streams.length ? streams.map(([fn, n]) => `${fn} ${n}`).join(', ') : '-'}`,
    `${''.padEnd(18)}${['p50', 'p90', 'p99', 'max'].map((h) => h.padStart(10)).join('')}`,
    row('Trigger latency', stats.triggerMs),
    row('End-to-end', stats.endToEndMs),
    row('Lambda duration', stats.durationMs),
  ];
}
