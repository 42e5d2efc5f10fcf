import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../src/events.js';
import type { Invocation } from '../src/observe/types.js';
import type { OpResult } from '../src/ops/types.js';
import { foldOpEvents, OpBook } from '../src/op-state.js';

const input = { kind: 'put', bucket: 'b', file: 'f.txt', key: 'k' } as const;
const started = (opId: number, extra: Partial<Extract<SessionEvent, { type: 'OpStarted' }>> = {}): SessionEvent => ({
  type: 'OpStarted',
  opId,
  input,
  startedAt: 100 + opId,
  warnings: [],
  ...extra,
});
const result = (opId: number): OpResult => ({
  opId,
  op: 'put',
  bucket: 'b',
  key: `k${opId}`,
  startedAt: 100,
  ackedAt: 110,
  requestId: 'S3REQ',
});
const acked = (opId: number): SessionEvent => ({ type: 'OpAcked', opId, result: result(opId) });
const inv = (requestId: string, status: Invocation['status'] = 'succeeded', logGroup = '/aws/lambda/f'): Invocation => ({
  requestId,
  logGroup,
  logStream: 's',
  startedAt: 150,
  reportedAt: 170,
  status,
  lines: [],
  firstSeenAt: 150,
});
const matched = (opId: number, i: Invocation): SessionEvent => ({
  type: 'Matched',
  opId,
  invocation: i,
  confidence: 'key',
  latency: { coldStart: false },
});
const updated = (i: Invocation): SessionEvent => ({ type: 'InvocationUpdated', invocation: i });

const cases: { name: string; events: SessionEvent[] }[] = [
  { name: 'one op, matched', events: [started(1), acked(1), matched(1, inv('r1'))] },
  {
    name: 'a burst of three, interleaved',
    events: [
      started(1),
      started(2),
      acked(2),
      started(3),
      acked(1),
      matched(2, inv('r2')),
      acked(3),
      matched(1, inv('r1')),
      matched(3, inv('r3')),
    ],
  },
  {
    name: 'an invocation update reaches only the op that matched it',
    events: [
      started(1),
      started(2),
      acked(1),
      acked(2),
      matched(1, inv('r1', 'running')),
      matched(2, inv('r2')),
      updated(inv('r1', 'failed')),
    ],
  },
  {
    name: 'an invocation matched by two ops (one batch) updates both',
    events: [
      started(1),
      started(2),
      acked(1),
      acked(2),
      matched(1, inv('rb', 'running')),
      matched(2, inv('rb', 'running')),
      updated(inv('rb', 'timed-out')),
    ],
  },
  { name: 'an update of an invocation no op matched changes nothing', events: [started(1), acked(1), updated(inv('r9'))] },
  {
    name: 'fan-out: a late function after the timeout',
    events: [
      started(1, { expectedMatches: 2, expectedFunctions: ['a', 'b'] }),
      acked(1),
      matched(1, inv('ra', 'succeeded', '/aws/lambda/a')),
      { type: 'MatchTimeout', opId: 1 },
      matched(1, inv('rb', 'succeeded', '/aws/lambda/b')),
    ],
  },
  {
    name: 'progress, warnings, failure, skip',
    events: [
      started(1),
      { type: 'OpProgress', opId: 1, loaded: 5, total: 10 },
      { type: 'Warning', opId: 1, message: 'w' },
      { type: 'Warning', opId: 1, message: 'w' },
      { type: 'Warning', message: 'not about an op' },
      { type: 'OpFailed', opId: 1, result: { ...result(1), error: { code: 'NoSuchBucket', message: 'x' } } },
      started(2, { awaitsInvocation: false }),
      { type: 'OpSkipped', opId: 2 },
    ],
  },
  { name: 'events about unknown ops', events: [acked(7), matched(7, inv('r7')), { type: 'MatchTimeout', opId: 7 }, updated(inv('r7'))] },
];

for (const c of cases) {
  test(`OpBook folds as foldOpEvents: ${c.name}`, () => {
    const book = new OpBook();
    for (const e of c.events) book.apply(e);
    const states = foldOpEvents({}, c.events);
    assert.deepEqual(Object.fromEntries([...book.values()].map((s) => [s.opId, s])), states);
    assert.deepEqual([...book.ids()], Object.keys(states).map(Number));
  });
}

test('OpBook: a forgotten op takes no more events, and its invocations no longer point at it', () => {
  const book = new OpBook();
  for (const e of [started(1), started(2), acked(1), acked(2), matched(1, inv('r1', 'running')), matched(2, inv('r2', 'running'))])
    book.apply(e);
  book.delete(1);
  book.apply(updated(inv('r1', 'failed')));
  book.apply(updated(inv('r2', 'failed')));
  assert.equal(book.get(1), undefined);
  assert.equal(book.size, 1);
  assert.equal(book.get(2)?.status, 'lambda-failed');
});

test('OpBook: an event that changes nothing keeps the same state object', () => {
  const book = new OpBook();
  book.apply(started(1));
  book.apply({ type: 'Warning', opId: 1, message: 'w' });
  const before = book.get(1);
  book.apply({ type: 'Warning', opId: 1, message: 'w' });
  book.apply({ type: 'OpSettled', opId: 1, state: before! });
  assert.equal(book.get(1), before);
});
