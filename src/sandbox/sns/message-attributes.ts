/**
 * Publish's message attributes: read from the query form (`MessageAttributes.entry.N.Name`, `.Value.DataType`,
 * `.Value.StringValue`, `.Value.BinaryValue` in base64, as the SDKs and botocore send them) and validated with
 * AWS's codes and messages (ParameterValueInvalid, ValidationError; recorded from AWS in LocalStack's snapshots).
 */
import type { QueueMessageAttribute } from '../context.js';
import { indexedMembers } from '../protocol/query.js';
import { missingMember, parameterValueInvalid } from './errors.js';

/** One message attribute as SNS keeps it (binary values as bytes). */
export type MessageAttribute = QueueMessageAttribute;

function checkName(name: string): void {
  if (name === '') throw parameterValueInvalid('The message attribute name can not be empty.');
  if (Buffer.byteLength(name) >= 256) throw parameterValueInvalid('Length of message attribute name must be less than 256 bytes.');
  const bad = /[^A-Za-z0-9_.-]/.exec(name);
  if (bad) {
    const hex = bad[0].codePointAt(0)!.toString(16).toUpperCase();
    throw parameterValueInvalid(
      `Invalid non-alphanumeric character '#x${hex}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`,
    );
  }
  if (name.startsWith('.')) throw parameterValueInvalid("Invalid message attribute name starting with character '.' was found.");
  if (name.endsWith('.')) throw parameterValueInvalid("Invalid message attribute name ending with character '.' was found.");
  if (name.includes('..')) throw parameterValueInvalid("Message attribute name can not have successive '.' character.");
}

/**
 * Validates one attribute as SNS does. `path` names the map in ValidationError messages (`messageAttributes`, or
 * `publishBatchRequestEntries.1.member.messageAttributes`).
 */
export function checkMessageAttribute(
  name: string,
  a: { DataType?: string; StringValue?: string; BinaryValue?: Uint8Array },
  path: string,
): MessageAttribute {
  checkName(name);
  if (!a.DataType) throw missingMember(`${path}.${name}.member.dataType`);
  const base = /^(String|Number|Binary)(\..+)?$/.exec(a.DataType)?.[1];
  if (!base) {
    throw parameterValueInvalid(
      `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
    );
  }
  if (base === 'Binary') {
    if (a.BinaryValue === undefined && a.StringValue !== undefined) {
      throw parameterValueInvalid(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
    }
    if (!a.BinaryValue?.length) {
      throw parameterValueInvalid(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type 'Binary'.`,
      );
    }
    return { DataType: a.DataType, BinaryValue: a.BinaryValue };
  }
  if (a.StringValue === undefined && a.BinaryValue !== undefined) {
    throw parameterValueInvalid(`The message attribute '${name}' with type '${base}' must use field 'String'.`);
  }
  if (!a.StringValue) {
    throw parameterValueInvalid(
      `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`,
    );
  }
  if (base === 'Number' && !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(a.StringValue)) {
    throw parameterValueInvalid(`Could not cast message attribute '${name}' value to number.`);
  }
  return { DataType: a.DataType, StringValue: a.StringValue };
}

/** Reads and validates the attributes under `prefix` (`MessageAttributes`) of a query form. */
export function readMessageAttributes(params: URLSearchParams, prefix: string, path: string): Record<string, MessageAttribute> {
  const out: Record<string, MessageAttribute> = {};
  for (const entry of indexedMembers(params, `${prefix}.entry`)) {
    const name = entry.Name ?? '';
    const binary = entry['Value.BinaryValue'];
    out[name] = checkMessageAttribute(
      name,
      {
        ...(entry['Value.DataType'] !== undefined ? { DataType: entry['Value.DataType'] } : {}),
        ...(entry['Value.StringValue'] !== undefined ? { StringValue: entry['Value.StringValue'] } : {}),
        ...(binary !== undefined ? { BinaryValue: Buffer.from(binary, 'base64') } : {}),
      },
      path,
    );
  }
  return out;
}

/** Bytes the attributes count towards the 256 KiB message limit (names, types and values). */
export function attributesSize(attributes: Record<string, MessageAttribute>): number {
  let size = 0;
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size += a.BinaryValue ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? '');
  }
  return size;
}
