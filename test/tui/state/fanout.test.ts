/** Fan-out in the app state: child rows under an op's row, the selection over them, their details. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../../src/events.js';
import type { OpInput } from '../../../src/ops/types.js';
import { eventCells } from '../../../src/tui/event-cells.js';
import { childRowsOf, functionOfLogGroup, routesFor } from '../../../src/tui/state/fanout.js';
import { detailsOf } from '../../../src/tui/state/selectors.js';
import { rowKey, type AppState, type ChildRow, type OpRow, type Row } from '../../../src/tui/state/types.js';
import { foldOpEvents } from '../../../src/op-state.js';
import { chainDiscovery, fanoutStarted, matchedFn, SNS_CHAIN, snsRoute } from '../fanout-fixtures.js';
import { acked, baseState, reduce, session } from '../helpers.js';

const discovered: SessionEvent = { type: 'Discovered', discovery: chainDiscovery() };

/** Each row as `#1 acked 1/2`, `fn-resize matched`, for whole-table assertions. */
function table(state: AppState): string[] {
  return state.rows.map((row: Row) => {
    const cells = eventCells(row, state.invocations);
    return row.kind === 'child' ? `${cells.op} ${cells.key} ${cells.status}` : `#${cells.num} ${cells.status}`;
  });
}

test('routesFor: the chain routes an operation’s event takes (event names, key filters, bucket)', () => {
  const put: OpInput = { kind: 'put', bucket: 'test-bucket', file: '/tmp/demo/photo.jpg' };
  const del: OpInput = { kind: 'delete', bucket: 'test-bucket', key: 'photo.jpg' };
  const eventbridge = { hops: [{ kind: 'eventbridge' as const, rule: 'r', bus: 'default' }], function: 'fn-eb', eventPattern: '{}' };
  const chain = {
    routes: [
      snsRoute('fn-any'),
      snsRoute('fn-jpg', { filterRules: [{ Name: 'suffix', Value: '.jpg' }] }),
      snsRoute('fn-png', { filterRules: [{ Name: 'Suffix', Value: '.png' }] }),
      snsRoute('fn-removed', { events: ['s3:ObjectRemoved:*'] }),
      eventbridge,
    ],
    unfollowed: [],
    summary: 's',
  };
  const cases: { name: string; input: OpInput; discovery?: ReturnType<typeof chainDiscovery>; want: string[] }[] = [
    { name: 'put: created routes, the suffix filter on the file name', input: put, want: ['fn-any', 'fn-jpg', 'fn-eb'] },
    { name: 'delete: removed routes and EventBridge', input: del, want: ['fn-removed', 'fn-eb'] },
    { name: 'another bucket: none', input: { ...put, bucket: 'elsewhere' }, want: [] },
    { name: 'no chain: none', input: put, discovery: { ...chainDiscovery(chain), chain: undefined }, want: [] },
  ];
  for (const c of cases) {
    const routes = routesFor(c.input, 'discovery' in c ? c.discovery : chainDiscovery(chain));
    assert.deepEqual(
      routes.map((r) => r.function),
      c.want,
      c.name,
    );
  }
  assert.equal(functionOfLogGroup('/aws/lambda/fn-resize'), 'fn-resize');
  assert.equal(functionOfLogGroup('custom-group'), 'custom-group');
});

test('childRowsOf: one row per function, waiting until matched, did-not-run once settled without it', () => {
  const routes = SNS_CHAIN.routes;
  const cases: { name: string; events: SessionEvent[]; want: string[] }[] = [
    { name: 'started', events: [fanoutStarted(1)], want: ['fn-resize waiting', 'fn-index waiting'] },
    {
      name: 'one matched',
      events: [fanoutStarted(1), acked(1), matchedFn(1, 'fn-index')],
      want: ['fn-resize waiting', 'fn-index matched'],
    },
    {
      name: 'both matched',
      events: [fanoutStarted(1), acked(1), matchedFn(1, 'fn-index'), matchedFn(1, 'fn-resize')],
      want: ['fn-resize matched', 'fn-index matched'],
    },
    {
      name: 'settled without one',
      events: [fanoutStarted(1), acked(1), matchedFn(1, 'fn-index'), { type: 'MatchTimeout', opId: 1 }],
      want: ['fn-resize did-not-run', 'fn-index matched'],
    },
    {
      name: 'settled without both',
      events: [fanoutStarted(1), acked(1), { type: 'MatchTimeout', opId: 1 }],
      want: ['fn-resize did-not-run', 'fn-index did-not-run'],
    },
    {
      name: 'lambda error on one',
      events: [fanoutStarted(1), acked(1), matchedFn(1, 'fn-index', 'r1', { status: 'timed-out' }), matchedFn(1, 'fn-resize')],
      want: ['fn-resize matched', 'fn-index lambda-failed'],
    },
    {
      name: 'a function no route named is added after the chain’s',
      events: [fanoutStarted(1, undefined, 3), acked(1), matchedFn(1, 'fn-other')],
      want: ['fn-resize waiting', 'fn-index waiting', 'fn-other matched'],
    },
    {
      name: 'the engine awaits one: placeholders go once it matched (a rule pattern left the other out)',
      events: [fanoutStarted(1, undefined, 1), acked(1), matchedFn(1, 'fn-index')],
      want: [],
    },
    {
      name: 'the engine names the functions it awaits: their order, and no row for a route it does not await',
      events: [fanoutStarted(1, ['fn-index', 'fn-thumbs']), acked(1)],
      want: ['fn-index waiting', 'fn-thumbs waiting'],
    },
    {
      name: 'a function run twice counts once: the other is still awaited',
      events: [fanoutStarted(1), acked(1), matchedFn(1, 'fn-index', 'a'), matchedFn(1, 'fn-index', 'b')],
      want: ['fn-resize waiting', 'fn-index matched', 'fn-index matched'],
    },
    {
      name: 'the S3 request failed: no placeholders',
      events: [
        fanoutStarted(1),
        {
          type: 'OpFailed',
          opId: 1,
          result: { opId: 1, op: 'put', bucket: 'test-bucket', key: 'k', startedAt: 1, error: { code: 'X', message: 'x' } },
        },
      ],
      want: [],
    },
  ];
  for (const c of cases) {
    const op = foldOpEvents({}, c.events)[1]!;
    const rows = childRowsOf(op, routes);
    assert.deepEqual(
      rows.map((r) => `${r.function} ${r.status}`),
      c.want,
      c.name,
    );
    if (rows.length)
      assert.deepEqual(
        rows.map((r) => r.last),
        [...rows.map(() => false).slice(1), true],
        `${c.name}: last`,
      );
  }
});

test('an SNS fan-out: one child row per function under the op’s row, then both matched, or one missing after settle', () => {
  const state = reduce(baseState(), session(discovered, fanoutStarted(1), acked(1), matchedFn(1, 'fn-resize')));
  assert.deepEqual(table(state), ['#1 acked 1/2', '├─ λ fn-resize matched', '└─ λ fn-index waiting…']);
  const child = state.rows[1] as ChildRow;
  assert.equal(eventCells(child, state.invocations).trigger, '20ms');
  assert.equal(eventCells(child, state.invocations).cold, 'cold');
  // The parent's figures are its functions': none on its own row.
  assert.equal(eventCells(state.rows[0]!, state.invocations).trigger, '');

  const both = reduce(state, session(matchedFn(1, 'fn-index')));
  assert.deepEqual(table(both), ['#1 matched', '├─ λ fn-resize matched', '└─ λ fn-index matched']);
  assert.equal((both.rows[0] as OpRow).status, 'matched');

  const missing = reduce(state, session({ type: 'MatchTimeout', opId: 1 }));
  assert.deepEqual(table(missing), ['#1 1/2 matched', '├─ λ fn-resize matched', '└─ λ fn-index did not run']);
  assert.equal((missing.rows[0] as OpRow).status, 'no-match', 'the engine’s verdict: short of a function');
  assert.equal(eventCells(missing.rows[2]!, missing.invocations).tone, 'no-match');

  // A late match still turns the missing function matched.
  const late = reduce(missing, session(matchedFn(1, 'fn-index')));
  assert.deepEqual(table(late), ['#1 matched', '├─ λ fn-resize matched', '└─ λ fn-index matched']);
});

test('a single function through the chain keeps the one-row view', () => {
  const chain = { ...SNS_CHAIN, routes: [snsRoute('fn-resize')], summary: 'test-bucket → SNS uploads → fn-resize' };
  const state = reduce(
    baseState(),
    session({ type: 'Discovered', discovery: chainDiscovery(chain) }, fanoutStarted(1, undefined, 1), acked(1), matchedFn(1, 'fn-resize')),
  );
  assert.equal(state.rows.length, 1);
  const row = state.rows[0] as OpRow;
  assert.equal(row.fanout, undefined);
  assert.deepEqual(eventCells(row, state.invocations), {
    num: '1',
    op: 'PUT',
    key: 'test.txt',
    size: '29 B',
    status: 'matched',
    trigger: '20ms',
    duration: '3.2ms',
    cold: 'cold',
    match: 'key',
    tone: 'matched',
  });
});

test('the selection moves over ops and child rows, stays on its row when children appear above, follows new ops', () => {
  let state = reduce(baseState(), session(discovered, fanoutStarted(1), acked(1)));
  // The new op's row is selected, its children under it.
  assert.deepEqual(state.rows.map(rowKey), ['op:1', 'fn:1:fn-resize:0', 'fn:1:fn-index:0']);
  assert.equal(state.selected, 0);
  state = reduce(state, { type: 'eventsMove', delta: 2 });
  assert.equal(rowKey(state.rows[state.selected]!), 'fn:1:fn-index:0');
  // On the last op's child row, the selection follows the next op.
  state = reduce(state, session(fanoutStarted(2), acked(2)));
  assert.equal(rowKey(state.rows[state.selected]!), 'op:2');
  state = reduce(state, { type: 'eventsMove', delta: 1 });
  assert.equal(rowKey(state.rows[state.selected]!), 'fn:2:fn-resize:0');
  // A match under op 1 rebuilds its rows: the selection stays on op 2's child.
  state = reduce(state, session(matchedFn(1, 'fn-resize'), matchedFn(1, 'fn-index')));
  assert.equal(rowKey(state.rows[state.selected]!), 'fn:2:fn-resize:0');
  // An invocation of a function twice (retried by its own subscription) gets a row of its own.
  state = reduce(state, session(matchedFn(1, 'fn-index', 'second')));
  assert.deepEqual(state.rows.slice(0, 4).map(rowKey), ['op:1', 'fn:1:fn-resize:0', 'fn:1:fn-index:0', 'fn:1:fn-index:1']);
  assert.equal(rowKey(state.rows[state.selected]!), 'fn:2:fn-resize:0');
});

test('the events window counts child rows: the selection stays in view', () => {
  // 80×29: four event rows (the ops pane has a line per operation kind); three fan-out ops are nine rows.
  let state = reduce(
    baseState({ size: { columns: 80, rows: 29 } }),
    session(discovered, ...[1, 2, 3].flatMap((n) => [fanoutStarted(n), acked(n)])),
  );
  assert.equal(state.rows.length, 9);
  assert.equal(rowKey(state.rows[state.selected]!), 'op:3');
  assert.equal(state.selected, 6);
  assert.equal(state.eventsOffset, 3, 'op 3’s row in the window');
  state = reduce(state, { type: 'eventsJump', to: 'bottom' });
  assert.equal(state.selected, 8);
  assert.equal(state.eventsOffset, 5);
  state = reduce(state, { type: 'eventsJump', to: 'top' }, { type: 'eventsMove', delta: 5 });
  assert.equal(state.eventsOffset, 2);
  // Children appearing under op 1 (above the window) keep the selected row selected and in view.
  const selectedKey = rowKey(state.rows[state.selected]!);
  state = reduce(state, session(matchedFn(1, 'fn-index', 'extra-1'), matchedFn(1, 'fn-index', 'extra-2'), matchedFn(1, 'fn-resize')));
  assert.equal(rowKey(state.rows[state.selected]!), selectedKey);
  assert.ok(state.selected >= state.eventsOffset && state.selected < state.eventsOffset + 4);
});

test('x clears a finished fan-out with its child rows; one still waiting stays', () => {
  let state = reduce(baseState(), session(discovered, fanoutStarted(1), acked(1), fanoutStarted(2), acked(2)));
  state = reduce(state, session(matchedFn(1, 'fn-resize'), matchedFn(1, 'fn-index'), matchedFn(2, 'fn-index')));
  state = reduce(state, { type: 'clearFinished' });
  assert.deepEqual(table(state), ['#2 acked 1/2', '├─ λ fn-resize waiting…', '└─ λ fn-index matched']);
});

test('Enter on a child row opens that invocation’s details, with its route and per-hop latency', () => {
  let state = reduce(baseState(), session(discovered, fanoutStarted(1), acked(1), matchedFn(1, 'fn-resize', 'req-resize')));
  state = reduce(state, { type: 'eventsMove', delta: 1 }, { type: 'openDetails' });
  assert.deepEqual(state.overlay, { kind: 'details', rowKey: 'fn:1:fn-resize:0', scroll: 0 });
  const text = detailsOf(state, 'fn:1:fn-resize:0')!.map((l) => l.text);
  for (const needle of [
    '#1 PUT → λ fn-resize: matched, matched by key',
    'key           test.txt',
    'request id    S3REQ',
    'test-bucket → SNS uploads → fn-resize',
    'request id    req-resize (succeeded)',
    'log           /aws/lambda/fn-resize',
    'per hop       S3 ack → SNS  12ms  (this machine → SNS)',
    '              SNS → Lambda START  8ms  (SNS → Lambda)',
    'trigger       20ms',
  ]) {
    assert.ok(
      text.some((t) => t.includes(needle)),
      `${needle}\n${text.join('\n')}`,
    );
  }
  // The waiting function's details say so; the op's own list its functions.
  const waiting = detailsOf(state, 'fn:1:fn-index:0')!.map((l) => l.text);
  assert.ok(waiting.includes('waiting for fn-index: no invocation matched yet'), waiting.join('\n'));
  assert.ok(waiting.includes('test-bucket → SNS uploads → fn-index'));
  const op = detailsOf(state, 'op:1')!.map((l) => l.text);
  assert.ok(op.includes('Functions'));
  assert.ok(
    op.some((t) => /├─ fn-resize\s+matched\s+trigger 20ms {2}λ 3\.2ms {2}cold/.test(t)),
    op.join('\n'),
  );
  assert.ok(op.some((t) => /└─ fn-index\s+waiting…/.test(t)));
  assert.ok(!op.includes('Invocation'), 'a fan-out’s invocations are its functions’');
  // Settled without fn-index: its details say it did not run.
  const settled = reduce(state, session({ type: 'MatchTimeout', opId: 1 }));
  assert.ok(
    detailsOf(settled, 'fn:1:fn-index:0')!.some((l) => l.text.startsWith('did not run: no invocation of fn-index') && l.style === 'error'),
  );
});
