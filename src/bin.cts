#!/usr/bin/env node
/**
 * The `s3trigger` command: runs the one-file bundle (scripts/bundle.mjs) from a V8 code cache kept per user.
 * Hand-written because Node 20 has no module compile cache and v8-compile-cache takes its cache before the
 * code runs, which saves nothing here; a cache taken at exit also holds every function the run compiled.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

const bundle = join(__dirname, 's3trigger.cjs');

function cacheDir(): string | undefined {
  if (process.env.S3TRIGGER_CODE_CACHE === '0') return undefined;
  if (process.env.S3TRIGGER_CACHE_DIR) return process.env.S3TRIGGER_CACHE_DIR;
  // Per user, never a shared temp dir: whoever can write a code cache can run code as its reader.
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 's3trigger');
}

function readOr<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** V8 checks a cache against its own version and flags but not the source's content: the name carries the build. */
function cacheFiles(dir: string, size: number, mtimeMs: number) {
  const install = createHash('sha256').update(bundle).digest('hex').slice(0, 12);
  const build = `${size}-${Math.round(mtimeMs)}-${process.version}-${process.arch}`;
  return { prefix: `${install}-`, file: join(dir, `${install}-${build}.v8cache`) };
}

/** Written once, at exit, when there was no usable cache; older caches of this install are removed. */
function saveCache(script: Script, dir: string, prefix: string, file: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    renameSync(tmp, file);
    // Older builds' caches and temp files left by a killed run.
    for (const name of readdirSync(dir)) if (name.startsWith(prefix) && join(dir, name) !== file) readOr(() => unlinkSync(join(dir, name)));
  } catch {
    readOr(() => unlinkSync(tmp));
  }
}

function run(source: string): void {
  const stat = statSync(bundle);
  const dir = readOr(cacheDir);
  const files = dir === undefined ? undefined : cacheFiles(dir, stat.size, stat.mtimeMs);
  const cachedData = files && readOr(() => readFileSync(files.file));
  // Keep line numbers: the hashbang line becomes a comment.
  const code = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __s3triggerImport) {${code}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  if (dir !== undefined && files && (!cachedData || script.cachedDataRejected)) {
    process.once('exit', () => saveCache(script, dir, files.prefix, files.file));
  }
  const module = { exports: {} };
  // Node 20 drops a script's import() callback when it comes from a code cache, so the bundle has no import()
  // (scripts/bundle.mjs) and loads the interactive view through this file's own.
  const importFromHere = (specifier: string) => import(specifier);
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), importFromHere);
}

const source = readOr(() => readFileSync(bundle, 'utf8'));
// Without the bundle (a plain `tsc` build) the compiled modules run as they are.
if (source === undefined) void import('./cli.js');
else run(source);
