/**
 * The TUI in a real terminal: tmux runs the built CLI on the local sandbox, fires p c o d m,
 * and reads the screen back until each row is matched; then q must exit 0 and leave nothing behind.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, SESSION, cleanEnv, hasTmux, poll, processesInSession, quitAndWaitForExit, startTuiInTmux, tmux } from './tmux-helpers.js';

const OPS = [
  { key: 'p', op: 'PUT' },
  { key: 'c', op: 'COPY' },
  { key: 'o', op: 'POST' },
  { key: 'd', op: 'DELETE' },
  { key: 'm', op: 'MULTIPART' },
];

test('tmux: p c o d m turn five rows matched with the handler output; q exits 0 and leaves no process', { timeout: 120_000 }, async (t) => {
  if (!hasTmux()) return t.skip('tmux not found on PATH');
  if (!existsSync(CLI)) return t.skip('dist/bin.cjs not built: run `npm run build` first');

  // Prime the code cache: the view must load from a cached bundle too (Node 20 loses import() there; src/bin.cts).
  const { env, exitFile, panePid, screen } = startTuiInTmux(t, 'main', 120, 40, (env) =>
    assert.equal(spawnSync(process.execPath, [CLI, '--help'], { env, encoding: 'utf8' }).status, 0),
  );

  await poll(
    'the main screen',
    screen,
    (s) => s.includes('Operations') && /tailing \/aws\/lambda\/\S+ \((live|polling|waiting)/.test(s),
    30_000,
  );

  for (const [index, { key, op }] of OPS.entries()) {
    tmux(env, 'send-keys', '-t', SESSION, '-l', key);
    const row = new RegExp(`^\\s*${index + 1} ${op}\\s.*\\bmatched\\b`, 'm');
    await poll(`row ${index + 1} (${op}) to turn matched`, screen, (s) => row.test(s), 30_000);
  }

  const final = screen();
  const matchedRows = final.split('\n').filter((l) => /^\s*\d+ (PUT|COPY|POST|DELETE|MULTIPART)\s.*\bmatched\b/.test(l));
  assert.equal(matchedRows.length, 5, final);
  assert.match(final, /S3 Event Detected/);

  assert.equal(await quitAndWaitForExit(env, exitFile, panePid), '0');
});

test('tmux: a closed terminal (kill-session) cleans up and dies of SIGHUP: no process, no temp dir, no crash report', {
  timeout: 60_000,
}, async (t) => {
  if (!hasTmux()) return t.skip('tmux not found on PATH');
  if (!existsSync(CLI)) return t.skip('dist/bin.cjs not built: run `npm run build` first');
  const home = mkdtempSync(join(tmpdir(), 's3trigger-tmux-hup-'));
  const temp = join(home, 'tmp');
  mkdirSync(temp);
  writeFileSync(join(home, 'aws-config'), '');
  writeFileSync(join(home, 'aws-credentials'), '');
  const env: NodeJS.ProcessEnv = { ...cleanEnv(home), TMPDIR: temp };
  t.after(() => {
    spawnSync('tmux', ['-S', env['S3TRIGGER_E2E_TMUX_SOCKET']!, 'kill-server'], { env });
    rmSync(home, { recursive: true, force: true });
  });
  // stderr to a file: a crash report on the dead terminal would otherwise go nowhere.
  const command = `cd '${home}' && node '${CLI}' --local --bucket test-bucket 2> '${join(home, 'stderr')}'`;
  tmux(env, 'new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', 'sh', '-c', command);
  const panePid = Number(tmux(env, 'display-message', '-p', '-t', SESSION, '#{pane_pid}').trim());
  await poll(
    'the main screen',
    () => tmux(env, 'capture-pane', '-p', '-t', SESSION),
    (s) => /tailing \/aws\/lambda\/\S+ \((live|polling|waiting)/.test(s),
    30_000,
  );
  assert.ok(readdirSync(temp).length > 0, 'the sandbox and the demo file live in TMPDIR while running');

  tmux(env, 'kill-session', '-t', SESSION);
  await poll(
    'no process left in the pane’s session',
    () => processesInSession(panePid),
    (left) => left.length === 0,
    15_000,
  );
  assert.deepEqual(readdirSync(temp), [], 'temp dirs removed');
  const stderr = readFileSync(join(home, 'stderr'), 'utf8');
  assert.doesNotMatch(stderr, /Error|Assertion|\bat /, stderr);
});
