/**
 * Finds S3 event records a handler printed: plain `Records[].s3`, records inside SNS
 * envelopes (`Sns.Message` is a JSON string — the Jets fan-out), SQS bodies (an SNS
 * notification inside one too), and EventBridge `detail`; each with the envelopes it came
 * through and their times (for per-hop latency). Also every spelling of a key, to look for keys in plain text.
 */

import { decodeEventKey, EVENTBRIDGE_REASONS, encodeEventKey } from '../aws/s3-events.js';

export interface S3Mention {
  bucket?: string;
  /** The key as printed (URL-encoded in S3 and SNS records). */
  key: string;
  eventName?: string;
  requestId?: string;
  via: 's3' | 'eventbridge';
  /**
   * The envelopes around the record, in the order the event went through them (S3 -> SNS -> SQS -> Lambda), each with
   * its time when the envelope carries one (epoch ms): SNS `Timestamp` (ms precision), SQS `attributes.SentTimestamp`
   * (ms), EventBridge `time` (whole seconds). Absent for a record printed as S3 sent it.
   */
  envelopes?: Envelope[];
}

/** One hop an S3 event went through before the function, and when that service stamped it (epoch ms). */
export interface Envelope {
  kind: 'sns' | 'sqs' | 'eventbridge';
  at?: number;
}

const spellingsCache = new Map<string, readonly string[]>();
/** Keys remembered by keySpellings: a burst's keys fit; past it the oldest are forgotten. */
const SPELLINGS_CACHE_SIZE = 4096;

/**
 * Every spelling of a key a handler might print: raw, AWS-encoded, and emulators' %20 form. Remembered per key: the
 * matcher asks for the same keys on every log line (a burst of N ops otherwise re-encodes N keys per line).
 */
export function keySpellings(key: string): readonly string[] {
  const known = spellingsCache.get(key);
  if (known) return known;
  const forms = new Set([key, encodeEventKey(key), encodeURIComponent(key).replace(/%2F/g, '/')]);
  forms.delete('');
  const spellings = [...forms];
  if (spellingsCache.size >= SPELLINGS_CACHE_SIZE) spellingsCache.delete(spellingsCache.keys().next().value as string);
  spellingsCache.set(key, spellings);
  return spellings;
}

/** EventBridge `reason` -> the notification event name; deletes read as plain deletes (`deletion-type` tells them apart). */
const EVENT_NAME_OF_REASON: Record<string, string> = Object.fromEntries(
  Object.entries(EVENTBRIDGE_REASONS)
    .filter(([name]) => name !== 'ObjectRemoved:DeleteMarkerCreated' && !name.startsWith('LifecycleExpiration'))
    .map(([name, reason]) => [reason, name]),
);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const timeOf = (v: unknown): number | undefined => {
  const t = typeof v === 'string' ? (/^\d+$/.test(v) ? Number(v) : Date.parse(v)) : typeof v === 'number' ? v : Number.NaN;
  return Number.isFinite(t) ? t : undefined;
};
const envelope = (kind: Envelope['kind'], at: number | undefined): Envelope => (at === undefined ? { kind } : { kind, at });

/**
 * The envelope this node is and what it wraps: an SNS record (`EventSource` aws:sns, `Sns.Message`), an SNS notification
 * as SNS writes it into an SQS body or an HTTP post (`Type` Notification, `TopicArn`, `Message`), an SQS record
 * (`eventSource` aws:sqs, `body`, `attributes.SentTimestamp`).
 */
function unwrap(node: Json): { envelope: Envelope; inner: unknown } | undefined {
  if (node.EventSource === 'aws:sns' && isObject(node.Sns)) {
    return { envelope: envelope('sns', timeOf(node.Sns.Timestamp)), inner: node.Sns.Message };
  }
  if (node.Type === 'Notification' && typeof node.Message === 'string') {
    return { envelope: envelope('sns', timeOf(node.Timestamp)), inner: node.Message };
  }
  if (node.eventSource === 'aws:sqs' && 'body' in node) {
    const attributes = isObject(node.attributes) ? node.attributes : {};
    return { envelope: envelope('sqs', timeOf(attributes.SentTimestamp)), inner: node.body };
  }
  return undefined;
}

function mentionOf(node: Json, outer: readonly Envelope[]): S3Mention | undefined {
  const envelopes = (own: Envelope[] = []) => {
    const all = [...own, ...[...outer].reverse()];
    return all.length ? { envelopes: all } : {};
  };
  const s3 = node.s3;
  if (isObject(s3) && isObject(s3.object) && typeof s3.object.key === 'string') {
    const responseElements = isObject(node.responseElements) ? node.responseElements : {};
    return {
      key: s3.object.key,
      bucket: isObject(s3.bucket) ? str(s3.bucket.name) : undefined,
      eventName: str(node.eventName)?.replace(/^s3:/, ''),
      requestId: str(responseElements['x-amz-request-id']),
      via: 's3',
      ...envelopes(),
    };
  }
  const detail = node.detail;
  if (typeof node['detail-type'] === 'string' && isObject(detail) && isObject(detail.object) && typeof detail.object.key === 'string') {
    const reason = str(detail.reason);
    return {
      key: detail.object.key,
      bucket: isObject(detail.bucket) ? str(detail.bucket.name) : undefined,
      eventName: reason ? EVENT_NAME_OF_REASON[reason] : undefined,
      requestId: str(detail['request-id']),
      via: 'eventbridge',
      ...envelopes([envelope('eventbridge', timeOf(node.time))]),
    };
  }
  return undefined;
}

/** `outer`: the envelopes around `node`, outermost first. */
function walk(node: unknown, out: S3Mention[], depth: number, outer: readonly Envelope[] = []): void {
  if (depth > 12 || out.length > 100) return;
  if (typeof node === 'string') {
    // SNS Message / SQS body: a JSON document inside a string.
    if (node.length > 1 && node.trimStart().startsWith('{')) {
      const inner = tryParse(node);
      if (inner !== undefined) walk(inner, out, depth + 1, outer);
    }
    return;
  }
  if (Array.isArray(node)) {
    for (const item of node) walk(item, out, depth + 1, outer);
    return;
  }
  if (!isObject(node)) return;
  const wrapped = unwrap(node);
  if (wrapped) {
    walk(wrapped.inner, out, depth + 1, [...outer, wrapped.envelope]);
    return;
  }
  const mention = mentionOf(node, outer);
  if (mention) {
    out.push(mention);
    return;
  }
  for (const value of Object.values(node)) walk(value, out, depth + 1, outer);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The JSON document in a text: from its first '{' to its last '}'. */
export function jsonIn(text: string): unknown {
  const from = text.indexOf('{');
  const to = text.lastIndexOf('}');
  if (from < 0 || to <= from) return undefined;
  return tryParse(text.slice(from, to + 1));
}

const BLOCK_FIELD = /\b(Event Type|Bucket|Object):\s+(\S+)/;

/**
 * The blog's (and the demo handler's) printed block: `Event Type: ObjectCreated:Put (Put)`, `Bucket: b`,
 * `Object: key` on lines of their own (after any log prefix), read as one mention per `Object:` line.
 */
export function blockMentions(texts: readonly string[]): S3Mention[] {
  const out: S3Mention[] = [];
  let eventName: string | undefined;
  let bucket: string | undefined;
  for (const text of texts) {
    for (const line of text.split(/\r\n|\r|\n/)) {
      const field = BLOCK_FIELD.exec(line);
      if (!field) continue;
      const [, name, value = ''] = field;
      if (name === 'Event Type') eventName = value.replace(/^s3:/, '');
      else if (name === 'Bucket') bucket = value;
      else
        out.push({ key: value, via: 's3', ...(bucket !== undefined ? { bucket } : {}), ...(eventName !== undefined ? { eventName } : {}) });
    }
  }
  return out;
}

/**
 * S3 records in the given texts. Each text is tried alone, then all together (a python
 * print of an indented JSON event arrives as one log event per line); then the blog's printed block.
 */
export function extractS3Mentions(texts: readonly string[]): S3Mention[] {
  const out: S3Mention[] = [];
  for (const text of texts) walk(jsonIn(text), out, 0);
  if (out.length === 0 && texts.length > 1) walk(jsonIn(texts.join('\n')), out, 0);
  if (out.length === 0) out.push(...blockMentions(texts));
  const seen = new Set<string>();
  return out.filter((m) => {
    const id = JSON.stringify(m);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export function mentionNamesKey(mention: S3Mention, key: string): boolean {
  return mention.key === key || decodeEventKey(mention.key) === key;
}
