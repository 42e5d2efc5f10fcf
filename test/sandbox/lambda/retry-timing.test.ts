/** Lambda's async retries wait AWS's ~1 and ~2 minutes as long waits: a second per minute, times --timing-scale. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFn, lambdaHarness } from './helpers.js';

test('retries of a failing Event invocation follow the timing scale (0.1: 100 ms, then 200 ms)', async (t) => {
  const h = await lambdaHarness({ retryDelaysMs: undefined }, { scale: 0.1 });
  t.after(() => h.close());
  await createFn(h, 'fail-async', 'nodejs20.x', 'index.handler', {
    'index.mjs': `export const handler = async () => { throw new Error('always'); };`,
  });
  const id = h.service.functions.invokeAsync('fail-async', '{}');
  await h.sink.until((events) => events.filter((e) => e.message.startsWith(`REPORT RequestId: ${id}`)).length === 3, 10_000);
  const starts = h.sink.events.filter((e) => e.message.startsWith(`START RequestId: ${id}`)).map((e) => e.timestamp);
  const ends = h.sink.events.filter((e) => e.message.startsWith(`REPORT RequestId: ${id}`)).map((e) => e.timestamp);
  const first = starts[1]! - ends[0]!;
  const second = starts[2]! - ends[1]!;
  assert.ok(first >= 95 && first < 900, `1st retry after ${first} ms`);
  assert.ok(second >= 195 && second < 1800, `2nd retry after ${second} ms`);
});
