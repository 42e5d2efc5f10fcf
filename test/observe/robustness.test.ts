/**
 * Matching faults found on third-party endpoints, over real HTTP against the sandbox's Logs service with a proxy
 * playing the emulator: a live tail that connects but carries nothing, polled events without eventId, and a
 * confidence that must rise when the record with the op's request id arrives after the key.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { Observer, type ObserveEvent, type ObserverOptions } from '../../src/observe/observer.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { createGroup, demoPrint, FaultProxy, logsClient, put, putInvocation, Recorder, requestId, sandbox, acked } from './helpers.js';

let sb: Sandbox;
let direct: CloudWatchLogsClient;
let n = 0;

before(async () => {
  sb = await sandbox();
  direct = logsClient(sb.endpoint, sb.region);
});
after(async () => {
  direct.destroy();
  await sb.close();
});

const FAST: Partial<ObserverOptions> = {
  pollFastMs: 100,
  pollIdleMs: 200,
  foreignGraceMs: 300,
  settleMs: 200,
  lookbackMs: 0,
  clockSkewMs: 50,
};
type Matched = Extract<ObserveEvent, { type: 'Matched' }>;

async function withProxy<T>(fn: (proxy: FaultProxy, logs: CloudWatchLogsClient) => Promise<T>): Promise<T> {
  const proxy = await new FaultProxy(sb.endpoint).start();
  const logs = logsClient(proxy.endpoint, sb.region);
  try {
    return await fn(proxy, logs);
  } finally {
    logs.destroy();
    await proxy.close();
  }
}

test('a live tail that connects but stays silent is backed by FilterLogEvents: every op matches, at most 1 read/s', async () => {
  await withProxy(async (proxy, logs) => {
    const group = `/aws/lambda/silent-${++n}`;
    const empty = `/aws/lambda/silent-empty-${n}`;
    await createGroup(direct, group, ['s']);
    await createGroup(direct, empty, ['s']);
    // The emulator's live tail: a session opens, but for a group that never carries the Lambda's logs.
    proxy.rewriteRequest = (op, body) => (op === 'StartLiveTail' ? Buffer.from(body.toString().split(group).join(empty)) : body);
    const observer = new Observer({ logs, logGroups: [group], ...FAST });
    const rec = new Recorder(observer);
    try {
      await observer.start();
      await rec.waitFor((e) => e.type === 'TailState' && e.state.mode === 'live', 'live');
      await new Promise((r) => setTimeout(r, 600)); // the connect backfills are over: only the backing reads remain
      const readsBefore = proxy.count('FilterLogEvents');
      const firedAt = Date.now();
      for (let i = 1; i <= 5; i++) {
        observer.pending(i, 'test-bucket', `silent-${i}.txt`);
        observer.await({ result: acked(i, `silent-${i}.txt`), eventNames: ['ObjectCreated:Put'], timeoutMs: 20_000 });
        await putInvocation(direct, group, 's', requestId(100 + i), [demoPrint('ObjectCreated:Put', `silent-${i}.txt`)]);
      }
      for (let i = 1; i <= 5; i++) {
        const m = await rec.waitFor<Matched>((e) => e.type === 'Matched' && e.opId === i, `op ${i} matched`, 8000);
        assert.equal(m.invocation.requestId, requestId(100 + i));
        assert.equal(m.confidence, 'key');
      }
      const elapsed = Date.now() - firedAt;
      const reads = proxy.count('FilterLogEvents') - readsBefore;
      assert.ok(reads <= Math.ceil(elapsed / 1000) + 1, `${reads} reads in ${elapsed} ms`);
      assert.equal(rec.of('MatchTimeout').length, 0);
      await new Promise((r) => setTimeout(r, 1500));
      const idle = proxy.count('FilterLogEvents');
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(proxy.count('FilterLogEvents'), idle, 'no backing reads once nothing awaits a match');
    } finally {
      await observer.stop();
    }
  });
});

test("a live tail that carries the group's lines is not re-read for ops younger than the grace; older ones are still backed", async () => {
  await withProxy(async (proxy, logs) => {
    const group = `/aws/lambda/trusted-${++n}`;
    await createGroup(direct, group, ['s']);
    const observer = new Observer({ logs, logGroups: [group], ...FAST, liveBackingGraceMs: 1500 });
    const rec = new Recorder(observer);
    try {
      await observer.start();
      await rec.waitFor((e) => e.type === 'TailState' && e.state.mode === 'live', 'live');
      await new Promise((r) => setTimeout(r, 600)); // the connect backfills are over: only the backing reads remain
      // The live stream delivers: op 1's invocation arrives through it.
      observer.pending(1, 'test-bucket', 'trusted-1.txt');
      observer.await({ result: acked(1, 'trusted-1.txt'), eventNames: ['ObjectCreated:Put'], timeoutMs: 20_000 });
      await putInvocation(direct, group, 's', requestId(201), [demoPrint('ObjectCreated:Put', 'trusted-1.txt')]);
      await rec.waitFor((e) => e.type === 'Matched' && e.opId === 1, 'op 1 matched');
      // Op 2 awaits an invocation that has not come yet: within the grace the live stream is trusted.
      const readsBefore = proxy.count('FilterLogEvents');
      observer.pending(2, 'test-bucket', 'trusted-2.txt');
      observer.await({ result: acked(2, 'trusted-2.txt'), eventNames: ['ObjectCreated:Put'], timeoutMs: 20_000 });
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(proxy.count('FilterLogEvents'), readsBefore, 'no backing read within the grace');
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(proxy.count('FilterLogEvents') > readsBefore, 'past the grace, the op is backed by reads');
    } finally {
      await observer.stop();
    }
  });
});

test('polled events without eventId: overlapping windows add nothing, a line printed twice in one ms stays twice', async () => {
  await withProxy(async (proxy, logs) => {
    const group = `/aws/lambda/no-event-id-${++n}`;
    await createGroup(direct, group, ['s']);
    proxy.rewriteResponse = {
      operations: ['FilterLogEvents'],
      rewrite: (json) => ({ ...json, events: ((json.events ?? []) as Record<string, unknown>[]).map(({ eventId: _id, ...e }) => e) }),
    };
    const observer = new Observer({ logs, logGroups: [group], mode: 'poll', ...FAST });
    const rec = new Recorder(observer);
    try {
      await observer.start();
      observer.pending(1, 'test-bucket', 'twice.txt');
      observer.await({ result: acked(1, 'twice.txt'), eventNames: ['ObjectCreated:Put'], timeoutMs: 20_000 });
      const t = Date.now();
      const id = requestId(200);
      await put(direct, group, 's', [
        { timestamp: t, message: `START RequestId: ${id} Version: $LATEST\n` },
        { timestamp: t + 1, message: demoPrint('ObjectCreated:Put', 'twice.txt') },
        { timestamp: t + 2, message: 'same line\n' },
        { timestamp: t + 2, message: 'same line\n' },
        { timestamp: t + 3, message: `END RequestId: ${id}\n` },
        {
          timestamp: t + 3,
          message: `REPORT RequestId: ${id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n`,
        },
      ]);
      await rec.waitFor((e) => e.type === 'Matched', 'Matched');
      const polls = proxy.count('FilterLogEvents');
      while (proxy.count('FilterLogEvents') < polls + 4) await new Promise((r) => setTimeout(r, 50));
      assert.equal(rec.of('LogLine').length, 6);
      assert.equal(rec.lineCount('same line\n'), 2);
      const last = rec.of('InvocationUpdated').at(-1)!;
      assert.equal(last.invocation.lines.length, 6);
    } finally {
      await observer.stop();
    }
  });
});

test("confidence upgrades: the record with the op's request id, read after a key match, re-emits Matched as request-id", async () => {
  const group = `/aws/lambda/upgrade-${++n}`;
  await createGroup(direct, group, ['s']);
  const observer = new Observer({ logs: direct, logGroups: [group], ...FAST });
  const rec = new Recorder(observer);
  try {
    await observer.start();
    await rec.waitFor((e) => e.type === 'TailState' && e.state.mode === 'live', 'live');
    const result = acked(1, 'whole.txt');
    observer.pending(1, 'test-bucket', 'whole.txt');
    observer.await({ result, eventNames: ['ObjectCreated:Put'], timeoutMs: 20_000 });
    const id = requestId(300);
    const t = Date.now();
    const record = {
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          responseElements: { 'x-amz-request-id': result.requestId },
          s3: { bucket: { name: 'test-bucket' }, object: { key: 'whole.txt' } },
        },
      ],
    };
    await put(direct, group, 's', [
      { timestamp: t, message: `START RequestId: ${id} Version: $LATEST\n` },
      { timestamp: t + 1, message: demoPrint('ObjectCreated:Put', 'whole.txt') },
      { timestamp: t + 3, message: `END RequestId: ${id}\n` },
      {
        timestamp: t + 3,
        message: `REPORT RequestId: ${id}\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n`,
      },
    ]);
    const first = await rec.waitFor<Matched>((e) => e.type === 'Matched', 'first Matched');
    assert.equal(first.confidence, 'key');
    // The handler's print of the whole record, delivered late (another page, another stream's turn).
    await put(direct, group, 's', [
      { timestamp: t + 2, message: `${new Date(t + 2).toISOString()}\t${id}\tINFO\t${JSON.stringify(record)}\n` },
    ]);
    const upgraded = await rec.waitFor<Matched>((e) => e.type === 'Matched' && e.confidence === 'request-id', 'upgraded Matched');
    assert.equal(upgraded.opId, 1);
    assert.equal(upgraded.invocation.requestId, id);
    assert.equal(rec.of('Matched').length, 2);
  } finally {
    await observer.stop();
  }
});
