import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setImmediate } from 'node:timers/promises';
import { LogEventStore } from '../../../src/sandbox/logs/store.js';
import { LogsError } from '../../../src/sandbox/logs/errors.js';
import { openLiveTailSession, parseLiveTailRequest, selectResults } from '../../../src/sandbox/logs/live-tail.js';

const ARN = 'arn:aws:logs:eu-west-1:000000000000:log-group:/aws/lambda/fn';

function storeWith(...groups: string[]) {
  const store = LogEventStore.open();
  for (const g of groups) {
    store.createGroup(g, 1);
    for (const s of ['2025/01/01/[$LATEST]a', 'other']) store.createStream(g, s, 1);
  }
  return store;
}

const selectCases: {
  name: string;
  input: Record<string, unknown>;
  group: string;
  stream: string;
  expected: string[];
  identifier?: string;
}[] = [
  {
    name: 'name identifier',
    input: { logGroupIdentifiers: ['/aws/lambda/fn'] },
    group: '/aws/lambda/fn',
    stream: 'other',
    expected: ['INFO a', 'ERROR b'],
  },
  {
    name: 'ARN identifier echoed',
    input: { logGroupIdentifiers: [ARN] },
    group: '/aws/lambda/fn',
    stream: 'other',
    expected: ['INFO a', 'ERROR b'],
    identifier: ARN,
  },
  { name: 'another group', input: { logGroupIdentifiers: ['/aws/lambda/fn'] }, group: '/aws/lambda/other', stream: 'other', expected: [] },
  {
    name: 'stream name hit',
    input: { logGroupIdentifiers: ['/aws/lambda/fn'], logStreamNames: ['other'] },
    group: '/aws/lambda/fn',
    stream: 'other',
    expected: ['INFO a', 'ERROR b'],
  },
  {
    name: 'stream name miss',
    input: { logGroupIdentifiers: ['/aws/lambda/fn'], logStreamNames: ['x'] },
    group: '/aws/lambda/fn',
    stream: 'other',
    expected: [],
  },
  {
    name: 'prefix hit',
    input: { logGroupIdentifiers: ['/aws/lambda/fn'], logStreamNamePrefixes: ['x', '2025/'] },
    group: '/aws/lambda/fn',
    stream: '2025/01/01/[$LATEST]a',
    expected: ['INFO a', 'ERROR b'],
  },
  {
    name: 'prefix miss',
    input: { logGroupIdentifiers: ['/aws/lambda/fn'], logStreamNamePrefixes: ['2025/'] },
    group: '/aws/lambda/fn',
    stream: 'other',
    expected: [],
  },
  {
    name: 'pattern',
    input: { logGroupIdentifiers: ['/aws/lambda/fn'], logEventFilterPattern: 'ERROR' },
    group: '/aws/lambda/fn',
    stream: 'other',
    expected: ['ERROR b'],
  },
];

for (const c of selectCases) {
  test(`live tail selection: ${c.name}`, () => {
    const store = storeWith('/aws/lambda/fn', '/aws/lambda/other');
    const request = parseLiveTailRequest(store, c.input);
    const stored = store.append(
      c.group,
      c.stream,
      [
        { timestamp: 5, message: 'INFO a' },
        { timestamp: 6, message: 'ERROR b' },
      ],
      7,
    );
    const group = store.group(c.group)!;
    const results = selectResults(request, group, group.streams.get(c.stream)!, stored);
    assert.deepEqual(
      results.map((r) => r.message),
      c.expected,
    );
    for (const r of results) {
      assert.equal(r.logGroupIdentifier, c.identifier ?? '/aws/lambda/fn');
      assert.equal(r.logStreamName, c.stream);
      assert.equal(r.ingestionTime, 7);
    }
  });
}

const refusals: { name: string; input: Record<string, unknown>; code: string }[] = [
  { name: 'no groups', input: {}, code: 'InvalidParameterException' },
  { name: 'empty groups', input: { logGroupIdentifiers: [] }, code: 'InvalidParameterException' },
  {
    name: 'eleven groups',
    input: { logGroupIdentifiers: Array.from({ length: 11 }, () => '/aws/lambda/fn') },
    code: 'InvalidParameterException',
  },
  { name: 'missing group', input: { logGroupIdentifiers: ['/aws/lambda/later'] }, code: 'ResourceNotFoundException' },
  {
    name: 'names and prefixes',
    input: { logGroupIdentifiers: ['/aws/lambda/fn'], logStreamNames: ['a'], logStreamNamePrefixes: ['b'] },
    code: 'InvalidParameterException',
  },
  {
    name: 'stream filter on two groups',
    input: { logGroupIdentifiers: ['/aws/lambda/fn', '/aws/lambda/other'], logStreamNamePrefixes: ['b'] },
    code: 'InvalidParameterException',
  },
  {
    name: 'JSON pattern',
    input: { logGroupIdentifiers: ['/aws/lambda/fn'], logEventFilterPattern: '{ $.a = 1 }' },
    code: 'InvalidParameterException',
  },
];

for (const c of refusals) {
  test(`live tail request refused: ${c.name}`, () => {
    const store = storeWith('/aws/lambda/fn', '/aws/lambda/other');
    assert.throws(
      () => parseLiveTailRequest(store, c.input),
      (err: unknown) => err instanceof LogsError && err.code === c.code,
    );
  });
}

/** The sessionUpdate results of each frame a session wrote (event-stream frames: prelude, headers, JSON payload, CRC). */
function fakeResponse() {
  const updates: string[][] = [];
  const res = new EventEmitter() as EventEmitter & Record<string, unknown>;
  Object.assign(res, {
    writableNeedDrain: false,
    writeHead: () => res,
    flushHeaders: () => {},
    end: () => {},
    write: (frame: Buffer) => {
      const total = frame.readUInt32BE(0);
      const headersLength = frame.readUInt32BE(4);
      const payload = JSON.parse(frame.subarray(12 + headersLength, total - 4).toString('utf8'));
      if (payload.sessionResults) updates.push(payload.sessionResults.map((r: { message: string }) => r.message));
      return true;
    },
  });
  return { res: res as unknown as ServerResponse, updates };
}

test('instant live tail: an append after a quiet spell goes at once, appends closer than the gap share one update', async () => {
  const store = storeWith('/aws/lambda/fn');
  const request = parseLiveTailRequest(store, { logGroupIdentifiers: ['/aws/lambda/fn'] });
  const { res, updates } = fakeResponse();
  const pacing = { maxEventsPerUpdate: 500, sessionTimeoutMs: 60_000, sampling: Math.random, minUpdateGapMs: 5_000 };
  const session = openLiveTailSession(store, request, res, 'req-1', pacing, () => {});
  const append = (message: string) => store.append('/aws/lambda/fn', 'other', [{ timestamp: Date.now(), message }], Date.now());
  append('first');
  await setImmediate();
  assert.deepEqual(updates, [['first']], 'the first append is pushed at once');
  for (const m of ['a', 'b', 'c']) {
    append(m); // each in its own loop turn, as the Lambda runner's lines of successive invocations
    await setImmediate();
  }
  assert.deepEqual(updates, [['first']], 'appends within the gap wait for it');
  session.end(); // what is waiting is sent before the stream ends
  assert.deepEqual(updates, [['first'], ['a', 'b', 'c']]);
});

test('instant live tail: two sessions of one group get a line in the same update, whichever connected first', async () => {
  const store = storeWith('/aws/lambda/fn');
  const request = parseLiveTailRequest(store, { logGroupIdentifiers: ['/aws/lambda/fn'] });
  const pacing = { maxEventsPerUpdate: 500, sessionTimeoutMs: 60_000, sampling: Math.random, minUpdateGapMs: 150 };
  const append = (message: string) => store.append('/aws/lambda/fn', 'other', [{ timestamp: Date.now(), message }], Date.now());
  const first = fakeResponse();
  const a = openLiveTailSession(store, request, first.res, 'req-a', pacing, () => {});
  append('before b');
  await setImmediate();
  assert.deepEqual(first.updates, [['before b']]);
  // b connects within a's gap: with a gap per session, b got the next line at once and a a gap later.
  const second = fakeResponse();
  const b = openLiveTailSession(store, request, second.res, 'req-b', pacing, () => {});
  append('both');
  await setImmediate();
  assert.deepEqual(second.updates, [], 'b waits for the round a waits for');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(first.updates, [['before b'], ['both']]);
  assert.deepEqual(second.updates, [['both']]);
  a.end();
  b.end();
});
