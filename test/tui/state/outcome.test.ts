/** A Lambda that errors or times out is a failed match: its own row status, label and details. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpStatus } from '../../../src/op-state.js';
import type { Invocation } from '../../../src/observe/types.js';
import { lambdaErrorLines, detailLines } from '../../../src/tui/details.js';
import { eventCells } from '../../../src/tui/event-cells.js';
import { statusText } from '../../../src/tui/format.js';
import { rowOf } from '../../../src/tui/state/session-reducer.js';
import type { OpRow } from '../../../src/tui/state/types.js';
import { logLine } from '../fake-session.js';
import { acked, baseState, putInput, reduce, session, started } from '../helpers.js';

function invocation(
  status: Invocation['status'],
  lines = [logLine('START RequestId: r1 Version: $LATEST', 'start', { requestId: 'r1' })],
): Invocation {
  return { requestId: 'r1', logGroup: '/aws/lambda/f', logStream: 's', status, lines, firstSeenAt: 1 };
}

const opState = (status: OpStatus, inv = invocation('succeeded')) => ({
  opId: 1,
  input: putInput,
  startedAt: 1,
  status,
  warnings: [],
  matches:
    status === 'matched' || status === 'lambda-failed'
      ? [{ requestId: 'r1', logGroup: '/aws/lambda/f', confidence: 'key' as const, latency: { coldStart: false }, invocation: inv }]
      : [],
  expectedMatches: 1,
  awaitsInvocation: true,
  settled: true,
});

test('every fold status has its own row status; a failed Lambda is not "matched"', () => {
  const cases: [OpStatus, OpRow['status']][] = [
    ['pending', 'sending'],
    ['sending', 'sending'],
    ['acked', 'acked'],
    ['matched', 'matched'],
    ['lambda-failed', 'lambda-failed'],
    ['no-match', 'no-match'],
    ['failed', 'failed'],
    ['cancelled', 'failed'],
    ['skipped', 'failed'],
  ];
  for (const [status, row] of cases) assert.equal(rowOf(opState(status)).status, row, status);
});

test('the lambda-failed label is a word (NO_COLOR-safe) and says error or timeout', () => {
  const cases: [Invocation['status'], string][] = [
    ['failed', 'lambda error'],
    ['timed-out', 'lambda timeout'],
  ];
  for (const [status, label] of cases) {
    const row = rowOf(opState('lambda-failed', invocation(status)));
    assert.equal(statusText(row), label, status);
    const cells = eventCells(row, {});
    assert.equal(cells.status, label);
    assert.equal(cells.tone, 'lambda-failed');
  }
});

test('a row leaves room for retry attempts: ×N after the status once the engine reports more than one', () => {
  const row = rowOf(opState('lambda-failed', invocation('failed')));
  assert.equal(statusText({ ...row, attempts: 3 }), 'lambda error ×3');
  assert.equal(statusText({ ...row, attempts: 1 }), 'lambda error');
  assert.equal(statusText({ ...rowOf(opState('matched')), attempts: 2 }), 'matched ×2');
});

test('a Lambda failure arriving after the match turns the row; x clears it as finished', () => {
  const failing = invocation('failed');
  let state = reduce(
    baseState(),
    session(started(1), acked(1), {
      type: 'Matched',
      opId: 1,
      invocation: invocation('running'),
      confidence: 'key',
      latency: { coldStart: false },
    }),
  );
  assert.equal(state.rows[0]?.kind === 'op' && state.rows[0].status, 'matched');
  state = reduce(state, session({ type: 'InvocationUpdated', invocation: failing }));
  assert.equal(state.rows[0]?.kind === 'op' && state.rows[0].status, 'lambda-failed');
  assert.equal(reduce(state, { type: 'clearFinished' }).rows.length, 0);
});

test('details of a failed Lambda: its error lines (ERROR, errorType, traceback, Task timed out) under their own title', () => {
  const lines = [
    logLine('START RequestId: r1 Version: $LATEST', 'start', { requestId: 'r1' }),
    logLine('2026-11-22T09:41:24.000Z\tr1\tINFO\tprocessing test.txt', 'app', { requestId: 'r1' }),
    logLine(
      '2026-11-22T09:41:24.001Z\tr1\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom","stack":["Error: boom","    at handler (/var/task/index.js:3:9)"]}',
      'error',
      { requestId: 'r1' },
    ),
    logLine(
      '[ERROR] ValueError: bad key\rTraceback (most recent call last):\r  File "/var/task/handler.py", line 4, in handler\r    raise ValueError("bad key")',
      'error',
      { requestId: 'r1' },
    ),
    logLine('2026-11-22T09:41:27.000Z r1 Task timed out after 3.00 seconds', 'timeout', { requestId: 'r1' }),
    logLine('END RequestId: r1', 'end', { requestId: 'r1' }),
  ];
  const inv = invocation('failed', lines);
  const errors = lambdaErrorLines(inv);
  // node's Invoke Error object, as a reader wants it: errorType: errorMessage, then the stack.
  assert.equal(errors[0], 'Error: boom', errors.join('\n'));
  assert.equal(errors[1], '    at handler (/var/task/index.js:3:9)');
  assert.ok(errors.includes('ERROR [ERROR] ValueError: bad key') || errors.includes('[ERROR] ValueError: bad key'), errors.join('\n'));
  assert.ok(errors.includes('Traceback (most recent call last):'), errors.join('\n'));
  assert.ok(errors.includes('    raise ValueError("bad key")'), errors.join('\n'));
  assert.ok(errors.some((l) => l.includes('Task timed out after 3.00 seconds')));
  assert.ok(!errors.some((l) => l.includes('processing test.txt')), 'INFO lines are not error lines');

  const row = { ...rowOf(opState('lambda-failed', inv)) };
  const details = detailLines(row, { r1: inv });
  const at = details.findIndex((l) => l.text === 'Lambda error');
  assert.ok(at > 0, details.map((l) => l.text).join('\n'));
  assert.equal(details[at + 1]?.style, 'error');
  assert.match(details[0]!.text, /lambda error/);
  // Log lines: each \r-joined part is its own line.
  assert.ok(details.some((l) => l.style === 'log' && l.text === 'Traceback (most recent call last):'));
});
