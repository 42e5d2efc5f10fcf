/** `s3trigger sandbox` bad input: one line naming the flag, exit 2, no temp data dir left behind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cliBuilt, NOT_BUILT } from '../ci/helpers.js';

const cases: { args: string[]; message: RegExp }[] = [
  { args: ['--port', '99999'], message: /^s3trigger: --port must be a whole number from 0 to 65535$/ },
  { args: ['--port', 'abc'], message: /^s3trigger: --port must be a whole number/ },
  { args: ['--port', '0', '--host', '999.1.1.1'], message: /^s3trigger: cannot listen on 999\.1\.1\.1: .*--host/ },
  { args: ['--port', '0', '--data', '/etc/passwd'], message: /^s3trigger: --data \/etc\/passwd: not a directory$/ },
  {
    args: ['--port', '0', '--region', 'eu west/1'],
    message: /^s3trigger: --region 'eu west\/1' is not a region name: use e\.g\. eu-west-1$/,
  },
  { args: ['--port', '0', '--demo', 'Bad_Bucket'], message: /^s3trigger: --demo: invalid bucket name 'Bad_Bucket'/ },
  {
    args: ['--port', '0', '--demo', 'test-bucket', '--handler', '/nonexistent.py'],
    message: /^s3trigger: --handler \/nonexistent\.py: file not found$/,
  },
];

for (const c of cases) {
  test(`sandbox ${c.args.join(' ')} -> exit 2, one line, nothing left in TMPDIR`, { skip: cliBuilt ? false : NOT_BUILT }, (t) => {
    const tmp = mkdtempSync(join(tmpdir(), 's3trigger-sbcli-'));
    t.after(() => rmSync(tmp, { recursive: true, force: true }));
    const r = spawnSync(process.execPath, [CLI, 'sandbox', ...c.args], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp },
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, c.message);
    assert.deepEqual(readdirSync(tmp), []);
  });
}

test('sandbox --demo: SIGTERM while it is still starting removes the temp data dir and prints no ready line', {
  skip: cliBuilt ? false : NOT_BUILT,
}, async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 's3trigger-sbcli-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--demo', 'test-bucket'], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The data dir exists from the start; the demo (function, log group, notification) takes a few hundred ms more.
  const deadline = Date.now() + 20_000;
  while (readdirSync(tmp).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  assert.equal(readdirSync(tmp).length, 1, 'the sandbox made its data dir');
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.doesNotMatch(stdout, /ready on/);
  assert.deepEqual(readdirSync(tmp), []);
});
