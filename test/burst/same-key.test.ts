import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeSameKey, eventTimeOf } from '../../src/burst/same-key.js';
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

test('attributeSameKey: one event time twice in one function is one write delivered twice', () => {
  const states = [op(1, T0, T0 + 10, [match(inv('a', T0 + 5))]), op(2, T0 + 20, T0 + 30, [match(inv('b', T0 + 5))])];
  const { states: out } = attributeSameKey(states);
  assert.deepEqual(
    out.map((s) => s.matches.map((m) => m.requestId)),
    [['a', 'b'], []],
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
