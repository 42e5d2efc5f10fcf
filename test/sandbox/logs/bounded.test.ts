/** The size cap (`maxBytes` / `--logs-max-mb`): replay of a journal far over it in bounded memory, oldest events first out, compaction. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { EVENT_MEMORY_BYTES, LogEventStore } from '../../../src/sandbox/logs/store.js';
import { startLogsFixture } from './helpers.js';

const MiB = 1024 * 1024;
const tempDir = (t: { after(fn: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-bounded-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** A journal of `records` events records, each one event of `messageBytes` bytes, written without holding it in memory. */
function writeJournal(dir: string, records: number, messageBytes: number, t0: number): void {
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, 'journal.ndjson'), 'w');
  writeSync(
    fd,
    `${JSON.stringify({ op: 'group', name: 'g', t: t0 })}\n${JSON.stringify({ op: 'stream', group: 'g', name: 's', t: t0 })}\n`,
  );
  const filler = 'x'.repeat(messageBytes - 12);
  for (let i = 0; i < records; i++) {
    writeSync(
      fd,
      `${JSON.stringify({ op: 'events', group: 'g', stream: 's', i: t0 + i, e: [[t0 + i, `${String(i).padStart(11, '0')} ${filler}`]] })}\n`,
    );
  }
  closeSync(fd);
}

test('a journal far larger than the cap replays in bounded memory, keeps the newest events and is compacted to under the cap', (t) => {
  const dir = tempDir(t);
  const t0 = Date.now() - 3_600_000;
  writeJournal(dir, 1024, 64 * 1024, t0); // 64 MiB
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const store = LogEventStore.open(dir, { maxBytes: 1 * MiB, readBufferBytes: 64 * 1024 });
  const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore;
  try {
    // Reading the whole file (the old way) costs its size three times over: buffer, string, lines.
    assert.ok(peakGrowth < 40 * MiB, `peak RSS grew ${(peakGrowth / MiB).toFixed(0)} MiB replaying a 64 MiB journal under a 1 MiB cap`);
    const events = store.group('g')!.events;
    assert.ok(events.length > 0 && events.length <= 16, `${events.length} events kept`);
    assert.equal(events[events.length - 1]!.message.slice(0, 11), String(1023).padStart(11, '0'), 'the newest event is kept');
    assert.ok(store.costBytes <= 1 * MiB);
    assert.ok(statSync(join(dir, 'journal.ndjson')).size <= 1 * MiB, 'compacted at start');
  } finally {
    store.close();
  }
  const again = LogEventStore.open(dir, { maxBytes: 1 * MiB });
  try {
    assert.deepEqual(
      again.group('g')!.events.map((e) => [e.timestamp, e.seq, e.ingestionTime]),
      store.group('g')!.events.map((e) => [e.timestamp, e.seq, e.ingestionTime]),
    );
  } finally {
    again.close();
  }
});

test('startSandbox({ logsMaxMb }): over the cap the oldest events go first, ids stay, and the journal stays near the cap', async (t) => {
  const dataDir = tempDir(t);
  const fx = await startLogsFixture({ dataDir, logsMaxMb: 1 });
  t.after(() => fx.close());
  const group = 'capped';
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await fx.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
  const now = Date.now();
  const line = (i: number) => `line ${String(i).padStart(6, '0')} ${'y'.repeat(1000)}`;
  const total = 4000; // about 4.5 MiB of cost against a 1 MiB cap
  for (let i = 0; i < total; i += 500) {
    const logEvents = Array.from({ length: 500 }, (_, j) => ({ timestamp: now + i + j, message: line(i + j) }));
    await fx.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 's', logEvents }));
  }
  const all = async () => {
    const out: { message?: string; eventId?: string }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await fx.logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken }));
      out.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  };
  const kept = await all();
  const perEvent = line(0).length + EVENT_MEMORY_BYTES;
  assert.ok(kept.length * perEvent <= 1 * MiB && kept.length * perEvent > 0.8 * MiB, `${kept.length} events kept`);
  assert.equal(kept[kept.length - 1]!.message, line(total - 1), 'the newest event is kept');
  assert.equal(kept[0]!.message, line(total - kept.length), 'what is kept is the newest run, oldest first out');
  assert.ok(statSync(join(dataDir, 'logs', 'journal.ndjson')).size < 1.5 * MiB, 'the journal was compacted');
  await fx.close();

  const second = await startLogsFixture({ dataDir, logsMaxMb: 1 });
  t.after(() => second.close());
  const page = await second.logs.send(new FilterLogEventsCommand({ logGroupName: group }));
  assert.deepEqual(
    page.events?.map((e) => [e.eventId, e.message]),
    kept.slice(0, page.events?.length).map((e) => [e.eventId, e.message]),
  );
});

test('over the cap, the oldest events across interleaved groups go first, appended one line at a time as Lambda does', () => {
  const perEvent = 1 + EVENT_MEMORY_BYTES; // one-byte messages
  const store = LogEventStore.open(undefined, { maxBytes: perEvent * 10_000 });
  for (const g of ['a', 'b', 'c']) {
    store.createGroup(g, 0);
    store.createStream(g, 's', 0);
  }
  const started = Date.now();
  for (let i = 0; i < 60_000; i++) store.append(['a', 'b', 'c'][i % 3]!, 's', [{ timestamp: 1_000_000 + i, message: 'x' }], 1_000_000 + i);
  const elapsed = Date.now() - started;
  const kept = store
    .allGroups()
    .flatMap((g) => g.events.map((e) => e.timestamp))
    .sort((x, y) => x - y);
  assert.ok(kept.length <= 10_000 && kept.length >= 8_750, `${kept.length} kept`);
  assert.deepEqual(
    kept,
    Array.from({ length: kept.length }, (_, i) => 1_000_000 + 60_000 - kept.length + i),
    'exactly the newest events, from every group',
  );
  for (const g of store.allGroups()) assert.equal(g.storedBytes, g.events.length * (1 + 26));
  assert.ok(store.costBytes <= perEvent * 10_000);
  console.log(`# 60,000 interleaved appends under a 10,000-event cap: ${elapsed} ms`);
});

test('startSandbox refuses a logsMaxMb that is not a positive number, before listening', async () => {
  const { startSandbox } = await import('../../../src/sandbox/server.js');
  for (const logsMaxMb of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    await assert.rejects(startSandbox({ port: 0, logsMaxMb }), {
      message: `logsMaxMb must be a number of MiB greater than 0, not ${String(logsMaxMb)}`,
    });
  }
});
