import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../src/events.js';
import type { Invocation } from '../src/observe/types.js';
import type { OpResult } from '../src/ops/types.js';
import { foldOpEvents, hasAllMatches, missingFunctions, type OpStatus } from '../src/op-state.js';

const input = { kind: 'put', bucket: 'b', file: 'f.txt', key: 'k' } as const;
const started = (awaitsInvocation = true): SessionEvent => ({
  type: 'OpStarted',
  opId: 1,
  input,
  startedAt: 100,
  warnings: [],
  awaitsInvocation,
});
const result: OpResult = { opId: 1, op: 'put', bucket: 'b', key: 'k', startedAt: 100, ackedAt: 110, requestId: 'S3REQ' };
const acked: SessionEvent = { type: 'OpAcked', opId: 1, result };
const failedOp = (code: string): SessionEvent => ({ type: 'OpFailed', opId: 1, result: { ...result, error: { code, message: code } } });
const inv = (requestId: string, status: Invocation['status'] = 'succeeded', startedAt = 150): Invocation => ({
  requestId,
  logGroup: '/aws/lambda/f',
  logStream: 's',
  startedAt,
  reportedAt: startedAt + 20,
  status,
  lines: [],
  firstSeenAt: startedAt,
});
const matched = (i: Invocation): SessionEvent => ({
  type: 'Matched',
  opId: 1,
  invocation: i,
  confidence: 'key',
  latency: { coldStart: false },
});
const timeout: SessionEvent = { type: 'MatchTimeout', opId: 1 };

test('the fold: one status vocabulary, settled once the outcome is known', () => {
  const cases: { name: string; events: SessionEvent[]; status: OpStatus; settled: boolean }[] = [
    { name: 'started', events: [started()], status: 'sending', settled: false },
    { name: 'acked, awaiting', events: [started(), acked], status: 'acked', settled: false },
    { name: 'acked, nothing awaited', events: [started(false), acked], status: 'acked', settled: true },
    { name: 'matched', events: [started(), acked, matched(inv('r1'))], status: 'matched', settled: true },
    { name: 'matched before the ack settles at the ack', events: [started(), matched(inv('r1'))], status: 'sending', settled: false },
    { name: 'ack after match', events: [started(), matched(inv('r1')), acked], status: 'matched', settled: true },
    { name: 'lambda error', events: [started(), acked, matched(inv('r1', 'failed'))], status: 'lambda-failed', settled: true },
    { name: 'lambda timeout', events: [started(), acked, matched(inv('r1', 'timed-out'))], status: 'lambda-failed', settled: true },
    { name: 'no match', events: [started(), acked, timeout], status: 'no-match', settled: true },
    { name: 'a late match beats no-match', events: [started(), acked, timeout, matched(inv('r1'))], status: 'matched', settled: true },
    { name: 'S3 failure', events: [started(), failedOp('NoSuchBucket')], status: 'failed', settled: true },
    { name: 'a timeout does not undo a failure', events: [started(), failedOp('NoSuchBucket'), timeout], status: 'failed', settled: true },
    {
      name: 'a match does not undo a failure',
      events: [started(), failedOp('AccessDenied'), matched(inv('r1'))],
      status: 'failed',
      settled: true,
    },
    { name: 'aborted', events: [started(), failedOp('Aborted')], status: 'cancelled', settled: true },
    { name: 'skipped', events: [started(false), { type: 'OpSkipped', opId: 1 }], status: 'skipped', settled: true },
    {
      name: 'the invocation fails after the match',
      events: [started(), acked, matched(inv('r1', 'running')), { type: 'InvocationUpdated', invocation: inv('r1', 'failed') }],
      status: 'lambda-failed',
      settled: true,
    },
    {
      name: 'a retry (same RequestId) succeeds after the failed first attempt: the last attempt decides',
      events: [started(), acked, matched(inv('r1', 'failed')), { type: 'InvocationUpdated', invocation: inv('r1', 'succeeded', 60_150) }],
      status: 'matched',
      settled: true,
    },
  ];
  for (const c of cases) {
    const op = foldOpEvents({}, c.events)[1];
    assert.equal(op?.status, c.status, c.name);
    assert.equal(op?.settled, c.settled, c.name);
  }
});

test('the fold keeps every match (fan-out) once, and figures follow the ack and the latest invocation', () => {
  const second = { ...inv('r2', 'succeeded', 160), logGroup: '/aws/lambda/g' };
  const states = foldOpEvents({}, [started(), matched(inv('r1')), acked, matched(inv('r1')), matched(second)]);
  const op = states[1]!;
  assert.deepEqual(
    op.matches.map((m) => m.requestId),
    ['r1', 'r2'],
  );
  assert.equal(op.matches[0]?.latency.triggerMs, 40, 'START 150 - ack 110, computed at the ack');
  const updated = foldOpEvents(states, [
    { type: 'InvocationUpdated', invocation: { ...inv('r2', 'succeeded', 160), reportedAt: 400 } },
  ])[1]!;
  assert.equal(updated.matches[1]?.latency.endToEndMs, 290);
  assert.equal(updated.matches[1]?.invocation.reportedAt, 400);
});

test('events of unknown ops and of no op leave the fold unchanged', () => {
  const states = foldOpEvents({}, [started()]);
  for (const e of [
    { type: 'OpAcked', opId: 9, result } as SessionEvent,
    { type: 'Warning', message: 'w' } as SessionEvent,
    { type: 'InvocationUpdated', invocation: inv('nobody') } as SessionEvent,
  ]) {
    assert.equal(foldOpEvents(states, [e]), states, e.type);
  }
});

test('a second Matched for the same invocation upgrades its confidence and snapshot, and keeps one match', () => {
  const better = (i: Invocation): SessionEvent => ({
    type: 'Matched',
    opId: 1,
    invocation: i,
    confidence: 'request-id',
    latency: { coldStart: false },
  });
  const cases: { name: string; events: SessionEvent[]; confidence: string; status: OpStatus }[] = [
    {
      name: 'key, then request-id after the ack',
      events: [started(), acked, matched(inv('r1')), better(inv('r1'))],
      confidence: 'request-id',
      status: 'matched',
    },
    {
      name: 'key before the ack, request-id after it',
      events: [started(), matched(inv('r1')), acked, better(inv('r1'))],
      confidence: 'request-id',
      status: 'matched',
    },
    {
      name: 'request-id, then a late no-match timeout',
      events: [started(), acked, matched(inv('r1')), better(inv('r1')), timeout],
      confidence: 'request-id',
      status: 'matched',
    },
    {
      name: 'an upgrade keeps a failed Lambda failed',
      events: [started(), acked, matched(inv('r1', 'failed')), better(inv('r1', 'failed'))],
      confidence: 'request-id',
      status: 'lambda-failed',
    },
  ];
  for (const c of cases) {
    const op = foldOpEvents({}, c.events)[1]!;
    assert.deepEqual(
      op.matches.map((m) => [m.requestId, m.confidence]),
      [['r1', c.confidence]],
      c.name,
    );
    assert.equal(op.status, c.status, c.name);
    assert.equal(op.matches[0]?.latency.triggerMs, 40, `${c.name}: figures from the ack`);
  }
});

test('fan-out: the op settles once every expected function ran; short of one at the timeout it is no-match naming it', () => {
  const fanStarted: SessionEvent = {
    type: 'OpStarted',
    opId: 1,
    input,
    startedAt: 100,
    warnings: [],
    expectedMatches: 2,
    expectedFunctions: ['fn-a', 'fn-b'],
  };
  const from = (fn: string, requestId: string, status: Invocation['status'] = 'succeeded') =>
    matched({ ...inv(requestId, status), logGroup: `/aws/lambda/${fn}` });
  const one = foldOpEvents({}, [fanStarted, acked, from('fn-a', 'r1')])[1]!;
  assert.equal(one.status, 'acked', 'one of two functions: still waiting');
  assert.equal(one.settled, false);
  assert.deepEqual(missingFunctions(one), ['fn-b']);
  const dup = foldOpEvents({}, [fanStarted, acked, from('fn-a', 'r1'), from('fn-a', 'r2')])[1]!;
  assert.equal(dup.settled, false, "a second invocation of fn-a does not stand in for fn-b's");
  const both = foldOpEvents({}, [fanStarted, acked, from('fn-a', 'r1'), from('fn-b', 'r3')])[1]!;
  assert.equal(both.status, 'matched');
  assert.equal(both.settled, true);
  assert.deepEqual(missingFunctions(both), []);
  const short = foldOpEvents({}, [fanStarted, acked, from('fn-a', 'r1'), timeout])[1]!;
  assert.equal(short.status, 'no-match');
  assert.equal(short.settled, true);
  assert.equal(short.matches.length, 1, 'the match that came stays');
  assert.deepEqual(missingFunctions(short), ['fn-b']);
  const late = foldOpEvents({}, [fanStarted, acked, from('fn-a', 'r1'), timeout, from('fn-b', 'r3')])[1]!;
  assert.equal(late.status, 'matched', 'the missing function ran late');
  const failed = foldOpEvents({}, [fanStarted, acked, from('fn-a', 'r1', 'failed'), timeout])[1]!;
  assert.equal(failed.status, 'lambda-failed', 'a failed Lambda ranks above the missing one');
});

test('--expect-invocations without known functions: every match counts', () => {
  const counted: SessionEvent = { type: 'OpStarted', opId: 1, input, startedAt: 100, warnings: [], expectedMatches: 2 };
  assert.equal(foldOpEvents({}, [counted, acked, matched(inv('r1'))])[1]!.settled, false);
  const two = foldOpEvents({}, [counted, acked, matched(inv('r1')), matched(inv('r2'))])[1]!;
  assert.equal(two.status, 'matched');
  assert.equal(hasAllMatches(two, two.matches), true);
});

test('eventsPerFunction: RESTORE on the sandbox settles at its second invocation (Post, then Completed)', () => {
  const inv = (requestId: string, logGroup = '/aws/lambda/fn') =>
    ({ requestId, logGroup, logStream: 's', lines: [], status: 'succeeded', firstSeenAt: 0 }) as never;
  const latency = { coldStart: false } as never;
  const restoreInput = { kind: 'restore', bucket: 'b', key: 'k', days: 1, tier: 'Standard' } as const;
  const result = { opId: 1, op: 'restore', bucket: 'b', key: 'k', startedAt: 0, ackedAt: 1 } as const;
  const posted = foldOpEvents({}, [
    { type: 'OpStarted', opId: 1, input: restoreInput, startedAt: 0, warnings: [], eventsPerFunction: 2 },
    { type: 'OpAcked', opId: 1, result },
    { type: 'Matched', opId: 1, invocation: inv('post'), confidence: 'key', latency },
  ]);
  assert.equal(posted[1]!.status, 'acked', 'the Post alone does not settle it');
  assert.equal(posted[1]!.settled, false);
  const done = foldOpEvents(posted, [{ type: 'Matched', opId: 1, invocation: inv('completed'), confidence: 'key', latency }]);
  assert.equal(done[1]!.status, 'matched');
  assert.equal(done[1]!.settled, true);
  // Fan-out: two functions, each with both events.
  const op = { expectedMatches: 2, expectedFunctions: ['a', 'b'], eventsPerFunction: 2 };
  const m = (id: string, g: string) => ({ requestId: id, logGroup: g }) as never;
  assert.equal(hasAllMatches(op, [m('1', 'a'), m('2', 'a'), m('3', 'b')]), false);
  assert.equal(hasAllMatches(op, [m('1', 'a'), m('2', 'a'), m('3', 'b'), m('4', 'b')]), true);
  assert.equal(hasAllMatches({ expectedMatches: 1 }, [m('1', 'a')]), true, 'default: one');
});
