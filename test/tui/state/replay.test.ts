import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replayOfRow } from '../../../src/tui/state/replay.js';
import type { Invocation } from '../../../src/observe/types.js';
import type { Row } from '../../../src/tui/state/types.js';

const event = { Records: [{ eventName: 'ObjectCreated:Copy', s3: { bucket: { name: 'b' }, object: { key: 'k.txt' } } }] };
const invocation = (id: string, messages: string[]): Invocation => ({
  requestId: id,
  logGroup: '/aws/lambda/resize',
  logStream: 's',
  status: 'succeeded',
  firstSeenAt: 0,
  lines: messages.map((message, i) => ({
    timestamp: i,
    seenAt: i,
    message,
    kind: 'app' as const,
    logGroup: '/aws/lambda/resize',
    logStream: 's',
  })),
});
const foreign = (requestId: string): Row => ({ kind: 'foreign', requestId, firstSeenAt: 0 });

test("replayOfRow: the row's function gets the event its handler logged; otherwise a reason, nothing fired", () => {
  const invocations = {
    logged: invocation('logged', [`2026-01-01T00:00:00Z\tlogged\tINFO\t${JSON.stringify(event)}`]),
    blog: invocation('blog', ['Event Type: ObjectCreated:Put', 'Object: k.txt']),
  };
  const state = (rows: Row[]) => ({ rows, selected: 0, invocations, bucket: 'b' });

  const ok = replayOfRow(state([foreign('logged')]));
  assert.ok('input' in ok);
  assert.deepEqual(ok.input.functions, ['resize']);
  assert.equal(ok.input.key, 'k.txt');
  assert.equal(ok.input.eventName, 'ObjectCreated:Copy');
  assert.deepEqual(JSON.parse(ok.input.event), event);

  const cases: [Row[], RegExp][] = [
    [[], /select a row/],
    [[foreign('unknown')], /no invocation yet/],
    [[foreign('blog')], /resize never logged its event/],
  ];
  for (const [rows, why] of cases) {
    const out = replayOfRow(state(rows));
    assert.ok('error' in out);
    assert.match(out.error, why);
  }
});
