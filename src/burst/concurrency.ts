/**
 * Peak concurrency of a function during a burst. Lambda runs one invocation per execution environment at a time, so the
 * most invocations of one function whose START…REPORT intervals overlap is the least number of environments it had
 * busy at once (AWS's ConcurrentExecutions metric counts the same thing). Intervals are half-open, [START, REPORT), at
 * least 1 ms long (the clock's unit): one ending as another starts do not overlap, as an environment may take the next.
 */

/** One invocation's run: its function and START / REPORT times (ms, Lambda's clock). */
export interface RunInterval {
  fn: string;
  start: number;
  end: number;
}

/** The most overlapping intervals at any instant. */
export function peakOverlap(intervals: readonly Pick<RunInterval, 'start' | 'end'>[]): number {
  const edges: [number, number][] = [];
  for (const { start, end } of intervals) {
    edges.push([start, 1], [Math.max(start + 1, end), -1]);
  }
  // Ends before starts at the same instant.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of edges) {
    now += delta;
    if (now > peak) peak = now;
  }
  return peak;
}

/** Each function's peak overlap, by name. */
export function peakByFunction(intervals: readonly RunInterval[]): Record<string, number> {
  const byFn = new Map<string, RunInterval[]>();
  for (const i of intervals) byFn.set(i.fn, [...(byFn.get(i.fn) ?? []), i]);
  return Object.fromEntries([...byFn].sort(([a], [b]) => a.localeCompare(b)).map(([fn, list]) => [fn, peakOverlap(list)]));
}
