import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogEventStore } from '../../../src/sandbox/logs/store.js';
import { rejectedEvents } from '../../../src/sandbox/logs/log-events.js';
import { eventId } from '../../../src/sandbox/logs/ids.js';

const withDir = (fn: (dir: string) => void) => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-store-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('events are indexed per stream and per group in (timestamp, seq) order, late ones included', () => {
  const store = LogEventStore.open();
  store.createGroup('g', 1);
  store.createStream('g', 'a', 1);
  store.createStream('g', 'b', 1);
  store.append(
    'g',
    'a',
    [
      { timestamp: 10, message: 'a10' },
      { timestamp: 30, message: 'a30' },
    ],
    100,
  );
  store.append('g', 'b', [{ timestamp: 20, message: 'b20' }], 101);
  store.append('g', 'a', [{ timestamp: 5, message: 'a5-late' }], 102);
  const group = store.group('g')!;
  assert.deepEqual(
    group.events.map((e) => e.message),
    ['a5-late', 'a10', 'b20', 'a30'],
  );
  assert.deepEqual(
    group.streams.get('a')!.events.map((e) => e.message),
    ['a5-late', 'a10', 'a30'],
  );
  assert.equal(group.streams.get('a')!.lastIngestionTime, 102);
  assert.equal(group.storedBytes, group.streams.get('a')!.storedBytes + group.streams.get('b')!.storedBytes);
});

test('subscribers hear appends synchronously, in order, until they unsubscribe', () => {
  const store = LogEventStore.open();
  store.createGroup('g', 1);
  store.createStream('g', 's', 1);
  const heard: string[] = [];
  const off = store.subscribe((group, stream, events) => heard.push(...events.map((e) => `${group.name}/${stream.name}:${e.message}`)));
  store.append(
    'g',
    's',
    [
      { timestamp: 1, message: 'x' },
      { timestamp: 2, message: 'y' },
    ],
    5,
  );
  assert.deepEqual(heard, ['g/s:x', 'g/s:y']);
  off();
  store.append('g', 's', [{ timestamp: 3, message: 'z' }], 5);
  assert.equal(heard.length, 2);
});

test('the journal replays to the same state and the same event ids; deletes survive too', () =>
  withDir((dir) => {
    const first = LogEventStore.open(dir);
    first.createGroup('keep', 1);
    first.createStream('keep', 's', 2);
    first.createGroup('gone', 3);
    first.createStream('gone', 's', 3);
    first.append('gone', 's', [{ timestamp: 4, message: 'lost' }], 4);
    first.append(
      'keep',
      's',
      [
        { timestamp: 5, message: 'one' },
        { timestamp: 5, message: 'two' },
      ],
      6,
    );
    first.deleteGroup('gone');
    const ids = first.group('keep')!.events.map(eventId);
    first.close();

    const second = LogEventStore.open(dir);
    assert.equal(second.group('gone'), undefined);
    assert.deepEqual(second.group('keep')!.events.map(eventId), ids);
    assert.deepEqual(
      second.group('keep')!.events.map((e) => [e.message, e.ingestionTime]),
      [
        ['one', 6],
        ['two', 6],
      ],
    );
    second.append('keep', 's', [{ timestamp: 7, message: 'three' }], 8);
    const third = second.group('keep')!.events.map(eventId);
    second.close();
    assert.deepEqual(LogEventStore.open(dir).group('keep')!.events.map(eventId), third);
  }));

test('a torn last journal line is cut off and later appends stay readable', () =>
  withDir((dir) => {
    const store = LogEventStore.open(dir);
    store.createGroup('g', 1);
    store.close();
    appendFileSync(join(dir, 'journal.ndjson'), '{"op":"stream","gro');
    const reopened = LogEventStore.open(dir);
    reopened.createStream('g', 's', 2);
    reopened.close();
    assert.ok(readFileSync(join(dir, 'journal.ndjson'), 'utf8').endsWith('"name":"s","t":2}\n'));
    assert.ok(LogEventStore.open(dir).group('g')!.streams.has('s'));
  }));

const now = 1_800_000_000_000;
const day = 86_400_000;
const rejectCases: { name: string; timestamps: number[]; expected: ReturnType<typeof rejectedEvents> }[] = [
  { name: 'all fine', timestamps: [now - 1, now, now + 1], expected: undefined },
  { name: 'old prefix', timestamps: [now - 15 * day, now - 15 * day + 1, now], expected: { tooOldLogEventEndIndex: 2 } },
  { name: 'new suffix', timestamps: [now, now + 3 * 3_600_000], expected: { tooNewLogEventStartIndex: 1 } },
  {
    name: 'both',
    timestamps: [now - 20 * day, now, now + 5 * 3_600_000],
    expected: { tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 2 },
  },
];
for (const { name, timestamps, expected } of rejectCases) {
  test(`rejectedEvents: ${name}`, () => assert.deepEqual(rejectedEvents(timestamps, now), expected));
}

test('appendBatches stores a turn of batches in one journal write: groups and streams created once, runs of a stream merged', () => {
  withDir((dir) => {
    const store = LogEventStore.open(dir);
    store.createGroup('g', 1);
    const heard: string[] = [];
    store.subscribe((group, stream, events) => heard.push(`${group.name}/${stream.name}:${events.map((e) => e.message).join(',')}`));
    const before = readFileSync(join(dir, 'journal.ndjson'), 'utf8').split('\n').length;
    let draws = 0;
    const ingestion = [500, 400, 450]; // a later draw below an earlier one of the same stream is raised to it
    store.appendBatches(
      [
        { group: 'g', stream: 'a', events: [{ timestamp: 10, message: 'START' }] },
        { group: 'g', stream: 'a', events: [{ timestamp: 11, message: 'line' }] },
        { group: 'h', stream: 'b', events: [{ timestamp: 12, message: 'other' }] },
        { group: 'g', stream: 'a', events: [] },
        { group: 'g', stream: 'a', events: [{ timestamp: 13, message: 'END' }] },
      ],
      7,
      () => ingestion[draws++]!,
    );
    assert.equal(draws, 3, 'one ingestionTime per run of a stream');
    const added = readFileSync(join(dir, 'journal.ndjson'), 'utf8')
      .split('\n')
      .slice(before - 1, -1)
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      added.map((r: { op: string }) => r.op),
      ['stream', 'events', 'group', 'stream', 'events', 'events'],
    );
    assert.deepEqual(heard, ['g/a:START,line', 'h/b:other', 'g/a:END']);
    const a = store.group('g')!.streams.get('a')!;
    assert.deepEqual(
      a.events.map((e) => [e.message, e.ingestionTime]),
      [
        ['START', 500],
        ['line', 500],
        ['END', 500],
      ],
    );
    assert.equal(a.creationTime, 7);
    assert.equal(store.group('h')!.creationTime, 7);
    store.close();

    const reopened = LogEventStore.open(dir);
    assert.deepEqual(
      reopened.group('g')!.events.map((e) => e.message),
      ['START', 'line', 'END'],
    );
    reopened.close();
  });
});
