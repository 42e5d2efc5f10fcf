/**
 * CloudWatch Logs under `--timing aws` (scaled), through the real sandbox and SDK: ingestion delay seen
 * through FilterLogEvents and GetLogEvents (out of order across streams, in order within one), StartLiveTail
 * pacing (one update per interval, empty when idle, 500 sampled), the session's end, FilterLogEvents' quota.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  StartLiveTailCommand,
  ThrottlingException,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { startLogsFixture, type LogsFixture } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const group = '/aws/lambda/timing-fn';

async function fixture(t: { after(fn: () => Promise<void>): void }, scale: number, seed = 4): Promise<LogsFixture> {
  const fx = await startLogsFixture({ timing: { profile: 'aws', scale, seed } });
  t.after(() => fx.close());
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  return fx;
}

test('ingestion delay: a put event is not in FilterLogEvents or GetLogEvents until its ingestionTime, then it is', async (t) => {
  const fx = await fixture(t, 0.3, 1); // seed 1's first ingestion delay: 1.74 s × 0.3 = 520 ms; FilterLogEvents 5 per 300 ms
  await fx.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
  const putAt = Date.now();
  await fx.logs.send(
    new PutLogEventsCommand({ logGroupName: group, logStreamName: 's', logEvents: [{ timestamp: putAt, message: 'hello' }] }),
  );
  assert.deepEqual((await fx.logs.send(new FilterLogEventsCommand({ logGroupName: group }))).events, []);
  assert.deepEqual(
    (await fx.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 's', startFromHead: true }))).events,
    [],
  );
  let seen: { ingestionTime?: number } | undefined;
  for (let i = 0; i < 100 && !seen; i++) {
    await sleep(70);
    seen = (await fx.logs.send(new FilterLogEventsCommand({ logGroupName: group }))).events?.[0];
  }
  assert.ok(seen, 'visible in the end');
  assert.ok(seen.ingestionTime! >= putAt + 400, `ingestionTime ${seen.ingestionTime! - putAt} ms after the put`);
  assert.ok(Number.isInteger(seen.ingestionTime));
  assert.ok(seen.ingestionTime! <= Date.now());
  const got = await fx.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 's', startFromHead: true }));
  assert.deepEqual(
    got.events?.map((e) => e.message),
    ['hello'],
  );
});

test('ingestion delay: out of order across streams, in order within one; nothing is returned before its ingestionTime', async (t) => {
  const fx = await fixture(t, 0.05);
  const { sink } = { sink: fx.sandbox.context.logs };
  const start = Date.now();
  for (let i = 0; i < 30; i++) sink.append(group, `stream-${i % 6}`, [{ timestamp: start + i, message: `m${i}` }]);
  let events: { message?: string; timestamp?: number; ingestionTime?: number; logStreamName?: string }[] = [];
  for (let i = 0; i < 200 && events.length < 30; i++) {
    await sleep(15); // within the scaled quota: 5 per 50 ms
    const answer = await fx.logs.send(new FilterLogEventsCommand({ logGroupName: group }));
    const receivedAt = Date.now();
    events = answer.events ?? [];
    for (const e of events) assert.ok(e.ingestionTime! <= receivedAt, 'returned only once ingested');
  }
  assert.equal(events.length, 30);
  for (let s = 0; s < 6; s++) {
    const times = events.filter((e) => e.logStreamName === `stream-${s}`).map((e) => e.ingestionTime!);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      `stream-${s}: ingested in order`,
    );
  }
  const byTimestamp = [...events].sort((a, b) => a.timestamp! - b.timestamp!);
  const inversions = byTimestamp.filter((e, i) => i > 0 && e.ingestionTime! < byTimestamp[i - 1]!.ingestionTime!).length;
  assert.ok(inversions > 0, 'a later event of another stream was ingested first');
});

async function liveTail(fx: LogsFixture) {
  const abort = new AbortController();
  const response = await fx.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [group] }), { abortSignal: abort.signal });
  const frames: { at: number; frame: StartLiveTailResponseStream }[] = [];
  let error: unknown;
  const reading = (async () => {
    try {
      for await (const frame of response.responseStream!) frames.push({ at: performance.now(), frame });
    } catch (err) {
      error = err;
    }
  })();
  return { frames, stop: () => abort.abort(), reading, error: () => error };
}

test('live tail: one sessionUpdate per interval, empty when idle; 1000 events at once are one update of 500, sampled, in order', async (t) => {
  const fx = await fixture(t, 0.05); // one update per 50 ms, ingestion p50 50 ms
  const tail = await liveTail(fx);
  t.after(() => tail.stop());
  await sleep(500);
  const idle = tail.frames.filter((f) => f.frame.sessionUpdate);
  assert.ok(idle.length >= 4 && idle.length <= 11, `${idle.length} updates in 500 ms at one per 50 ms`);
  for (const f of idle) assert.deepEqual(f.frame.sessionUpdate, { sessionMetadata: { sampled: false }, sessionResults: [] });

  const before = tail.frames.length;
  const start = Date.now();
  fx.sandbox.context.logs.append(
    group,
    'flood',
    Array.from({ length: 1000 }, (_, i) => ({ timestamp: start, message: `line ${String(i).padStart(4, '0')}` })),
  );
  for (let i = 0; i < 200 && !tail.frames.slice(before).some((f) => f.frame.sessionUpdate?.sessionResults?.length); i++) await sleep(10);
  await sleep(120);
  const updates = tail.frames
    .slice(before)
    .map((f) => f.frame.sessionUpdate!)
    .filter((u) => u.sessionResults!.length > 0);
  assert.equal(updates.length, 1, 'the flood came in one update');
  assert.deepEqual(updates[0]!.sessionMetadata, { sampled: true });
  const messages = updates[0]!.sessionResults!.map((r) => r.message!);
  assert.equal(messages.length, 500);
  assert.deepEqual(messages, [...messages].sort(), 'the sample keeps the events in order');
  assert.equal(new Set(messages).size, 500);
  for (const r of updates[0]!.sessionResults!) assert.ok(r.ingestionTime! > start, 'ingestion delay applies to live tail too');
});

test('live tail: 500 events in one interval are all sent, not sampled', async (t) => {
  const fx = await fixture(t, 0.05);
  const tail = await liveTail(fx);
  t.after(() => tail.stop());
  fx.sandbox.context.logs.append(
    group,
    'burst',
    Array.from({ length: 500 }, (_, i) => ({ timestamp: Date.now(), message: `b${i}` })),
  );
  for (let i = 0; i < 200 && !tail.frames.some((f) => f.frame.sessionUpdate?.sessionResults?.length); i++) await sleep(10);
  const update = tail.frames.find((f) => f.frame.sessionUpdate?.sessionResults?.length)!.frame.sessionUpdate!;
  assert.equal(update.sessionResults!.length, 500);
  assert.deepEqual(update.sessionMetadata, { sampled: false });
});

test('live tail: the session ends after 3 h (scaled) with SessionTimeoutException', async (t) => {
  const fx = await fixture(t, 0.0001); // 3 h -> 1.08 s
  const tail = await liveTail(fx);
  t.after(() => tail.stop());
  const opened = performance.now();
  await Promise.race([tail.reading, sleep(5000)]);
  const elapsed = performance.now() - opened;
  assert.equal((tail.error() as Error | undefined)?.name, 'SessionTimeoutException');
  assert.ok(elapsed >= 1000 && elapsed < 4000, `ended after ${elapsed} ms`);
});

test('FilterLogEvents: 5 requests a second, the 6th is ThrottlingException "Rate exceeded" (400), then it recovers', async (t) => {
  const fx = await fixture(t, 1);
  const results = await Promise.allSettled(
    Array.from({ length: 8 }, () => fx.logs.send(new FilterLogEventsCommand({ logGroupName: group }))),
  );
  const ok = results.filter((r) => r.status === 'fulfilled');
  const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ThrottlingException] : []));
  assert.equal(ok.length, 5);
  assert.equal(refused.length, 3);
  for (const err of refused) {
    assert.ok(err instanceof ThrottlingException, String(err));
    assert.equal(err.message, 'Rate exceeded');
    assert.equal(err.$metadata.httpStatusCode, 400);
  }
  // Other operations are not counted against it.
  await fx.logs
    .send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'none' }))
    .catch((err: Error) => assert.equal(err.name, 'ResourceNotFoundException'));
  await sleep(1050);
  await fx.logs.send(new FilterLogEventsCommand({ logGroupName: group }));
});

test('instant timing: no quota, no delay (the default stays as before)', async (t) => {
  const fx = await startLogsFixture();
  t.after(() => fx.close());
  fx.sandbox.context.logs.append(group, 's', [{ timestamp: Date.now(), message: 'now' }]);
  const results = await Promise.all(Array.from({ length: 12 }, () => fx.logs.send(new FilterLogEventsCommand({ logGroupName: group }))));
  for (const r of results)
    assert.deepEqual(
      r.events?.map((e) => e.message),
      ['now'],
    );
});
