/**
 * Restoring archived objects (S3 API RestoreObject; S3 User Guide, "Working with archived objects" and "Archive
 * retrieval options"): the request document, the tiers' delays, the `x-amz-restore` header, and the clock that
 * completes restores (`ObjectRestore:Completed`) and expires restored copies (`ObjectRestore:Delete`).
 *
 * Time is compressed as the sandbox's other long AWS waits are (timing/profile.ts `awsWaitMs`): a minute of AWS's
 * wait takes a second, times `--timing-scale`. A tier's delay is the end of AWS's published range (GLACIER:
 * Expedited 1–5 minutes, Standard 3–5 hours, Bulk 5–12 hours; DEEP_ARCHIVE: Standard within 12 hours, Bulk within
 * 48 hours), so GLACIER Standard takes 5 minutes at scale 1 and 0.3 s at 0.001. A restore day is compressed the same
 * way (1,440 AWS minutes: 24 minutes at scale 1, 1.44 s at 0.001), and the expiry is not rounded up to the next
 * midnight UTC as AWS rounds it, since a compressed day has no midnight.
 */
import { S3Error } from './errors.js';
import { malformedXml, parseRequestXml } from './xml.js';
import type { StorageClass } from './storage-class.js';

export const RESTORE_TIERS = ['Expedited', 'Standard', 'Bulk'] as const;
export type RestoreTier = (typeof RESTORE_TIERS)[number];

/** AWS minutes a restore takes, per archived class and tier (the end of the published range); absent: not offered. */
export const RESTORE_TIER_MINUTES: Readonly<Record<string, Partial<Record<RestoreTier, number>>>> = {
  GLACIER: { Expedited: 5, Standard: 5 * 60, Bulk: 12 * 60 },
  DEEP_ARCHIVE: { Standard: 12 * 60, Bulk: 48 * 60 },
};

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

/** A restore kept with the object's metadata (persisted with `--data`). Times are ISO-8601, in sandbox time. */
export interface RestoreState {
  tier: RestoreTier;
  days: number;
  /** When the restore was accepted; identifies it, so a timer of an older restore (or object) does nothing. */
  requestedAt: string;
  /** When the restore completes; the restore is in progress until then. */
  completesAt: string;
  /** When the restored copy expires; set when the restore completes. */
  expiresAt?: string;
}

/** What a RestoreObject request asks for. */
export interface RestoreRequest {
  days: number;
  tier: RestoreTier;
}

/**
 * The `RestoreRequest` document: `Days` (a whole number of at least 1) and `GlacierJobParameters/Tier` (or the
 * top-level `Tier`; default Standard, as AWS's). MalformedXML for anything the schema refuses; NotImplemented for
 * SELECT requests and output locations, which the sandbox does not run.
 */
export function parseRestoreRequest(xml: string): RestoreRequest {
  const doc = parseRequestXml(xml, 'RestoreRequest');
  if (doc.Type !== undefined || doc.SelectParameters !== undefined || doc.OutputLocation !== undefined) {
    throw new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', 501);
  }
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);
  const jobParameters = doc.GlacierJobParameters;
  const nestedTier =
    typeof jobParameters === 'object' && jobParameters !== null ? (jobParameters as Record<string, unknown>).Tier : undefined;
  const tier = text(nestedTier) ?? text(doc.Tier) ?? 'Standard';
  if (!(RESTORE_TIERS as readonly string[]).includes(tier)) throw malformedXml();
  const daysText = text(doc.Days);
  if (daysText === undefined || !/^\d{1,9}$/.test(daysText) || Number(daysText) < 1) throw malformedXml();
  return { days: Number(daysText), tier: tier as RestoreTier };
}

/** AWS's refusals for an object's class: only archived classes restore, and DEEP_ARCHIVE has no Expedited tier. */
export function restoreRefusal(storageClass: StorageClass | undefined, tier: RestoreTier): S3Error | undefined {
  const tiers = storageClass ? RESTORE_TIER_MINUTES[storageClass] : undefined;
  if (!tiers) return new S3Error('InvalidObjectState', "Restore is not allowed for the object's current storage class", 403);
  if (tiers[tier] === undefined) {
    return new S3Error('InvalidArgument', `The ${tier} tier is not available for the ${storageClass} storage class`, 400, {
      ArgumentName: 'Tier',
      ArgumentValue: tier,
    });
  }
  return undefined;
}

/** Where a restore stands at `now`: none, in progress, or restored (a copy readable until its expiry). */
export function restorePhase(state: RestoreState | undefined, now: number): 'none' | 'ongoing' | 'restored' {
  if (!state) return 'none';
  if (state.expiresAt === undefined) return 'ongoing';
  return Date.parse(state.expiresAt) > now ? 'restored' : 'none';
}

/** `x-amz-restore` as AWS sends it on GET/HEAD: `ongoing-request="true"`, or `ongoing-request="false", expiry-date="<RFC 1123>"`. */
export function restoreHeader(state: RestoreState | undefined, now: number): Record<string, string> {
  const phase = restorePhase(state, now);
  if (phase === 'ongoing') return { 'x-amz-restore': 'ongoing-request="true"' };
  if (phase === 'restored')
    return { 'x-amz-restore': `ongoing-request="false", expiry-date="${new Date(state!.expiresAt!).toUTCString()}"` };
  return {};
}

/** The state of a newly accepted restore; `waitMs` turns AWS milliseconds into sandbox milliseconds. */
export function startRestore(
  storageClass: StorageClass,
  request: RestoreRequest,
  now: number,
  waitMs: (awsMs: number) => number,
): RestoreState {
  const minutes = RESTORE_TIER_MINUTES[storageClass]?.[request.tier] ?? 0;
  return {
    tier: request.tier,
    days: request.days,
    requestedAt: new Date(now).toISOString(),
    completesAt: new Date(now + waitMs(minutes * MINUTE_MS)).toISOString(),
  };
}

/** The restored copy's expiry, `days` compressed days from `from` (completion, or a later request that extends it). */
export function restoredUntil(from: number, days: number, waitMs: (awsMs: number) => number): string {
  return new Date(from + waitMs(days * DAY_MS)).toISOString();
}
