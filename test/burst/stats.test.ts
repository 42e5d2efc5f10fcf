import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distribution, histogram, percentile } from '../../src/burst/percentiles.js';
import { peakByFunction, peakOverlap } from '../../src/burst/concurrency.js';
import { classify, extraDeliveries, type OpFacts } from '../../src/burst/classify.js';
import { burstExitCode, burstStats, missedGates } from '../../src/burst/stats.js';
import type { OpState, OpMatch } from '../../src/op-state.js';
import type { Invocation } from '../../src/observe/types.js';

test('percentile: nearest rank, every value one that was measured', () => {
  const cases: [number[], number, number | undefined][] = [
    [[], 50, undefined],
    [[7], 50, 7],
    [[7], 99, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 75, 3],
    [[1, 2, 3, 4], 76, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 90, 90],
    [Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
    [Array.from({ length: 200 }, (_, i) => i + 1), 99, 198],
    [[5, 10], 100, 10],
  ];
  for (const [sorted, p, want] of cases) assert.equal(percentile(sorted, p), want, `p${p} of ${sorted.length} values`);
});

test('distribution: skips unknown figures, sorts, and is ordered p50 <= p90 <= p99 <= max', () => {
  assert.equal(distribution([]), undefined);
  assert.equal(distribution([undefined, Number.NaN]), undefined);
  assert.deepEqual(distribution([30, undefined, 10, 20]), { count: 3, p50: 20, p90: 30, p99: 30, max: 30 });
  const d = distribution(Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000))!;
  assert.deepEqual(d, { count: 1000, p50: 499, p90: 899, p99: 989, max: 999 });
  assert.ok(d.p50 <= d.p90 && d.p90 <= d.p99 && d.p99 <= d.max);
});

test('histogram: fixed-width buckets, the last takes the rest', () => {
  assert.deepEqual(histogram([0, 5, 10, 15, 99, 1000], 10, 4), [2, 2, 0, 2]);
  assert.deepEqual(histogram([], 10, 3), [0, 0, 0]);
});

test('peakOverlap: the most START…REPORT intervals running at one instant; touching ones do not overlap', () => {
  const cases: [[number, number][], number][] = [
    [[], 0],
    [[[0, 10]], 1],
    [
      [
        [0, 10],
        [10, 20],
      ],
      1,
    ],
    [
      [
        [0, 10],
        [5, 15],
        [9, 11],
      ],
      3,
    ],
    [
      [
        [0, 10],
        [5, 6],
        [7, 8],
        [11, 12],
      ],
      2,
    ],
    [
      [
        [3, 3],
        [3, 3],
      ],
      2,
    ],
  ];
  for (const [spans, want] of cases) assert.equal(peakOverlap(spans.map(([start, end]) => ({ start, end }))), want, JSON.stringify(spans));
  assert.deepEqual(
    peakByFunction([
      { fn: 'b', start: 0, end: 5 },
      { fn: 'a', start: 0, end: 5 },
      { fn: 'a', start: 1, end: 2 },
    ]),
    { a: 2, b: 1 },
  );
});

const m = (logGroup: string, requestId: string) => ({ logGroup, requestId });

test('extraDeliveries: a second invocation of the same function is a duplicate; a retry (same id) or fan-out is not', () => {
  const cases: [OpFacts['matches'], number][] = [
    [[], 0],
    [[m('/aws/lambda/f', 'r1')], 0],
    [[m('/aws/lambda/f', 'r1'), m('/aws/lambda/f', 'r1')], 0],
    [[m('/aws/lambda/f', 'r1'), m('/aws/lambda/g', 'r2')], 0],
    [[m('/aws/lambda/f', 'r1'), m('/aws/lambda/f', 'r2')], 1],
    [[m('/aws/lambda/f', 'r1'), m('/aws/lambda/f', 'r2'), m('/aws/lambda/f', 'r3'), m('/aws/lambda/g', 'r4')], 2],
  ];
  for (const [matches, want] of cases) assert.equal(extraDeliveries(matches), want, JSON.stringify(matches));
});

test('classify: unique keys — no event within the timeout is lost; failures are their own class', () => {
  const ops: OpFacts[] = [
    { failed: false, startedAt: 0, ackedAt: 1, matches: [m('f', 'a')] },
    { failed: false, startedAt: 1, ackedAt: 2, matches: [] },
    { failed: true, startedAt: 0, matches: [] },
    { failed: false, startedAt: 2, ackedAt: 3, matches: [m('f', 'b'), m('f', 'c')] },
  ];
  const c = classify(ops, false);
  assert.deepEqual(c.classes, ['matched', 'lost', 'failed', 'matched']);
  assert.deepEqual(c.duplicated, [false, false, false, true]);
  assert.deepEqual(c.counts, { matched: 2, coalesced: 0, lost: 1, failed: 1, duplicated: 1, extraInvocations: 1 });
});

test('classify: one key — a write without an event is coalesced when a later write got one, else lost', () => {
  const cases: [OpFacts[], string[]][] = [
    [
      [
        { failed: false, startedAt: 0, ackedAt: 1, matches: [] },
        { failed: false, startedAt: 1, ackedAt: 2, matches: [] },
        { failed: false, startedAt: 2, ackedAt: 3, matches: [m('f', 'a')] },
      ],
      ['coalesced', 'coalesced', 'matched'],
    ],
    [
      [
        { failed: false, startedAt: 0, ackedAt: 1, matches: [m('f', 'a')] },
        { failed: false, startedAt: 2, ackedAt: 3, matches: [] },
      ],
      ['matched', 'lost'],
    ],
    [
      [
        { failed: false, startedAt: 0, ackedAt: 10, matches: [m('f', 'a')] },
        { failed: false, startedAt: 5, ackedAt: 12, matches: [] },
      ],
      ['matched', 'coalesced'],
    ],
    [
      [
        { failed: false, startedAt: 4, ackedAt: 5, matches: [] },
        { failed: false, startedAt: 4, ackedAt: 5, matches: [m('f', 'a')] },
      ],
      ['coalesced', 'matched'],
    ],
    [[{ failed: false, startedAt: 0, ackedAt: 1, matches: [] }], ['lost']],
  ];
  for (const [ops, want] of cases) {
    const c = classify(ops, true);
    assert.deepEqual(c.classes, want);
    assert.equal(c.counts.matched + c.counts.coalesced + c.counts.lost + c.counts.failed, ops.length);
  }
});

function inv(requestId: string, start: number, end: number, extra: Partial<Invocation> = {}): Invocation {
  return {
    requestId,
    logGroup: '/aws/lambda/fn',
    logStream: `stream-${requestId}`,
    startedAt: start,
    reportedAt: end,
    report: { durationMs: end - start, billedDurationMs: end - start, memorySizeMB: 128, maxMemoryUsedMB: 64 },
    status: 'succeeded',
    lines: [],
    firstSeenAt: end,
    ...extra,
  };
}

function match(i: Invocation, ack: number, coldStart = false): OpMatch {
  return {
    requestId: i.requestId,
    logGroup: i.logGroup,
    confidence: 'request-id',
    invocation: i,
    latency: { triggerMs: i.startedAt! - ack, endToEndMs: i.reportedAt! - ack, durationMs: i.report?.durationMs, coldStart },
  };
}

function op(opId: number, startedAt: number, ackedAt: number | undefined, matches: OpMatch[], error = false): OpState {
  return {
    opId,
    input: { kind: 'put', bucket: 'b', file: 'f', key: `k${opId}` },
    startedAt,
    status: error ? 'failed' : matches.length ? 'matched' : 'no-match',
    warnings: [],
    result: {
      opId,
      op: 'put',
      bucket: 'b',
      key: `k${opId}`,
      startedAt,
      ...(ackedAt !== undefined ? { ackedAt } : {}),
      ...(error ? { error: { code: 'AccessDenied', message: 'no' } } : {}),
    },
    matches,
    expectedMatches: 1,
    awaitsInvocation: true,
    settled: true,
  };
}

test('burstStats: throughput, percentiles of the first match, cold starts, concurrency, log streams', () => {
  const states = [
    op(1, 0, 100, [match(inv('a', 150, 200), 100, true)]),
    op(2, 0, 200, [match(inv('b', 260, 300, { logStream: 'stream-a' }), 200), match(inv('c', 280, 400), 200)]),
    op(3, 50, 400, []),
    op(4, 60, undefined, [], true),
  ];
  const s = burstStats(states, false);
  assert.equal(s.count, 4);
  assert.equal(s.acknowledged, 3);
  assert.equal(s.firingMs, 400);
  assert.equal(s.opsPerSecond, 7.5);
  assert.deepEqual(s.counts, { matched: 2, coalesced: 0, lost: 1, failed: 1, duplicated: 1, extraInvocations: 1 });
  assert.deepEqual(s.triggerMs, { count: 2, p50: 50, p90: 60, p99: 60, max: 60 });
  assert.deepEqual(s.endToEndMs, { count: 2, p50: 100, p90: 100, p99: 100, max: 100 });
  assert.deepEqual(s.durationMs, { count: 2, p50: 40, p90: 50, p99: 50, max: 50 });
  assert.equal(s.coldStarts, 1);
  assert.deepEqual(s.peakConcurrency, { fn: 2 });
  assert.deepEqual(s.logStreams, { fn: 2 });
  assert.equal(s.lambdaFailed, 0);
  assert.deepEqual(missedGates(s, { maxLost: 1 }), []);
  assert.equal(missedGates(s, { maxLost: 0 }).length, 1);
  assert.match(missedGates(s, { maxLost: 1, expectP99Ms: 59 })[0]!, /p99 60 ms is above --expect-p99 59 ms/);
  assert.equal(burstExitCode(s, [], false), 1, 'an operation failed ranks first');
  assert.equal(burstExitCode(s, ['x'], true), 130);
});

test('burstExitCode ranks 1 > 4 > 3 > 0', () => {
  const ok = burstStats([op(1, 0, 10, [match(inv('a', 20, 30), 10)])], false);
  const failedLambda = burstStats([op(1, 0, 10, [match(inv('a', 20, 30, { status: 'failed' }), 10)])], false);
  assert.equal(burstExitCode(ok, [], false), 0);
  assert.equal(burstExitCode(ok, ['gate'], false), 3);
  assert.equal(failedLambda.lambdaFailed, 1);
  assert.equal(burstExitCode(failedLambda, ['gate'], false), 4);
});
