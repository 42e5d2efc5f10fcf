/**
 * Hot reload in the TUI, in a real terminal: tmux runs the built CLI with `--local --handler h.mjs`; p fires a PUT
 * whose log shows line A; a saved change to the module h.mjs imports puts "reloaded" in the header, and the next p
 * logs line B without a restart.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, SESSION, cleanEnv, hasTmux, poll, quitAndWaitForExit, tmux } from './tmux-helpers.js';

test('tmux: --local --handler h.mjs: PUT logs line A; a saved change shows "reloaded"; the next PUT logs line B', {
  timeout: 120_000,
}, async (t) => {
  if (!hasTmux()) return t.skip('tmux not found on PATH');
  if (!existsSync(CLI)) return t.skip('dist/bin.cjs not built: run `npm run build` first');
  const home = mkdtempSync(join(tmpdir(), 's3trigger-tmux-reload-'));
  writeFileSync(join(home, 'aws-config'), '');
  writeFileSync(join(home, 'aws-credentials'), '');
  const code = join(home, 'fn');
  spawnSync('mkdir', [code]);
  writeFileSync(join(code, 'msg.mjs'), "export const msg = 'line-AAA';\n");
  writeFileSync(
    join(code, 'h.mjs'),
    "import { msg } from './msg.mjs';\nexport const handler = async () => { console.log('HOT ' + msg); return 1; };\n",
  );
  const exitFile = join(home, 'exit-code');
  const env = cleanEnv(home);
  t.after(() => {
    spawnSync('tmux', ['-S', env['S3TRIGGER_E2E_TMUX_SOCKET']!, 'kill-server'], { env });
    rmSync(home, { recursive: true, force: true });
  });
  const command = `cd '${home}' && node '${CLI}' --local --bucket test-bucket --handler '${join(code, 'h.mjs')}'; echo $? > '${exitFile}'`;
  tmux(env, 'new-session', '-d', '-s', SESSION, '-x', '140', '-y', '40', 'sh', '-c', command);
  const panePid = Number(tmux(env, 'display-message', '-p', '-t', SESSION, '#{pane_pid}').trim());
  const screen = () =>
    existsSync(exitFile) ? `exited early: ${readFileSync(exitFile, 'utf8')}` : tmux(env, 'capture-pane', '-p', '-t', SESSION);

  await poll(
    'the main screen',
    screen,
    (s) => s.includes('Operations') && /tailing \/aws\/lambda\/\S+ \((live|polling|waiting)/.test(s),
    30_000,
  );
  assert.doesNotMatch(screen(), /reloaded/);
  tmux(env, 'send-keys', '-t', SESSION, '-l', 'p');
  await poll('row 1 matched with line A', screen, (s) => /^\s*1 PUT\s.*\bmatched\b/m.test(s) && s.includes('HOT line-AAA'), 30_000);

  writeFileSync(join(code, 'msg.mjs'), "export const msg = 'line-BBB';\n");
  await poll('"reloaded" in the header', screen, (s) => /s3trigger\s+reloaded \d\d:\d\d:\d\d/.test(s), 30_000);
  tmux(env, 'send-keys', '-t', SESSION, '-l', 'p');
  await poll('row 2 matched with line B', screen, (s) => /^\s*2 PUT\s.*\bmatched\b/m.test(s) && s.includes('HOT line-BBB'), 30_000);

  assert.equal(await quitAndWaitForExit(env, exitFile, panePid), '0');
});
