/**
 * The sandbox's data dir: created, checked writable and locked (lock.ts) before any service opens a
 * file in it. Without --data it is a fresh `s3trigger-sandbox-*` temp dir, locked the same way, so
 * that a starting sandbox can remove the temp dirs of sandboxes that died without cleaning up.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AppError, ExitCode, usageError } from '../errors.js';
import { lockDir } from './lock.js';

export const TEMP_PREFIX = 's3trigger-sandbox-';
/** A temp dir younger than this may belong to a sandbox between mkdtemp and taking its lock. */
const SWEEP_MIN_AGE_MS = 60_000;

export interface DataDir {
  /** Absolute path. */
  dir: string;
  /** A temp dir, removed by release(). */
  ephemeral: boolean;
  /** Releases the lock (and removes an ephemeral dir); idempotent. */
  release(): Promise<void>;
}

/**
 * mkdir -p without Node 20's recursive mkdir, which loops forever where mkdir answers ENOENT under
 * an existing parent (`/proc/1/x`).
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (statSync(d).isDirectory()) break;
      throw Object.assign(new Error(`${d} is not a directory`), { code: 'ENOTDIR' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) throw err;
      missing.push(d);
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Throws when nothing can be created in dir (read-only file system, no permission, full disk). */
function probeWritable(dir: string): void {
  rmdirSync(mkdtempSync(join(dir, '.probe-')));
}

/**
 * Opens `given` (--data) or a new temp dir. Errors with --data are usage errors (exit 2) naming it:
 * not creatable, not writable, or locked by another running sandbox.
 */
export async function openDataDir(given: string | undefined): Promise<DataDir> {
  if (given === undefined) return openTemp();
  const dir = resolve(given);
  try {
    makeDirs(dir);
    probeWritable(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw usageError(`--data ${given}: cannot create or write the directory (${code}); pick another --data`);
  }
  const lock = await lockDir(realpathSync(dir));
  if (!lock) {
    throw new AppError(
      'SandboxDataInUse',
      `--data ${given} is in use by another running sandbox: stop it or pick another --data`,
      ExitCode.Usage,
    );
  }
  return { dir, ephemeral: false, release: () => lock.release() };
}

async function openTemp(): Promise<DataDir> {
  const dir = mkdtempSync(join(tmpdir(), TEMP_PREFIX));
  const lock = await lockDir(realpathSync(dir));
  if (!lock) throw new Error(`a fresh temp dir ${dir} is locked`);
  const sweep = sweepAbandonedTemps(dirname(dir)).catch(() => 0);
  let released: Promise<void> | undefined;
  return {
    dir,
    ephemeral: true,
    release: () =>
      (released ??= (async () => {
        // Removed at once, still locked: a process ending by signal right after close() must not leave it behind.
        rmSync(dir, { recursive: true, force: true });
        await sweep;
        await lock.release();
      })()),
  };
}

/** Removes `s3trigger-sandbox-*` dirs in parent whose lock is free (their sandbox died); returns how many. */
export async function sweepAbandonedTemps(parent: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(parent)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const dir = join(parent, name);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory() || Date.now() - info.mtimeMs < SWEEP_MIN_AGE_MS) continue;
    let lock: Awaited<ReturnType<typeof lockDir>>;
    try {
      lock = await lockDir(realpathSync(dir));
    } catch {
      continue; // gone meanwhile
    }
    if (!lock) continue;
    try {
      await rm(dir, { recursive: true, force: true });
      removed++;
    } finally {
      await lock.release();
    }
  }
  return removed;
}
