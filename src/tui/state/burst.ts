/**
 * The TUI's burst: its form (count, parallel, op, same key) read into a plan, and the live view's state, folded from
 * the engine's progress and its final figures. Pure.
 */
import { AWS_CONFIRM_ABOVE, parseBurstFlags, type BurstPlan } from '../../burst/plan.js';
import type { BurstProgress } from '../../burst/engine.js';
import { distribution, histogram, type Distribution } from '../../burst/percentiles.js';
import type { BurstStats } from '../../burst/stats.js';
import { ms } from '../../burst/report-text.js';
import { opDefinition } from '../../ops/registry.js';
import type { FormField } from './types.js';

/** The burst form, prefilled. */
export function burstFormFields(): FormField[] {
  return [
    { name: 'count', label: 'Operations (N)', value: '100' },
    { name: 'parallel', label: 'In flight (parallel)', value: '16' },
    { name: 'op', label: 'Operation', value: 'put' },
    { name: 'sameKey', label: 'Same key (y/n)', value: 'n' },
  ];
}

/** A submitted burst form -> the plan, or what to fix (in the CI flags' words). */
export function burstPlanFromForm(values: Record<string, string>): { plan: BurstPlan } | { error: string } {
  const same = (values.sameKey ?? '').trim().toLowerCase();
  if (!['', 'y', 'yes', 'n', 'no'].includes(same)) return { error: 'Same key: answer y or n' };
  const parsed = parseBurstFlags({
    burst: (values.count ?? '').trim(),
    parallel: (values.parallel ?? '').trim() || '16',
    op: (values.op ?? '').trim() || 'put',
    sameKey: same.startsWith('y'),
  });
  if (!parsed) return { error: 'Operations (N) is required' };
  if ('problem' in parsed) return { error: parsed.problem.replace(/^--burst\b/, 'Operations (N)') };
  return { plan: parsed.plan };
}

/** The question asked before a burst on AWS above 100 operations (undefined: fire at once). */
export function burstQuestion(plan: BurstPlan, isRealAws: boolean, yes: boolean): string | undefined {
  if (!isRealAws || yes || plan.count <= AWS_CONFIRM_ABOVE) return undefined;
  return `Fire ${plan.count} ${opDefinition(plan.kind).label} operations on AWS (billed requests and invocations)?`;
}

/** What the burst view shows. */
export interface BurstView {
  plan: BurstPlan;
  progress?: BurstProgress;
  /** The final figures, once done. */
  stats?: BurstStats;
  setup?: string;
  error?: string;
  done: boolean;
}

export type BurstViewEvent =
  | { kind: 'start'; plan: BurstPlan }
  | { kind: 'progress'; progress: BurstProgress }
  | { kind: 'done'; stats: BurstStats; setup: string }
  | { kind: 'failed'; message: string };

/** Folds one event of the running burst into its view. */
export function reduceBurstView(view: BurstView | undefined, e: BurstViewEvent): BurstView | undefined {
  if (e.kind === 'start') return { plan: e.plan, done: false };
  if (!view) return view;
  switch (e.kind) {
    case 'progress':
      return view.done ? view : { ...view, progress: e.progress };
    case 'done':
      return { ...view, stats: e.stats, setup: e.setup, done: true };
    case 'failed':
      return { ...view, error: e.message, done: true };
  }
}

/** Sparkline levels, lowest first. */
const LEVELS = '▁▂▃▄▅▆▇█';

/** A one-line histogram of the figures over `width` buckets from 0 to their max, and the bucket width (ms). */
export function sparkline(values: readonly number[], width: number): { line: string; bucketMs: number } {
  const top = Math.max(1, ...values);
  const bucketMs = Math.max(1, Math.ceil((top + 1) / width));
  const counts = histogram(values, bucketMs, width);
  const peak = Math.max(1, ...counts);
  const line = counts.map((c) => (c === 0 ? ' ' : LEVELS[Math.max(0, Math.ceil((c / peak) * LEVELS.length) - 1)]!)).join('');
  return { line, bucketMs };
}

const dist = (label: string, d: Distribution | undefined) =>
  d ? `${label} p50 ${ms(d.p50)} · p90 ${ms(d.p90)} · p99 ${ms(d.p99)} · max ${ms(d.max)} (n=${d.count})` : `${label} -`;

/** The view's lines (title first), at most `height`, for a pane `width` wide. */
export function burstLines(view: BurstView, width: number, height: number): string[] {
  const { plan, progress: p, stats } = view;
  const what = `${plan.count} × ${opDefinition(plan.kind).label} · ${plan.parallel} in flight${plan.sameKey ? ' · one key' : ''}`;
  const lines: string[] = [];
  if (view.error) lines.push(`BURST ${what} · failed: ${view.error}`);
  else if (stats) {
    const c = stats.counts;
    lines.push(`BURST ${what} · done (x clears)`);
    lines.push(
      `matched ${c.matched} · lost ${c.lost}${plan.sameKey ? ` · coalesced ${c.coalesced}` : ''} · duplicated ${c.duplicated} · failed ${c.failed} · Lambda failed ${stats.lambdaFailed}`,
    );
    const peak = Math.max(0, ...Object.values(stats.peakConcurrency));
    lines.push(
      `${stats.opsPerSecond !== undefined ? `${stats.opsPerSecond.toFixed(1)} ops/s acked` : 'no ack'} · cold starts ${stats.coldStarts} · peak concurrency ${peak}`,
    );
  } else if (p?.phase === 'setup') lines.push(`BURST ${what} · creating sources ${p.setupDone}/${p.setupTotal}`);
  else
    lines.push(`BURST ${what} · fired ${p?.fired ?? 0} · acked ${p?.acked ?? 0} · matched ${p?.matched ?? 0} · settled ${p?.settled ?? 0}`);
  const trigger = stats?.triggerMs ?? distribution(p?.triggerMs ?? []);
  lines.push(dist('trigger', trigger));
  if (stats) lines.push(dist('end-to-end', stats.endToEndMs), dist('duration', stats.durationMs));
  const values = p?.triggerMs ?? [];
  if (values.length && lines.length + 2 <= height) {
    const { line, bucketMs } = sparkline(values, Math.max(10, Math.min(60, width - 20)));
    lines.push(`trigger │${line}│`, `         0${' '.repeat(Math.max(1, line.length - 8))}${ms(bucketMs * line.length)}`);
  }
  if (view.setup && lines.length < height) lines.push(view.setup);
  return lines.slice(0, height);
}
