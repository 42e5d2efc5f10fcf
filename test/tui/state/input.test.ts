import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handleKey, makeKey, splitKeys, textEditFor, type LogContext } from '../../../src/tui/state/input.js';
import type { AppState } from '../../../src/tui/state/types.js';
import { acked, baseState, reduce, session, started } from '../helpers.js';

const log: LogContext = { latestSeq: 42, maxBack: 10, pageSize: 5 };
const press = (state: AppState, input: string, flags: Parameters<typeof makeKey>[0] = {}) => handleKey(state, input, makeKey(flags), log);

test('lowercase op keys fire at once with the shown parameters', () => {
  const withKey = reduce(baseState(), session(started(1), acked(1, 'test.txt')));
  const cases = [
    { key: 'p', input: { kind: 'put', bucket: 'test-bucket', file: '/tmp/demo/test.txt', key: 'test.txt' } },
    { key: 'o', input: { kind: 'post', bucket: 'test-bucket', file: '/tmp/demo/test.txt', key: 'post_test.txt' } },
    { key: 'c', input: { kind: 'copy', bucket: 'test-bucket', sourceBucket: 'test-bucket', sourceKey: 'test.txt', key: 'copy_test.txt' } },
    { key: 'd', input: { kind: 'delete', bucket: 'test-bucket', key: 'test.txt' } },
    { key: 'm', input: { kind: 'multipart', bucket: 'test-bucket', key: 'bigfile.bin', sizeMB: 6 } },
    { key: 't', input: { kind: 'put-tagging', bucket: 'test-bucket', key: 'test.txt', tags: 'env=dev' } },
    { key: 'u', input: { kind: 'delete-tagging', bucket: 'test-bucket', key: 'test.txt' } },
    { key: 'a', input: { kind: 'put-acl', bucket: 'test-bucket', key: 'test.txt', acl: 'public-read' } },
  ];
  for (const c of cases) assert.deepEqual(press(withKey, c.key).effects, [{ type: 'fire', input: c.input }], c.key);
});

test('shift op keys open the form instead', () => {
  for (const [key, op] of [
    ['P', 'put'],
    ['C', 'copy'],
    ['O', 'post'],
    ['D', 'delete'],
    ['M', 'multipart'],
    ['T', 'put-tagging'],
    ['U', 'delete-tagging'],
    ['A', 'put-acl'],
  ] as const) {
    const out = press(baseState(), key, { shift: true });
    assert.deepEqual(out.actions, [{ type: 'openForm', op }], key);
    assert.deepEqual(out.effects, []);
  }
});

test('the tagging and ACL keys without a created key explain themselves; on real AWS they ask first', () => {
  for (const [key, notice] of [
    ['t', 'nothing created this session to tag: press T to name a key'],
    ['u', 'nothing created this session to untag: press U to name a key'],
    ['a', 'nothing created this session to set an ACL on: press A to name a key'],
  ] as const) {
    const action = press(baseState(), key).actions[0];
    assert.equal(action?.type, 'notice', key);
    assert.ok(JSON.stringify(action).includes(notice), JSON.stringify(action));
  }
  const real = reduce(baseState({ isRealAws: true }), session(acked(1, 'a')));
  for (const key of ['t', 'u', 'a']) {
    const out = press(real, key);
    assert.equal(out.actions[0]?.type, 'openConfirm', key);
    assert.deepEqual(out.effects, [], key);
  }
});

test('delete without a created key explains itself; on real AWS it asks first', () => {
  assert.equal(press(baseState(), 'd').actions[0]?.type, 'notice');
  const real = reduce(baseState({ isRealAws: true }), session(acked(1, 'a')));
  const out = press(real, 'd');
  assert.equal(out.actions[0]?.type, 'openConfirm');
  assert.deepEqual(out.effects, []);
  const confirming = reduce(real, ...out.actions);
  assert.deepEqual(press(confirming, 'y').effects, [{ type: 'fire', input: { kind: 'delete', bucket: 'test-bucket', key: 'a' } }]);
  assert.deepEqual(press(confirming, 'n').actions, [{ type: 'closeOverlay' }]);
  assert.deepEqual(press(confirming, 'p').effects, []);
});

test('the form fires on Enter, validates, and Esc cancels', () => {
  const form = reduce(
    baseState(),
    { type: 'openForm', op: 'multipart' },
    { type: 'formFocus', delta: 1 },
    { type: 'formEdit', edit: { kind: 'clear' } },
  );
  // While typing, letters are text, not commands.
  assert.deepEqual(press(form, 'q').actions, [{ type: 'formEdit', edit: { kind: 'append', text: 'q' } }]);
  const bad = reduce(form, { type: 'formEdit', edit: { kind: 'append', text: 'x' } });
  assert.equal(press(bad, '\r', { return: true }).actions[0]?.type, 'formError');
  const good = reduce(form, { type: 'formEdit', edit: { kind: 'append', text: '8' } });
  const out = press(good, '\r', { return: true });
  assert.deepEqual(out.effects, [{ type: 'fire', input: { kind: 'multipart', bucket: 'test-bucket', key: 'bigfile.bin', sizeMB: 8 } }]);
  assert.deepEqual(
    out.actions.map((a) => a.type),
    ['saveParams', 'closeOverlay', 'notice'],
  );
  assert.deepEqual(press(good, '', { escape: true }).actions, [{ type: 'closeOverlay' }]);
});

test('dispatch order: overlay, then focused pane, then global', () => {
  const cases: { name: string; state: AppState; input: string; flags?: Parameters<typeof makeKey>[0]; action?: string; effect?: string }[] =
    [
      { name: 'Enter in events opens details', state: baseState(), input: '\r', flags: { return: true }, action: 'openDetails' },
      {
        name: 'Enter in ops fires the highlighted op',
        state: baseState({ focus: 'ops' }),
        input: '\r',
        flags: { return: true },
        action: 'notice',
        effect: 'fire',
      },
      { name: 'j in events moves', state: baseState(), input: 'j', action: 'eventsMove' },
      { name: 'j in log scrolls', state: baseState({ focus: 'log' }), input: 'j', action: 'logScroll' },
      { name: 'j in ops moves', state: baseState({ focus: 'ops' }), input: 'j', action: 'opsMove' },
      { name: 'Tab focuses', state: baseState(), input: '\t', flags: { tab: true }, action: 'focus' },
      { name: 'q quits', state: baseState(), input: 'q', action: 'quitting', effect: 'quit' },
      { name: '? opens help', state: baseState(), input: '?', action: 'openHelp' },
      { name: 'p in help does nothing', state: baseState({ overlay: { kind: 'help', scroll: 0 } }), input: 'p' },
      {
        name: 'q in help quits',
        state: baseState({ overlay: { kind: 'help', scroll: 0 } }),
        input: 'q',
        action: 'quitting',
        effect: 'quit',
      },
      {
        name: 'Esc in help closes',
        state: baseState({ overlay: { kind: 'help', scroll: 0 } }),
        input: '',
        flags: { escape: true },
        action: 'closeOverlay',
      },
      {
        name: 'Esc in details closes',
        state: baseState({ overlay: { kind: 'details', rowKey: 'op:1', scroll: 0 } }),
        input: '',
        flags: { escape: true },
        action: 'closeOverlay',
      },
      { name: 'typing in the filter', state: baseState({ overlay: { kind: 'filter', draft: '' } }), input: 'p', action: 'filterEdit' },
      { name: '/ opens the filter', state: baseState(), input: '/', action: 'openFilter' },
      { name: 'f toggles follow', state: baseState(), input: 'f', action: 'logFollow' },
      { name: 'x clears', state: baseState(), input: 'x', action: 'clearFinished' },
      { name: 'b opens the picker', state: baseState(), input: 'b', action: 'openPicker', effect: 'loadBuckets' },
      {
        name: 'Ctrl-C quits from a form',
        state: reduce(baseState(), { type: 'openForm', op: 'put' }),
        input: 'c',
        flags: { ctrl: true },
        action: 'quitting',
        effect: 'quit',
      },
      { name: 'keys are ignored while quitting', state: baseState({ quitting: true }), input: 'p' },
    ];
  for (const c of cases) {
    const out = press(c.state, c.input, c.flags);
    assert.equal(out.actions[0]?.type, c.action, c.name);
    assert.equal(out.effects[0]?.type, c.effect, c.name);
  }
});

test('Ctrl-C while quitting still reaches the runner (it exits 130)', () => {
  assert.deepEqual(press(baseState({ quitting: true }), 'c', { ctrl: true }).effects, [{ type: 'quit', interrupt: true }]);
});

test('picker keys: typing filters, n names a new bucket only on an empty filter', () => {
  const picker = reduce(
    baseState({ bucket: undefined }),
    { type: 'openPicker' },
    { type: 'pickerLoaded', buckets: ['nova', 'test-bucket'] },
  );
  assert.deepEqual(press(picker, 'n').actions, [{ type: 'namingOpen' }]);
  const typed = reduce(picker, { type: 'pickerEdit', edit: { kind: 'append', text: 'o' } });
  assert.deepEqual(press(typed, 'n').actions, [{ type: 'pickerEdit', edit: { kind: 'append', text: 'n' } }]);
  assert.deepEqual(press(picker, '\r', { return: true }).effects, [{ type: 'selectBucket', bucket: 'nova', create: false }]);
  assert.deepEqual(press(typed, '', { escape: true }).actions, [{ type: 'pickerEdit', edit: { kind: 'clear' } }]);
  // No bucket yet: Esc cannot go back, and says how to go on.
  assert.deepEqual(
    press(picker, '', { escape: true }).actions.map((a) => a.type),
    ['pickerHint'],
  );
  const good = reduce(picker, { type: 'namingOpen' }, { type: 'namingEdit', edit: { kind: 'append', text: 'my-bucket' } });
  assert.deepEqual(press(good, '\r', { return: true }).effects, [{ type: 'selectBucket', bucket: 'my-bucket', create: true }]);
});

test('text edits from keys', () => {
  assert.deepEqual(textEditFor('a', makeKey()), { kind: 'append', text: 'a' });
  assert.deepEqual(textEditFor('', makeKey({ backspace: true })), { kind: 'backspace' });
  assert.deepEqual(textEditFor('', makeKey({ delete: true })), { kind: 'backspace' });
  assert.equal(textEditFor('c', makeKey({ ctrl: true })), undefined);
  assert.equal(textEditFor('\r', makeKey({ return: true })), undefined);
  assert.deepEqual(textEditFor('a\u0007b', makeKey()), { kind: 'append', text: 'ab' });
});

test('a chunk of plain text is split into keys', () => {
  const keys = splitKeys('pC\r\t\u007f\u0003', makeKey());
  assert.deepEqual(
    keys.map(([input, key]) => [input, key.return, key.tab, key.backspace, key.ctrl, key.shift]),
    [
      ['p', false, false, false, false, false],
      ['C', false, false, false, false, true],
      ['\r', true, false, false, false, false],
      ['\t', false, true, false, false, false],
      ['', false, false, true, false, false],
      ['c', false, false, false, true, false],
    ],
  );
  assert.equal(splitKeys('p', makeKey()).length, 1);
  assert.equal(splitKeys('\u001b[A', makeKey({ upArrow: true })).length, 1);
});
