/**
 * Against a third-party endpoint (moto_server): it has no usable StartLiveTail, so the auto
 * mode must fall back to FilterLogEvents polling and still match.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Observer } from '../../src/observe/observer.js';
import type { ObserveEvent } from '../../src/observe/observer.js';
import { createGroup, demoPrint, hasMoto, logsClient, putInvocation, Recorder, requestId, startMoto } from './helpers.js';

test('moto_server: live tail is refused, polling matches the invocation', async (t) => {
  if (!hasMoto) return t.skip('moto_server not found');
  const moto = await startMoto();
  const logs = logsClient(moto.endpoint, 'us-east-1');
  const observer = new Observer({ logs, logGroups: ['/aws/lambda/peer'], pollFastMs: 200, pollIdleMs: 300, foreignGraceMs: 300 });
  const rec = new Recorder(observer);
  try {
    await createGroup(logs, '/aws/lambda/peer', ['s']);
    await observer.start();
    const polling = await rec.waitFor<Extract<ObserveEvent, { type: 'TailState' }>>(
      (e) => e.type === 'TailState' && e.state.mode === 'polling',
      'polling',
    );
    assert.match(polling.state.detail ?? '', /live tail refused/);
    observer.pending(1, 'b');
    observer.await({
      result: { opId: 1, op: 'put', bucket: 'b', key: 'k.txt', startedAt: Date.now() - 5, ackedAt: Date.now() },
      eventNames: ['ObjectCreated:Put'],
      timeoutMs: 10_000,
    });
    await putInvocation(logs, '/aws/lambda/peer', 's', requestId(1), [demoPrint('ObjectCreated:Put', 'k.txt', 'b')]);
    const m = await rec.waitFor<Extract<ObserveEvent, { type: 'Matched' }>>((e) => e.type === 'Matched', 'Matched');
    assert.equal(m.confidence, 'key');
    assert.equal(rec.of('LogLine').length, 4);
  } finally {
    await observer.stop();
    logs.destroy();
    moto.stop();
  }
});
