import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeFor, mayBeRetried, outcomeOf, retryRunning, statusOf, type OpOutcome } from '../../src/ci/outcome.js';
import type { OpState, OpStatus } from '../../src/op-state.js';
import type { Invocation } from '../../src/observe/types.js';
import type { OpInput, OpResult } from '../../src/ops/types.js';

const put: OpInput = { kind: 'put', bucket: 'b', file: 'test.txt' };
const ok: OpResult = { opId: 1, op: 'put', bucket: 'b', key: 'test.txt', startedAt: 1000, ackedAt: 1010, requestId: 'REQ' };
const inv = (status: Invocation['status']): Invocation => ({
  requestId: `r-${status}`,
  logGroup: 'g',
  logStream: 's',
  status,
  lines: [],
  firstSeenAt: 1,
});
const match = (status: Invocation['status']) => ({ invocation: inv(status), confidence: 'key' as const, latency: { coldStart: false } });

const by: Record<string, OpOutcome> = {
  acked: { input: put, warnings: [], result: ok },
  matched: { input: put, warnings: [], result: ok, match: match('succeeded') },
  lambdaFailed: { input: put, warnings: [], result: ok, match: match('failed'), lambdaFailed: true },
  noMatch: { input: put, warnings: [], result: ok, timedOut: true },
  expectFailed: { input: put, warnings: [], result: ok, match: match('succeeded'), expect: { pattern: 'x', ok: false } },
  failed: { input: put, warnings: [], result: { ...ok, error: { code: 'NoSuchKey', message: 'gone' } } },
  cancelled: { input: put, warnings: [], cancelled: true },
  skipped: { input: put, warnings: [], skipped: true },
};

for (const [name, want] of [
  ['acked', 'acked'],
  ['matched', 'matched'],
  ['lambdaFailed', 'lambda-failed'],
  ['noMatch', 'no-match'],
  ['expectFailed', 'expect-failed'],
  ['failed', 'failed'],
  ['cancelled', 'cancelled'],
  ['skipped', 'skipped'],
] as const) {
  test(`statusOf: ${name}`, () => assert.equal(statusOf(by[name]!), want));
}

test('statusOf: a Lambda that failed wins over an --expect that did not match (4 > 3)', () => {
  assert.equal(statusOf({ ...by.lambdaFailed!, expect: { pattern: 'x', ok: false } }), 'lambda-failed');
});

// Precedence once anything has fired: 130 > 1 > 4 > 3 > 0 (skipped ops only follow a failure).
for (const [names, interrupted, code] of [
  [[], false, 0],
  [['acked', 'matched'], false, 0],
  [['matched', 'noMatch'], false, 3],
  [['expectFailed'], false, 3],
  [['lambdaFailed'], false, 4],
  [['noMatch', 'lambdaFailed', 'matched'], false, 4],
  [['expectFailed', 'lambdaFailed'], false, 4],
  [['lambdaFailed', 'failed', 'skipped'], false, 1],
  [['matched', 'cancelled'], false, 1],
  [['lambdaFailed', 'failed'], true, 130],
  [['matched'], true, 130],
] as const) {
  test(`exitCodeFor: ${names.join(' + ') || 'nothing'}${interrupted ? ', interrupted' : ''} -> ${code}`, () => {
    assert.equal(
      exitCodeFor(
        names.map((n) => by[n]!),
        interrupted,
      ),
      code,
    );
  });
}

const state = (status: OpStatus, over: Partial<OpState> = {}): OpState => ({
  opId: 1,
  input: put,
  startedAt: 1000,
  status,
  warnings: [],
  matches: [],
  expectedMatches: 1,
  awaitsInvocation: true,
  settled: true,
  ...over,
});

test('outcomeOf: the fold says lambda-failed (fan-out: one of two functions failed) -> exit 4', () => {
  const matches = [match('succeeded'), match('timed-out')].map((m) => ({ ...m, requestId: m.invocation.requestId, logGroup: 'g' }));
  const o = outcomeOf(state('lambda-failed', { result: ok, matches }));
  assert.equal(statusOf(o), 'lambda-failed');
  assert.equal(o.matches?.length, 2);
  assert.equal(exitCodeFor([o], false), 4);
});

test('outcomeOf: skipped and no-match from the fold', () => {
  assert.equal(statusOf(outcomeOf(state('skipped'))), 'skipped');
  assert.equal(statusOf(outcomeOf(state('no-match', { result: ok }))), 'no-match');
  assert.equal(statusOf(outcomeOf(state('acked', { result: ok, settled: false }), true)), 'cancelled');
});

test('outcomeOf: a wait the interrupt cut short (the closed session settles it no-match) is cancelled, with the time waited', () => {
  const cut = outcomeOf(state('no-match', { result: ok }), true, 1010 + 2500);
  assert.equal(statusOf(cut), 'cancelled');
  assert.equal(cut.timedOut, undefined);
  assert.equal(cut.waitedMs, 2500);
  assert.equal(outcomeOf(state('no-match', { result: ok }), false, 1010 + 2500).waitedMs, undefined);
  // A matched op stays matched when the interrupt comes after it.
  assert.equal(
    statusOf(outcomeOf(state('matched', { result: ok, matches: [{ ...match('succeeded'), requestId: 'r', logGroup: 'g' }] }), true)),
    'matched',
  );
});

const attemptsOf = (n: number, status: Invocation['status']) =>
  Array.from({ length: n }, (_, i) => ({ logStream: 's', startedAt: i, status: i === n - 1 ? status : ('failed' as const) }));
for (const [name, status, attempts, want] of [
  ['succeeded', 'succeeded', 1, false],
  ['running', 'running', 1, false],
  ['failed once', 'failed', 1, true],
  ['timed out twice', 'timed-out', 2, true],
  ['failed three times (the first and two retries)', 'failed', 3, false],
] as const) {
  test(`mayBeRetried: ${name}`, () => assert.equal(mayBeRetried({ ...inv(status), attempts: attemptsOf(attempts, status) }), want));
}

for (const [name, status, attempts, want] of [
  ['a first attempt running', 'running', 1, false],
  ['a retry running', 'running', 2, true],
  ['a retry that succeeded', 'succeeded', 2, false],
] as const) {
  test(`retryRunning: ${name}`, () => assert.equal(retryRunning({ ...inv(status), attempts: attemptsOf(attempts, status) }), want));
}
