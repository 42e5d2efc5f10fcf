/**
 * The SNS fan-out in a real terminal: tmux runs the built CLI with `--local --via sns` (the bucket publishes to a
 * topic with two subscribed demo functions, the Jets shape). The header names the chain; one `p` ends in two matched
 * child rows under the PUT's row; Enter on a child shows that invocation's route through SNS and its per-hop latency.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, SESSION, cleanEnv, hasTmux, poll, quitAndWaitForExit, tmux } from './tmux-helpers.js';

const CHILD_MATCHED = /^\s+[├└]─ λ\s+(\S+)\s+matched\b/gm;

test('tmux: --local --via sns, one p shows two matched child rows; Enter on one shows its route through SNS', {
  timeout: 120_000,
}, async (t) => {
  if (!hasTmux()) return t.skip('tmux not found on PATH');
  if (!existsSync(CLI)) return t.skip('dist/bin.cjs not built: run `npm run build` first');
  const home = mkdtempSync(join(tmpdir(), 's3trigger-tmux-fanout-'));
  writeFileSync(join(home, 'aws-config'), '');
  writeFileSync(join(home, 'aws-credentials'), '');
  const exitFile = join(home, 'exit-code');
  const env: NodeJS.ProcessEnv = { ...cleanEnv(home), NO_COLOR: '1' };
  t.after(() => {
    spawnSync('tmux', ['-S', env['S3TRIGGER_E2E_TMUX_SOCKET']!, 'kill-server'], { env }); // may be gone already
    rmSync(home, { recursive: true, force: true });
  });

  const command = `cd '${home}' && node '${CLI}' --local --via sns --bucket test-bucket; echo $? > '${exitFile}'`;
  tmux(env, 'new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', 'sh', '-c', command);
  const panePid = Number(tmux(env, 'display-message', '-p', '-t', SESSION, '#{pane_pid}').trim());
  const screen = () =>
    existsSync(exitFile) ? `exited early: ${readFileSync(exitFile, 'utf8')}` : tmux(env, 'capture-pane', '-p', '-t', SESSION);

  const main = await poll(
    'the main screen with the chain',
    screen,
    (s) => s.includes('Operations') && /test-bucket → SNS \S+ → /.test(s),
    45_000,
  );
  assert.match(main, /bucket: test-bucket/);

  tmux(env, 'send-keys', '-t', SESSION, '-l', 'p');
  const both = await poll('two matched child rows under the PUT', screen, (s) => [...s.matchAll(CHILD_MATCHED)].length === 2, 60_000);
  const functions = [...both.matchAll(CHILD_MATCHED)].map((m) => m[1]);
  assert.equal(new Set(functions).size, 2, `two different functions: ${functions.join(', ')}`);
  assert.match(both, /^\s*1 PUT\s+test\.txt\s.*\bmatched\b/m);
  assert.doesNotMatch(both, /waiting…|did not run/);

  // The PUT's row is selected (it was the last row): ↓ moves to its first function, Enter opens that invocation.
  tmux(env, 'send-keys', '-t', SESSION, 'Down');
  tmux(env, 'send-keys', '-t', SESSION, 'Enter');
  const details = await poll('the child’s details', screen, (s) => s.includes(`→ λ ${functions[0]}: matched`), 15_000);
  assert.match(details, new RegExp(`test-bucket → SNS \\S+ → ${functions[0]}`));
  // Its timings, at the end of the details, name each hop's figure and clocks.
  tmux(env, 'send-keys', '-t', SESSION, '-l', 'j'.repeat(60));
  await poll(
    'the per-hop latency lines',
    screen,
    (s) => /per hop\s+S3 ack → SNS\s+\S+\s+\(this machine → SNS/.test(s) && /SNS → Lambda START/.test(s),
    15_000,
  );

  tmux(env, 'send-keys', '-t', SESSION, 'Escape');
  assert.equal(await quitAndWaitForExit(env, exitFile, panePid), '0');
});
