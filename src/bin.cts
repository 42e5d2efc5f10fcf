#!/usr/bin/env node
/**
 * The `s3trigger` command: runs the one-file bundle (scripts/bundle.mjs) from a V8 code cache kept per user.
 * Hand-written because Node 20 has no module compile cache and v8-compile-cache takes its cache before the
 * code runs, which saves nothing here; a cache taken at exit also holds every function the run compiled.
 */
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

// Before the bundle loads (the longest part of a start): a signal from here on ends the run with its exit code.
// The bundle holds its own copy and installs the same instance, should this file be missing.
readOr(() => (require('./lifecycle.cjs') as typeof import('./lifecycle.cjs')).lifecycle.install());

/**
 * `s3trigger sandbox` runs its own bundle (a quarter of the CLI's: less to read, compile and keep while it idles)
 * unless it needs what only the full CLI has: the demo's SDK clients (--demo, --handler) and the help text.
 */
function sandboxBundle(argv: readonly string[]): string | undefined {
  if (argv[2] !== 'sandbox') return undefined;
  const fullCli = (a: string) => a === '-h' || /^--(demo|handler|help)(=|$)/.test(a);
  return argv.slice(3).some(fullCli) ? undefined : join(__dirname, 'sandbox.cjs');
}

const FULL_BUNDLE = join(__dirname, 's3trigger.cjs');

function cacheDir(): string | undefined {
  if (process.env.S3TRIGGER_CODE_CACHE === '0') return undefined;
  if (process.env.S3TRIGGER_CACHE_DIR) return process.env.S3TRIGGER_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 's3trigger');
}

function readOr<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/**
 * Whoever can write a code cache can run code as its reader: use only what this user owns and nobody else can
 * write (never a shared temp dir, never through a symlink).
 */
function privateToUser(path: string): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true; // Windows: the profile directory's ACLs do this job
  const st = lstatSync(path);
  return st.uid === uid && (st.mode & 0o022) === 0 && !st.isSymbolicLink();
}

/** The commands that compile different parts of the bundle; everything else (a run, the TUI) shares one cache. */
const OWN_CACHE_COMMANDS = new Set(['sandbox', 'doctor', 'event']);

/**
 * V8 checks a cache against its own version and flags but not against the source: the name carries its hash. Each
 * command has its own, since a cache holds only what its run compiled (a sandbox's would serve a PUT poorly).
 */
function cacheFile(dir: string, bundle: string, bundleBytes: Buffer) {
  const install = createHash('sha256').update(bundle).digest('hex').slice(0, 12);
  const build = createHash('sha256').update(bundleBytes).digest('hex').slice(0, 16);
  const command = process.argv[2] ?? '';
  const mode = OWN_CACHE_COMMANDS.has(command) ? command : 'run';
  return { prefix: `${install}-`, build, file: join(dir, `${install}-${mode}-${build}-${process.version}-${process.arch}.v8cache`) };
}

function ensurePrivateDir(dir: string): void {
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (!privateToUser(dir)) throw new Error('cache dir is not private');
}

/** Written at exit when there was no usable cache; older caches of this install are removed. */
function saveCache(script: Script, dir: string, files: ReturnType<typeof cacheFile>): void {
  const { prefix, build, file } = files;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    ensurePrivateDir(dir);
    const fd = openSync(tmp, 'wx', 0o600); // never through an existing file or symlink
    try {
      writeSync(fd, script.createCachedData());
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    // Older builds' caches and temp files left by a killed run; this build's other commands keep theirs.
    const current = (name: string) => join(dir, name) === file || (name.endsWith('.v8cache') && name.includes(`-${build}-`));
    for (const name of readdirSync(dir)) if (name.startsWith(prefix) && !current(name)) readOr(() => unlinkSync(join(dir, name)));
  } catch {
    readOr(() => unlinkSync(tmp));
  }
}

function run(bundle: string, bundleBytes: Buffer): void {
  const dir = readOr(cacheDir);
  const files = dir === undefined ? undefined : cacheFile(dir, bundle, bundleBytes);
  const usable = files !== undefined && readOr(() => privateToUser(dir!) && privateToUser(files.file)) === true;
  const cachedData = usable ? readOr(() => readFileSync(files.file)) : undefined;
  // ASCII by construction (scripts/bundle.mjs checks): latin1 is a plain copy where UTF-8 would validate every byte.
  const source = bundleBytes.toString('latin1');
  // Keep line numbers: the hashbang line becomes a comment.
  const code = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __s3triggerImport) {${code}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  if (dir !== undefined && files && (!cachedData || script.cachedDataRejected)) {
    // The cache holds what this run compiled: only a run that did its job makes it (not --help or a usage error).
    const helpAsked = process.argv.some((a) => a === '--help' || a === '-h');
    process.once('exit', (code) => code === 0 && !helpAsked && saveCache(script, dir, files));
  }
  const module = { exports: {} };
  // Node 20 drops a script's import() callback when it comes from a code cache, so the bundle has no import()
  // (scripts/bundle.mjs) and loads the interactive view through this file's own.
  const importFromHere = (specifier: string) => import(specifier);
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), importFromHere);
}

/** The bundle's bytes are needed only until it is compiled: nothing at module level keeps them (a sandbox idles for hours). */
function start(): void {
  const own = sandboxBundle(process.argv);
  const ownBytes = own === undefined ? undefined : readOr(() => readFileSync(own));
  if (own !== undefined && ownBytes !== undefined) {
    run(own, ownBytes);
    return;
  }
  const bundleBytes = readOr(() => readFileSync(FULL_BUNDLE));
  // Without the bundle (a plain `tsc` build) the compiled modules run as they are.
  if (bundleBytes === undefined) void import('./cli.js');
  else run(FULL_BUNDLE, bundleBytes);
}

start();
