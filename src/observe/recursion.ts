/**
 * Spots the loop the Jets and Sparta docs warn about: a function that writes back into the
 * bucket that triggers it (s3 event -> lambda -> s3 event -> ...). Seen from here it looks like
 * foreign invocations that keep following our own operations on the same bucket. Pure.
 */
import type { S3Mention } from './s3-mentions.js';

export interface OurActivity {
  bucket: string;
  key: string;
  /** When our invocation for it ended, or the op was acked (ms). */
  at: number;
  logGroup?: string;
}

export interface ForeignSighting {
  logGroup: string;
  /** When the foreign invocation began (ms). */
  at: number;
  mentions: readonly S3Mention[];
}

export interface RecursionState {
  /** Foreign invocations that followed ours, per bucket (times, newest last). */
  readonly followers: ReadonlyMap<string, readonly number[]>;
  readonly warned: ReadonlySet<string>;
}

export interface RecursionOptions {
  /** A foreign invocation this soon after ours counts as following it. */
  followWindowMs: number;
  /** Warn at this many followers within windowMs. */
  threshold: number;
  windowMs: number;
}

export const DEFAULT_RECURSION: RecursionOptions = { followWindowMs: 30_000, threshold: 3, windowMs: 300_000 };

export function emptyRecursion(): RecursionState {
  return { followers: new Map(), warned: new Set() };
}

/** Which of our buckets this foreign invocation follows, if any. */
function followedBucket(sighting: ForeignSighting, ours: readonly OurActivity[], options: RecursionOptions): string | undefined {
  const recent = ours.filter((o) => o.at <= sighting.at + 1000 && sighting.at - o.at <= options.followWindowMs);
  if (sighting.mentions.length) {
    const created = sighting.mentions.filter((m) => !m.eventName || m.eventName.startsWith('ObjectCreated'));
    return created.map((m) => m.bucket).find((b) => b !== undefined && recent.some((o) => o.bucket === b));
  }
  // A silent handler: it follows ours when it runs in the same function right after.
  return recent.find((o) => o.logGroup === sighting.logGroup)?.bucket;
}

export function noteForeign(
  state: RecursionState,
  sighting: ForeignSighting,
  ours: readonly OurActivity[],
  options: RecursionOptions = DEFAULT_RECURSION,
): { state: RecursionState; warning?: string } {
  const bucket = followedBucket(sighting, ours, options);
  if (!bucket) return { state };
  const times = [...(state.followers.get(bucket) ?? []), sighting.at].filter((t) => sighting.at - t <= options.windowMs);
  const followers = new Map(state.followers);
  followers.set(bucket, times);
  if (times.length < options.threshold || state.warned.has(bucket)) return { state: { ...state, followers } };
  const keys = [...new Set(sighting.mentions.map((m) => m.key))].slice(0, 3);
  const warning =
    `${times.length} invocations nobody here fired keep following our operations on bucket ${bucket}` +
    (keys.length ? ` (e.g. key ${keys.join(', ')})` : '') +
    `: the function may be writing into the bucket that triggers it, a recursive loop (S3 event -> Lambda -> S3 event ...). ` +
    `Write results to another bucket or add a prefix/suffix filter to the notification.`;
  return { state: { followers, warned: new Set([...state.warned, bucket]) }, warning };
}
