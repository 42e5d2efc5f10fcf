/**
 * Finds S3 event records a handler printed: plain `Records[].s3`, records inside SNS
 * envelopes (`Sns.Message` is a JSON string — the Jets fan-out), SQS bodies, and
 * EventBridge `detail`. Also every spelling of a key, to look for keys in plain text.
 */

import { decodeEventKey, encodeEventKey } from '../aws/s3-events.js';

export interface S3Mention {
  bucket?: string;
  /** The key as printed (URL-encoded in S3 and SNS records). */
  key: string;
  eventName?: string;
  requestId?: string;
  via: 's3' | 'eventbridge';
}

/** Every spelling of a key a handler might print: raw, AWS-encoded, and emulators' %20 form. */
export function keySpellings(key: string): string[] {
  const forms = new Set([key, encodeEventKey(key), encodeURIComponent(key).replace(/%2F/g, '/')]);
  forms.delete('');
  return [...forms];
}

const EVENTBRIDGE_REASONS: Record<string, string> = {
  PutObject: 'ObjectCreated:Put',
  'POST Object': 'ObjectCreated:Post',
  CopyObject: 'ObjectCreated:Copy',
  CompleteMultipartUpload: 'ObjectCreated:CompleteMultipartUpload',
  DeleteObject: 'ObjectRemoved:Delete',
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function mentionOf(node: Json): S3Mention | undefined {
  const s3 = node.s3;
  if (isObject(s3) && isObject(s3.object) && typeof s3.object.key === 'string') {
    const responseElements = isObject(node.responseElements) ? node.responseElements : {};
    return {
      key: s3.object.key,
      bucket: isObject(s3.bucket) ? str(s3.bucket.name) : undefined,
      eventName: str(node.eventName)?.replace(/^s3:/, ''),
      requestId: str(responseElements['x-amz-request-id']),
      via: 's3',
    };
  }
  const detail = node.detail;
  if (typeof node['detail-type'] === 'string' && isObject(detail) && isObject(detail.object) && typeof detail.object.key === 'string') {
    const reason = str(detail.reason);
    return {
      key: detail.object.key,
      bucket: isObject(detail.bucket) ? str(detail.bucket.name) : undefined,
      eventName: reason ? EVENTBRIDGE_REASONS[reason] : undefined,
      requestId: str(detail['request-id']),
      via: 'eventbridge',
    };
  }
  return undefined;
}

function walk(node: unknown, out: S3Mention[], depth: number): void {
  if (depth > 12 || out.length > 100) return;
  if (typeof node === 'string') {
    // SNS Message / SQS body: a JSON document inside a string.
    if (node.length > 1 && node.trimStart().startsWith('{')) {
      const inner = tryParse(node);
      if (inner !== undefined) walk(inner, out, depth + 1);
    }
    return;
  }
  if (Array.isArray(node)) {
    for (const item of node) walk(item, out, depth + 1);
    return;
  }
  if (!isObject(node)) return;
  const mention = mentionOf(node);
  if (mention) {
    out.push(mention);
    return;
  }
  for (const value of Object.values(node)) walk(value, out, depth + 1);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The JSON document in a text: from its first '{' to its last '}'. */
function jsonIn(text: string): unknown {
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
