/**
 * One figure of a benchmark, as `npm run bench` tabulates it: s3trigger's value, the peer's measured in the same run
 * (interleaved), their ratio and the target. A benchmark run alone prints its own lines; under `npm run bench` each
 * figure is also appended as one JSON line to the file named by S3TRIGGER_BENCH_OUT.
 */
import { appendFileSync } from 'node:fs';

export interface Figure {
  /** Stable id, for `--compare` across runs (e.g. `put.wall`). */
  id: string;
  name: string;
  /** ms, MiB/s, ops/s, MiB... */
  unit: string;
  /** s3trigger's value (a median unless the name says otherwise). */
  ours: number;
  /** The peer measured in the same run, when there is one. */
  peer?: { name: string; value: number };
  /** Which way is better: for a time lower, for a rate higher. */
  better: 'lower' | 'higher';
  /** The target: on the ratio ours / peer, or on the value itself. */
  target?: { ratio: number } | { value: number };
}

/** ours / peer, or undefined without a peer. */
export function ratioOf(f: Figure): number | undefined {
  return f.peer && f.peer.value > 0 ? f.ours / f.peer.value : undefined;
}

/** Whether the target is met (undefined: no target, or a ratio target without a peer). */
export function targetMet(f: Figure): boolean | undefined {
  if (!f.target) return undefined;
  const measured = 'ratio' in f.target ? ratioOf(f) : f.ours;
  if (measured === undefined) return undefined;
  const goal = 'ratio' in f.target ? f.target.ratio : f.target.value;
  return f.better === 'lower' ? measured <= goal : measured >= goal;
}

/** Hands the figure to `npm run bench` (nothing when the benchmark runs alone). */
export function emitFigure(f: Figure): void {
  const out = process.env.S3TRIGGER_BENCH_OUT;
  if (out) appendFileSync(out, `${JSON.stringify(f)}\n`);
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
