/**
 * The engine's side of loop detection (observe/recursion.ts): the sandbox's records read back, the op that started a
 * chain, the warning put on it, and the op-state fold of a Warning naming an op. The record shape is the one the
 * sandbox's guard writes (a record from RecursionGuard parses here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loopStoppedWarning, opOfLoop, parseLoopRecord, SANDBOX_RECURSION_LOG_GROUP } from '../../../src/observe/recursion.js';
import { RECURSION_LOG_GROUP, RecursionGuard } from '../../../src/sandbox/lambda/recursion/guard.js';
import { foldOpEvents } from '../../../src/op-state.js';
import { RecordingSink } from './helpers.js';

test('the engine reads the log group the sandbox writes, and every record the guard writes', () => {
  assert.equal(SANDBOX_RECURSION_LOG_GROUP, RECURSION_LOG_GROUP);
  const sink = new RecordingSink();
  const guard = new RecursionGuard({ arnOf: (n) => `arn:fn:${n}`, recursiveLoop: () => 'Terminate', logs: () => sink, log: () => {} });
  const put = (key: string) =>
    JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key } } }] });
  let header: string | undefined;
  for (let i = 0; i < 20; i++) {
    const a = guard.admit('stamp', put(i ? `s-${i}` : 'k.txt'), header, 'async');
    if (!a.ok) break;
    header = a.traceId;
  }
  const records = sink.messages(RECURSION_LOG_GROUP).map(parseLoopRecord);
  assert.deepEqual(
    records.map((r) => [r?.type, r?.functionName, r?.invocations, r?.origin?.key]),
    [
      ['RecursiveInvocationDetected', 'stamp', 1, 'k.txt'],
      ['RecursiveInvocationDropped', 'stamp', 16, 'k.txt'],
    ],
  );
});

test('parseLoopRecord takes only the two record types, whole', () => {
  for (const bad of [
    '',
    'START RequestId: x',
    '{"type":"Other","functionName":"f","traceRoot":"r","invocations":1}',
    '{"type":"RecursiveInvocationDropped"}',
  ]) {
    assert.equal(parseLoopRecord(bad), undefined, bad);
  }
});

test('opOfLoop: the latest op on the origin object; none without an origin or a match', () => {
  const ops = [
    { opId: 1, bucket: 'b', key: 'k.txt', startedAt: 10 },
    { opId: 2, bucket: 'b', key: 'other', startedAt: 20 },
    { opId: 3, bucket: 'b', key: 'k.txt', startedAt: 30 },
    { opId: 4, bucket: 'c', key: 'k.txt', startedAt: 40 },
  ];
  const record = {
    type: 'RecursiveInvocationDropped' as const,
    functionName: 'f',
    recursiveLoop: 'Terminate' as const,
    traceRoot: 'r',
    invocations: 16,
  };
  assert.equal(opOfLoop({ ...record, origin: { bucket: 'b', key: 'k.txt' } }, ops), 3);
  assert.equal(opOfLoop({ ...record, origin: { bucket: 'b', key: 'nope' } }, ops), undefined);
  assert.equal(opOfLoop(record, ops), undefined);
});

test('loopStoppedWarning names the origin, the function, its count and where the next event went', () => {
  const base = {
    type: 'RecursiveInvocationDropped' as const,
    functionName: 'stamp',
    recursiveLoop: 'Terminate' as const,
    traceRoot: 'r',
    invocations: 16,
    origin: { bucket: 'b', key: 'k.txt' },
  };
  assert.equal(
    loopStoppedWarning(base),
    'loop stopped by Lambda recursion detection: the event of s3://b/k.txt started a recursive loop (S3 event -> stamp -> S3 event ...); ' +
      'stamp ran 16 times, then its next event was dropped. Write results to another bucket or add a prefix/suffix filter to the notification.',
  );
  assert.match(
    loopStoppedWarning({ ...base, sentTo: 'OnFailure queue q-failed' }),
    /then its next event went to OnFailure queue q-failed\./,
  );
});

test('op-state: a Warning with an opId lands on that op once; one without stays off the ops', () => {
  const states = foldOpEvents({}, [
    { type: 'OpStarted', opId: 1, input: { kind: 'put', bucket: 'b', key: 'k', file: 'k' } as never, startedAt: 1, warnings: [] },
    { type: 'Warning', message: 'tail trouble' },
    { type: 'Warning', opId: 1, message: 'loop stopped by Lambda recursion detection: …' },
    { type: 'Warning', opId: 1, message: 'loop stopped by Lambda recursion detection: …' },
    { type: 'Warning', opId: 9, message: 'unknown op' },
  ]);
  assert.deepEqual(states[1]!.warnings, ['loop stopped by Lambda recursion detection: …']);
  assert.equal(Object.keys(states).length, 1);
});
