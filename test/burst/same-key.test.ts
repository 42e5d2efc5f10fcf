import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeSameKey, eventTimeOf } from '../../src/burst/same-key.js';
import { burstStats } from '../../src/burst/stats.js';
import type { OpMatch, OpState } from '../../src/op-state.js';
import type { Invocation, LogLine, MatchConfidence } from '../../src/observe/types.js';

const line = (message: string): LogLine => ({ logGroup: 'g', logStream: 's', timestamp: 0, seenAt: 0, message, kind: 'app' });

test('eventTimeOf reads a printed record’s eventTime or the demo handler’s Timestamp line', () => {
  const cases: [string, number | undefined][] = [
    ['{"Records":[{"eventTime":"2026-01-01T00:00:01.500Z","s3":{}}]}', Date.parse('2026-01-01T00:00:01.500Z')],
    ['2026-01-01T00:00:02 Timestamp:  2026-01-01T00:00:02.250Z', Date.parse('2026-01-01T00:00:02.250Z')],
    ['Timestamp:  UnknownTime', undefined],
    ['nothing here', undefined],
  ];
  for (const [message, want] of cases) assert.equal(eventTimeOf({ lines: [line(message)] }), want, message);
});

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function inv(requestId: string, eventAt: number, logGroup = '/aws/lambda/fn'): Invocation {
  return {
    requestId,
    logGroup,
    logStream: 's',
    startedAt: eventAt + 100,
    reportedAt: eventAt + 110,
    status: 'succeeded',
    lines: [line(`Timestamp:  ${new Date(eventAt).toISOString()}`)],
    firstSeenAt: eventAt + 120,
  };
}

const match = (i: Invocation, confidence: MatchConfidence = 'key'): OpMatch => ({
  requestId: i.requestId,
  logGroup: i.logGroup,
  confidence,
  invocation: i,
  latency: { coldStart: false },
});

function op(opId: number, startedAt: number, ackedAt: number, matches: OpMatch[]): OpState {
  return {
    opId,
    input: { kind: 'put', bucket: 'b', file: 'f', key: 'same' },
    startedAt,
    status: matches.length ? 'matched' : 'no-match',
    warnings: [],
    result: { opId, op: 'put', bucket: 'b', key: 'same', startedAt, ackedAt },
    matches,
    expectedMatches: 1,
    awaitsInvocation: true,
    settled: true,
  };
}

test('attributeSameKey gives key-matched invocations to the writes whose start…ack holds their event time', () => {
  // The engine matched first come first served: ops 1 and 2 got the events of writes 2 and 4.
  const states = [
    op(1, T0, T0 + 100, [match(inv('a', T0 + 250))]),
    op(2, T0 + 200, T0 + 300, [match(inv('b', T0 + 650))]),
    op(3, T0 + 400, T0 + 500, []),
    op(4, T0 + 600, T0 + 700, []),
  ];
  const { states: out, attribution } = attributeSameKey(states);
  assert.equal(attribution, 'event-time');
  assert.deepEqual(
    out.map((s) => s.matches.map((m) => m.requestId)),
    [[], ['a'], [], ['b']],
  );
  assert.deepEqual(
    out.map((s) => s.status),
    ['no-match', 'matched', 'no-match', 'matched'],
  );
  assert.equal(out[1]!.matches[0]!.latency.triggerMs, 50, 'latency recomputed against the write it now belongs to');
});

test('attributeSameKey: one event time twice in one function is two writes (a burst commits several in one millisecond)', () => {
  const states = [op(1, T0, T0 + 10, [match(inv('a', T0 + 5)), match(inv('b', T0 + 5))]), op(2, T0 + 20, T0 + 30, [])];
  const { states: out } = attributeSameKey(states);
  assert.deepEqual(
    out.map((s) => s.matches.map((m) => m.requestId)),
    [['a'], ['b']],
  );
});

test('attributeSameKey keeps the engine’s matches when they are by request id or an event time is missing', () => {
  const byId = [op(1, T0, T0 + 10, [match(inv('a', T0 + 50), 'request-id')]), op(2, T0 + 40, T0 + 60, [])];
  assert.equal(attributeSameKey(byId).attribution, 'engine');
  assert.deepEqual(attributeSameKey(byId).states, byId);
  const noTime = inv('a', T0 + 5);
  noTime.lines = [line('hello')];
  assert.equal(attributeSameKey([op(1, T0, T0 + 10, [match(noTime)])]).attribution, 'engine');
});

/** An invocation printing its event time (ms after T0) and, when given, the record’s sequencer. */
function seen(requestId: string, eventAt: number, o: { group?: string; sequencer?: string } = {}): Invocation {
  const i = inv(requestId, T0 + eventAt, o.group);
  if (o.sequencer) i.lines = [...i.lines, line(`{"Records":[{"s3":{"object":{"key":"same","sequencer":"${o.sequencer}"}}}]}`)];
  return i;
}

interface Case {
  name: string;
  /** Each write's start and ack, ms after T0. */
  writes: [number, number][];
  /** The invocations, in the engine's (arbitrary) first-come-first-served order over the writes. */
  invocations: Invocation[];
  want: { matched: number; coalesced: number; lost: number; duplicated: number; extraInvocations: number };
}

/** The engine's matching: invocations handed out one per write in order, the surplus on the last write. */
function engineStates(c: Case): OpState[] {
  const per = c.writes.map((): Invocation[] => []);
  for (const [k, x] of c.invocations.entries()) per[Math.min(k, per.length - 1)]!.push(x);
  return c.writes.map(([s, a], k) =>
    op(
      k + 1,
      T0 + s,
      T0 + a,
      per[k]!.map((x) => match(x)),
    ),
  );
}

test('same-key counts come from what is known: distinct events vs acknowledged writes, never from the order of matching', () => {
  // 40 writes in flight together, one event each, several committed within one millisecond (the same event time).
  const burst40: Case = {
    name: '40 writes, 40 distinct invocations, event times shared in pairs',
    writes: Array.from({ length: 40 }, (_, k) => [k * 5, k * 5 + 300] as [number, number]),
    invocations: Array.from({ length: 40 }, (_, k) => seen(`r${k}`, 100 + Math.floor(k / 2) * 5)),
    want: { matched: 40, coalesced: 0, lost: 0, duplicated: 0, extraInvocations: 0 },
  };
  const cases: Case[] = [
    burst40,
    {
      name: 'two writes committed in the same millisecond are two events, not one delivered twice',
      writes: [
        [0, 10],
        [0, 10],
      ],
      invocations: [seen('a', 5), seen('b', 5)],
      want: { matched: 2, coalesced: 0, lost: 0, duplicated: 0, extraInvocations: 0 },
    },
    {
      name: 'fewer events than writes: the shortfall coalesced (a later write’s event came)',
      writes: [
        [0, 50],
        [10, 60],
        [20, 70],
        [30, 80],
      ],
      invocations: [seen('a', 25), seen('b', 26), seen('c', 75)],
      want: { matched: 3, coalesced: 1, lost: 0, duplicated: 0, extraInvocations: 0 },
    },
    {
      name: 'more invocations than writes, no event identity printed: the surplus are duplicates',
      writes: [
        [0, 10],
        [20, 30],
        [40, 50],
      ],
      invocations: [seen('a', 5), seen('b', 25), seen('c', 45), seen('d', 45)],
      want: { matched: 3, coalesced: 0, lost: 0, duplicated: 1, extraInvocations: 1 },
    },
    {
      name: 'the printed sequencer tells one event delivered twice from two writes',
      writes: [
        [0, 10],
        [20, 30],
        [40, 50],
      ],
      invocations: [seen('a', 5, { sequencer: '01' }), seen('b', 45, { sequencer: '03' }), seen('c', 45, { sequencer: '03' })],
      want: { matched: 2, coalesced: 1, lost: 0, duplicated: 1, extraInvocations: 1 },
    },
    {
      name: 'fan-out: each function gets every write once',
      writes: [
        [0, 10],
        [20, 30],
        [40, 50],
      ],
      invocations: ['/aws/lambda/one', '/aws/lambda/two'].flatMap((group) =>
        [5, 25, 45].map((at) => seen(`${group}-${at}`, at, { group })),
      ),
      want: { matched: 3, coalesced: 0, lost: 0, duplicated: 0, extraInvocations: 0 },
    },
  ];
  for (const c of cases) {
    const { states, attribution } = attributeSameKey(engineStates(c));
    assert.equal(attribution, 'event-time', c.name);
    const counts = burstStats(states, true).counts;
    assert.deepEqual({ ...counts, failed: undefined }, { ...c.want, failed: undefined }, c.name);
    const given = states.flatMap((s) => s.matches.map((m) => `${m.logGroup} ${m.requestId}`));
    assert.equal(given.length, new Set(given).size, `${c.name}: no invocation given twice`);
    assert.equal(given.length, c.invocations.length, `${c.name}: every invocation given to a write`);
  }
});
