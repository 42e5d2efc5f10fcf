/**
 * The issue #12 operations in a real terminal: the ops pane lists RESTORE with its key w, Shift+W opens its form
 * (key, days 1, tier Standard), the PUT form has the upload options and the DELETE form a version id field, and the
 * help lists w; Esc closes each form and q exits 0.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { CLI, SESSION, hasTmux, poll, quitAndWaitForExit, startTuiInTmux, tmux } from './tmux-helpers.js';

test('tmux: w/W RESTORE in the ops pane, its form, the upload and version fields, the help', { timeout: 120_000 }, async (t) => {
  if (!hasTmux()) return t.skip('tmux not found on PATH');
  if (!existsSync(CLI)) return t.skip('dist/bin.cjs not built: run `npm run build` first');
  const { env, exitFile, panePid, screen } = startTuiInTmux(t, 'ops12', 120, 40);
  const press = (key: string) => tmux(env, 'send-keys', '-t', SESSION, '-l', key);
  const pressEscape = () => tmux(env, 'send-keys', '-t', SESSION, 'Escape');

  const main = await poll('the main screen', screen, (s) => s.includes('Operations') && /tailing \/aws\/lambda\//.test(s), 30_000);
  assert.match(main, /^\s*w W\s+RESTORE\s+nothing created this session to restore: press W to name a key/m);

  press('W');
  const form = await poll('the RESTORE form', screen, (s) => s.includes('RESTORE parameters'), 10_000);
  assert.match(form, /› Key\s*$/m, 'the key field is focused and empty: nothing created yet');
  assert.match(form, /Days\s+1\s*$/m);
  assert.match(form, /Tier \(Expedited, Standard, Bulk\)\s+Standard\s*$/m);
  pressEscape();
  await poll('the form closed', screen, (s) => !s.includes('RESTORE parameters'), 10_000);

  press('P');
  const putForm = await poll('the PUT form', screen, (s) => s.includes('PUT parameters'), 10_000);
  for (const label of ['Storage class (optional)', 'Canned ACL (optional)', 'Tags (optional)']) assert.ok(putForm.includes(label), label);
  pressEscape();
  await poll('the form closed', screen, (s) => !s.includes('PUT parameters'), 10_000);

  press('D');
  const deleteForm = await poll('the DELETE form', screen, (s) => s.includes('DELETE parameters'), 10_000);
  assert.ok(deleteForm.includes('Version id (optional)'), deleteForm);
  pressEscape();
  await poll('the form closed', screen, (s) => !s.includes('DELETE parameters'), 10_000);

  press('?');
  const help = await poll('the help', screen, (s) => s.includes('RESTORE (wake an archived object)'), 10_000);
  assert.match(help, /W\s+Edit RESTORE parameters, then fire/);
  pressEscape();
  await poll('the help closed', screen, (s) => !s.includes('RESTORE (wake an archived object)'), 10_000);

  assert.equal(await quitAndWaitForExit(env, exitFile, panePid), '0');
});
