/**
 * A replayed operation's latency, as the op fold keeps it for every face (CI text, --json, the TUI's row detail):
 * the envelope times inside a replayed event describe the original delivery, so they give it no hops; its own
 * figures (Invoke ack -> START, duration, cold start) stay. A PUT through SNS keeps its hops.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../../src/events.js';
import { computeLatency } from '../../../src/observe/latency.js';
import type { Invocation } from '../../../src/observe/types.js';
import { foldOpEvents } from '../../../src/op-state.js';
import type { OpInput, OpResult } from '../../../src/ops/types.js';
import { detailLines } from '../../../src/tui/details.js';
import { rowOf } from '../../../src/tui/state/session-reducer.js';

const ACK = Date.parse('2026-12-01T04:00:10.000Z');
/** The SNS Timestamp of the original run, ten seconds before this op's ack. */
const ORIGINAL_SNS = '2026-12-01T04:00:00.000Z';
const s3 = { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k' } } }] };
const viaSns = {
  Records: [
    {
      EventSource: 'aws:sns',
      Sns: {
        Type: 'Notification',
        TopicArn: 'arn:aws:sns:eu-west-1:000000000000:b-events',
        Message: JSON.stringify(s3),
        Timestamp: ORIGINAL_SNS,
      },
    },
  ],
};
const invocation: Invocation = {
  requestId: 'r1',
  logGroup: '/aws/lambda/f',
  logStream: 's',
  status: 'succeeded',
  startedAt: ACK + 4,
  reportedAt: ACK + 9,
  report: { durationMs: 3.2, billedDurationMs: 4, memorySizeMB: 128, maxMemoryUsedMB: 40 },
  lines: [
    {
      logGroup: '/aws/lambda/f',
      logStream: 's',
      timestamp: ACK + 5,
      seenAt: ACK + 6,
      message: `EVENT ${JSON.stringify(viaSns)}`,
      kind: 'app',
    },
  ],
  firstSeenAt: ACK + 6,
};

const inputs: Record<'put' | 'replay', OpInput> = {
  put: { kind: 'put', bucket: 'b', file: 'f', key: 'k' },
  replay: { kind: 'replay', bucket: 'b', key: 'k', event: JSON.stringify(viaSns), source: 'run.ndjson' },
};

function fold(kind: 'put' | 'replay', matchBeforeAck: boolean) {
  const result: OpResult = { opId: 1, op: kind, bucket: 'b', key: 'k', startedAt: ACK - 5, ackedAt: ACK };
  const started: SessionEvent = { type: 'OpStarted', opId: 1, input: inputs[kind], startedAt: ACK - 5, warnings: [] };
  const acked: SessionEvent = { type: 'OpAcked', opId: 1, result };
  // The observer's figures: from the op's result once it has one, else from none (a match seen before the ack).
  const matched: SessionEvent = {
    type: 'Matched',
    opId: 1,
    invocation,
    confidence: 'request-id',
    latency: computeLatency(matchBeforeAck ? {} : result, invocation),
  };
  return foldOpEvents({}, matchBeforeAck ? [started, matched, acked] : [started, acked, matched])[1]!;
}

test('the op fold: a replay has no hops from its event envelope, a PUT through SNS has; both keep their own figures', () => {
  const cases = [
    { kind: 'put', matchBeforeAck: false, hops: ['ack>sns', 'sns>start'] },
    { kind: 'replay', matchBeforeAck: false, hops: [] },
    { kind: 'replay', matchBeforeAck: true, hops: [] },
  ] as const;
  for (const c of cases) {
    const op = fold(c.kind, c.matchBeforeAck);
    const latency = op.matches[0]!.latency;
    const name = JSON.stringify(c);
    assert.equal(op.status, 'matched', name);
    assert.deepEqual(
      (latency.hops ?? []).map((h) => `${h.from}>${h.to}`),
      c.hops,
      name,
    );
    assert.deepEqual([latency.triggerMs, latency.endToEndMs, latency.durationMs, latency.coldStart], [4, 9, 3.2, false], name);

    const row = rowOf(op);
    assert.deepEqual(row.latency, latency, `${name}: the TUI row shows the fold's figures`);
    const detail = detailLines(row, { r1: invocation }).map((l) => l.text);
    assert.equal(
      detail.some((t) => t.startsWith('per hop')),
      c.hops.length > 0,
      `${name}: ${detail.join('\n')}`,
    );
    assert.ok(
      detail.some((t) => /^trigger {7}4 ?ms/.test(t)),
      `${name}: ${detail.join('\n')}`,
    );
  }
});
