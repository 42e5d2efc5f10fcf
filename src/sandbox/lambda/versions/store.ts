/**
 * Published versions and aliases of each function, on disk beside it (removed with its folder):
 * `<dataDir>/lambda/<name>/versions.json` (versions' configurations, aliases, their resource policies) and
 * `<dataDir>/lambda/<name>/versions/<N>/` (the version's own copy of the task root and of code.zip).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { PolicyStatement } from '../store.js';
import type { StoredAlias } from './rules.js';

export interface StoredVersion {
  configuration: FunctionConfiguration;
  policy: PolicyStatement[];
  /** $LATEST's RevisionId when it was published: publishing again without a change returns this version (as AWS). */
  sourceRevisionId: string;
}

export interface VersionState {
  /** The next version number; numbers of deleted versions are never reused. */
  nextVersion: number;
  versions: Record<string, StoredVersion>;
  aliases: Record<string, { alias: StoredAlias; policy: PolicyStatement[] }>;
}

export class VersionStore {
  private readonly states = new Map<string, VersionState>();

  constructor(private readonly functionDir: (name: string) => string) {}

  private file(name: string): string {
    return join(this.functionDir(name), 'versions.json');
  }

  versionDir(name: string, version: string): string {
    return join(this.functionDir(name), 'versions', version);
  }

  codeDir(name: string, version: string): string {
    return join(this.versionDir(name, version), 'code');
  }

  zipPath(name: string, version: string): string {
    return join(this.versionDir(name, version), 'code.zip');
  }

  /** The function's versions and aliases (read from disk once; empty for a function that has none). */
  get(name: string): VersionState {
    let state = this.states.get(name);
    if (!state) {
      state = { nextVersion: 1, versions: {}, aliases: {} };
      try {
        if (existsSync(this.file(name))) state = JSON.parse(readFileSync(this.file(name), 'utf8')) as VersionState;
      } catch {
        /* a half-written file from a crash: start without versions */
      }
      this.states.set(name, state);
    }
    return state;
  }

  save(name: string, state: VersionState): void {
    this.states.set(name, state);
    mkdirSync(this.functionDir(name), { recursive: true });
    const file = this.file(name);
    writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
    renameSync(`${file}.tmp`, file);
  }

  /**
   * Copies the task root and the zip as version `version`'s own: later code updates (or edits in place) of $LATEST
   * leave it as published.
   */
  snapshotCode(name: string, version: string, codeDir: string, zipPath: string): void {
    const dir = this.versionDir(name, version);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // Symlinks stay links (verbatim), as in the package; the SDK link (linkSdk) sits above, in the function's folder.
    cpSync(codeDir, this.codeDir(name, version), { recursive: true, verbatimSymlinks: true });
    if (existsSync(zipPath)) cpSync(zipPath, this.zipPath(name, version));
  }

  removeCode(name: string, version: string): void {
    rmSync(this.versionDir(name, version), { recursive: true, force: true });
  }

  /** The function was deleted (its folder with it). */
  forget(name: string): void {
    this.states.delete(name);
  }
}
