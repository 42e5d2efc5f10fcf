/** Reading a JSON 1.1 request body field by field, with AWS's validation messages. */
import { invalidParameter } from './errors.js';

export type Input = Record<string, unknown>;

function validationError(field: string, value: unknown, constraint: string) {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return invalidParameter(`1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`);
}

export function requiredString(input: Input, field: string): string {
  const value = input[field];
  if (value === undefined || value === null) throw validationError(field, value, 'Member must not be null');
  if (typeof value !== 'string' || value.length === 0) {
    throw validationError(field, value, 'Member must have length greater than or equal to 1');
  }
  return value;
}

export function optionalString(input: Input, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationError(field, value, 'Member must be a string');
  return value;
}

export function optionalNumber(input: Input, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw validationError(field, value, 'Member must be an integer');
  if (value < min) throw validationError(field, value, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validationError(field, value, `Member must have value less than or equal to ${max}`);
  return value;
}

export function optionalBoolean(input: Input, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw validationError(field, value, 'Member must be a boolean');
  return value;
}

export function optionalStringList(input: Input, field: string, maxItems = 100): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw validationError(field, value, 'Member must be a list of strings');
  if (value.length < 1) throw validationError(field, '[]', 'Member must have length greater than or equal to 1');
  if (value.length > maxItems) throw validationError(field, value, `Member must have length less than or equal to ${maxItems}`);
  return value as string[];
}

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;

export function validGroupName(name: string, field = 'logGroupName'): string {
  if (!GROUP_NAME.test(name)) throw validationError(field, name, 'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+');
  return name;
}

export function validStreamName(name: string, field = 'logStreamName'): string {
  if (!STREAM_NAME.test(name)) throw validationError(field, name, 'Member must satisfy regular expression pattern: [^:*]*');
  return name;
}
