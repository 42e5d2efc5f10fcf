/**
 * Functions on disk under <dataDir>/lambda/<name>/: function.json (configuration + policy),
 * code.zip (as uploaded) and code/ (unzipped, the task root); packages are unpacked in <dataDir>/lambda/.staging/
 * first. Loaded at start-up.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { NAME_RE } from './function-config.js';
import { extractPackage } from './zip.js';

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

  private readonly stagingDir: string;

  constructor(readonly root: string) {
    this.stagingDir = join(root, '.staging');
    rmSync(this.stagingDir, { recursive: true, force: true }); // packages a crash left half unpacked
    mkdirSync(this.stagingDir, { recursive: true });
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

  /**
   * Unpacks a package into a staging folder of its own, outside every function's folder, so a failure
   * (ZipFormatError, UnzippedTooLargeError, a full disk) leaves nothing behind and a function deleted
   * meanwhile is not brought back. Resolves with the folder for installCode or discardCode.
   */
  async stageCode(zip: Uint8Array): Promise<string> {
    const staged = join(this.stagingDir, randomUUID());
    try {
      await extractPackage(zip, staged);
    } catch (err) {
      this.discardCode(staged);
      throw err;
    }
    return staged;
  }

  /** Swaps staged code in as the function's task root and keeps the zip (for GetFunction's code.zip). */
  installCode(name: string, staged: string, zip: Uint8Array): void {
    mkdirSync(this.functionDir(name), { recursive: true });
    rmSync(this.codeDir(name), { recursive: true, force: true });
    renameSync(staged, this.codeDir(name));
    writeFileSync(this.zipPath(name), zip);
  }

  /** Removes a staged package that will not be installed. */
  discardCode(staged: string): void {
    rmSync(staged, { recursive: true, force: true });
  }

  delete(name: string): void {
    this.functions.delete(name);
    rmSync(this.functionDir(name), { recursive: true, force: true });
  }
}
