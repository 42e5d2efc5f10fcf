/** The data dir: created, checked and locked before anything opens it; the lock dies with its holder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cliBuilt, collect, NOT_BUILT, startCli, workDir } from '../ci/helpers.js';

const FIXTURE = join(import.meta.dirname, 's3', 'fixtures', 'sandbox-child.ts');

/** A sandbox in a child process; resolves once it is listening. */
async function startChild(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...(dataDir ? [dataDir] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
  return { child, ...(JSON.parse(line) as { endpoint: string; dataDir: string }) };
}

async function kill9(child: ReturnType<typeof spawn>): Promise<void> {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

/** A PID no process has: one that just exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

test('a killed holder leaves no lock: concurrent starters get exactly one sandbox per dir, every round', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-lock-'));
  try {
    const { child } = await startChild(dataDir);
    await assert.rejects(startSandbox({ port: 0, dataDir }), { code: 'SandboxDataInUse', exitCode: 2, message: /--data .* in use/ });
    await kill9(child);
    for (let round = 0; round < 15; round++) {
      // What a killed older version leaves behind: its PID file, naming a dead process.
      writeFileSync(join(dataDir, 's3', 'sandbox.lock'), String(deadPid()));
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => startSandbox({ port: 0, dataDir })));
      const running = results.filter((r): r is PromiseFulfilledResult<Sandbox> => r.status === 'fulfilled');
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'SandboxDataInUse');
      await Promise.all(running.map((r) => r.value.close()));
      assert.equal(running.length, 1, `round ${round}: ${running.length} sandboxes on one data dir`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a PID lock naming a live, unrelated process (a reused PID) does not refuse a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-lock-'));
  try {
    mkdirSync(join(dataDir, 's3'), { recursive: true });
    writeFileSync(join(dataDir, 's3', 'sandbox.lock'), '1');
    const sandbox = await startSandbox({ port: 0, dataDir });
    await sandbox.close();
    assert.ok(!existsSync(join(dataDir, 's3', 'sandbox.lock')), 'the old PID file is removed');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a killed ephemeral sandbox leaves a temp dir that the next sandbox removes (a live or young one stays)', async () => {
  const temp = mkdtempSync(join(tmpdir(), 's3trigger-tmpdir-'));
  const before = process.env.TMPDIR;
  try {
    const env = { ...process.env, TMPDIR: temp };
    const crashed = await startChild(undefined, env);
    const live = await startChild(undefined, env);
    await kill9(crashed.child);
    const young = mkdtempSync(join(temp, 's3trigger-sandbox-'));
    const old = new Date(Date.now() - 5 * 60_000);
    for (const dir of [crashed.dataDir, live.dataDir]) utimesSync(dir, old, old);
    assert.ok(existsSync(crashed.dataDir), 'kill -9 leaves the temp dir');
    process.env.TMPDIR = temp;
    const next = await startSandbox({ port: 0 });
    await next.close();
    assert.ok(!existsSync(crashed.dataDir), 'the crashed sandbox temp dir is removed');
    assert.ok(existsSync(live.dataDir), 'a running sandbox keeps its temp dir');
    assert.ok(existsSync(young), 'a temp dir younger than a minute may be about to be locked: kept');
    await kill9(live.child);
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(temp, { recursive: true, force: true });
  }
});

test('--data that cannot be created or written, or is in use: exit 2, one line naming --data, no hang', {
  skip: !cliBuilt && NOT_BUILT,
}, async () => {
  const work = workDir();
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-lock-'));
  let holder: Sandbox | undefined;
  try {
    const cases: string[] = ['/proc/1/x', '/proc/1/x/y', join(work, 'test.txt', 'sub')];
    const ro = join(work, 'ro');
    mkdirSync(ro);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro]).status === 0;
    if (mounted) cases.push(ro, join(ro, 'sub'));
    else console.log('# read-only --data case skipped: mount -t tmpfs refused here');
    holder = await startSandbox({ port: 0, dataDir });
    cases.push(dataDir);
    try {
      for (const data of cases) {
        const started = Date.now();
        const child = startCli(['sandbox', '--port', '0', '--data', data], work);
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        const r = await collect(child);
        clearTimeout(timer);
        assert.equal(r.code, 2, `${data}: ${r.stderr}`);
        assert.match(r.stderr, /--data/, data);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        assert.ok(Date.now() - started < 20_000, `${data}: took ${Date.now() - started} ms`);
      }
    } finally {
      if (mounted) spawnSync('umount', [ro]);
    }
    assert.equal(readdirSync(dataDir).includes('s3'), true, 'the holder still has its data');
  } finally {
    await holder?.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});
