/** @jsxRuntime automatic */
/** The App with an SNS fan-out: the chain in the header, child rows under the op, Enter on a child. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import type { OpResult } from '../../src/ops/types.js';
import { App } from '../../src/tui/app.js';
import { LogStore } from '../../src/tui/state/log-store.js';
import { initialState } from '../../src/tui/state/reducer.js';
import { chainDiscovery, matchedFn } from './fanout-fixtures.js';
import { FakeSession } from './fake-session.js';
import { KEYS, appDriver } from './ink-helpers.js';

function mount(session: FakeSession) {
  const store = new LogStore({ flushMs: 10 });
  const state = initialState({
    target: session.target,
    isRealAws: false,
    bucket: 'test-bucket',
    columns: 100,
    rows: 30,
    demoFile: '/tmp/demo/test.txt',
  });
  const ui = render(
    <App session={session} store={store} initialState={state} noColor onQuit={() => {}} startBucket="test-bucket" eventBatchMs={5} />,
  );
  return appDriver(ui, store);
}

const ack = (opId: number): OpResult => ({
  opId,
  op: 'put',
  bucket: 'test-bucket',
  key: 'test.txt',
  bytes: 29,
  requestId: 'S3REQ1',
  startedAt: 1000,
  ackedAt: 1010,
});

test('p with an SNS fan-out: the chain in the header, one child row per function, Enter on a child shows its route', async () => {
  const session = new FakeSession({ autoRespond: false, discovery: chainDiscovery() });
  const app = mount(session);
  await app.until((f) => f.includes('test-bucket → SNS uploads → fn-resize, fn-index · tailing 2 log groups (live)'));
  await app.press('p');
  await app.until(
    (f) => /1 PUT\s+test\.txt\s+sending…/.test(f) && /├─ λ\s+fn-resize\s+waiting…/.test(f) && /└─ λ\s+fn-index\s+waiting…/.test(f),
  );
  session.emit({ type: 'OpAcked', opId: 1, result: ack(1) });
  session.emit(matchedFn(1, 'fn-resize', 'req-resize'));
  await app.until((f) => /1 PUT\s+test\.txt\s+29 B acked 1\/2/.test(f) && /├─ λ\s+fn-resize\s+matched\s+20ms\s+3\.2ms cold key/.test(f));
  // The op's row is selected; ↓ moves to its first function, Enter opens that invocation.
  await app.press(KEYS.down);
  await app.press(KEYS.enter);
  const details = await app.until((f) => f.includes('#1 PUT → λ fn-resize: matched'));
  assert.ok(details.includes('test-bucket → SNS uploads → fn-resize'), details);
  assert.ok(details.includes('req-resize (succeeded)'), details);
  await app.press(KEYS.escape);
  // j moves on to the waiting function: its details say it is awaited.
  await app.press('j');
  await app.press(KEYS.enter);
  await app.until((f) => f.includes('#1 PUT → λ fn-index: waiting…') && f.includes('waiting for fn-index'));
  await app.press(KEYS.escape);
  session.emit(matchedFn(1, 'fn-index', 'req-index'));
  await app.until((f) => /1 PUT\s+test\.txt\s+29 B matched\s*\n/.test(f) && /└─ λ\s+fn-index\s+matched/.test(f));
  app.done();
});

test('a fan-out settled without one function shows it as did not run', async () => {
  const session = new FakeSession({ autoRespond: false, discovery: chainDiscovery() });
  const app = mount(session);
  await app.until((f) => f.includes('(live)'));
  await app.press('p');
  await app.until((f) => f.includes('waiting…'));
  session.emit({ type: 'OpAcked', opId: 1, result: ack(1) });
  session.emit(matchedFn(1, 'fn-index'));
  session.emit({ type: 'MatchTimeout', opId: 1 });
  await app.until((f) => /1\/2 matched/.test(f) && /├─ λ\s+fn-resize\s+did not run/.test(f) && /└─ λ\s+fn-index\s+matched/.test(f));
  app.done();
});
