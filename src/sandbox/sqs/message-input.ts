/**
 * What SendMessage (and each SendMessageBatch entry) must satisfy before a message is queued, as SQS checks it
 * (SQS API Reference "SendMessage", Developer Guide "Amazon SQS message quotas" and "message metadata"):
 * a non-empty body of XML-allowed characters, at most 10 attributes with valid names, data types and values, and
 * body plus attributes within the queue's MaximumMessageSize. Pure; errors are SqsErrors with AWS's codes.
 */
import { invalidParameter, invalidValue, missingParameter, SqsError } from './errors.js';
import { isBinaryType, type StoredAttribute } from './md5.js';

/** A message attribute as the wire gives it (JSON shape; BinaryValue in base64; lists are reserved by AWS). */
export interface WireAttribute {
  DataType?: unknown;
  StringValue?: unknown;
  BinaryValue?: unknown;
  StringListValues?: unknown;
  BinaryListValues?: unknown;
}

/** `#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF`; a lone surrogate is outside the set. */
const DISALLOWED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const describe = (c: string) => `#x${c.codePointAt(0)!.toString(16).toUpperCase()}`;

/** The body's checks: present and non-empty (MissingParameter), allowed characters only (InvalidMessageContents). */
export function checkBody(body: unknown): string {
  if (typeof body !== 'string' || body === '') throw missingParameter('MessageBody');
  const bad = DISALLOWED.exec(body);
  if (bad) {
    throw new SqsError(
      'InvalidMessageContents',
      `Invalid binary character '${describe(bad[0])}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
    );
  }
  return body;
}

const NAME = /^[A-Za-z0-9_.\-\u00C0-\u017F]+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Checks message (or message system) attributes and returns them as stored. `kind` words the messages:
 * `user` for MessageAttributes, `system` for MessageSystemAttributes (only `AWSTraceHeader`, a String).
 * Errors: InvalidParameterValue with AWS's wording.
 */
export function checkAttributes(given: unknown, kind: 'user' | 'system' = 'user'): Record<string, StoredAttribute> {
  if (given === undefined || given === null) return {};
  if (typeof given !== 'object' || Array.isArray(given)) throw invalidParameter(`Message (${kind}) attributes must be a map.`);
  const entries = Object.entries(given as Record<string, WireAttribute>);
  if (entries.length > 10) throw invalidParameter(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  const out: Record<string, StoredAttribute> = {};
  for (const [name, value] of entries) {
    if (kind === 'system' && name !== 'AWSTraceHeader') {
      throw invalidParameter(`Message system attribute name '${name}' is invalid.`);
    }
    if (Buffer.byteLength(name) > 256) throw invalidParameter(`Message (${kind}) attribute names must be shorter than 256 Bytes`);
    if (!NAME.test(name)) {
      throw invalidParameter(
        `Message (${kind}) attributes name can only contain upper and lower score characters, digits, periods, hyphens and underscores. `,
      );
    }
    if (/^(aws\.|amazon\.)/i.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      throw invalidParameter(
        "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved for internal use. Additionally, they cannot start or end with '.' or contain '..'.",
      );
    }
    if (typeof value !== 'object' || value === null) throw invalidParameter(`The message (${kind}) attribute '${name}' must have a value.`);
    const type = value.DataType;
    if (typeof type !== 'string' || type === '')
      throw invalidParameter(`The message (${kind}) attribute '${name}' must contain a non-empty message attribute type.`);
    if (!/^(String|Number|Binary)(\.[^\s]+)?$/.test(type) || Buffer.byteLength(type) > 256) {
      throw invalidParameter(
        `The type of message (${kind}) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    if (kind === 'system' && type !== 'String')
      throw invalidValue('MessageSystemAttributes.AWSTraceHeader.DataType', type, 'must be String');
    const hasLists =
      (Array.isArray(value.StringListValues) && value.StringListValues.length > 0) ||
      (Array.isArray(value.BinaryListValues) && value.BinaryListValues.length > 0);
    if (hasLists)
      throw invalidParameter(
        `Message (${kind}) attribute '${name}': StringListValues and BinaryListValues are reserved by SQS and not supported.`,
      );
    if (isBinaryType(type)) {
      const binary = value.BinaryValue;
      if (typeof binary !== 'string' || binary === '' || !BASE64.test(binary)) {
        throw invalidParameter(`Message (${kind}) attribute '${name}' must contain a non-empty value of type 'Binary'.`);
      }
      out[name] = { DataType: type, BinaryValue: binary };
      continue;
    }
    const text = value.StringValue;
    const base = type.startsWith('Number') ? 'Number' : 'String';
    if (typeof text !== 'string' || text === '') {
      throw invalidParameter(`Message (${kind}) attribute '${name}' must contain a non-empty value of type '${base}'.`);
    }
    if (DISALLOWED.test(text)) throw invalidParameter(`Message (${kind}) attribute '${name}' contains characters outside the allowed set.`);
    if (base === 'Number' && !NUMBER.test(text))
      throw invalidParameter(`Can't cast the value of message (${kind}) attribute '${name}' to a number.`);
    out[name] = { DataType: type, StringValue: text };
  }
  return out;
}

/** Bytes a message counts against MaximumMessageSize: body, and each attribute's name, data type and value. */
export function messageSize(body: string, attributes: Record<string, StoredAttribute>): number {
  let size = Buffer.byteLength(body);
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size += a.BinaryValue !== undefined ? Buffer.from(a.BinaryValue, 'base64').length : Buffer.byteLength(a.StringValue ?? '');
  }
  return size;
}

/** Errors: InvalidParameterValue "Message must be shorter than N bytes." past the queue's MaximumMessageSize. */
export function checkSize(body: string, attributes: Record<string, StoredAttribute>, maximum: number): void {
  if (messageSize(body, attributes) > maximum) {
    throw invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${maximum} bytes.`);
  }
}

/** DelaySeconds of one message: 0-900 (InvalidParameterValue otherwise); the queue's when absent. */
export function checkDelay(delay: unknown, queueDefault: number): number {
  if (delay === undefined || delay === null) return queueDefault;
  if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 900) {
    throw invalidValue('DelaySeconds', delay, 'DelaySeconds must be >= 0 and <= 900.');
  }
  return delay;
}
