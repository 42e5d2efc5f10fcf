/**
 * Reading one operation's input, in the JSON protocol's shape (the query protocol is translated to it first, see
 * query-wire.ts): typed getters that answer AWS's errors for a missing or mistyped parameter, and the queue a
 * QueueUrl names.
 */
import { invalidParameter, invalidValue, missingParameter, queueDoesNotExist } from './errors.js';
import type { Queue, SqsEngine } from './engine.js';

export type Input = Record<string, unknown>;

export function optionalString(input: Input, name: string): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameter(`Parameter ${name} must be a string.`);
  return v;
}

export function requiredString(input: Input, name: string): string {
  const v = optionalString(input, name);
  if (v === undefined || v === '') throw missingParameter(name);
  return v;
}

/** An integer parameter; undefined when absent. Errors: InvalidParameterValue when not an integer. */
export function optionalInteger(input: Input, name: string): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidValue(name, v, 'Must be an integer.');
  return v;
}

export function stringList(input: Input, name: string): string[] {
  const v = input[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw invalidParameter(`Parameter ${name} must be a list of strings.`);
  return v as string[];
}

export function stringMap(input: Input, name: string): Record<string, string> {
  const v = input[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((s) => typeof s !== 'string')) {
    throw invalidParameter(`Parameter ${name} must be a map of strings.`);
  }
  return v as Record<string, string>;
}

/**
 * The queue a QueueUrl names: `<any host>/<account>/<name>` (so localhost and 127.0.0.1 are the same queue), the
 * LocalStack form `…/queue/<region>/<account>/<name>`, or a bare queue name. Errors: QueueDoesNotExist.
 */
export function queueFromUrl(engine: SqsEngine, queueUrl: string): Queue {
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/[^?#]*)?/i.exec(queueUrl)?.[1] ?? queueUrl;
  const parts = path.split('/').filter((p) => p !== '');
  const name = parts.at(-1);
  const account = parts.at(-2);
  if (!name || (account !== undefined && account !== engine.accountId)) throw queueDoesNotExist();
  const queue = engine.queues.get(name);
  if (!queue) throw queueDoesNotExist();
  return queue;
}

/** The queue of an operation: its QueueUrl parameter (MissingParameter when absent). */
export function queueOf(engine: SqsEngine, input: Input): Queue {
  return queueFromUrl(engine, requiredString(input, 'QueueUrl'));
}
