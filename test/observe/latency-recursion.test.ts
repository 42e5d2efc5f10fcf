import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeLatency } from '../../src/observe/latency.js';
import { emptyRecursion, noteForeign, type OurActivity } from '../../src/observe/recursion.js';
import type { Invocation, Latency } from '../../src/observe/types.js';

const base: Invocation = {
  requestId: 'r',
  logGroup: 'g',
  logStream: 's',
  status: 'succeeded',
  firstSeenAt: 1040,
  startedAt: 1030,
  reportedAt: 1080,
  report: { durationMs: 40.5, billedDurationMs: 41, memorySizeMB: 128, maxMemoryUsedMB: 60 },
  lines: [{ logGroup: 'g', logStream: 's', timestamp: 1030, message: 'START', seenAt: 1045, kind: 'start' }],
};

const latencyCases: { name: string; ackedAt?: number; inv: Invocation; expect: Latency }[] = [
  {
    name: 'warm, complete',
    ackedAt: 1000,
    inv: base,
    expect: { triggerMs: 30, endToEndMs: 80, durationMs: 40.5, coldStart: false, tailLagMs: 15 },
  },
  {
    name: 'cold start',
    ackedAt: 1000,
    inv: { ...base, report: { ...base.report!, initDurationMs: 150 } },
    expect: { triggerMs: 30, endToEndMs: 80, durationMs: 40.5, initDurationMs: 150, coldStart: true, tailLagMs: 15 },
  },
  {
    name: 'no START / REPORT seen (still running, node lines only)',
    ackedAt: 1000,
    inv: { ...base, startedAt: undefined, reportedAt: undefined, report: undefined, lines: [] },
    expect: { coldStart: false },
  },
  {
    name: 'START stamped before the ack was read (the sandbox: one clock) is clamped to 0, never negative',
    ackedAt: 1050,
    inv: base,
    expect: { triggerMs: 0, endToEndMs: 30, durationMs: 40.5, coldStart: false, tailLagMs: 15 },
  },
  {
    name: 'REPORT and START both before the ack, START seen before its timestamp (clocks apart): every figure clamped to 0',
    ackedAt: 1100,
    inv: { ...base, lines: [{ ...base.lines[0]!, seenAt: 1020 }] },
    expect: { triggerMs: 0, endToEndMs: 0, durationMs: 40.5, coldStart: false, tailLagMs: 0 },
  },
  {
    name: 'fractional ms below zero is clamped too',
    ackedAt: 1030.5,
    inv: base,
    expect: { triggerMs: 0, endToEndMs: 49.5, durationMs: 40.5, coldStart: false, tailLagMs: 15 },
  },
  { name: 'no ack time', inv: base, expect: { durationMs: 40.5, coldStart: false, tailLagMs: 15 } },
];
for (const c of latencyCases) {
  test(`computeLatency: ${c.name}`, () => assert.deepEqual(computeLatency({ ackedAt: c.ackedAt }, c.inv), c.expect));
}

const ours: OurActivity[] = [{ bucket: 'b', key: 'in.txt', at: 10_000, logGroup: 'g' }];
const created = (key: string, bucket = 'b') => [{ key, bucket, eventName: 'ObjectCreated:Put', via: 's3' as const }];

test('recursion: warns once after three followers on our bucket', () => {
  let state = emptyRecursion();
  const warnings: string[] = [];
  for (let i = 1; i <= 5; i++) {
    const r = noteForeign(state, { logGroup: 'g', at: 10_000 + i * 100, mentions: created(`in.txt.${i}`) }, ours);
    state = r.state;
    if (r.warning) warnings.push(r.warning);
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /bucket b/);
  assert.match(warnings[0]!, /recursive loop/);
});

const quietCases: { name: string; at: number; logGroup: string; mentions: ReturnType<typeof created> }[] = [
  { name: 'another bucket', at: 10_100, logGroup: 'g', mentions: created('x', 'other') },
  { name: 'long after ours', at: 100_000, logGroup: 'g', mentions: created('x') },
  { name: 'before ours', at: 5_000, logGroup: 'g', mentions: created('x') },
  { name: 'a silent handler in another function', at: 10_100, logGroup: 'other', mentions: [] },
];
for (const c of quietCases) {
  test(`recursion: no warning for ${c.name}`, () => {
    let state = emptyRecursion();
    for (let i = 0; i < 5; i++) {
      const r = noteForeign(state, { logGroup: c.logGroup, at: c.at + i, mentions: c.mentions }, ours);
      assert.equal(r.warning, undefined);
      state = r.state;
    }
  });
}

test('recursion: a silent handler in the same function counts', () => {
  let state = emptyRecursion();
  let warned = 0;
  for (let i = 0; i < 3; i++) {
    const r = noteForeign(state, { logGroup: 'g', at: 10_100 + i, mentions: [] }, ours);
    state = r.state;
    if (r.warning) warned++;
  }
  assert.equal(warned, 1);
});
