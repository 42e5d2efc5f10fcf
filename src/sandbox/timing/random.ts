/**
 * Seeded draws for the timing model. Our own generator (mulberry32): no library in package.json offers a
 * seeded PRNG, and `Math.random()` cannot be replayed from `--timing-seed`.
 */

/** A repeatable stream of numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: a 32-bit-state generator, fast and good enough for simulated delays (not for secrets). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An independent stream per concern (`'s3-delivery'`, `'logs-ingestion'`...), so that how often one consumer
 * draws never shifts another's draws: the seed is mixed with the label's FNV-1a hash.
 */
export function forkRandom(seed: number, label: string): Random {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
  return seededRandom((seed ^ hash) >>> 0);
}

/** The standard normal quantile at 0.99. */
export const Z_99 = 2.3263478740408408;

/** A standard normal draw (Box-Muller). */
export function normal(random: Random): number {
  const u = 1 - random(); // (0, 1]: log(0) is never taken
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A log-normal distribution named by its median and 99th percentile (ms), as latency studies report them. */
export interface LogNormal {
  p50Ms: number;
  p99Ms: number;
}

/** One draw (ms) of the log-normal with that median and p99: mu = ln(p50), sigma = ln(p99 / p50) / z(0.99). */
export function drawLogNormal(random: Random, d: LogNormal): number {
  const sigma = Math.log(d.p99Ms / d.p50Ms) / Z_99;
  return d.p50Ms * Math.exp(sigma * normal(random));
}

/** `n` of `items`, chosen uniformly, in their original order (every item when there are at most `n`). */
export function sampleInOrder<T>(random: Random, items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const chosen = new Set<number>();
  // Floyd's algorithm: n distinct indexes with n draws.
  for (let j = items.length - n; j < items.length; j++) {
    const t = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b).map((i) => items[i]!);
}
