/**
 * Which functions of a chain one operation's event reaches: the bucket side (event names, prefix/suffix filters, as
 * S3 applies them), an SNS subscription's FilterPolicy when it is simple, and an EventBridge rule's pattern evaluated
 * with EventBridge's matcher (aws/event-pattern.ts) on the fields known before the event exists (source, detail-type,
 * bucket, key, reason, deletion-type); conditions on any other field are left out, i.e. taken as matching. Pure.
 */
import { EVENTBRIDGE_REASONS } from '../aws/s3-events.js';
import type { Chain, ChainRoute } from '../events.js';
import { encodeEventKey, eventNameMatches, keyFilterAccepts } from '../aws/s3-events.js';
import { matchesEventPattern, validateEventPattern } from '../aws/event-pattern.js';

/** The event of one operation as discovery can foresee it. */
export interface ForeseenEvent {
  bucket: string;
  key: string;
  /** The S3 event names the operation can cause (`ObjectCreated:Put`; a DELETE: `ObjectRemoved:Delete` or `…DeleteMarkerCreated`). */
  eventNames: readonly string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields of S3's EventBridge event known before it exists. */
export function eventBridgeShape(bucket: string, key: string, eventName: string): Json {
  const removed = eventName.startsWith('ObjectRemoved');
  return {
    source: 'aws.s3',
    'detail-type': removed ? 'Object Deleted' : eventName.startsWith('ObjectCreated') ? 'Object Created' : undefined,
    detail: {
      bucket: { name: bucket },
      object: { key },
      reason: EVENTBRIDGE_REASONS[eventName],
      ...(removed ? { 'deletion-type': eventName.endsWith('DeleteMarkerCreated') ? 'Delete Marker Created' : 'Permanently Deleted' } : {}),
    },
  };
}

/** The SNS message body S3 publishes (its record's fields known before it exists). */
function snsBodyShape(bucket: string, key: string, eventName: string): Json {
  return { Records: [{ eventSource: 'aws:s3', eventName, s3: { bucket: { name: bucket }, object: { key: encodeEventKey(key) } } }] };
}

type Verdict = boolean | 'unknown';

/** One pattern leaf (an array of matchers) against a known value. 'unknown': a matcher this loose check does not evaluate. */
function leafMatches(matchers: unknown[], value: unknown): Verdict {
  const values = Array.isArray(value) ? value : [value];
  let unknown = false;
  for (const m of matchers) {
    if (typeof m === 'string' || typeof m === 'number' || typeof m === 'boolean' || m === null) {
      if (values.some((v) => v === m)) return true;
    } else if (isObject(m) && typeof m.prefix === 'string') {
      if (values.some((v) => typeof v === 'string' && v.startsWith(m.prefix as string))) return true;
    } else if (isObject(m) && typeof m.suffix === 'string') {
      if (values.some((v) => typeof v === 'string' && v.endsWith(m.suffix as string))) return true;
    } else {
      unknown = true;
    }
  }
  return unknown ? 'unknown' : false;
}

/**
 * Whether an event pattern (EventBridge) or a filter policy (SNS) may match `event`: false only when a field this
 * check knows the value of is refused by plain values, prefix or suffix matchers; every other case counts as a match.
 */
export function looselyMatches(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) return true;
  for (const [field, want] of Object.entries(pattern)) {
    if (field.startsWith('$')) continue; // $or and friends: not evaluated here
    const values = Array.isArray(event) ? event.map((e) => (isObject(e) ? e[field] : undefined)) : isObject(event) ? [event[field]] : [];
    const known = values.filter((v) => v !== undefined);
    if (known.length === 0) continue;
    if (Array.isArray(want)) {
      if (known.every((v) => leafMatches(want, v) === false)) return false;
    } else if (isObject(want)) {
      if (!known.some((v) => looselyMatches(want, v))) return false;
    }
  }
  return true;
}

/**
 * The pattern's conditions on fields `shape` knows (a value that is not undefined), the rest left out; a `$or` with a
 * branch left empty matches anything and goes. Empty: nothing known is constrained.
 */
export function prunePattern(pattern: unknown, shape: unknown): Json {
  if (!isObject(pattern) || !isObject(shape)) return {};
  const out: Json = {};
  for (const [field, want] of Object.entries(pattern)) {
    if (field === '$or') {
      const branches = Array.isArray(want) ? want.map((b) => prunePattern(b, shape)) : [];
      if (branches.length > 0 && branches.every((b) => Object.keys(b).length > 0)) out.$or = branches;
      continue;
    }
    const value = shape[field];
    if (value === undefined) continue;
    if (Array.isArray(want) && !isObject(value)) out[field] = want;
    else if (isObject(want) && isObject(value)) {
      const inner = prunePattern(want, value);
      if (Object.keys(inner).length) out[field] = inner;
    }
  }
  return out;
}

/** Whether S3's EventBridge event for this operation can match the rule's pattern (see prunePattern). */
export function eventBridgeAccepts(pattern: unknown, shape: Json): boolean {
  const known = prunePattern(pattern, shape);
  if (Object.keys(known).length === 0) return true;
  return validateEventPattern(known) === undefined ? matchesEventPattern(known, shape) : looselyMatches(pattern, shape);
}

/** Whether a policy uses only plain values, prefix and suffix (the ones evaluated here). */
function isSimplePolicy(policy: unknown): boolean {
  if (!isObject(policy)) return false;
  return Object.entries(policy).every(([field, want]) => {
    if (field.startsWith('$')) return false;
    if (Array.isArray(want))
      return want.every((m) => typeof m === 'string' || (isObject(m) && (typeof m.prefix === 'string' || typeof m.suffix === 'string')));
    return isSimplePolicy(want);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function policyAccepts(route: ChainRoute, bucket: string, key: string, eventName: string): boolean {
  if (!route.filterPolicy) return true;
  const policy = parse(route.filterPolicy.policy);
  if (!isSimplePolicy(policy)) return true; // ignored unless simple
  // S3 publishes no message attributes: a simple policy on them refuses every S3 event (SNS developer guide, "Subscription filter policies").
  if (route.filterPolicy.scope === 'MessageAttributes') return false;
  return looselyMatches(policy, snsBodyShape(bucket, key, eventName));
}

/** Whether the route carries this operation's event to its function. */
export function routeAccepts(route: ChainRoute, event: ForeseenEvent): boolean {
  return event.eventNames.some((name) => {
    if (route.hops.some((h) => h.kind === 'eventbridge')) {
      const pattern = route.eventPattern ? parse(route.eventPattern) : undefined;
      // EventBridge gets every event; the bucket's filters do not apply on this path.
      if (pattern !== undefined && !eventBridgeAccepts(pattern, eventBridgeShape(event.bucket, event.key, name))) return false;
    } else {
      if (!(route.events ?? []).some((e) => eventNameMatches(e, name))) return false;
      if (!keyFilterAccepts(route.filterRules ?? [], event.key)) return false;
    }
    return policyAccepts(route, event.bucket, event.key, name);
  });
}

/** The distinct functions whose route accepts the operation's event, in route order. */
export function functionsFor(chain: Pick<Chain, 'routes'>, event: ForeseenEvent): string[] {
  return [...new Set(chain.routes.filter((r) => routeAccepts(r, event)).map((r) => r.function))];
}
