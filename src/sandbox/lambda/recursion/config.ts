/**
 * Each function's recursive loop detection setting (`RecursiveLoop`: `Terminate`, the default, or `Allow`), kept as
 * `recursion-config.json` beside the function so it goes when the function is deleted. AWS: PutFunctionRecursionConfig.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LambdaError } from '../errors.js';

export type RecursiveLoop = 'Allow' | 'Terminate';

export const RECURSIVE_LOOP_VALUES: readonly RecursiveLoop[] = ['Allow', 'Terminate'];

/** AWS's answer to a value outside the enum (ValidationException, as for every enum member of the REST-JSON API). */
export function validateRecursiveLoop(value: unknown): RecursiveLoop {
  if (typeof value === 'string' && (RECURSIVE_LOOP_VALUES as readonly string[]).includes(value)) return value as RecursiveLoop;
  const shown = value === undefined ? 'null' : typeof value === 'string' ? value : JSON.stringify(value);
  throw new LambdaError(
    'ValidationException',
    `1 validation error detected: Value '${shown}' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: [Allow, Terminate]`,
  );
}

/**
 * On disk beside the function, read through a cache (it is consulted on every asynchronous invoke); `forget` when the
 * function is deleted, so one created again under the name starts at Terminate.
 */
export class RecursionConfigStore {
  private readonly cache = new Map<string, RecursiveLoop>();

  /** `dirOf(name)`: the function's own folder (FunctionStore.functionDir). */
  constructor(private readonly dirOf: (name: string) => string) {}

  private file(name: string): string {
    return join(this.dirOf(name), 'recursion-config.json');
  }

  /** The function's setting; `Terminate` when never set. */
  get(name: string): RecursiveLoop {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    let read: RecursiveLoop = 'Terminate'; // never set
    try {
      const parsed = JSON.parse(readFileSync(this.file(name), 'utf8')) as { RecursiveLoop?: unknown };
      if (parsed.RecursiveLoop === 'Allow') read = 'Allow';
    } catch {
      // no file: never set
    }
    this.cache.set(name, read);
    return read;
  }

  put(name: string, value: RecursiveLoop): void {
    writeFileSync(this.file(name), `${JSON.stringify({ RecursiveLoop: value })}\n`);
    this.cache.set(name, value);
  }

  /** The function is gone (its folder removed): drop what is cached. */
  forget(name: string): void {
    this.cache.delete(name);
  }
}
