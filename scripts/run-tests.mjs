#!/usr/bin/env node
// Collects test/**/*.test.ts(x) and runs them with Node's test runner under tsx (Node 20's --test has no glob support).
// Files start longest first (times from test/durations.json) so the last minutes are not one long file running alone;
// at the end it prints the slowest files of this run; peer probes are shared between files (test/aws-cli.ts). `--write-durations` stores this run's times in test/durations.json.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync, spawnSync } from 'node:child_process';

const DURATIONS = 'test/durations.json';
/** Seconds assumed for a file with no recorded time: new files are often end-to-end ones, so not last. */
const UNKNOWN_S = 5;

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

function readDurations() {
  try {
    return JSON.parse(readFileSync(DURATIONS, 'utf8'));
  } catch {
    return {};
  }
}

/**
 * Files recorded under this many seconds share a test process, BATCH_FILES at most per process: each process costs
 * ~0.8 s of CPU (node, tsx, the test runner) and its module loading (the SDK clients, src/) ~1 s more; measured per tier
 * (files under 1 s, 1-3 s, 3-6 s, 6-10 s): 590 s -> 308 s of CPU, the same 1719 tests passing.
 */
const BATCH_UNDER_S = 10;
const BATCH_FILES = 20;
/** A process's files add up to this many recorded seconds at most, so a batch is not one long file at the end. */
const BATCH_S = 30;
/**
 * What a file must not do to share a process: change the process (cwd, env, exit, signal handlers, globals), mock
 * globally (node:test's `mock.method`/`mock.timers`/`mock.module` outside a test context), or measure the process
 * (its memory or CPU: the other files' share would count).
 */
const UNSHAREABLE =
  /process\.(chdir|exit|on|once|off|removeAllListeners|umask|resourceUsage|memoryUsage|cpuUsage)\b|\/proc\/self\/|process\.env(\.\w+|\[[^\]]+\])\s*=(?!=)|delete process\.env|process\.exitCode|Object\.assign\(process\.env|globalThis\.\w+\s*=(?!=)|(?<![\w.])mock\.(method|timers|module|getter|setter|property)\b/;

/**
 * The entries to give node's test runner: each file on its own, except short files (by their recorded times) that
 * are safe to share a process: these are imported by a generated entry file in `dir`, each inside a suite named by
 * its path, so its top-level hooks (before/after/beforeEach) stay scoped to its own tests and its time is reported as
 * its own. `expected(entry)` is the entry's expected seconds (a batch: the sum of its files'). node:test gives a suite
 * what is registered in its async scope: a module whose evaluation waits on a shared module's top-level await (the
 * doctor files on test/doctor/helpers.ts) lands in the suite of the file that first imported that module, with its
 * tests and hooks together, and its time is counted there.
 */
function batchShortFiles(files, known, dir) {
  const shareable = files.filter((f) => known[f] !== undefined && known[f] < BATCH_UNDER_S && !UNSHAREABLE.test(readFileSync(f, 'utf8')));
  const seconds = new Map(files.map((f) => [f, known[f] ?? UNKNOWN_S]));
  if (shareable.length < 2) return { entries: files, expected: (f) => seconds.get(f) };
  const shared = new Set(shareable);
  const entries = files.filter((f) => !shared.has(f));
  const groups = [];
  let group = [];
  let groupS = 0;
  for (const f of shareable) {
    if (group.length === BATCH_FILES || (group.length > 0 && groupS + known[f] > BATCH_S)) {
      groups.push(group);
      group = [];
      groupS = 0;
    }
    group.push(f);
    groupS += known[f];
  }
  groups.push(group);
  for (const [i, members] of groups.entries()) {
    const entry = join(dir, `batch-${i + 1}.test.mjs`);
    const suites = members.map(
      (f) => `describe(${JSON.stringify(f)}, async () => {\n  await import(${JSON.stringify(pathToFileURL(resolve(f)).href)});\n});`,
    );
    writeFileSync(entry, `import { describe } from 'node:test';\n${suites.join('\n')}\n`);
    entries.push(entry);
    seconds.set(
      entry,
      members.reduce((sum, f) => sum + known[f], 0),
    );
  }
  return { entries, expected: (f) => seconds.get(f) };
}

const argv = process.argv.slice(2);
const writeDurations = argv.includes('--write-durations');
/** Test files run at once: `--concurrency=N`, else S3TRIGGER_TEST_CONCURRENCY, else 2. */
const concurrencyArg =
  argv.find((a) => a.startsWith('--concurrency='))?.slice('--concurrency='.length) ?? process.env.S3TRIGGER_TEST_CONCURRENCY;
const concurrency = concurrencyArg === undefined ? 2 : Number(concurrencyArg);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`--concurrency "${concurrencyArg}": give a whole number of test files to run at once (1 or more)`);
  process.exit(2);
}
const filter = argv.filter((a) => a !== '--write-durations' && !a.startsWith('--concurrency='));
let files = collect('test');
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const known = readDurations();
const outDir = mkdtempSync(join(tmpdir(), 'run-tests-'));
const timesFile = join(outDir, 'durations.jsonl');

const { entries, expected } = batchShortFiles(files, known, outDir);
entries.sort((a, b) => expected(b) - expected(a) || a.localeCompare(b));
const reporter = process.stdout.isTTY ? 'spec' : 'tap';
const args = [
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-timeout=300000',
  `--test-reporter=${reporter}`,
  '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/test-durations-reporter.mjs',
  `--test-reporter-destination=${timesFile}`,
  ...entries,
];
/**
 * PATH with the pyenv-selected Python's bin directory first, when pyenv is what answers `python3`/`aws` (v1). Each
 * shim call is a bash script plus `pyenv exec` (~0.6 s of CPU per Python start on the 2-CPU CI machine); `pyenv exec`
 * only puts that directory first on PATH and runs the command, so doing it once here runs the same programs.
 */
function pathWithoutShims(path) {
  try {
    if (execFileSync('pyenv', ['version-name'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'system') return path;
    const prefixes = execFileSync('pyenv', ['prefix'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n');
    const bins = prefixes.filter(Boolean).map((prefix) => join(prefix, 'bin'));
    return [...bins, path].join(delimiter);
  } catch {
    return path; // no pyenv: python3 and aws are what PATH finds
  }
}

const started = Date.now();
// Peer probes (`aws --version`, `import boto3`: a Python start each) are answered once per run: test/aws-cli.ts
// shares each answer with the other test-file processes through this directory.
const peerCache = join(outDir, 'peers');
mkdirSync(peerCache);
const r = spawnSync(process.execPath, args, {
  stdio: 'inherit',
  env: { ...process.env, PATH: pathWithoutShims(process.env.PATH ?? ''), S3TRIGGER_TEST_PEER_CACHE: peerCache },
});
const wallS = (Date.now() - started) / 1000;

let times = [];
try {
  times = readFileSync(timesFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((t) => !t.file.startsWith(outDir)) // a batch's own entry: its files have their own lines
    .map((t) => ({ ...t, file: relative(process.cwd(), t.file) }));
} catch {
  // No times (the runner failed before any file ended): nothing to summarise.
}
rmSync(outDir, { recursive: true, force: true });
if (times.length) {
  times.sort((a, b) => b.ms - a.ms);
  const sumS = times.reduce((s, t) => s + t.ms, 0) / 1000;
  console.log(`\n# ${times.length} files in ${wallS.toFixed(0)} s (file times add up to ${sumS.toFixed(0)} s); slowest:`);
  for (const t of times.slice(0, 15)) console.log(`#   ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.file}`);
  if (writeDurations) {
    const next = { ...known };
    for (const t of times) next[t.file] = Math.round(t.ms / 100) / 10;
    const sorted = Object.fromEntries(
      Object.keys(next)
        .sort()
        .map((k) => [k, next[k]]),
    );
    writeFileSync(DURATIONS, `${JSON.stringify(sorted, null, 2)}\n`);
    console.log(`# wrote ${times.length} file times to ${DURATIONS}`);
  }
}
process.exit(r.status ?? 1);
