import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deduper } from '../../src/observe/dedupe.js';
import { backoffInterval, isThrottle, RateGate, toRawEvents } from '../../src/observe/tail-poll.js';
import { isRefusal } from '../../src/observe/tail-live.js';

const ev = (message: string, timestamp = 1000, eventId?: string, logStream = 's') => ({
  logGroup: 'g',
  logStream,
  timestamp,
  message,
  ...(eventId ? { eventId } : {}),
});

const dedupeCases: { name: string; feed: [source: 'live' | 'poll', event: ReturnType<typeof ev>][]; admitted: boolean[] }[] = [
  {
    name: 'poll twice by eventId',
    feed: [
      ['poll', ev('a', 1, 'e1')],
      ['poll', ev('a', 1, 'e1')],
    ],
    admitted: [true, false],
  },
  {
    name: 'live then its polled copy',
    feed: [
      ['live', ev('a')],
      ['poll', ev('a', 1000, 'e1')],
      ['poll', ev('a', 1000, 'e1')],
    ],
    admitted: [true, false, false],
  },
  {
    name: 'polled then its live copy',
    feed: [
      ['poll', ev('a', 1000, 'e1')],
      ['live', ev('a')],
    ],
    admitted: [true, false],
  },
  {
    name: 'two identical lines in one ms, live then polled',
    feed: [
      ['live', ev('a')],
      ['live', ev('a')],
      ['poll', ev('a', 1000, 'e1')],
      ['poll', ev('a', 1000, 'e2')],
    ],
    admitted: [true, true, false, false],
  },
  {
    name: 'one live copy, two polled copies: the second is new',
    feed: [
      ['live', ev('a')],
      ['poll', ev('a', 1000, 'e1')],
      ['poll', ev('a', 1000, 'e2')],
    ],
    admitted: [true, false, true],
  },
  {
    name: 'same text in another stream is another event',
    feed: [
      ['live', ev('a')],
      ['poll', ev('a', 1000, 'e1', 'other')],
    ],
    admitted: [true, true],
  },
  {
    name: 'same text at another time is another event',
    feed: [
      ['live', ev('a', 1)],
      ['live', ev('a', 2)],
    ],
    admitted: [true, true],
  },
];
for (const c of dedupeCases) {
  test(`Deduper: ${c.name}`, () => {
    const d = new Deduper();
    assert.deepEqual(
      c.feed.map(([source, e]) => d.admit(e, source)),
      c.admitted,
    );
  });
}

/** Polls without eventId (emulators): one window is one array; positions count identical lines within it. */
type Window = { source: 'live' | 'poll'; events: ReturnType<typeof ev>[] };

/** What a fresh Deduper admits of each window's events, window by window (each window one read: one `window` object). */
function admittedBy(windows: Window[]): boolean[][] {
  const d = new Deduper();
  return windows.map((w) => {
    const window = {};
    return w.events.map((e) => d.admit(e, w.source, window));
  });
}

const windowCases: { name: string; windows: Window[]; admitted: boolean[][] }[] = [
  {
    name: 'the same window read twice adds nothing',
    windows: [
      { source: 'poll', events: [ev('a', 1), ev('b', 2)] },
      { source: 'poll', events: [ev('a', 1), ev('b', 2)] },
    ],
    admitted: [
      [true, true],
      [false, false],
    ],
  },
  {
    name: 'overlapping windows: only the new tail is new',
    windows: [
      { source: 'poll', events: [ev('a', 1), ev('b', 2)] },
      { source: 'poll', events: [ev('b', 2), ev('c', 3)] },
    ],
    admitted: [
      [true, true],
      [false, true],
    ],
  },
  {
    name: 'one line printed twice in one ms stays twice',
    windows: [
      { source: 'poll', events: [ev('a'), ev('a')] },
      { source: 'poll', events: [ev('a'), ev('a')] },
    ],
    admitted: [
      [true, true],
      [false, false],
    ],
  },
  {
    name: 'a third identical line indexed late is new',
    windows: [
      { source: 'poll', events: [ev('a'), ev('a')] },
      { source: 'poll', events: [ev('a'), ev('a'), ev('a')] },
    ],
    admitted: [
      [true, true],
      [false, false, true],
    ],
  },
  {
    name: 'live copies pair with polled ones',
    windows: [
      { source: 'live', events: [ev('a'), ev('a')] },
      { source: 'poll', events: [ev('a'), ev('a'), ev('a')] },
    ],
    admitted: [
      [true, true],
      [false, false, true],
    ],
  },
  {
    name: 'polled then live',
    windows: [
      { source: 'poll', events: [ev('a')] },
      { source: 'live', events: [ev('a'), ev('a')] },
    ],
    admitted: [[true], [false, true]],
  },
];
for (const c of windowCases) {
  test(`Deduper without eventId: ${c.name}`, () => {
    assert.deepEqual(admittedBy(c.windows), c.admitted);
  });
}

/** More lines in one millisecond than the Deduper compares one by one (it then looks them up by content). */
const crowd = (n: number, stream = 's') => Array.from({ length: n }, (_, i) => ev(`line ${i % 30}`, 1000, undefined, stream));
const crowdCases: { name: string; windows: Window[]; admitted: boolean[][] }[] = [
  {
    name: '40 lines of one ms, 10 of them printed twice, live then the same polled',
    windows: [
      { source: 'live', events: crowd(40) },
      { source: 'poll', events: crowd(40) },
    ],
    admitted: [Array(40).fill(true), Array(40).fill(false)],
  },
  {
    name: '40 lines of one ms polled, then a window with one more copy of each',
    windows: [
      { source: 'poll', events: crowd(40) },
      { source: 'poll', events: [...crowd(40), ...crowd(30)] },
    ],
    admitted: [Array(40).fill(true), [...Array(40).fill(false), ...Array(30).fill(true)]],
  },
  {
    name: 'the same 30 lines of one ms in two streams are other events',
    windows: [
      { source: 'live', events: crowd(30, 'a') },
      { source: 'live', events: crowd(30, 'b') },
      { source: 'poll', events: [...crowd(30, 'a'), ...crowd(30, 'b')] },
    ],
    admitted: [Array(30).fill(true), Array(30).fill(true), Array(60).fill(false)],
  },
];
for (const c of crowdCases) {
  test(`Deduper, many lines in one ms: ${c.name}`, () => {
    assert.deepEqual(admittedBy(c.windows), c.admitted);
  });
}

test('Deduper: memory stays bounded', () => {
  const d = new Deduper(1000);
  for (let i = 0; i < 20_000; i++) d.admit(ev(`m${i}`, i * 10, `e${i}`), 'poll');
  assert.ok(d.size < 2 * (1000 / 10 + 256) + 10, `size ${d.size}`);
});

test('RateGate spaces callers out', async () => {
  const clock = 0;
  const gate = new RateGate(250, () => clock);
  const order: number[] = [];
  await gate.acquire();
  order.push(clock);
  const second = gate.acquire().then(() => order.push(2));
  assert.deepEqual(order, [0]);
  await second;
  assert.deepEqual(order, [0, 2]);
  const ac = new AbortController();
  const third = gate.acquire(ac.signal);
  ac.abort();
  assert.equal(await third, false);
});

const backoffCases: [current: number, base: number, max: number, next: number][] = [
  [0, 500, 30_000, 1000],
  [500, 500, 30_000, 1000],
  [1000, 500, 30_000, 2000],
  [20_000, 500, 30_000, 30_000],
];
for (const [current, base, max, next] of backoffCases) {
  test(`backoffInterval(${current}, ${base}, ${max}) = ${next}`, () => assert.equal(backoffInterval(current, base, max), next));
}

const err = (name: string, status?: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const refusalCases: [error: unknown, refused: boolean, throttled: boolean][] = [
  [err('UnknownOperationException', 400), true, false],
  [err('AccessDeniedException', 400), true, false],
  [err('LimitExceededException', 400), true, true],
  [err('UnrecognizedClientException', 403), true, false],
  [err('ThrottlingException', 400), false, true],
  [err('UnknownError', 501), true, false],
  [err('UnknownError', 500), false, false],
  [Object.assign(new SyntaxError("Unexpected token '<'"), { $metadata: {} }), true, false],
  [err('Error', 404), true, false],
  [err('TimeoutError'), false, false],
  [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), false, false],
];
for (const [error, refused, throttled] of refusalCases) {
  test(`isRefusal/isThrottle ${(error as Error).name} ${(error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? ''}`, () => {
    assert.equal(isRefusal(error), refused);
    assert.equal(isThrottle(error), throttled);
  });
}

test('toRawEvents keeps ids and skips incomplete events', () => {
  assert.deepEqual(
    toRawEvents('g', [{ logStreamName: 's', timestamp: 1, message: 'm', eventId: 'e', ingestionTime: 2 }, { message: 'no time' }]),
    [{ logGroup: 'g', logStream: 's', timestamp: 1, ingestionTime: 2, message: 'm', eventId: 'e' }],
  );
});
