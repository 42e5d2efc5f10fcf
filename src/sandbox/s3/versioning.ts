/**
 * S3 Versioning, the pure parts: version ids, the bucket's versioning document, what a write or delete does to a
 * key's version stack, and one page of ListObjectVersions. Behaviour as AWS records it (LocalStack's AWS-validated
 * snapshots `test_s3_api`, `test_s3_list_operations`, `test_s3_notifications_sqs`).
 */
import { randomBytes } from 'node:crypto';
import { S3Error } from './errors.js';
import { malformedXml, parseRequestXml } from './xml.js';

/** A bucket's versioning: absent (never versioned), Enabled or Suspended. Once versioned, never absent again. */
export type VersioningStatus = 'Enabled' | 'Suspended';

/** The version id S3 gives a write to an unversioned or Suspended bucket (stored as an absent `versionId`). */
export const NULL_VERSION = 'null';

/** AWS's version ids: 32 characters of `[A-Za-z0-9._]` (e.g. `gS53zabD7XTvkrwbjMnXlBylVWetO8ym`). */
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';
let lastSeq = 0;

/**
 * A new version id in AWS's shape. Its first 10 characters encode a creation sequence (ms × 1024 + counter, 60
 * bits), so a ListObjectVersions marker naming a version deleted meanwhile still has a place (as on AWS); the
 * other 22 are random.
 */
export function newVersionId(nowMs = Date.now()): string {
  lastSeq = Math.max(lastSeq + 1, nowMs * 1024);
  let seq = lastSeq;
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = ID_ALPHABET[seq % 64]! + head;
    seq = Math.floor(seq / 64);
  }
  const tail = [...randomBytes(22)].map((b) => ID_ALPHABET[b % 64]).join('');
  return head + tail;
}

/** Whether `id` has the shape of a version id (not `null`). */
export function isVersionId(id: string): boolean {
  return /^[A-Za-z0-9._]{32}$/.test(id);
}

/** The creation sequence encoded in one of our ids; undefined for another shape. */
export function versionSeq(id: string): number | undefined {
  if (!isVersionId(id)) return undefined;
  let seq = 0;
  for (const ch of id.slice(0, 10)) seq = seq * 64 + ID_ALPHABET.indexOf(ch);
  return seq;
}

/** PutBucketVersioning's document: Status Enabled or Suspended (case-sensitive); MFADelete only Disabled. */
export function parseVersioningXml(xml: string): VersioningStatus {
  const doc = parseRequestXml(xml, 'VersioningConfiguration');
  if (doc.Status !== undefined && typeof doc.Status !== 'string') throw malformedXml();
  const status = typeof doc.Status === 'string' ? doc.Status.trim() : undefined;
  const mfa =
    typeof doc.MfaDelete === 'string' ? doc.MfaDelete.trim() : typeof doc.MFADelete === 'string' ? doc.MFADelete.trim() : undefined;
  if (mfa !== undefined && mfa !== 'Disabled') {
    if (mfa !== 'Enabled') throw malformedXml();
    throw new S3Error('InvalidRequest', 'DevPay and Mfa are mutually exclusive authorization methods.');
  }
  if (status === undefined) {
    throw new S3Error('IllegalVersioningConfigurationException', 'The Versioning element must be specified');
  }
  if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
  return status;
}

/** One version of a key, as the pure functions see it. */
export interface VersionLike {
  /** Absent: the null version. */
  versionId?: string;
  isDeleteMarker?: boolean;
  lastModified: string;
}

/** The id a response or a listing shows: the version's id, or `null`. */
export const shownVersionId = (v: VersionLike): string => v.versionId ?? NULL_VERSION;

/**
 * Whether an event record carries `versionId` for this version. AWS's records (LocalStack's AWS-validated
 * `test_object_created_put_versioned`): a PUT to an Enabled bucket carries the new id; a PUT to a Suspended bucket
 * (a null version) carries none; deleting a version by its id carries that id, in either state. So: present for a
 * version with a real id, absent for the null version — which also covers a never-versioned bucket and the null
 * delete marker a Suspended bucket's DELETE creates (not recorded; the same rule applied).
 */
export const recordVersionId = (v: VersionLike): string | undefined => v.versionId;

/** The stack after a write: a null version replaces the previous null version (Suspended, never versioned). */
export function pushVersion<T extends VersionLike>(stack: readonly T[], version: T): { stack: T[]; replaced?: T } {
  if (version.versionId !== undefined) return { stack: [version, ...stack] };
  const replaced = stack.find((v) => v.versionId === undefined);
  return { stack: [version, ...stack.filter((v) => v !== replaced)], replaced };
}

/** Finds a version by the id a request names (`null` is the null version). */
export function findVersion<T extends VersionLike>(stack: readonly T[], id: string): T | undefined {
  return id === NULL_VERSION ? stack.find((v) => v.versionId === undefined) : stack.find((v) => v.versionId === id);
}

/** One entry of ListObjectVersions: a version (or delete marker) of a key, or a common prefix. */
export type VersionEntry<T> = { kind: 'version'; key: string; version: T; isLatest: boolean } | { kind: 'prefix'; prefix: string };

export interface VersionPageInput<T extends VersionLike> {
  /** Every key with versions, sorted. */
  keys: readonly string[];
  /** A key's stack, newest first. */
  versionsOf(key: string): readonly T[];
  prefix: string;
  delimiter: string;
  keyMarker: string;
  versionIdMarker: string;
  maxKeys: number;
}

export interface VersionPage<T> {
  entries: VersionEntry<T>[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}

/** Where a version sits for paging: its id's sequence, else (the null version, older ids) its time. */
const orderOf = (v: VersionLike) => (v.versionId !== undefined ? versionSeq(v.versionId) : undefined) ?? Date.parse(v.lastModified) * 1024;

/**
 * One page of ListObjectVersions. Keys in order, each key's versions newest first; max-keys counts versions,
 * markers and common prefixes. key-marker alone starts after that key's versions; with version-id-marker, after
 * that version (found by id, or by the order its id encodes when it was deleted meanwhile).
 */
export function listVersionsPage<T extends VersionLike>(input: VersionPageInput<T>): VersionPage<T> {
  const { keys, prefix, delimiter, keyMarker, versionIdMarker, maxKeys } = input;
  const page: VersionPage<T> = { entries: [], isTruncated: false };
  let lastPrefix: string | undefined;
  const push = (entry: VersionEntry<T>): boolean => {
    if (page.entries.length === maxKeys) {
      page.isTruncated = maxKeys > 0;
      return false;
    }
    page.entries.push(entry);
    return true;
  };
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    if (keyMarker && key < keyMarker) continue;
    if (keyMarker && key === keyMarker && !versionIdMarker) continue;
    if (delimiter) {
      const d = key.indexOf(delimiter, prefix.length);
      if (d >= 0) {
        const common = key.slice(0, d + delimiter.length);
        if (common === lastPrefix || (keyMarker && common <= keyMarker)) continue;
        lastPrefix = common;
        if (!push({ kind: 'prefix', prefix: common })) break;
        continue;
      }
    }
    let stack = input.versionsOf(key).map((version, i) => ({ version, isLatest: i === 0 }));
    if (keyMarker && key === keyMarker) {
      const at = stack.findIndex((s) => shownVersionId(s.version) === versionIdMarker);
      if (at >= 0) stack = stack.slice(at + 1);
      else {
        const seq = versionSeq(versionIdMarker);
        stack = seq === undefined ? [] : stack.filter((s) => orderOf(s.version) < seq);
      }
    }
    let full = false;
    for (const s of stack) {
      if (!push({ kind: 'version', key, ...s })) {
        full = true;
        break;
      }
    }
    if (full) break;
  }
  const last = page.entries.at(-1);
  if (page.isTruncated && last) {
    if (last.kind === 'prefix') page.nextKeyMarker = last.prefix;
    else {
      page.nextKeyMarker = last.key;
      page.nextVersionIdMarker = shownVersionId(last.version);
    }
  }
  return page;
}
