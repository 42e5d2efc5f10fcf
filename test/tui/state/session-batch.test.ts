/** The session reducer folds a batch into private copies: the state it was given stays as it was (pure). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../../src/events.js';
import type { Invocation } from '../../../src/observe/types.js';
import type { AppState } from '../../../src/tui/state/types.js';
import { logLine } from '../fake-session.js';
import { acked, baseState, reduce, session, started } from '../helpers.js';

const invocation = (requestId: string, status: Invocation['status']): Invocation => ({
  requestId,
  logGroup: '/aws/lambda/f',
  logStream: 's',
  status,
  lines: [logLine(`START RequestId: ${requestId} Version: $LATEST`, 'start', { requestId })],
  firstSeenAt: 1,
});
const matched = (opId: number, requestId: string): SessionEvent => ({
  type: 'Matched',
  opId,
  invocation: invocation(requestId, 'running'),
  confidence: 'key',
  latency: { coldStart: false },
});
const statuses = (s: AppState) => s.rows.map((r) => (r.kind === 'op' ? `${r.opId}:${r.status}` : r.kind));

test('a batch leaves the state it was given untouched, and an update in the same batch reaches the op it matched', () => {
  const before = reduce(baseState(), session(started(1), acked(1, 'a.txt'), matched(1, 'r1')));
  const frozen = JSON.stringify(before);
  const after = reduce(
    before,
    session(
      started(2),
      acked(2, 'b.txt'),
      matched(2, 'r2'),
      { type: 'InvocationUpdated', invocation: invocation('r2', 'failed') },
      { type: 'InvocationUpdated', invocation: invocation('r1', 'failed') },
      { type: 'InvocationUpdated', invocation: invocation('foreign', 'succeeded') },
    ),
  );
  assert.equal(JSON.stringify(before), frozen, 'the input state is not written');
  assert.notEqual(after.ops, before.ops);
  assert.deepEqual(statuses(before), ['1:matched']);
  assert.deepEqual(statuses(after), ['1:lambda-failed', '2:lambda-failed']);
  assert.equal(before.ops[2], undefined);
  assert.equal(after.invocations.r1?.status, 'failed');
  assert.equal(before.invocations.r1?.status, 'running');
});

test('one invocation matched by two ops (a duplicate) updates both rows', () => {
  const state = reduce(
    baseState(),
    session(started(1), acked(1), matched(1, 'r1')),
    session(started(2), acked(2), matched(2, 'r1')),
    session({ type: 'InvocationUpdated', invocation: invocation('r1', 'timed-out') }),
  );
  assert.deepEqual(statuses(state), ['1:lambda-failed', '2:lambda-failed']);
});
