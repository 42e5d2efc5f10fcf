/**
 * Functions on disk under <dataDir>/lambda/<name>/: function.json (configuration + policy),
 * code.zip (as uploaded) and code/ (unzipped, the task root). Loaded at start-up.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { NAME_RE } from './function-config.js';
import { writePackage } from './zip.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: Record<string, string> | string;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface StoredFunction {
  configuration: FunctionConfiguration;
  policy: PolicyStatement[];
}

export class FunctionStore {
  private readonly functions = new Map<string, StoredFunction>();

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
    for (const name of readdirSync(root)) {
      if (!NAME_RE.test(name)) continue;
      try {
        const stored = JSON.parse(readFileSync(join(root, name, 'function.json'), 'utf8')) as StoredFunction;
        if (existsSync(this.codeDir(name))) this.functions.set(name, stored);
      } catch {
        /* a half-written function from a crash: ignore it */
      }
    }
  }

  functionDir(name: string): string {
    return join(this.root, name);
  }

  codeDir(name: string): string {
    return join(this.root, name, 'code');
  }

  zipPath(name: string): string {
    return join(this.root, name, 'code.zip');
  }

  get(name: string): StoredFunction | undefined {
    return this.functions.get(name);
  }

  list(): StoredFunction[] {
    return [...this.functions.values()].sort((a, b) => a.configuration.FunctionName!.localeCompare(b.configuration.FunctionName!));
  }

  put(stored: StoredFunction): void {
    const name = stored.configuration.FunctionName!;
    this.functions.set(name, stored);
    mkdirSync(this.functionDir(name), { recursive: true });
    const file = join(this.functionDir(name), 'function.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(stored, null, 2));
    renameSync(`${file}.tmp`, file);
  }

  /** Replaces the function's code: the new tree is written aside, then swapped in. */
  writeCode(name: string, zip: Uint8Array, files: Map<string, Uint8Array>): void {
    const dir = this.functionDir(name);
    mkdirSync(dir, { recursive: true });
    const fresh = join(dir, `code.${process.pid}.${Date.now()}`);
    writePackage(files, fresh);
    rmSync(this.codeDir(name), { recursive: true, force: true });
    renameSync(fresh, this.codeDir(name));
    writeFileSync(this.zipPath(name), zip);
  }

  delete(name: string): void {
    this.functions.delete(name);
    rmSync(this.functionDir(name), { recursive: true, force: true });
  }
}
