/**
 * The Observer end to end over real HTTP against the sandbox's CloudWatch Logs service:
 * invocations are written with PutLogEvents in the exact Lambda formats.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { Observer, type ObserverOptions } from '../../src/observe/observer.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { createGroup, demoPrint, logsClient, put, putInvocation, Recorder, requestId, sandbox, acked } from './helpers.js';

let sb: Sandbox;
let logs: CloudWatchLogsClient;
let groupCounter = 0;

before(async () => {
  sb = await sandbox();
  logs = logsClient(sb.endpoint, sb.region);
});
after(async () => {
  logs.destroy();
  await sb.close();
});

const FAST: Partial<ObserverOptions> = { pollFastMs: 100, pollIdleMs: 200, foreignGraceMs: 300, settleMs: 200 };

async function observe(mode: 'auto' | 'poll', extra: Partial<ObserverOptions> = {}) {
  const group = `/aws/lambda/fn-${++groupCounter}`;
  await createGroup(logs, group, ['s1', 's2']);
  const observer = new Observer({ logs, logGroups: [group], mode, ...FAST, ...extra });
  const rec = new Recorder(observer);
  await observer.start();
  return { group, observer, rec };
}

for (const mode of ['auto', 'poll'] as const) {
  test(`${mode}: the blog handler's output matches by key, with latency`, async () => {
    const { group, observer, rec } = await observe(mode);
    try {
      await rec.waitFor((e) => e.type === 'TailState' && e.state.mode === (mode === 'auto' ? 'live' : 'polling'), 'tail ready');
      observer.pending(1, 'test-bucket');
      const result = acked(1, 'test.txt');
      observer.await({ result, eventNames: ['ObjectCreated:Put'], timeoutMs: 10_000 });
      await putInvocation(logs, group, 's1', requestId(1), [demoPrint('ObjectCreated:Put', 'test.txt')], Date.now(), 180.5);
      const m = await rec.waitFor<Extract<(typeof rec.events)[number], { type: 'Matched' }>>((e) => e.type === 'Matched', 'Matched');
      assert.equal(m.opId, 1);
      assert.equal(m.confidence, 'key');
      assert.equal(m.invocation.requestId, requestId(1));
      assert.equal(m.invocation.status, 'succeeded');
      assert.equal(m.invocation.lines.length, 4);
      assert.equal(m.latency.coldStart, true);
      assert.equal(m.latency.initDurationMs, 180.5);
      assert.equal(m.latency.durationMs, 12.5);
      assert.equal(typeof m.latency.triggerMs, 'number');
      assert.equal(typeof m.latency.endToEndMs, 'number');
      assert.equal(typeof m.latency.tailLagMs, 'number');
      assert.equal(rec.of('LogLine').length, 4);
      assert.ok(rec.of('InvocationUpdated').length >= 1);
      assert.equal(rec.of('Foreign').length, 0);
    } finally {
      await observer.stop();
    }
  });
}

test('request-id match from a printed SNS-wrapped event (Jets fan-out), seen before await()', async () => {
  const { group, observer, rec } = await observe('auto');
  try {
    observer.pending(7, 'test-bucket');
    const result = acked(7, 'myfolder/sub folder/test.txt');
    const s3 = {
      Records: [
        {
          eventNames: ['ObjectCreated:Put'],
          responseElements: { 'x-amz-request-id': result.requestId },
          s3: { bucket: { name: 'test-bucket' }, object: { key: 'myfolder/sub+folder/test.txt' } },
        },
      ],
    };
    const sns = { Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(s3) } }] };
    const ts = Date.now();
    // Node format: the handler logged the event before the client read the ack.
    await putInvocation(
      logs,
      group,
      's2',
      requestId(7),
      [`${new Date(ts).toISOString()}\t${requestId(7)}\tINFO\tEVENT ${JSON.stringify(sns)}\n`],
      ts,
    );
    await rec.waitFor((e) => e.type === 'InvocationUpdated' && e.invocation.reportedAt !== undefined, 'complete invocation');
    observer.await({ result, eventNames: ['ObjectCreated:Put'], timeoutMs: 10_000 });
    const m = await rec.waitFor<Extract<(typeof rec.events)[number], { type: 'Matched' }>>((e) => e.type === 'Matched', 'Matched');
    assert.equal(m.confidence, 'request-id');
    assert.equal(m.opId, 7);
  } finally {
    await observer.stop();
  }
});

test('a handler that prints nothing matches by time; an unclaimed one is foreign; no invocation -> MatchTimeout', async () => {
  const { group, observer, rec } = await observe('auto');
  try {
    await rec.waitFor((e) => e.type === 'TailState' && e.state.mode === 'live', 'live');
    // An invocation before anything was fired: foreign once the grace period is over.
    await putInvocation(logs, group, 's1', requestId(20), [], Date.now());
    const foreign = await rec.waitFor<Extract<(typeof rec.events)[number], { type: 'Foreign' }>>((e) => e.type === 'Foreign', 'Foreign');
    assert.equal(foreign.invocation.requestId, requestId(20));

    observer.pending(2, 'test-bucket');
    observer.await({ result: acked(2, 'silent.txt'), eventNames: ['ObjectCreated:Put'], timeoutMs: 10_000 });
    await putInvocation(logs, group, 's1', requestId(21), [], Date.now());
    const m = await rec.waitFor<Extract<(typeof rec.events)[number], { type: 'Matched' }>>((e) => e.type === 'Matched', 'Matched');
    assert.equal(m.confidence, 'time');
    assert.equal(m.invocation.requestId, requestId(21));

    observer.pending(3, 'test-bucket');
    observer.await({ result: acked(3, 'never.txt'), eventNames: ['ObjectCreated:Put'], timeoutMs: 300 });
    const t = await rec.waitFor((e) => e.type === 'MatchTimeout', 'MatchTimeout');
    assert.deepEqual(t, { type: 'MatchTimeout', opId: 3 });
  } finally {
    await observer.stop();
  }
});

test('python print lines split over events join their invocation; a failed op is forgotten', async () => {
  const { group, observer, rec } = await observe('poll');
  try {
    observer.pending(4, 'test-bucket');
    observer.await({
      result: acked(4, 'x', { error: { code: 'AccessDenied', message: 'no' } }),
      eventNames: ['ObjectCreated:Put'],
      timeoutMs: 200,
    });
    observer.pending(5, 'test-bucket');
    observer.await({ result: acked(5, 'a b+c.txt', { op: 'delete' }), eventNames: ['ObjectRemoved:Delete'], timeoutMs: 10_000 });
    const lines = demoPrint('ObjectRemoved:Delete', 'a+b%2Bc.txt')
      .split('\n')
      .map((l) => `${l}\n`);
    await putInvocation(logs, group, 's1', requestId(5), lines, Date.now());
    const m = await rec.waitFor<Extract<(typeof rec.events)[number], { type: 'Matched' }>>((e) => e.type === 'Matched', 'Matched');
    assert.equal(m.opId, 5);
    assert.equal(m.confidence, 'key');
    assert.equal(m.invocation.lines.length, lines.length + 3);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(rec.of('MatchTimeout').length, 0, 'the failed op never times out');
  } finally {
    await observer.stop();
  }
});

test('foreign invocations that keep following our key warn about recursion', async () => {
  const { group, observer, rec } = await observe('auto', { foreignGraceMs: 100 });
  try {
    await rec.waitFor((e) => e.type === 'TailState' && e.state.mode === 'live', 'live');
    observer.pending(9, 'test-bucket');
    observer.await({ result: acked(9, 'in.txt'), eventNames: ['ObjectCreated:Put'], timeoutMs: 10_000 });
    await putInvocation(logs, group, 's1', requestId(90), [demoPrint('ObjectCreated:Put', 'in.txt')], Date.now());
    await rec.waitFor((e) => e.type === 'Matched', 'Matched');
    for (let i = 1; i <= 3; i++) {
      await putInvocation(logs, group, 's1', requestId(90 + i), [demoPrint('ObjectCreated:Put', `in.txt${'.out'.repeat(i)}`)], Date.now());
      const s3 = {
        Records: [
          { eventNames: ['ObjectCreated:Put'], s3: { bucket: { name: 'test-bucket' }, object: { key: `in.txt${'.out'.repeat(i)}` } } },
        ],
      };
      await put(logs, group, 's2', [
        { timestamp: Date.now(), message: `START RequestId: ${requestId(95 + i)} Version: $LATEST\n` },
        { timestamp: Date.now() + 1, message: `${JSON.stringify(s3)}\n` },
        {
          timestamp: Date.now() + 2,
          message: `REPORT RequestId: ${requestId(95 + i)}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n`,
        },
      ]);
    }
    const w = await rec.waitFor<Extract<(typeof rec.events)[number], { type: 'Warning' }>>((e) => e.type === 'Warning', 'Warning');
    assert.match(w.message, /recursive loop/);
    assert.equal(rec.of('Warning').length, 1);
  } finally {
    await observer.stop();
  }
});

test('JSON log format: a timed-out invocation is matched with its status and figures', async () => {
  const { group, observer, rec } = await observe('auto');
  try {
    await rec.waitFor((e) => e.type === 'TailState' && e.state.mode === 'live', 'live');
    const id = requestId(30);
    const result = acked(30, 'slow.bin');
    observer.pending(30, 'test-bucket');
    observer.await({ result, eventNames: ['ObjectCreated:Put'], timeoutMs: 10_000 });
    const t = Date.now();
    const iso = new Date(t).toISOString();
    const event = {
      Records: [
        {
          eventNames: ['ObjectCreated:Put'],
          responseElements: { 'x-amz-request-id': result.requestId },
          s3: { bucket: { name: 'test-bucket' }, object: { key: 'slow.bin' } },
        },
      ],
    };
    await put(logs, group, 's1', [
      { timestamp: t, message: JSON.stringify({ time: iso, type: 'platform.start', record: { requestId: id, version: '$LATEST' } }) },
      { timestamp: t + 1, message: JSON.stringify({ timestamp: iso, level: 'INFO', requestId: id, message: JSON.stringify(event) }) },
      {
        timestamp: t + 3000,
        message: JSON.stringify({ time: iso, type: 'platform.runtimeDone', record: { requestId: id, status: 'timeout' } }),
      },
      {
        timestamp: t + 3001,
        message: JSON.stringify({
          time: iso,
          type: 'platform.report',
          record: {
            requestId: id,
            status: 'timeout',
            metrics: { durationMs: 3000.2, billedDurationMs: 3000, memorySizeMB: 128, maxMemoryUsedMB: 70, initDurationMs: 201.5 },
          },
        }),
      },
    ]);
    const m = await rec.waitFor<Extract<(typeof rec.events)[number], { type: 'Matched' }>>((e) => e.type === 'Matched', 'Matched');
    assert.equal(m.confidence, 'request-id');
    assert.equal(m.invocation.status, 'timed-out');
    assert.equal(m.latency.durationMs, 3000.2);
    assert.equal(m.latency.coldStart, true);
  } finally {
    await observer.stop();
  }
});

test('an invocation still running at the op timeout is matched with partial figures', async () => {
  const { group, observer, rec } = await observe('auto');
  try {
    await rec.waitFor((e) => e.type === 'TailState' && e.state.mode === 'live', 'live');
    observer.pending(40, 'test-bucket');
    observer.await({ result: acked(40, 'long.txt'), eventNames: ['ObjectCreated:Put'], timeoutMs: 600 });
    const t = Date.now();
    await put(logs, group, 's1', [
      { timestamp: t, message: `START RequestId: ${requestId(40)} Version: $LATEST\n` },
      { timestamp: t + 1, message: demoPrint('ObjectCreated:Put', 'long.txt') },
    ]);
    const m = await rec.waitFor<Extract<(typeof rec.events)[number], { type: 'Matched' }>>((e) => e.type === 'Matched', 'Matched');
    assert.equal(m.invocation.status, 'running');
    assert.equal(typeof m.latency.triggerMs, 'number');
    assert.equal(m.latency.endToEndMs, undefined);
    assert.equal(rec.of('MatchTimeout').length, 0);
  } finally {
    await observer.stop();
  }
});
