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

/**
 * The sandbox's record of a recursive chain (written by sandbox/lambda/recursion/guard.ts into its own log group,
 * never a function's): `RecursiveInvocationDetected` when a chain invokes a function a second time,
 * `RecursiveInvocationDropped` when Lambda's recursive loop detection stops it. On AWS the same fact is only the
 * `RecursiveInvocationsDropped` CloudWatch metric (per function, no origin) and an email.
 */
export interface LoopRecord {
  type: 'RecursiveInvocationDetected' | 'RecursiveInvocationDropped';
  functionName: string;
  recursiveLoop: 'Allow' | 'Terminate';
  traceRoot: string;
  invocations: number;
  /** The object whose event started the chain. */
  origin?: { bucket: string; key: string; eventName?: string };
  sentTo?: string;
}

/** The sandbox-only log group of LoopRecords. */
export const SANDBOX_RECURSION_LOG_GROUP = '/s3trigger/sandbox/recursion';

/** One LoopRecord from a log event's message; undefined for anything else. Pure. */
export function parseLoopRecord(message: string): LoopRecord | undefined {
  let v: Partial<LoopRecord>;
  try {
    v = JSON.parse(message) as Partial<LoopRecord>;
  } catch {
    return undefined;
  }
  if (v?.type !== 'RecursiveInvocationDetected' && v?.type !== 'RecursiveInvocationDropped') return undefined;
  if (typeof v.functionName !== 'string' || typeof v.traceRoot !== 'string' || typeof v.invocations !== 'number') return undefined;
  return v as LoopRecord;
}

/** An operation fired here that may start a loop: its object and when it was fired (ms). */
export interface LoopCandidate {
  opId: number;
  bucket: string;
  key: string;
  startedAt: number;
}

/** The operation whose event started the chain: the latest one on the chain's origin object. Pure. */
export function opOfLoop(record: LoopRecord, ops: readonly LoopCandidate[]): number | undefined {
  const o = record.origin;
  if (!o) return undefined;
  let best: LoopCandidate | undefined;
  for (const op of ops) if (op.bucket === o.bucket && op.key === o.key && (!best || op.startedAt >= best.startedAt)) best = op;
  return best?.opId;
}

/** The warning put on the operation that started a stopped loop. Pure. */
export function loopStoppedWarning(record: LoopRecord): string {
  const origin = record.origin ? `s3://${record.origin.bucket}/${record.origin.key}` : 'this operation';
  const fate = record.sentTo ? `went to ${record.sentTo}` : 'was dropped';
  return (
    `loop stopped by Lambda recursion detection: the event of ${origin} started a recursive loop ` +
    `(S3 event -> ${record.functionName} -> S3 event ...); ${record.functionName} ran ${record.invocations} times, then its next event ${fate}. ` +
    `Write results to another bucket or add a prefix/suffix filter to the notification.`
  );
}
