/**
 * The footer in a real terminal (tmux, the built CLI on the local sandbox) at 160x40, then resized to 80x24: `? help`
 * and `q quit` always on the last line, no key cut mid-word; on a row whose handler never logged its event
 * (the demo handler prints a summary, not the event), `r replay` is not offered and the footer says why.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { CLI, SESSION, hasTmux, poll, quitAndWaitForExit, startTuiInTmux, tmux } from './tmux-helpers.js';

const footerOf = (screen: string) => screen.trimEnd().split('\n').at(-1) ?? '';
const endsWithHelpAndQuit = (footer: string) => /\? help {2}q quit\s*$/.test(footer);

test('tmux: the footer keeps ? help and q quit at 160 and 80 columns, and says why r cannot replay a row', {
  timeout: 120_000,
}, async (t) => {
  if (!hasTmux()) return t.skip('tmux not found on PATH');
  if (!existsSync(CLI)) return t.skip('dist/bin.cjs not built: run `npm run build` first');
  const { env, exitFile, panePid, screen } = startTuiInTmux(t, 'footer', 160, 40);

  await poll('the main screen', screen, (s) => s.includes('Operations') && /\((live|polling|waiting)/.test(s), 30_000);
  tmux(env, 'send-keys', '-t', SESSION, '-l', 'p');
  await poll('the PUT row to turn matched', screen, (s) => /^\s*1 PUT\s.*\bmatched\b/m.test(s), 30_000);

  for (const [columns, rows] of [
    [160, 40],
    [80, 24],
  ] as const) {
    if (columns === 80) tmux(env, 'resize-window', '-t', SESSION, '-x', String(columns), '-y', String(rows));
    const s = await poll(
      `the ${columns}-column footer to say why r is off`,
      screen,
      (text) => footerOf(text).includes('never logged') && endsWithHelpAndQuit(footerOf(text)),
      15_000,
    );
    const footer = footerOf(s);
    assert.ok(!footer.includes('r replay'), `${columns} columns, footer offers r replay: ${footer}`);
    assert.match(footer, /\br off: event-handler never logged its event/);
    assert.ok(footer.trimEnd().length <= columns, `${columns} columns: ${footer}`);
    // r does nothing on that row: no REPLAY row, no header line about it. Tab after it: once the footer changes, r was read.
    tmux(env, 'send-keys', '-t', SESSION, '-l', 'r');
    tmux(env, 'send-keys', '-t', SESSION, 'Tab');
    const after = await poll('the log pane footer', screen, (text) => !footerOf(text).includes('r off'), 10_000);
    assert.ok(!/^\s*2 REPLAY/m.test(after), after);
    assert.ok(!after.split('\n').slice(0, 3).join('\n').includes('never logged'), after);
    assert.ok(endsWithHelpAndQuit(footerOf(after)), `${columns} columns, log pane: ${footerOf(after)}`);
    tmux(env, 'send-keys', '-t', SESSION, 'Tab');
    await poll(
      'the ops pane footer',
      screen,
      (text) => footerOf(text).includes('Enter fire') && endsWithHelpAndQuit(footerOf(text)),
      10_000,
    );
    tmux(env, 'send-keys', '-t', SESSION, 'Tab');
  }

  assert.equal(await quitAndWaitForExit(env, exitFile, panePid), '0');
});
