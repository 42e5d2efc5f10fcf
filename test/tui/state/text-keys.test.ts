/** Ctrl-U clears the text being typed; the bucket picker's Esc and q behave as in k9s and lazygit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helpLines } from '../../../src/tui/keymap.js';
import { handleKey, makeKey, type LogContext } from '../../../src/tui/state/input.js';
import { initialState } from '../../../src/tui/state/reducer.js';
import type { AppState } from '../../../src/tui/state/types.js';
import { TARGET, baseState, reduce } from '../helpers.js';

const ctx: LogContext = { latestSeq: 0, maxBack: 0, pageSize: 5 };
const press = (state: AppState, input: string, flags: Parameters<typeof makeKey>[0] = {}) => handleKey(state, input, makeKey(flags), ctx);
const ctrlU = (state: AppState) => reduce(state, ...press(state, 'u', { ctrl: true }).actions);

test('Ctrl-U clears the focused form field, the log filter, the picker filter and the new bucket name', () => {
  const form = reduce(baseState(), { type: 'openForm', op: 'put' });
  assert.notEqual(form.overlay.kind === 'form' && form.overlay.fields[0]!.value, '');
  const cleared = ctrlU(form);
  assert.ok(cleared.overlay.kind === 'form');
  assert.equal(cleared.overlay.fields[0]!.value, '');
  assert.equal(cleared.overlay.fields[1]!.value, 'test.txt', 'only the focused field');

  const filter = reduce(baseState(), { type: 'openFilter' }, { type: 'filterEdit', edit: { kind: 'append', text: 'error' } });
  assert.deepEqual(ctrlU(filter).overlay, { kind: 'filter', draft: '' });

  const picker = reduce(
    baseState(),
    { type: 'openPicker' },
    { type: 'pickerLoaded', buckets: ['a'] },
    { type: 'pickerEdit', edit: { kind: 'append', text: 'xy' } },
  );
  assert.ok(ctrlU(picker).overlay.kind === 'picker');
  assert.equal((ctrlU(picker).overlay as { filter: string }).filter, '');

  const naming = reduce(
    picker,
    { type: 'pickerEdit', edit: { kind: 'clear' } },
    { type: 'namingOpen' },
    { type: 'namingEdit', edit: { kind: 'append', text: 'new-b' } },
  );
  const afterNaming = ctrlU(naming).overlay;
  assert.ok(afterNaming.kind === 'picker' && afterNaming.naming?.draft === '');
  assert.ok(
    helpLines().some((l) => /Ctrl-U\s+Clear/.test(l.text)),
    'the help lists it',
  );
});

test('picker opened without --bucket: q quits on an empty filter, types otherwise; Esc clears, then says how to leave', () => {
  const start = reduce(initialState({ target: TARGET, isRealAws: false, columns: 100, rows: 30, demoFile: '/d' }), {
    type: 'pickerLoaded',
    buckets: ['alpha', 'quux'],
  });
  assert.deepEqual(press(start, 'q').effects, [{ type: 'quit', interrupt: false }]);
  const typed = reduce(start, { type: 'pickerEdit', edit: { kind: 'append', text: 'u' } });
  assert.deepEqual(press(typed, 'q').actions, [{ type: 'pickerEdit', edit: { kind: 'append', text: 'q' } }]);

  assert.deepEqual(press(typed, '', { escape: true }).actions, [{ type: 'pickerEdit', edit: { kind: 'clear' } }]);
  const esc = reduce(start, ...press(start, '', { escape: true }).actions);
  assert.ok(esc.overlay.kind === 'picker', 'nothing to go back to: the picker stays');
  assert.match(esc.overlay.hint ?? '', /Enter .*q quits/);
  // With a bucket to go back to, Esc closes it.
  const withBucket = reduce(baseState(), { type: 'openPicker' }, { type: 'pickerLoaded', buckets: ['a'] });
  assert.deepEqual(press(withBucket, '', { escape: true }).actions, [{ type: 'closeOverlay' }]);
});
