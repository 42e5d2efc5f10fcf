/**
 * A Lambda that throws, in a real terminal: tmux runs the built CLI on the local sandbox with a handler that throws;
 * `p`, pressed as soon as the screen is up (the tail may still be starting: the key is queued, not lost), ends in a
 * `lambda error` row — not a green "matched" — whose details show the error. MULTIPART shows --part-size/--concurrency.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, SESSION, cleanEnv, hasTmux, poll, tmux, quitAndWaitForExit } from './tmux-helpers.js';

const HANDLER = `exports.handler = async (event) => {
  console.log('got', event.Records[0].s3.object.key);
  throw new TypeError('boom from the test handler');
};
`;

test('tmux: a throwing handler turns the row "lambda error" with its error in the details; MULTIPART uses --part-size/--concurrency', {
  timeout: 90_000,
}, async (t) => {
  if (!hasTmux()) return t.skip('tmux not found on PATH');
  if (!existsSync(CLI)) return t.skip('dist/bin.cjs not built: run `npm run build` first');
  const home = mkdtempSync(join(tmpdir(), 's3trigger-tmux-fail-'));
  writeFileSync(join(home, 'aws-config'), '');
  writeFileSync(join(home, 'aws-credentials'), '');
  writeFileSync(join(home, 'throws.js'), HANDLER);
  const exitFile = join(home, 'exit-code');
  const env: NodeJS.ProcessEnv = { ...cleanEnv(home), NO_COLOR: '1' };
  t.after(() => {
    spawnSync('tmux', ['-S', env['S3TRIGGER_E2E_TMUX_SOCKET']!, 'kill-server'], { env }); // may be gone already
    rmSync(home, { recursive: true, force: true });
  });

  const command = `cd '${home}' && node '${CLI}' --local --bucket test-bucket --handler throws.js:handler --part-size 6 --concurrency 2; echo $? > '${exitFile}'`;
  tmux(env, 'new-session', '-d', '-s', SESSION, '-x', '80', '-y', '24', 'sh', '-c', command);
  const panePid = Number(tmux(env, 'display-message', '-p', '-t', SESSION, '#{pane_pid}').trim());
  const screen = () =>
    existsSync(exitFile) ? `exited early: ${readFileSync(exitFile, 'utf8')}` : tmux(env, 'capture-pane', '-p', '-t', SESSION);

  await poll('the main screen', screen, (s) => s.includes('Operations'), 30_000);
  tmux(env, 'send-keys', '-t', SESSION, '-l', 'p');
  const failed = await poll('row 1 to turn "lambda error"', screen, (s) => /^\s*1 PUT\s.*\blambda error\b/m.test(s), 45_000);
  assert.doesNotMatch(failed, /^\s*1 PUT\s.*\bmatched\b/m);
  assert.match(failed, /bucket: test-bucket/, 'the bucket stays visible at 80x24');
  assert.match(failed, /6 MiB parts, 2 at a time/);

  tmux(env, 'send-keys', '-t', SESSION, 'Enter');
  const details = await poll(
    'the details with the Lambda error',
    screen,
    (s) => s.includes('Lambda error') && s.includes('boom from the test handler'),
    15_000,
  );
  assert.match(details, /lambda error/);

  tmux(env, 'send-keys', '-t', SESSION, 'Escape');
  assert.equal(await quitAndWaitForExit(env, exitFile, panePid), '0');
});
