import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogStore } from '../../../src/tui/state/log-store.js';
import { belongsTo, lineMatches, visibleLog } from '../../../src/tui/state/log-view.js';
import { logLine } from '../fake-session.js';

test('lines are batched: nothing is visible until the flush, then one notification', async () => {
  const store = new LogStore({ capacity: 100, flushMs: 10 });
  let notified = 0;
  store.subscribe(() => notified++);
  for (let i = 0; i < 5; i++) store.push(logLine(`l${i}`, 'app'));
  assert.equal(store.getSnapshot().lines.length, 0);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(notified, 1);
  assert.deepEqual(
    store.getSnapshot().lines.map((l) => l.line.message),
    ['l0', 'l1', 'l2', 'l3', 'l4'],
  );
  store.dispose();
});

test('the buffer keeps the newest lines and counts the dropped ones', () => {
  const store = new LogStore({ capacity: 3, flushMs: 1000 });
  for (let i = 1; i <= 10; i++) store.push(logLine(`l${i}`, 'app'));
  store.flush();
  const snap = store.getSnapshot();
  assert.deepEqual(
    snap.lines.map((l) => l.line.message),
    ['l8', 'l9', 'l10'],
  );
  assert.equal(snap.dropped, 7);
  assert.equal(snap.received, 10);
  assert.equal(snap.latestSeq, 10);
  store.dispose();
});

test('a snapshot is stable until the next flush', () => {
  const store = new LogStore({ capacity: 10, flushMs: 1000 });
  store.push(logLine('a', 'app'));
  store.flush();
  const first = store.getSnapshot();
  assert.equal(store.getSnapshot(), first);
  store.flush();
  assert.equal(store.getSnapshot(), first);
  store.push(logLine('b', 'app'));
  store.flush();
  assert.notEqual(store.getSnapshot(), first);
  store.dispose();
});

test('multi-line messages become one stored line per text line', () => {
  const store = new LogStore({ flushMs: 1000 });
  store.push(logLine('one\ntwo\r\nthree\n', 'app'));
  store.push(logLine('single\n', 'app'));
  store.flush();
  assert.deepEqual(
    store.getSnapshot().lines.map((l) => l.line.message),
    ['one', 'two', 'three', 'single'],
  );
  store.dispose();
});

test('visible window: follow, anchor, back, filter', () => {
  const store = new LogStore({ flushMs: 1000 });
  for (let i = 1; i <= 20; i++) store.push(logLine(i % 2 ? `odd ${i}` : `even ${i}`, 'app'));
  store.flush();
  const lines = store.getSnapshot().lines;
  const msgs = (v: Parameters<typeof visibleLog>[1], h: number) => visibleLog(lines, v, h).lines.map((l) => l.line.message);
  const cases = [
    { name: 'follow', view: { follow: true, filter: '', back: 0 }, h: 3, expect: ['even 18', 'odd 19', 'even 20'] },
    { name: 'anchored', view: { follow: false, filter: '', back: 0, anchorSeq: 10 }, h: 2, expect: ['odd 9', 'even 10'] },
    { name: 'anchored and back', view: { follow: false, filter: '', back: 3, anchorSeq: 10 }, h: 2, expect: ['even 6', 'odd 7'] },
    { name: 'filtered', view: { follow: true, filter: 'ODD', back: 0 }, h: 2, expect: ['odd 17', 'odd 19'] },
    { name: 'filtered and back', view: { follow: false, filter: 'odd', back: 1, anchorSeq: 20 }, h: 2, expect: ['odd 15', 'odd 17'] },
  ];
  for (const c of cases) assert.deepEqual(msgs(c.view, c.h), c.expect, c.name);
  assert.equal(visibleLog(lines, { follow: true, filter: 'odd', back: 0 }, 4).maxBack, 6);
  store.dispose();
});

test('line matching and invocation membership', () => {
  assert.equal(lineMatches(logLine('Hello World', 'app'), 'world'), true);
  assert.equal(lineMatches(logLine('Hello', 'app'), 'zzz'), false);
  assert.equal(belongsTo(logLine('x', 'app', { requestId: 'r1' }), 'r1'), true);
  assert.equal(belongsTo(logLine('START RequestId: r1 Version: $LATEST', 'start'), 'r1'), true);
  assert.equal(belongsTo(logLine('x', 'app', { requestId: 'r2' }), 'r1'), false);
  assert.equal(belongsTo(logLine('x', 'app'), undefined), false);
});
