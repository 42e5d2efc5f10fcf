/**
 * Reading an EventBridge request's JSON members with AWS's constraint messages (the shapes of the EventBridge API
 * reference: names `[\.\-_A-Za-z0-9]+` up to 64 characters, bus names or ARNs, limits 1-100, opaque NextTokens).
 */
import { constraintError, EventsError } from './errors.js';

export type Input = Record<string, unknown>;

export const NAME_PATTERN = /^[.\-_A-Za-z0-9]+$/;
const NAME_PATTERN_TEXT = String.raw`[\.\-_A-Za-z0-9]+`;
const BUS_PATTERN = /^(?:arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:\d{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/;

interface StringRule {
  /** The member's name as AWS's messages spell it (`name`, `eventBusName`, `targets.1.member.id`). */
  path: string;
  required?: boolean;
  max?: number;
  pattern?: [RegExp, string];
}

/** A string member, checked as AWS checks it; undefined when absent and not required. */
export function stringMember(input: Input, key: string, rule: StringRule): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    if (rule.required) throw constraintError(undefined, rule.path, 'Member must not be null');
    return undefined;
  }
  if (typeof value !== 'string') throw new EventsError('SerializationException', `${key} must be a string.`);
  if (rule.required && value.length === 0) throw constraintError(value, rule.path, 'Member must have length greater than or equal to 1');
  if (rule.max !== undefined && value.length > rule.max) {
    throw constraintError(value, rule.path, `Member must have length less than or equal to ${rule.max}`);
  }
  if (rule.pattern && !rule.pattern[0].test(value)) {
    throw constraintError(value, rule.path, `Member must satisfy regular expression pattern: ${rule.pattern[1]}`);
  }
  return value;
}

/** A rule (or target) name: `[\.\-_A-Za-z0-9]+`, 1-64 characters. */
export const nameMember = (input: Input, key: string, path: string, required = true) =>
  stringMember(input, key, { path, required, max: 64, pattern: [NAME_PATTERN, NAME_PATTERN_TEXT] });

/** `EventBusName`: a bus name or its ARN; the name it refers to (`default` when absent). */
export function busMember(input: Input): string {
  const value = stringMember(input, 'EventBusName', {
    path: 'eventBusName',
    max: 1600,
    pattern: [BUS_PATTERN, String.raw`(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/\.\-_A-Za-z0-9]+`],
  });
  return value === undefined || value === '' ? 'default' : busNameOf(value);
}

/** The bus a name or an event-bus ARN (`arn:aws:events:<region>:<account>:event-bus/<name>`) refers to. */
export const busNameOf = (nameOrArn: string) =>
  nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.indexOf(':event-bus/') + ':event-bus/'.length) : nameOrArn;

/** A list member; undefined when absent and not required. */
export function listMember(input: Input, key: string, path: string, bounds: { min: number; max: number; required?: boolean }) {
  const value = input[key];
  if (value === undefined || value === null) {
    if (bounds.required) throw constraintError(undefined, path, 'Member must not be null');
    return undefined;
  }
  if (!Array.isArray(value)) throw new EventsError('SerializationException', `${key} must be a list.`);
  if (value.length < bounds.min) throw constraintError(value, path, `Member must have length greater than or equal to ${bounds.min}`);
  if (value.length > bounds.max) throw constraintError(value, path, `Member must have length less than or equal to ${bounds.max}`);
  return value as unknown[];
}

/** `Limit` (1-100) and `NextToken` of the List operations: the page as a start index and a size. */
export function pageMember(input: Input): { start: number; size: number } {
  const limit = input.Limit;
  if (limit !== undefined && limit !== null && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100)) {
    throw constraintError(
      limit,
      'limit',
      typeof limit === 'number' && limit > 100
        ? 'Member must have value less than or equal to 100'
        : 'Member must have value greater than or equal to 1',
    );
  }
  const token = input.NextToken;
  let start = 0;
  if (token !== undefined && token !== null) {
    const decoded = typeof token === 'string' ? /^start:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8')) : null;
    if (!decoded) throw new EventsError('ValidationException', 'The NextToken provided is invalid.');
    start = Number(decoded[1]);
  }
  return { start, size: typeof limit === 'number' ? limit : 100 };
}

/** One page of `items` and the NextToken of the next one (absent on the last page). */
export function page<T>(items: T[], { start, size }: { start: number; size: number }): { items: T[]; nextToken?: string } {
  const end = start + size;
  return {
    items: items.slice(start, end),
    ...(end < items.length ? { nextToken: Buffer.from(`start:${end}`).toString('base64url') } : {}),
  };
}
