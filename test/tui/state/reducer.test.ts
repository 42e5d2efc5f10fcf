import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invocation } from '../../../src/observe/types.js';
import { applyEdit, pickerMatches } from '../../../src/tui/state/reducer.js';
import type { OpRow } from '../../../src/tui/state/types.js';
import { acked, baseState, reduce, session, started } from '../helpers.js';

const invocation = (requestId: string): Invocation => ({
  requestId,
  logGroup: '/aws/lambda/f',
  logStream: 's',
  status: 'succeeded',
  lines: [],
  firstSeenAt: 5,
});

test('op rows move through their statuses', () => {
  const cases: { name: string; events: Parameters<typeof session>; status: OpRow['status'] }[] = [
    { name: 'started', events: [started(1)], status: 'sending' },
    { name: 'progress', events: [started(1), { type: 'OpProgress', opId: 1, loaded: 5, total: 10 }], status: 'progress' },
    { name: 'acked', events: [started(1), acked(1)], status: 'acked' },
    {
      name: 'failed',
      events: [
        started(1),
        {
          type: 'OpFailed',
          opId: 1,
          result: { opId: 1, op: 'put', bucket: 'b', key: 'k', startedAt: 1, error: { code: 'NoSuchBucket', message: 'no' } },
        },
      ],
      status: 'failed',
    },
    { name: 'timeout', events: [started(1), acked(1), { type: 'MatchTimeout', opId: 1 }], status: 'no-match' },
    {
      name: 'matched',
      events: [
        started(1),
        acked(1),
        { type: 'Matched', opId: 1, invocation: invocation('r1'), confidence: 'key', latency: { coldStart: true, triggerMs: 12 } },
      ],
      status: 'matched',
    },
    {
      name: 'matched after timeout',
      events: [
        started(1),
        acked(1),
        { type: 'MatchTimeout', opId: 1 },
        { type: 'Matched', opId: 1, invocation: invocation('r1'), confidence: 'time', latency: { coldStart: false } },
      ],
      status: 'matched',
    },
    {
      name: 'ack after match keeps matched',
      events: [
        started(1),
        { type: 'Matched', opId: 1, invocation: invocation('r1'), confidence: 'request-id', latency: { coldStart: false } },
        acked(1),
      ],
      status: 'matched',
    },
    {
      name: 'timeout does not undo a failure',
      events: [
        started(1),
        { type: 'OpFailed', opId: 1, result: { opId: 1, op: 'put', bucket: 'b', key: 'k', startedAt: 1 } },
        { type: 'MatchTimeout', opId: 1 },
      ],
      status: 'failed',
    },
  ];
  for (const c of cases) {
    const state = reduce(baseState(), session(...c.events));
    const row = state.rows[0] as OpRow;
    assert.equal(row.status, c.status, c.name);
  }
});

test('a match records request id, confidence, latency and the invocation', () => {
  const state = reduce(
    baseState(),
    session(started(1), {
      type: 'Matched',
      opId: 1,
      invocation: invocation('r1'),
      confidence: 'key',
      latency: { coldStart: true, triggerMs: 12 },
    }),
  );
  const row = state.rows[0] as OpRow;
  assert.equal(row.requestId, 'r1');
  assert.equal(row.confidence, 'key');
  assert.equal(row.latency?.triggerMs, 12);
  assert.equal(state.invocations['r1']?.requestId, 'r1');
});

test('foreign invocations get one row each', () => {
  const state = reduce(
    baseState(),
    session(
      { type: 'Foreign', invocation: invocation('x') },
      { type: 'Foreign', invocation: invocation('x') },
      { type: 'Foreign', invocation: invocation('y') },
    ),
  );
  assert.deepEqual(
    state.rows.map((r) => (r.kind === 'foreign' ? r.requestId : '')),
    ['x', 'y'],
  );
});

test('created keys follow acks in the current bucket; a delete removes its key', () => {
  const cases: { name: string; events: Parameters<typeof session>; keys: string[] }[] = [
    { name: 'put', events: [started(1), acked(1, 'a')], keys: ['a'] },
    { name: 'two puts', events: [started(1), acked(1, 'a'), started(2), acked(2, 'b')], keys: ['a', 'b'] },
    { name: 're-put moves to the end', events: [acked(1, 'a'), acked(2, 'b'), acked(3, 'a')], keys: ['b', 'a'] },
    { name: 'delete', events: [acked(1, 'a'), acked(2, 'b'), acked(3, 'b', 'delete')], keys: ['a'] },
    { name: 'other bucket ignored', events: [acked(1, 'a', 'put', 'elsewhere')], keys: [] },
  ];
  for (const c of cases) assert.deepEqual(reduce(baseState(), session(...c.events)).createdKeys, c.keys, c.name);
});

test('the selection follows new rows only when it was on the last row', () => {
  let state = reduce(baseState(), session(started(1), started(2), started(3)));
  assert.equal(state.selected, 2);
  state = reduce(state, { type: 'eventsMove', delta: -2 });
  assert.equal(state.selected, 0);
  state = reduce(state, session(started(4)));
  assert.equal(state.selected, 0);
  state = reduce(state, { type: 'eventsJump', to: 'bottom' }, session(started(5)));
  assert.equal(state.selected, 4);
});

test('the events window keeps the selection visible', () => {
  // 29 rows -> 4 event rows (the ops pane has a line per operation kind).
  let state = reduce(baseState({ size: { columns: 80, rows: 29 } }), session(...Array.from({ length: 10 }, (_, i) => started(i + 1))));
  assert.equal(state.selected, 9);
  assert.equal(state.eventsOffset, 6);
  state = reduce(state, { type: 'eventsJump', to: 'top' });
  assert.equal(state.eventsOffset, 0);
  state = reduce(state, { type: 'eventsMove', delta: 4 });
  assert.equal(state.eventsOffset, 1);
  state = reduce(state, { type: 'eventsMove', delta: 100 });
  assert.equal(state.selected, 9);
});

test('resize keeps the selection in view', () => {
  // 120×42: nine event rows; 80×29: four (the ops pane has a line per operation kind).
  let state = reduce(baseState({ size: { columns: 120, rows: 42 } }), session(...Array.from({ length: 12 }, (_, i) => started(i + 1))));
  assert.equal(state.eventsOffset, 3);
  state = reduce(state, { type: 'resize', columns: 80, rows: 29 });
  assert.deepEqual(state.size, { columns: 80, rows: 29 });
  assert.equal(state.eventsOffset, 8);
});

test('clear removes finished rows only', () => {
  const state = reduce(
    baseState(),
    session(
      started(1),
      acked(1),
      { type: 'Matched', opId: 1, invocation: invocation('r'), confidence: 'key', latency: { coldStart: false } },
      started(2),
      { type: 'Foreign', invocation: invocation('f') },
      started(3),
      acked(3),
    ),
    { type: 'clearFinished' },
  );
  assert.deepEqual(
    state.rows.map((r) => (r.kind === 'op' ? r.opId : r.requestId)),
    [2, 3],
  );
});

test('focus cycles through the panes both ways', () => {
  const cases = [
    { delta: 1 as const, times: 1, focus: 'log' },
    { delta: 1 as const, times: 2, focus: 'ops' },
    { delta: -1 as const, times: 1, focus: 'ops' },
    { delta: 1 as const, times: 3, focus: 'events' },
  ];
  for (const c of cases) {
    const state = reduce(baseState(), ...Array.from({ length: c.times }, () => ({ type: 'focus' as const, delta: c.delta })));
    assert.equal(state.focus, c.focus, `${c.delta} x${c.times}`);
  }
});

test('log follow, scroll and filter', () => {
  let state = reduce(baseState(), { type: 'logScroll', delta: -3, latestSeq: 100, maxBack: 50 });
  assert.deepEqual(state.log, { follow: false, filter: '', anchorSeq: 100, back: 3 });
  state = reduce(state, { type: 'logScroll', delta: -100, latestSeq: 120, maxBack: 50 });
  assert.equal(state.log.back, 50);
  assert.equal(state.log.anchorSeq, 100);
  state = reduce(state, { type: 'logScroll', delta: 60, latestSeq: 120, maxBack: 50 });
  assert.equal(state.log.back, 0);
  assert.equal(state.log.follow, false);
  state = reduce(state, { type: 'logScroll', delta: 1, latestSeq: 120, maxBack: 50 });
  assert.equal(state.log.follow, true);
  state = reduce(state, { type: 'logFollow', follow: false, latestSeq: 130 });
  assert.deepEqual(state.log, { follow: false, filter: '', anchorSeq: 130, back: 0 });
  state = reduce(state, { type: 'openFilter' }, { type: 'filterEdit', edit: { kind: 'append', text: 'ERROR ' } }, { type: 'filterApply' });
  assert.equal(state.log.filter, 'ERROR');
  assert.equal(state.overlay.kind, 'none');
  state = reduce(state, { type: 'filterClear' });
  assert.equal(state.log.filter, '');
});

test('forms edit the focused field and save sticky parameters for put, post and multipart', () => {
  let state = reduce(baseState(), { type: 'openForm', op: 'put' });
  assert.equal(state.overlay.kind, 'form');
  state = reduce(
    state,
    { type: 'formFocus', delta: 1 },
    { type: 'formEdit', edit: { kind: 'backspace' } },
    { type: 'formEdit', edit: { kind: 'append', text: 'x' } },
  );
  const form = state.overlay.kind === 'form' ? state.overlay : undefined;
  assert.deepEqual(
    form?.fields.map((f) => f.value),
    ['/tmp/demo/test.txt', 'test.txx', '', '', ''],
  );
  state = reduce(
    state,
    { type: 'saveParams', op: 'put', values: { file: '/f', key: 'k' } },
    { type: 'saveParams', op: 'copy', values: { sourceBucket: 'a', sourceKey: 'b', key: 'c' } },
  );
  assert.deepEqual(state.params.put, { file: '/f', key: 'k' });
  assert.deepEqual(state.params.copy, {});
  state = reduce(state, { type: 'saveParams', op: 'multipart', values: { key: 'big', sizeMB: '12', file: '' } });
  assert.deepEqual(state.params.multipart, { key: 'big', sizeMB: 12, file: undefined });
});

test('picker: load, filter, move, name, choose', () => {
  let state = reduce(
    baseState({ bucket: undefined }),
    { type: 'openPicker' },
    { type: 'pickerLoaded', buckets: ['alpha', 'beta', 'gamma', 'alphabet'] },
  );
  state = reduce(state, { type: 'pickerEdit', edit: { kind: 'append', text: 'alp' } }, { type: 'pickerMove', delta: 5 });
  assert.equal(state.overlay.kind === 'picker' && state.overlay.selected, 1);
  state = reduce(state, { type: 'namingOpen' }, { type: 'namingEdit', edit: { kind: 'append', text: 'ha-2' } });
  assert.equal(state.overlay.kind === 'picker' && state.overlay.naming?.draft, 'alpha-2');
  state = reduce(state, { type: 'bucketChosen', bucket: 'alpha-2' });
  assert.equal(state.bucket, 'alpha-2');
  assert.equal(state.overlay.kind, 'none');
});

test('text edits and picker matching', () => {
  assert.equal(applyEdit('ab', { kind: 'append', text: 'c' }), 'abc');
  assert.equal(applyEdit('ab', { kind: 'backspace' }), 'a');
  assert.equal(applyEdit('', { kind: 'backspace' }), '');
  assert.equal(applyEdit('ab', { kind: 'clear' }), '');
  assert.deepEqual(pickerMatches(['Test-A', 'prod', 'test-b'], 'TEST'), ['Test-A', 'test-b']);
  assert.deepEqual(pickerMatches(undefined, ''), []);
});

test('tail states are kept per log group; warnings are deduplicated', () => {
  const state = reduce(
    baseState(),
    session(
      { type: 'TailState', state: { logGroup: 'a', mode: 'connecting' } },
      { type: 'TailState', state: { logGroup: 'b', mode: 'live' } },
      { type: 'TailState', state: { logGroup: 'a', mode: 'polling', intervalMs: 1000 } },
      { type: 'Warning', message: 'w' },
      { type: 'Warning', message: 'w' },
      started(1, undefined, ['this key matches no filter']),
    ),
  );
  assert.deepEqual(
    state.tails.map((t) => `${t.logGroup}:${t.mode}`),
    ['a:polling', 'b:live'],
  );
  assert.deepEqual(state.warnings, ['w', '#1: this key matches no filter']);
});

test('quitting closes overlays', () => {
  const state = reduce(baseState(), { type: 'openHelp' }, { type: 'quitting' });
  assert.equal(state.quitting, true);
  assert.equal(state.overlay.kind, 'none');
});

test('overlay scrolling stays within what there is to show', () => {
  const cases = [
    { deltas: [1, 1, 1], max: 2, scroll: 2 },
    { deltas: [-1], max: 5, scroll: 0 },
    { deltas: [1, 1, -1], max: 5, scroll: 1 },
    { deltas: [1], max: -3, scroll: 0 },
  ];
  for (const c of cases) {
    const help = reduce(
      baseState(),
      { type: 'openHelp' },
      ...c.deltas.map((delta) => ({ type: 'helpScroll' as const, delta, max: c.max })),
    );
    assert.equal(help.overlay.kind === 'help' && help.overlay.scroll, c.scroll, `help ${c.deltas}`);
    const details = reduce(
      baseState(),
      session(started(1)),
      { type: 'openDetails' },
      ...c.deltas.map((delta) => ({ type: 'detailsScroll' as const, delta, max: c.max })),
    );
    assert.equal(details.overlay.kind === 'details' && details.overlay.scroll, c.scroll, `details ${c.deltas}`);
  }
});
