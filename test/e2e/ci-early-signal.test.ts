/**
 * A signal in the first moments of a CI run (a cancelled CI job) ends it with exit 130, not by the signal,
 * and leaves nothing in TMPDIR. The child is frozen (SIGSTOP) at a chosen point of its start, signalled, and
 * continued, so the signal lands exactly there: while dist/bin.cjs reads the bundle, or right after the
 * bundle's synchronous start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, cleanEnv, cliBuilt, collect, NOT_BUILT, workDir } from '../ci/helpers.js';

const PROC = existsSync('/proc/self/stat');

/** Preloaded into the child: stops the process at `point`, after saying so on stderr. */
function preload(point: 'bundle-read' | 'after-start'): string {
  const stopHere = `process._rawDebug('early-signal: stopping'); process.kill(process.pid, 'SIGSTOP');`;
  if (point === 'after-start') return `setImmediate(() => { ${stopHere} });`;
  return `const fs = require('node:fs');
const readFileSync = fs.readFileSync;
fs.readFileSync = function (path, ...rest) {
  if (String(path).endsWith('s3trigger.cjs')) { fs.readFileSync = readFileSync; ${stopHere} }
  return readFileSync.call(this, path, ...rest);
};`;
}

/** Linux process state from /proc: 'T' once stopped. */
function stateOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] ?? '';
  } catch {
    return '';
  }
}

for (const point of ['bundle-read', 'after-start'] as const) {
  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    test(`${signal} at ${point} exits 130 and leaves no temp dir`, {
      skip: !cliBuilt ? NOT_BUILT : !PROC && 'needs /proc to see the child stop (Linux)',
    }, async (t) => {
      const dir = workDir();
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const tmp = join(dir, 'tmp');
      mkdirSync(tmp);
      const hook = join(dir, 'stop-at.cjs');
      writeFileSync(hook, preload(point));
      const env = cleanEnv(dir, { TMPDIR: tmp, S3TRIGGER_CACHE_DIR: join(dir, 'cache') });
      const child = spawn(process.execPath, ['--require', hook, CLI, '--local', '--bucket', 'test-bucket', '--put', 'test.txt', '--wait'], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const result = collect(child);
      let exited = false;
      void result.then(() => (exited = true));
      const deadline = Date.now() + 30_000;
      while (!exited && stateOf(child.pid!) !== 'T' && Date.now() < deadline) await sleep(5);
      assert.equal(stateOf(child.pid!), 'T', 'the child stopped at the chosen point');
      child.kill(signal); // pending until it continues
      child.kill('SIGCONT');
      const r = await result;
      assert.match(r.stderr, /early-signal: stopping/);
      assert.equal(r.code, 130, `exit ${r.code} (signal ${child.signalCode}); stderr: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\bat .*:\d+:\d+|Error:/, 'no stack trace');
      assert.deepEqual(readdirSync(tmp), [], 'nothing left in TMPDIR');
    });
  }
}
