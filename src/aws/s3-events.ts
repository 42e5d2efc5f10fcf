/**
 * S3 event notification rules shared by the sandbox (which sends events) and the tool (which predicts and
 * recognises them). Pure; imports nothing from either side.
 */

/**
 * A key as S3 writes it into event records: form-urlencoding of the UTF-8 bytes (space -> '+', everything
 * but `A-Z a-z 0-9 . - * _` percent-encoded, java.net.URLEncoder's set) with '/' kept. Lone surrogates
 * become U+FFFD, as the UTF-8 round trip makes them.
 */
export function encodeEventKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_/]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The raw key of an event record's `s3.object.key`; a malformed escape is returned as it is. */
export function decodeEventKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return encoded;
  }
}

/**
 * Whether a configured event type (`s3:ObjectCreated:*`, `ObjectRemoved:Delete`) covers an event name
 * (`ObjectCreated:Put`): exactly or by `<category>:*`; the `s3:` prefix is optional on either side.
 */
export function eventNameMatches(configured: string, eventName: string): boolean {
  const want = configured.replace(/^s3:/, '');
  const got = eventName.replace(/^s3:/, '');
  if (want === got) return true;
  return want.endsWith(':*') && got.startsWith(want.slice(0, -1));
}

/** One `Filter.S3Key.FilterRules` entry of a notification configuration (`prefix` or `suffix`, any case). */
export interface KeyFilterRule {
  Name?: string;
  Value?: string;
}

/**
 * Whether every prefix/suffix rule accepts the key (no rules: every key). S3 compares the values with the key
 * as it writes it into events (encodeEventKey), which is why AWS asks for special characters URL-encoded in them.
 */
export function keyFilterAccepts(rules: readonly KeyFilterRule[], key: string): boolean {
  const encoded = encodeEventKey(key);
  return rules.every((rule) => {
    const name = rule.Name?.toLowerCase();
    const value = rule.Value ?? '';
    if (name === 'prefix') return encoded.startsWith(value);
    if (name === 'suffix') return encoded.endsWith(value);
    return true;
  });
}

/**
 * S3's EventBridge `reason` for a notification event name (S3 User Guide, "EventBridge event message structure"):
 * the S3 API behind the change, or S3 itself for lifecycle expiration.
 */
export const EVENTBRIDGE_REASONS: Readonly<Record<string, string>> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Post': 'POST Object',
  'ObjectCreated:Copy': 'CopyObject',
  'ObjectCreated:CompleteMultipartUpload': 'CompleteMultipartUpload',
  'ObjectRemoved:Delete': 'DeleteObject',
  'ObjectRemoved:DeleteMarkerCreated': 'DeleteObject',
  'LifecycleExpiration:Delete': 'Lifecycle Expiration',
  'LifecycleExpiration:DeleteMarkerCreated': 'Lifecycle Expiration',
};

/** The canned ACLs an object takes, in AWS's order ("Access control list (ACL) overview"); `log-delivery-write` is for buckets only. */
export const OBJECT_CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
] as const;
