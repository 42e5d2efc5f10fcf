/**
 * RESTORE: one RestoreObject of an archived object (GLACIER, DEEP_ARCHIVE) for `days` at a retrieval `tier`. S3 sends
 * ObjectRestore:Post when it accepts the request and ObjectRestore:Completed when the copy is readable: minutes to
 * hours later on AWS, seconds on the sandbox.
 */
import type { AwaitedEvents, OpDefinition } from './definition.js';
import { problem } from './problems.js';
import { RESTORE_TIERS, type RestoreTier } from '../aws/storage-classes.js';

/** Restore `key` in `bucket` for `days` days at `tier` (checked against RESTORE_TIERS before sending). */
export interface RestoreInput {
  kind: 'restore';
  bucket: string;
  key: string;
  days: number;
  tier: string;
  /** `--wait-restore`: wait for ObjectRestore:Completed on any target (on the sandbox it is always awaited). */
  waitRestore?: boolean;
}

/** The TUI's RESTORE parameters; without a key it restores the last key created this session. */
export interface RestoreParams {
  key?: string;
  days: number;
  tier: string;
}

/** Days the restored copy stays readable unless `--days` is given (S3 requires Days for GLACIER and DEEP_ARCHIVE). */
export const DEFAULT_RESTORE_DAYS = 1;
/** AWS's default tier for a restore that names none ("Archive retrieval options"). */
export const DEFAULT_RESTORE_TIER: RestoreTier = 'Standard';

const POST_ONLY: AwaitedEvents = { eventNames: ['ObjectRestore:Post'], perFunction: 1 };
const POST_AND_COMPLETED: AwaitedEvents = { eventNames: ['ObjectRestore:Post', 'ObjectRestore:Completed'], perFunction: 2 };

/** `text` as a retrieval tier (exact, as S3 takes it), or the one-line reason naming the allowed values. */
export function parseTier(text: string): { tier: RestoreTier } | { problem: string } {
  const tier = RESTORE_TIERS.find((t) => t === text);
  if (tier) return { tier };
  const hint = RESTORE_TIERS.find((t) => t.toLowerCase() === text.trim().toLowerCase());
  const shown = (text.length > 40 ? `${text.slice(0, 37)}...` : text).replace(/[\r\n\t]/g, ' ');
  return { problem: `'${shown}' is not a retrieval tier${hint ? ` (did you mean ${hint}?)` : ''}: use ${RESTORE_TIERS.join(', ')}` };
}

/** Why `days` is not a number of days S3 takes: a whole number from 1. */
export function daysProblem(days: number): string | undefined {
  return Number.isInteger(days) && days >= 1 ? undefined : `must be a whole number of days from 1, got ${days}`;
}

/** The RESTORE operation. */
export const restore: OpDefinition<'restore', RestoreParams, 'restore'> = {
  kind: 'restore',
  label: 'RESTORE',
  eventNames: ['ObjectRestore:Post', 'ObjectRestore:Completed'],
  keyOf: (input) => input.key,
  keys: (input) => [{ key: input.key, flag: '--restore' }],
  problem(input) {
    if (!input.key) return problem('Usage', '--restore needs a KEY');
    const days = daysProblem(input.days);
    if (days) return problem('Usage', `--days ${days}`);
    const tier = parseTier(input.tier);
    return 'problem' in tier ? problem('Usage', `--tier ${tier.problem}`) : undefined;
  },
  // On AWS a restore completes minutes to hours after its Post: --wait waits for it only when asked.
  awaits: (input, target) => (target.sandbox || input.waitRestore ? POST_AND_COMPLETED : POST_ONLY),
  run: async (ctx, input, startedAt) => (await import('./object-edits.js')).restoreObject(ctx, input, startedAt),
  cli: {
    flag: 'restore',
    metavars: ['KEY'],
    describe: `Restore the archived KEY (--days N, default ${DEFAULT_RESTORE_DAYS}; --tier Expedited|Standard|Bulk, default ${DEFAULT_RESTORE_TIER})`,
    order: 9,
    input: ([key = ''], f) => ({
      kind: 'restore',
      bucket: f.bucket,
      key,
      days: f.days ?? DEFAULT_RESTORE_DAYS,
      tier: f.tier ?? DEFAULT_RESTORE_TIER,
      ...(f.waitRestore ? { waitRestore: true } : {}),
    }),
    startLine: (input) =>
      `RESTORE object ${input.key} in bucket ${input.bucket} for ${input.days} day${input.days === 1 ? '' : 's'} (${input.tier})`,
    doneLine: () => 'Done. S3 accepted the restore request.',
    modifiers: ['days', 'tier', 'wait-restore'],
  },
  tui: {
    fireKey: 'w',
    editKey: 'W',
    fireHelp: 'RESTORE (wake an archived object): restore the last created key now',
    footer: 'restore',
    fields: [
      { name: 'key', label: 'Key' },
      { name: 'days', label: 'Days' },
      { name: 'tier', label: 'Tier (Expedited, Standard, Bulk)' },
    ],
    initial: () => ({ days: DEFAULT_RESTORE_DAYS, tier: DEFAULT_RESTORE_TIER }),
    current(p, ctx) {
      const key = p.key ?? ctx.lastCreated;
      if (!key) return { error: 'nothing created this session to restore: press W to name a key' };
      return { kind: 'restore', bucket: ctx.bucket, key, days: p.days, tier: p.tier };
    },
    describe: (input) => `${input.key} ${input.days}d ${input.tier}`,
    formValues: (p, now) => ({ key: now?.key, days: p.days, tier: p.tier }),
    fromForm(v, bucket) {
      if (!v('key')) return { error: 'key is required' };
      const days = Number(v('days'));
      const badDays = v('days') === '' ? 'is required' : daysProblem(days);
      if (badDays) return { error: `days ${badDays}` };
      const tier = parseTier(v('tier'));
      if ('problem' in tier) return { error: `tier: ${tier.problem}` };
      return { kind: 'restore', bucket, key: v('key'), days, tier: tier.tier };
    },
    // Days and tier are kept; the key keeps following the session, as DELETE's does.
    save(v, p) {
      const days = Number(v('days'));
      const tier = parseTier(v('tier'));
      return { ...p, days: daysProblem(days) ? p.days : days, tier: 'tier' in tier ? tier.tier : p.tier };
    },
    confirmOnAws: (input) =>
      `Restore s3://${input.bucket}/${input.key} for ${input.days} day${input.days === 1 ? '' : 's'} at the ${input.tier} tier on AWS (retrieval is charged)?`,
  },
};
