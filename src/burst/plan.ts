/**
 * `--burst N`: the flags read into a plan (pure), the keys of its operations and each operation's input. Every kind in
 * the operation registry can burst: its CI flag's values are filled in by their names (FILE: the body, KEY and DEST_KEY:
 * the burst key, SRC_BUCKET / SRC_KEY: the source object created beforehand, TAGS and CANNED_ACL: fixed values).
 */
import { extname } from 'node:path';
import type { OpInput, OpKind } from '../ops/types.js';
import { OP_KINDS, objectEffect, opDefinition } from '../ops/registry.js';
import type { OpModifiers } from '../ops/definition.js';
import { oneLine } from '../errors.js';
import { MAX_PARALLEL } from '../cli-flags.js';

/** The most operations one burst fires (a typo guard; the benchmark uses 1,000). */
export const MAX_BURST = 100_000;
export const DEFAULT_PARALLEL = 16;
/** On AWS, bursts above this many operations are confirmed first (`--yes` in CI). */
export const AWS_CONFIRM_ABOVE = 100;
/** The largest generated body: S3's single PutObject limit, 5 GiB. */
export const MAX_BURST_SIZE_MB = 5 * 1024;

/** The burst flags as given on the command line (strings are read here, so a bad value is named). */
export interface BurstFlags {
  burst?: string;
  parallel?: string;
  op?: string;
  sameKey?: boolean;
  /** --expect-p99, already read as a duration (ms). */
  expectP99Ms?: number;
  maxLost?: string;
  file?: string;
  /** --size in MB, already a number. */
  size?: number;
  /** --key: the keys' prefix instead of `burst/`. */
  key?: string;
}

/** A burst to run. */
export interface BurstPlan {
  count: number;
  parallel: number;
  kind: OpKind;
  sameKey: boolean;
  /** Gate: trigger latency p99 at most this (ms); exit 3 when above. */
  expectP99Ms?: number;
  /** Gate: at most this many lost operations (default 0); exit 3 when more. */
  maxLost: number;
  /** The body: a file, generated MB, or the 29-byte demo content. */
  body: { file: string } | { sizeMB: number } | { demo: true };
  keyPrefix: string;
}

/** Every flag that only means something with --burst. */
const BURST_ONLY = [
  ['parallel', 'parallel'],
  ['op', 'op'],
  ['sameKey', 'same-key'],
  ['expectP99Ms', 'expect-p99'],
  ['maxLost', 'max-lost'],
] as const;

function wholeNumber(raw: string, flag: string, min: number, max: number): number | string {
  if (!/^\s*\d+\s*$/.test(raw)) return `--${flag} '${oneLine(raw)}' is not a whole number: use e.g. ${min === 0 ? 0 : 100}`;
  const n = Number(raw);
  if (n < min) return `--${flag} '${oneLine(raw)}' must be at least ${min}`;
  if (n > max) return `--${flag} '${oneLine(raw)}' is more than ${max}`;
  return n;
}

/** The kinds a burst can fire: S3 operations on objects it can create (not REPLAY, which re-sends one recorded event, nor RESTORE, which needs archived objects). */
export const BURST_KINDS: readonly OpKind[] = OP_KINDS.filter((k) => opDefinition(k).invokes !== 'lambda' && k !== 'restore');

/** Accepts a kind (`put`, `put-tagging`), its label (`PUT`) or its CI flag (`delkey`). */
export function parseOpKind(raw: string): OpKind | undefined {
  const want = raw.trim().toLowerCase();
  return BURST_KINDS.find((k) => k === want || opDefinition(k).label.toLowerCase() === want || opDefinition(k).cli.flag === want);
}

/**
 * The burst flags -> a plan, or a one-line usage message naming what to fix; `undefined` when --burst is absent and
 * no burst flag was given either.
 */
export function parseBurstFlags(f: BurstFlags): { plan: BurstPlan } | { problem: string } | undefined {
  if (f.burst === undefined) {
    const stray = BURST_ONLY.find(([name]) => f[name] !== undefined && f[name] !== false);
    return stray ? { problem: `--${stray[1]} needs --burst N` } : undefined;
  }
  const count = wholeNumber(f.burst, 'burst', 1, MAX_BURST);
  if (typeof count === 'string') return { problem: count };
  const parallel = f.parallel === undefined ? DEFAULT_PARALLEL : wholeNumber(f.parallel, 'parallel', 1, MAX_PARALLEL);
  if (typeof parallel === 'string') return { problem: parallel };
  const kind = f.op === undefined ? 'put' : parseOpKind(f.op);
  if (!kind) return { problem: `--op '${oneLine(f.op ?? '')}' is not an operation a burst can fire: use one of ${BURST_KINDS.join(', ')}` };
  const unfillable = opDefinition(kind).cli.metavars.find((m) => !(m in FILLERS));
  if (unfillable) return { problem: `--op ${kind} cannot burst (its ${unfillable} has no burst value): pick another --op` };
  const { expectP99Ms } = f;
  const maxLost = f.maxLost === undefined ? 0 : wholeNumber(f.maxLost, 'max-lost', 0, MAX_BURST);
  if (typeof maxLost === 'string') return { problem: maxLost };
  if (f.file !== undefined && f.size !== undefined) return { problem: '--file and --size both give the body: pick one' };
  if (f.size !== undefined && !(f.size > 0 && f.size <= MAX_BURST_SIZE_MB))
    return { problem: `--size ${f.size}: give MB above 0 and at most ${MAX_BURST_SIZE_MB}` };
  if (f.key === '') return { problem: "--key must not be empty (with --burst it is the keys' prefix)" };
  const body = f.file !== undefined ? { file: f.file } : f.size !== undefined ? { sizeMB: f.size } : { demo: true as const };
  return {
    plan: {
      count,
      parallel: Math.min(parallel, count),
      kind,
      sameKey: Boolean(f.sameKey),
      ...(expectP99Ms !== undefined ? { expectP99Ms } : {}),
      maxLost,
      body,
      keyPrefix: f.key ?? 'burst/',
    },
  };
}

/** The keys' extension: the file's, `.bin` for generated data, `.txt` for the demo content. */
export function keyExtension(body: BurstPlan['body']): string {
  if ('file' in body) return extname(body.file);
  return 'sizeMB' in body ? '.bin' : '.txt';
}

/** A short id for this run, so that two bursts never share keys (base 36 time + random). */
export function newRunId(now = Date.now(), random = Math.random): string {
  return `${now.toString(36)}${Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0')}`;
}

/** The keys of one burst: the i-th operation's key and source key (0-based), zero-padded so they sort. */
export interface BurstKeys {
  key(i: number): string;
  sourceKey(i: number): string;
}

/** `PREFIX RUNID/0001.txt`… (sources under `RUNID/src/`); with `sameKey` every operation has `RUNID/same.EXT`. */
export function burstKeys(plan: Pick<BurstPlan, 'count' | 'sameKey' | 'keyPrefix' | 'body'>, runId: string): BurstKeys {
  const width = String(plan.count).length;
  const ext = keyExtension(plan.body);
  const base = `${plan.keyPrefix}${runId}/`;
  const name = (i: number) => (plan.sameKey ? 'same' : String(i + 1).padStart(width, '0'));
  return {
    key: (i) => `${base}${name(i)}${ext}`,
    sourceKey: (i) => `${base}src/${name(i)}${ext}`,
  };
}

interface FillContext {
  bucket: string;
  key: string;
  sourceKey: string;
  bodyFile: string;
}

/** The value of each CI metavar in a burst. */
const FILLERS: Record<string, (c: FillContext) => string> = {
  FILE: (c) => c.bodyFile,
  KEY: (c) => c.key,
  DEST_KEY: (c) => c.key,
  SRC_BUCKET: (c) => c.bucket,
  SRC_KEY: (c) => c.sourceKey,
  TAGS: () => 'source=s3trigger-burst',
  CANNED_ACL: () => 'private',
};

/** The i-th operation's input (0-based); `modifiers`: --part-size, --concurrency for MULTIPART. */
export function burstInput(
  kind: OpKind,
  i: number,
  keys: BurstKeys,
  ctx: { bucket: string; bodyFile: string; modifiers?: Pick<OpModifiers, 'partSize' | 'concurrency'> },
): OpInput {
  const d = opDefinition(kind);
  const fill: FillContext = { bucket: ctx.bucket, key: keys.key(i), sourceKey: keys.sourceKey(i), bodyFile: ctx.bodyFile };
  const values = d.cli.metavars.map((m) => FILLERS[m]!(fill));
  return d.cli.input(values, { bucket: ctx.bucket, key: fill.key, file: ctx.bodyFile, ...ctx.modifiers });
}

/**
 * The objects to create (untimed) before the burst: each operation's source (COPY), or its own key when the kind
 * needs an existing object (DELETE, tagging, ACL). Deduplicated: with one key, one object.
 */
export function setupKeys(kind: OpKind, count: number, keys: BurstKeys): string[] {
  const d = opDefinition(kind);
  const out = new Set<string>();
  for (let i = 0; i < count; i++) {
    if (d.cli.metavars.includes('SRC_KEY')) out.add(keys.sourceKey(i));
    // RETRIGGER creates its event from an object that must exist already.
    else if (objectEffect(kind) !== 'created' || kind === 'retrigger') out.add(keys.key(i));
  }
  return [...out];
}
