/**
 * Reserved concurrency (Put/Get/DeleteFunctionConcurrency): a cap on a function's simultaneous invocations, 0 meaning
 * throttled. Stored per function (`<dataDir>/lambda/<name>/concurrency.json`, removed with the function's folder).
 * The account has AWS's default 1000 concurrent executions, of which 100 must stay unreserved (Lambda quotas).
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalidParameter, LambdaError } from './errors.js';

/** AWS's default account concurrency and the part of it that cannot be reserved. */
export const ACCOUNT_CONCURRENCY = 1000;
export const MINIMUM_UNRESERVED = 100;

/** The 429 of a synchronous invoke past the function's reserved concurrency, with Lambda's `Reason` member. */
export class ThrottledError extends LambdaError {
  readonly reason = 'ReservedFunctionConcurrentInvocationLimitExceeded';
  constructor() {
    super('TooManyRequestsException', 'Rate Exceeded.', 429);
  }
}

/**
 * PutFunctionConcurrency's body: a whole ReservedConcurrentExecutions of at least 0 that leaves the account
 * MINIMUM_UNRESERVED unreserved given what the other functions reserve. Returns the value or AWS's error.
 */
export function readReservedConcurrency(body: Record<string, unknown>, reservedByOthers: number): number | LambdaError {
  const value = body.ReservedConcurrentExecutions;
  if (value === undefined)
    return new LambdaError(
      'ValidationException',
      "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null",
    );
  if (typeof value !== 'number' || !Number.isInteger(value))
    return new LambdaError('SerializationException', "Cannot read 'reservedConcurrentExecutions': expected an integer");
  if (value < 0)
    return new LambdaError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`,
    );
  if (ACCOUNT_CONCURRENCY - reservedByOthers - value < MINIMUM_UNRESERVED)
    return invalidParameter(
      `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MINIMUM_UNRESERVED}].`,
    );
  return value;
}

/** Reserved concurrency per function, on disk, read through a cache (it is consulted on every invoke). */
export class ConcurrencyStore {
  private readonly cache = new Map<string, number | null>();

  constructor(private readonly functionDir: (name: string) => string) {}

  private file(name: string): string {
    return join(this.functionDir(name), 'concurrency.json');
  }

  /** The function's reserved concurrency; undefined when none is reserved (it shares the account's pool). */
  get(name: string): number | undefined {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    let read: number | null = null;
    try {
      if (existsSync(this.file(name))) {
        const v = (JSON.parse(readFileSync(this.file(name), 'utf8')) as { ReservedConcurrentExecutions?: unknown })
          .ReservedConcurrentExecutions;
        if (typeof v === 'number') read = v;
      }
    } catch {
      read = null;
    }
    this.cache.set(name, read);
    return read ?? undefined;
  }

  put(name: string, value: number): void {
    const file = this.file(name);
    writeFileSync(`${file}.tmp`, JSON.stringify({ ReservedConcurrentExecutions: value }));
    renameSync(`${file}.tmp`, file);
    this.cache.set(name, value);
  }

  delete(name: string): void {
    rmSync(this.file(name), { force: true });
    this.cache.set(name, null);
  }

  forget(name: string): void {
    this.cache.delete(name);
  }
}
