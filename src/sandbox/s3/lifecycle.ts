/**
 * S3 Lifecycle configuration, the pure parts: PutBucketLifecycleConfiguration's document with AWS's validation,
 * GetBucketLifecycleConfiguration's answer, and which expiration actions are due for a key's versions at a time.
 * Errors as AWS records them (LocalStack's AWS-validated `test_put_bucket_lifecycle_conf_exc`) and as the API
 * reference states them (LifecycleRule, LifecycleExpiration, NoncurrentVersionExpiration).
 */
import { randomBytes } from 'node:crypto';
import { S3Error } from './errors.js';
import type { Tag } from './tagging.js';
import { malformedXml, parseRequestXml } from './xml.js';

/** Which objects a rule applies to: every condition given must hold (an empty filter: the whole bucket). */
export interface LifecycleFilter {
  prefix?: string;
  tags?: Tag[];
  objectSizeGreaterThan?: number;
  objectSizeLessThan?: number;
}

export interface LifecycleRule {
  /** AWS generates one when the rule has none. */
  id: string;
  status: 'Enabled' | 'Disabled';
  filter: LifecycleFilter;
  /** How the filter was written, echoed back as given: `Filter` (with its shape) or the legacy `Prefix`. */
  filterForm: 'legacy-prefix' | 'empty' | 'prefix' | 'tag' | 'and' | 'size-gt' | 'size-lt';
  expiration?: { days?: number; date?: string; expiredObjectDeleteMarker?: boolean };
  noncurrentVersionExpiration?: { noncurrentDays?: number; newerNoncurrentVersions?: number };
  /** Stored and echoed, not applied by the sandbox: Transition, NoncurrentVersionTransition, AbortIncompleteMultipartUpload. */
  otherActions?: Record<string, unknown>;
}

const OTHER_ACTIONS = ['Transition', 'NoncurrentVersionTransition', 'AbortIncompleteMultipartUpload'] as const;

const asNode = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'string' && v.trim() === ''
    ? {}
    : typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);
const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** A Prefix element's text (empty when the element is empty); MalformedXML for anything but text. */
const prefixText = (v: unknown): string => {
  if (typeof v !== 'string') throw malformedXml();
  return v;
};

function positiveInt(raw: unknown, message: string, argument: string): number {
  const t = text(raw);
  if (t === undefined) throw malformedXml();
  if (!/^-?\d+$/.test(t)) throw malformedXml();
  const n = Number(t);
  if (n <= 0 || !Number.isSafeInteger(n)) throw new S3Error('InvalidArgument', message, 400, { ArgumentName: argument, ArgumentValue: t });
  return n;
}

function parseTag(raw: unknown): Tag {
  const node = asNode(raw);
  const key = node && typeof node.Key === 'string' ? node.Key : undefined;
  const value = node && (typeof node.Value === 'string' ? node.Value : node.Value === undefined ? undefined : '');
  if (key === undefined || value === undefined) throw malformedXml();
  return { key, value };
}

function sizeOf(raw: unknown): number {
  const t = text(raw);
  if (t === undefined || !/^\d+$/.test(t)) throw malformedXml();
  return Number(t);
}

function parseFilter(raw: unknown): Pick<LifecycleRule, 'filter' | 'filterForm'> {
  const node = asNode(raw);
  if (!node) throw malformedXml();
  const given = ['Prefix', 'Tag', 'And', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan'].filter((k) => node[k] !== undefined);
  if (given.length === 0) return { filter: {}, filterForm: 'empty' };
  if (given.length > 1) throw malformedXml();
  if (node.Prefix !== undefined) return { filter: { prefix: prefixText(node.Prefix) }, filterForm: 'prefix' };
  if (node.Tag !== undefined) return { filter: { tags: [parseTag(node.Tag)] }, filterForm: 'tag' };
  if (node.ObjectSizeGreaterThan !== undefined)
    return { filter: { objectSizeGreaterThan: sizeOf(node.ObjectSizeGreaterThan) }, filterForm: 'size-gt' };
  if (node.ObjectSizeLessThan !== undefined)
    return { filter: { objectSizeLessThan: sizeOf(node.ObjectSizeLessThan) }, filterForm: 'size-lt' };
  const and = asNode(node.And);
  if (!and) throw malformedXml();
  const tags = list(and.Tag).map(parseTag);
  const seen = new Set<string>();
  for (const t of tags) {
    if (seen.has(t.key)) throw new S3Error('InvalidRequest', 'Duplicate Tag Keys are not allowed.');
    seen.add(t.key);
  }
  const filter: LifecycleFilter = {};
  if (and.Prefix !== undefined) filter.prefix = prefixText(and.Prefix);
  if (tags.length) filter.tags = tags;
  if (and.ObjectSizeGreaterThan !== undefined) filter.objectSizeGreaterThan = sizeOf(and.ObjectSizeGreaterThan);
  if (and.ObjectSizeLessThan !== undefined) filter.objectSizeLessThan = sizeOf(and.ObjectSizeLessThan);
  return { filter, filterForm: 'and' };
}

function parseExpiration(raw: unknown): NonNullable<LifecycleRule['expiration']> {
  const node = asNode(raw);
  if (!node) throw malformedXml();
  const marker = text(node.ExpiredObjectDeleteMarker);
  const hasDays = node.Days !== undefined;
  const hasDate = node.Date !== undefined;
  if ([hasDays, hasDate, marker !== undefined].filter(Boolean).length !== 1) throw malformedXml();
  if (hasDays) return { days: positiveInt(node.Days, "'Days' for Expiration action must be a positive integer", 'Days') };
  if (hasDate) {
    const t = text(node.Date) ?? '';
    const at = Date.parse(t);
    if (!Number.isFinite(at)) throw malformedXml();
    if (at % 86_400_000 !== 0)
      throw new S3Error('InvalidArgument', "'Date' must be at midnight GMT", 400, { ArgumentName: 'Date', ArgumentValue: t });
    return { date: new Date(at).toISOString() };
  }
  if (marker !== 'true' && marker !== 'false') throw malformedXml();
  return { expiredObjectDeleteMarker: marker === 'true' };
}

function parseNoncurrent(raw: unknown): NonNullable<LifecycleRule['noncurrentVersionExpiration']> {
  const node = asNode(raw);
  if (!node || (node.NoncurrentDays === undefined && node.NewerNoncurrentVersions === undefined)) throw malformedXml();
  const out: NonNullable<LifecycleRule['noncurrentVersionExpiration']> = {};
  if (node.NoncurrentDays !== undefined) {
    out.noncurrentDays = positiveInt(
      node.NoncurrentDays,
      "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
      'NoncurrentDays',
    );
  }
  if (node.NewerNoncurrentVersions !== undefined) {
    out.newerNoncurrentVersions = positiveInt(
      node.NewerNoncurrentVersions,
      "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer",
      'NewerNoncurrentVersions',
    );
  }
  return out;
}

/** Parses and validates PutBucketLifecycleConfiguration's body; throws AWS's MalformedXML / InvalidArgument / InvalidRequest. */
export function parseLifecycleXml(xml: string): LifecycleRule[] {
  const doc = parseRequestXml(xml, 'LifecycleConfiguration');
  const rules = list(doc.Rule);
  if (rules.length === 0 || rules.length > 1000) throw malformedXml();
  const ids = new Set<string>();
  return rules.map((raw) => {
    const node = asNode(raw);
    if (!node) throw malformedXml();
    if (node.ID !== undefined && typeof node.ID !== 'string') throw malformedXml();
    const id = typeof node.ID === 'string' && node.ID !== '' ? node.ID : randomBytes(36).toString('base64');
    if (id.length > 255)
      throw new S3Error('InvalidArgument', 'ID length should not exceed allowed limit of 255', 400, {
        ArgumentName: 'ID',
        ArgumentValue: id,
      });
    if (ids.has(id)) {
      throw new S3Error('InvalidArgument', 'Rule ID must be unique. Found same ID for more than one rule', 400, {
        ArgumentName: 'ID',
        ArgumentValue: id,
      });
    }
    ids.add(id);
    const status = text(node.Status);
    if (status !== 'Enabled' && status !== 'Disabled') throw malformedXml();
    if ((node.Filter === undefined) === (node.Prefix === undefined)) throw malformedXml();
    const target: Pick<LifecycleRule, 'filter' | 'filterForm'> =
      node.Filter !== undefined ? parseFilter(node.Filter) : { filter: { prefix: prefixText(node.Prefix) }, filterForm: 'legacy-prefix' };
    const rule: LifecycleRule = { id, status, ...target };
    if (node.Expiration !== undefined) rule.expiration = parseExpiration(node.Expiration);
    if (node.NoncurrentVersionExpiration !== undefined)
      rule.noncurrentVersionExpiration = parseNoncurrent(node.NoncurrentVersionExpiration);
    if (rule.expiration?.expiredObjectDeleteMarker !== undefined && rule.filter.tags?.length) {
      throw new S3Error('InvalidRequest', 'ExpiredObjectDeleteMarker cannot be specified with object tag filters.');
    }
    const others: Record<string, unknown> = {};
    for (const name of OTHER_ACTIONS) if (node[name] !== undefined) others[name] = node[name];
    if (Object.keys(others).length) rule.otherActions = others;
    if (!rule.expiration && !rule.noncurrentVersionExpiration && !rule.otherActions) {
      throw new S3Error('InvalidRequest', 'At least one action needs to be specified in a rule');
    }
    return rule;
  });
}

const tagXml = (t: Tag) => ({ Key: t.key, Value: t.value });

function filterXml(rule: LifecycleRule): Record<string, unknown> {
  const f = rule.filter;
  switch (rule.filterForm) {
    case 'legacy-prefix':
      return { Prefix: f.prefix ?? '' };
    case 'empty':
      return { Filter: '' };
    case 'prefix':
      return { Filter: { Prefix: f.prefix ?? '' } };
    case 'tag':
      return { Filter: { Tag: tagXml(f.tags![0]!) } };
    case 'size-gt':
      return { Filter: { ObjectSizeGreaterThan: f.objectSizeGreaterThan } };
    case 'size-lt':
      return { Filter: { ObjectSizeLessThan: f.objectSizeLessThan } };
    case 'and':
      return {
        Filter: {
          And: {
            ...(f.prefix !== undefined ? { Prefix: f.prefix } : {}),
            ...(f.tags ? { Tag: f.tags.map(tagXml) } : {}),
            ...(f.objectSizeGreaterThan !== undefined ? { ObjectSizeGreaterThan: f.objectSizeGreaterThan } : {}),
            ...(f.objectSizeLessThan !== undefined ? { ObjectSizeLessThan: f.objectSizeLessThan } : {}),
          },
        },
      };
  }
}

/** GetBucketLifecycleConfiguration's `Rule` elements, in AWS's element order. */
export function lifecycleRulesXml(rules: LifecycleRule[]): Record<string, unknown>[] {
  return rules.map((r) => {
    const e = r.expiration;
    const n = r.noncurrentVersionExpiration;
    return {
      ...(r.expiration
        ? {
            Expiration: {
              ...(e?.date ? { Date: e.date.replace('.000Z', 'Z') } : {}),
              ...(e?.days !== undefined ? { Days: e.days } : {}),
              ...(e?.expiredObjectDeleteMarker !== undefined ? { ExpiredObjectDeleteMarker: e.expiredObjectDeleteMarker } : {}),
            },
          }
        : {}),
      ID: r.id,
      ...filterXml(r),
      Status: r.status,
      ...(r.otherActions ?? {}),
      ...(n
        ? {
            NoncurrentVersionExpiration: {
              ...(n.noncurrentDays !== undefined ? { NoncurrentDays: n.noncurrentDays } : {}),
              ...(n.newerNoncurrentVersions !== undefined ? { NewerNoncurrentVersions: n.newerNoncurrentVersions } : {}),
            },
          }
        : {}),
    };
  });
}

/** What the expiration logic needs of a version. */
export interface LifecycleVersion {
  key: string;
  size: number;
  lastModified: string;
  versionId?: string;
  isDeleteMarker?: boolean;
  tags?: Tag[];
}

/** Whether a rule's filter selects this version (delete markers have no tags or size: only prefix filters select them). */
export function ruleMatches(rule: LifecycleRule, v: LifecycleVersion): boolean {
  const f = rule.filter;
  if (rule.status !== 'Enabled') return false;
  if (f.prefix !== undefined && !v.key.startsWith(f.prefix)) return false;
  if (f.tags?.length && !f.tags.every((t) => v.tags?.some((o) => o.key === t.key && o.value === t.value))) return false;
  if (f.objectSizeGreaterThan !== undefined && !(v.size > f.objectSizeGreaterThan)) return false;
  if (f.objectSizeLessThan !== undefined && !(v.size < f.objectSizeLessThan)) return false;
  return true;
}

/** An expiration action due now for one key. */
export type LifecycleAction =
  /** The current version expires: removed (never versioned) or a delete marker goes on top (versioned). */
  | { kind: 'expire-current' }
  /** A noncurrent version (`versionId` undefined: the null version) is removed for good. */
  | { kind: 'remove-noncurrent'; versionId?: string }
  /** The current delete marker, with no other versions left, is removed. */
  | { kind: 'remove-expired-marker'; versionId?: string };

/**
 * The actions due at `nowMs` for a key's stack (newest first), `dayMs` being one lifecycle day. Expiration Days:
 * `days` after the current version's creation; Date: at that time; NoncurrentDays: after the version became
 * noncurrent (its successor's creation), keeping the NewerNoncurrentVersions newest noncurrent ones.
 */
export function dueActions(
  rules: readonly LifecycleRule[],
  stack: readonly LifecycleVersion[],
  nowMs: number,
  dayMs: number,
): LifecycleAction[] {
  const current = stack[0];
  if (!current) return [];
  const actions: LifecycleAction[] = [];
  const matching = rules.filter((r) => ruleMatches(r, current));
  if (!current.isDeleteMarker) {
    const due = matching.some((r) => {
      const e = r.expiration;
      if (e?.days !== undefined) return Date.parse(current.lastModified) + e.days * dayMs <= nowMs;
      return e?.date !== undefined && Date.parse(e.date) <= nowMs;
    });
    if (due) actions.push({ kind: 'expire-current' });
  } else if (stack.length === 1 && matching.some((r) => r.expiration?.expiredObjectDeleteMarker)) {
    actions.push({ kind: 'remove-expired-marker', versionId: current.versionId });
  }
  let newer = 0;
  for (let i = 1; i < stack.length; i++) {
    const v = stack[i]!;
    if (v.isDeleteMarker) continue;
    newer++;
    const since = Date.parse(stack[i - 1]!.lastModified);
    const due = rules.some((r) => {
      const n = r.noncurrentVersionExpiration;
      if (!n || !ruleMatches(r, v)) return false;
      if (n.newerNoncurrentVersions !== undefined && newer <= n.newerNoncurrentVersions) return false;
      return n.noncurrentDays === undefined || since + n.noncurrentDays * dayMs <= nowMs;
    });
    if (due) actions.push({ kind: 'remove-noncurrent', versionId: v.versionId });
  }
  return actions;
}

/**
 * `x-amz-expiration` for a current version a rule will expire: `expiry-date="<HTTP date>", rule-id="<id>"` (AWS's
 * form), the earliest matching rule's. The date is when the sandbox expires it (`dayMs` per lifecycle day), not
 * AWS's next midnight. Undefined when no Enabled Expiration rule (Days or Date) matches.
 */
export function expirationHeader(rules: readonly LifecycleRule[] | undefined, v: LifecycleVersion, dayMs: number): string | undefined {
  let best: { at: number; id: string } | undefined;
  for (const r of rules ?? []) {
    const e = r.expiration;
    if (!e || (e.days === undefined && e.date === undefined) || !ruleMatches(r, v)) continue;
    const at = e.days !== undefined ? Date.parse(v.lastModified) + e.days * dayMs : Date.parse(e.date!);
    if (!best || at < best.at) best = { at, id: r.id };
  }
  return best && `expiry-date="${new Date(best.at).toUTCString()}", rule-id="${best.id}"`;
}
