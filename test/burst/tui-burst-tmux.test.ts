/** The TUI's burst in a real terminal: B opens the burst form, Enter runs it, the panel shows the figures; q exits 0. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, SESSION, cleanEnv, hasTmux, poll, quitAndWaitForExit, tmux } from '../e2e/tmux-helpers.js';

test('tmux: B opens the burst form; a burst of 100 (fired from the firing thread) ends with every operation matched and its percentiles', {
  timeout: 120_000,
}, async (t) => {
  if (!hasTmux()) return t.skip('tmux not found on PATH');
  if (!existsSync(CLI)) return t.skip('dist/bin.cjs not built: run `npm run build` first');
  const home = mkdtempSync(join(tmpdir(), 's3trigger-tmux-burst-'));
  writeFileSync(join(home, 'aws-config'), '');
  writeFileSync(join(home, 'aws-credentials'), '');
  const exitFile = join(home, 'exit-code');
  // The TUI's temp files go here, to see that the burst's body file is gone once it has quit.
  const tmp = join(home, 'tmp');
  mkdirSync(tmp);
  const env: NodeJS.ProcessEnv = { ...cleanEnv(home), TMPDIR: tmp };
  t.after(() => {
    spawnSync('tmux', ['-S', env['S3TRIGGER_E2E_TMUX_SOCKET']!, 'kill-server'], { env });
    rmSync(home, { recursive: true, force: true });
  });
  const command = `cd '${home}' && node '${CLI}' --local --bucket burst-tui; echo $? > '${exitFile}'`;
  tmux(env, 'new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', 'sh', '-c', command);
  const panePid = Number(tmux(env, 'display-message', '-p', '-t', SESSION, '#{pane_pid}').trim());
  const screen = () =>
    existsSync(exitFile) ? `exited early: ${readFileSync(exitFile, 'utf8')}` : tmux(env, 'capture-pane', '-p', '-t', SESSION);
  await poll('the main screen', screen, (s) => s.includes('Operations') && /tailing \/aws\/lambda\/\S+ \((live|polling)/.test(s), 30_000);

  tmux(env, 'send-keys', '-t', SESSION, '-l', 'B');
  const form = await poll('the burst form', screen, (s) => s.includes('BURST parameters'), 10_000);
  assert.match(form, /Operations \(N\)\s+100/);
  assert.match(form, /In flight \(parallel\)\s+16/);
  assert.match(form, /Operation\s+put/);
  assert.match(form, /Same key \(y\/n\)\s+n/);

  // Ctrl-U clears the count; 100 operations (the firing thread's threshold), then Enter fires.
  tmux(env, 'send-keys', '-t', SESSION, 'C-u');
  tmux(env, 'send-keys', '-t', SESSION, '-l', '100');
  tmux(env, 'send-keys', '-t', SESSION, 'Enter');
  const done = await poll('the burst to finish', screen, (s) => /BURST 100 × PUT .*done/.test(s), 60_000);
  assert.match(done, /matched 100 · lost 0 · duplicated 0 · failed 0/);
  assert.match(done, /trigger p50 \S+ ms · p90 \S+ ms · p99 \S+ ms · max \S+ ms \(n=100\)/);
  assert.match(done, /sandbox in-process/);

  // A bad value is named in the form and nothing fires.
  tmux(env, 'send-keys', '-t', SESSION, '-l', 'B');
  await poll('the burst form again', screen, (s) => s.includes('BURST parameters'), 10_000);
  tmux(env, 'send-keys', '-t', SESSION, 'C-u');
  tmux(env, 'send-keys', '-t', SESSION, '-l', 'lots');
  tmux(env, 'send-keys', '-t', SESSION, 'Enter');
  await poll('the form error', screen, (s) => /Operations \(N\) 'lots' is not a whole number/.test(s), 10_000);
  tmux(env, 'send-keys', '-t', SESSION, 'Escape');
  await poll('the form closed', screen, (s) => !s.includes('BURST parameters'), 10_000);

  assert.equal(await quitAndWaitForExit(env, exitFile, panePid), '0');
  assert.deepEqual(
    readdirSync(tmp).filter((name) => name.startsWith('s3trigger-burst-')),
    [],
    "the burst's body file is removed before done shows (q right after must not leave it)",
  );
});
