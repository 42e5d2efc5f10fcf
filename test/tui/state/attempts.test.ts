import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invocation } from '../../../src/observe/types.js';
import { foldOpEvents } from '../../../src/op-state.js';
import { rowOf } from '../../../src/tui/state/session-reducer.js';
import { statusText } from '../../../src/tui/format.js';

const attempt = (status: Invocation['status']) => ({ logStream: 's', startedAt: 150, reportedAt: 170, status });

test('an op row shows its invocation retry attempts (×N) when Lambda retried', () => {
  const cases: { attempts: Invocation['attempts']; want: number | undefined; text: RegExp }[] = [
    { attempts: undefined, want: undefined, text: /^matched$/ },
    { attempts: [attempt('succeeded')], want: undefined, text: /^matched$/ },
    { attempts: [attempt('failed'), attempt('failed'), attempt('succeeded')], want: 3, text: /×3/ },
  ];
  for (const c of cases) {
    const invocation: Invocation = {
      requestId: 'r',
      logGroup: '/aws/lambda/f',
      logStream: 's',
      startedAt: 150,
      reportedAt: 170,
      status: 'succeeded',
      lines: [],
      firstSeenAt: 150,
      ...(c.attempts ? { attempts: c.attempts } : {}),
    };
    const op = foldOpEvents({}, [
      { type: 'OpStarted', opId: 1, input: { kind: 'put', bucket: 'b', file: 'f', key: 'k' }, startedAt: 100, warnings: [] },
      { type: 'OpAcked', opId: 1, result: { opId: 1, op: 'put', bucket: 'b', key: 'k', startedAt: 100, ackedAt: 110 } },
      { type: 'Matched', opId: 1, invocation, confidence: 'key', latency: { coldStart: false } },
    ])[1]!;
    const row = rowOf(op);
    assert.equal(row.attempts, c.want, JSON.stringify(c.attempts));
    assert.match(statusText(row), c.text);
  }
});
