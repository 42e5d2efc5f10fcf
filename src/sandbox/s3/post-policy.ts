/**
 * Browser-form POST Object: the POST policy rules (SigV4 and SigV2 fields), the object key and the
 * success status. Signatures are not verified; everything else answers with S3's codes and messages.
 * Hand-written: no library implements S3's POST policy language.
 */
import { S3Error } from './errors.js';

type Fields = Array<[string, string]>;

type Condition =
  | { op: 'eq' | 'starts-with'; field: string; value: string; echo: string }
  | { op: 'content-length-range'; min: number; max: number; echo: string };

const V4_FIELDS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature'];
const V2_FIELDS = ['AWSAccessKeyId', 'Signature'];
/** Fields no condition needs to cover (besides x-ignore-*). */
const EXEMPT = new Set(['policy', 'x-amz-signature', 'signature', 'awsaccesskeyid', 'file']);

function fieldValue(fields: Fields, name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find(([n]) => n.toLowerCase() === lower)?.[1];
}

const policyError = (detail: string) => new S3Error('InvalidPolicyDocument', `Invalid Policy: ${detail}`);
const invalidJson = () => policyError('Invalid JSON.');
const deniedByPolicy = (detail: string) => new S3Error('AccessDenied', `Invalid according to Policy: ${detail}`, 403);

/** S3's "must contain a field named" error for a required field that is absent. */
export const missingFormField = (name: string) =>
  new S3Error(
    'InvalidArgument',
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    400,
    { ArgumentName: name, ArgumentValue: '' },
  );

/** S3 echoes a failed condition as a JSON array with ", " separators; simple conditions as "eq". */
const echo = (parts: unknown[]) => `[${parts.map((p) => JSON.stringify(p)).join(', ')}]`;

function checkSignatureFields(fields: Fields): void {
  const has = (name: string) => fieldValue(fields, name) !== undefined;
  const family = V4_FIELDS.some(has) ? V4_FIELDS : V2_FIELDS.some(has) ? V2_FIELDS : undefined;
  if (!family) throw new S3Error('AccessDenied', 'Access Denied', 403);
  const missing = family.find((name) => !has(name));
  if (missing) throw missingFormField(missing);
}

function decodePolicy(policy: string): Record<string, unknown> {
  const b64 = policy.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw invalidJson();
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    throw invalidJson();
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalidJson();
  return doc as Record<string, unknown>;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function parseExpiration(value: unknown): Date {
  if (value === undefined) throw policyError('Policy missing expiration.');
  const bad = () => policyError(`Invalid 'expiration' value: '${String(value)}'`);
  if (typeof value !== 'string' || !ISO_UTC.test(value)) throw bad();
  const date = new Date(value);
  // Date rolls impossible days over (Feb 30 -> Mar 2); the round trip catches that.
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== value.slice(0, 19)) throw bad();
  return date;
}

/** A content-length-range bound: an integer or an integer string; undefined when unreadable. */
function lengthBound(v: unknown): number | undefined {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw invalidJson();
    return v;
  }
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

function parseCondition(raw: unknown): Condition | 'unreadable' {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const entries = Object.entries(raw);
    if (entries.length !== 1) {
      throw policyError('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
    }
    const [name, value] = entries[0]!;
    if (value === null) throw invalidJson();
    if (typeof value !== 'string') throw policyError('Invalid Simple-Condition: value must be a string.');
    return { op: 'eq', field: name, value, echo: echo(['eq', `$${name}`, value]) };
  }
  if (!Array.isArray(raw)) throw policyError('Invalid condition test: must be a List or Object.');
  if (raw.length === 0 || typeof raw[0] !== 'string') {
    throw policyError('Invalid Condition: missing operation identifier.');
  }
  const op = raw[0].toLowerCase();
  if (op !== 'eq' && op !== 'starts-with' && op !== 'content-length-range') {
    throw policyError(`Invalid Condition: unknown operation '${raw[0]}'.`);
  }
  if (raw.length !== 3) throw policyError(`Invalid ${raw[0]}: wrong number of arguments.`);
  const text = echo(raw);
  if (op === 'content-length-range') {
    const [min, max] = [lengthBound(raw[1]), lengthBound(raw[2])];
    if (min === undefined || max === undefined) return 'unreadable';
    if (min < 0 || max < 0) throw invalidJson();
    return { op, min, max, echo: text };
  }
  if (typeof raw[1] !== 'string' || typeof raw[2] !== 'string') throw invalidJson();
  // A name without '$' never matches: S3 reports the condition as failed.
  if (!raw[1].startsWith('$')) return 'unreadable';
  return { op, field: raw[1].slice(1), value: raw[2], echo: text };
}

/** What a condition compares: repeated fields count as their values joined by commas (HTTPPOSTForms). */
function conditionSubject(fields: Fields, name: string): string | undefined {
  const lower = name.toLowerCase();
  const values = fields.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(',');
}

function conditionHolds(c: Exclude<Condition, { op: 'content-length-range' }>, fields: Fields, bucket: string): boolean {
  const actual = c.field.toLowerCase() === 'bucket' ? bucket : conditionSubject(fields, c.field);
  if (actual === undefined) return false;
  if (c.op === 'eq') return actual === c.value;
  // Content-Type lists are checked item by item; other values are plain strings.
  if (c.field.toLowerCase() === 'content-type') {
    return actual.split(',').every((item) => item.trim().startsWith(c.value));
  }
  return actual.startsWith(c.value);
}

function checkSize(c: Extract<Condition, { op: 'content-length-range' }>, fileSize: number): void {
  if (fileSize > c.max) {
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
      ProposedSize: fileSize,
      MaxSizeAllowed: c.max,
    });
  }
  if (fileSize < c.min) {
    throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, {
      ProposedSize: fileSize,
      MinSizeAllowed: c.min,
    });
  }
}

/**
 * Enforces the POST policy of a form. `fields` are the form fields before the file, in form order,
 * with their original names (matched case-insensitively). A form without a policy is anonymous and
 * accepted. Throws S3Error with AWS's code, status and message.
 */
export function checkPostPolicy(input: { fields: Fields; bucket: string; fileSize: number; now: Date }): void {
  const { fields, bucket, fileSize, now } = input;
  const policy = fieldValue(fields, 'policy');
  if (policy === undefined) return;
  checkSignatureFields(fields);

  const doc = decodePolicy(policy);
  const unexpected = Object.keys(doc).find((k) => k !== 'expiration' && k !== 'conditions');
  if (unexpected !== undefined) throw policyError(`Unexpected: '${unexpected.toLowerCase()}'`);
  const expiration = parseExpiration(doc.expiration);
  if (doc.conditions === undefined) throw policyError('Policy missing conditions.');
  if (!Array.isArray(doc.conditions)) throw policyError("Invalid 'conditions' value: must be a List.");
  const conditions = doc.conditions.map((raw: unknown) => ({ raw, parsed: parseCondition(raw) }));

  if (now.getTime() > expiration.getTime()) throw deniedByPolicy('Policy expired.');

  for (const { raw, parsed } of conditions) {
    if (parsed === 'unreadable') throw deniedByPolicy(`Policy Condition failed: ${echo(raw as unknown[])}`);
    if (parsed.op === 'content-length-range') checkSize(parsed, fileSize);
    else if (!conditionHolds(parsed, fields, bucket)) {
      throw deniedByPolicy(`Policy Condition failed: ${parsed.echo}`);
    }
  }

  const covered = new Set(
    conditions.flatMap(({ parsed }) => (parsed !== 'unreadable' && 'field' in parsed ? [parsed.field.toLowerCase()] : [])),
  );
  const extra = fields
    .map(([name]) => name)
    .filter((name) => {
      const lower = name.toLowerCase();
      return !EXEMPT.has(lower) && !lower.startsWith('x-ignore-') && !covered.has(lower);
    });
  if (extra.length > 0) throw deniedByPolicy(`Extra input fields: ${[...new Set(extra)].join(', ')}`);
}

/**
 * The object key: the `key` field with `${filename}` replaced by the file's base name (the text after
 * the last '/' or '\'). When the file part had no filename parameter (undefined), S3 keeps the
 * variable literally.
 */
export function postObjectKey(fields: Fields, filename: string | undefined): string {
  const key = fieldValue(fields, 'key');
  if (key === undefined) throw missingFormField('key');
  if (filename === undefined) return key;
  const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
  return key.split('${filename}').join(base);
}

/** `success_action_status`: 200, 201 or 204; anything else (or absent) gives 204. */
export function postSuccessStatus(fields: Fields): 200 | 201 | 204 {
  const v = fieldValue(fields, 'success_action_status')?.trim();
  return v === '200' ? 200 : v === '201' ? 201 : 204;
}
