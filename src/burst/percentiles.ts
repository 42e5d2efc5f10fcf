/** Percentiles of a burst's figures (ms), by the nearest-rank method: every reported value is one that was measured. */

/** p50, p90, p99 and max of a set of figures; `count` is how many there were. */
export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * The nearest-rank percentile `p` (0 < p <= 100) of figures sorted ascending: the smallest value with at least p% of
 * the figures at or below it. Undefined for no figures.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The distribution of the figures (undefined ones skipped); undefined when none is left. Ordered: p50 <= p90 <= p99 <= max. */
export function distribution(values: readonly (number | undefined)[]): Distribution | undefined {
  const sorted = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  return {
    count: sorted.length,
    p50: percentile(sorted, 50)!,
    p90: percentile(sorted, 90)!,
    p99: percentile(sorted, 99)!,
    max: sorted[sorted.length - 1]!,
  };
}

/** Counts of figures per bucket of width `bucketMs` from 0, for the live histogram (the last bucket takes the rest). */
export function histogram(values: readonly number[], bucketMs: number, buckets: number): number[] {
  const counts = new Array<number>(buckets).fill(0);
  for (const v of values) counts[Math.min(buckets - 1, Math.max(0, Math.floor(v / bucketMs)))]!++;
  return counts;
}
