/** The journal file: streamed replay with a small read buffer, junk and torn lines, whole appends, atomic rewrite. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, MAX_RECORD_BYTES, replayJournal, sideFile, type JournalRecord } from '../../../src/sandbox/logs/journal.js';
import { LogEventStore } from '../../../src/sandbox/logs/store.js';

const withPath = (t: { after(fn: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-journal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'journal.ndjson');
};
const line = (r: JournalRecord) => `${JSON.stringify(r)}\n`;
const replayAll = (path: string, readBufferBytes?: number) => {
  const records: JournalRecord[] = [];
  const result = replayJournal(path, (r) => records.push(r), readBufferBytes);
  return { records, ...result };
};

test('replay reads records straddling a read buffer far smaller than they are, in order', (t) => {
  const path = withPath(t);
  const records: JournalRecord[] = Array.from({ length: 50 }, (_, i) => ({
    op: 'events',
    group: 'g',
    stream: 's',
    i,
    e: [[i, `m${i} ${'é'.repeat(i * 7)}`]],
  }));
  writeFileSync(path, records.map(line).join(''));
  for (const size of [1, 7, 64, 1 << 20]) {
    const got = replayAll(path, size);
    assert.deepEqual(got.records, records, `read buffer ${size}`);
    assert.equal(got.skipped, 0);
    assert.equal(got.end, readFileSync(path).length);
  }
});

const cases: { name: string; content: string; ops: string[]; skipped: number; cut: boolean }[] = [
  {
    name: 'a corrupt line is skipped',
    content: `${line({ op: 'group', name: 'a', t: 1 })}{"op":"gro\n${line({ op: 'group', name: 'b', t: 2 })}`,
    ops: ['group', 'group'],
    skipped: 1,
    cut: false,
  },
  {
    name: 'a line that is JSON but no record is skipped',
    content: `[1,2]\n{"op":"nope"}\nnull\n${line({ op: 'seq', next: 5 })}`,
    ops: ['seq'],
    skipped: 3,
    cut: false,
  },
  {
    name: 'records of the wrong shape are skipped (replay must not throw on them)',
    content: `{"op":"events","group":"g","stream":"s","i":1}\n{"op":"events","group":"g","stream":"s","i":1,"e":[[1]]}\n{"op":"group"}\n{"op":"trim","group":"g"}\n${line({ op: 'group', name: 'ok', t: 1 })}`,
    ops: ['group'],
    skipped: 4,
    cut: false,
  },
  {
    name: 'a torn last line is cut off',
    content: `${line({ op: 'group', name: 'a', t: 1 })}{"op":"group","na`,
    ops: ['group'],
    skipped: 1,
    cut: true,
  },
  { name: 'blank lines are nothing', content: `\n\n${line({ op: 'group', name: 'a', t: 1 })}\n`, ops: ['group'], skipped: 0, cut: false },
];
for (const c of cases) {
  test(`replay: ${c.name}`, (t) => {
    const path = withPath(t);
    writeFileSync(path, c.content);
    const got = replayAll(path, 5);
    assert.deepEqual(
      got.records.map((r) => r.op),
      c.ops,
    );
    assert.equal(got.skipped, c.skipped);
    const size = readFileSync(path).length;
    assert.equal(got.end, size);
    assert.equal(size < Buffer.byteLength(c.content), c.cut);
  });
}

test('replay skips a line longer than any record without holding it, and reads on after it', (t) => {
  const path = withPath(t);
  writeFileSync(path, line({ op: 'group', name: 'a', t: 1 }));
  appendFileSync(path, Buffer.alloc(MAX_RECORD_BYTES + 1024, 0x20));
  appendFileSync(path, `\n${line({ op: 'group', name: 'b', t: 2 })}`);
  const got = replayAll(path);
  assert.deepEqual(
    got.records.map((r) => (r as { name: string }).name),
    ['a', 'b'],
  );
  assert.equal(got.skipped, 1);
});

test('append writes at the known end (over a cut-off torn line); rewrite replaces the file whole and leaves no side file', (t) => {
  const path = withPath(t);
  writeFileSync(path, `${line({ op: 'group', name: 'a', t: 1 })}{"torn`);
  const { end } = replayAll(path);
  const journal = Journal.open(path, end);
  journal.append([
    { op: 'group', name: 'b', t: 2 },
    { op: 'stream', group: 'b', name: 's', t: 2 },
  ]);
  assert.deepEqual(
    replayAll(path).records.map((r) => r.op),
    ['group', 'group', 'stream'],
  );
  journal.rewrite([
    { op: 'seq', next: 9 },
    { op: 'group', name: 'c', t: 3 },
  ]);
  journal.append([{ op: 'group', name: 'd', t: 4 }]);
  journal.close();
  assert.deepEqual(replayAll(path).records, [
    { op: 'seq', next: 9 },
    { op: 'group', name: 'c', t: 3 },
    { op: 'group', name: 'd', t: 4 },
  ]);
  assert.equal(existsSync(sideFile(path)), false);
  assert.equal(journal.size, readFileSync(path).length);
});

test('a compaction left half-written by a crash is ignored and removed at open', (t) => {
  const path = withPath(t);
  writeFileSync(path, line({ op: 'group', name: 'real', t: 1 }));
  writeFileSync(sideFile(path), `${line({ op: 'group', name: 'half', t: 1 })}{"op":`);
  const store = LogEventStore.open(join(path, '..'));
  try {
    assert.deepEqual(
      store.allGroups().map((g) => g.name),
      ['real'],
    );
    assert.equal(existsSync(sideFile(path)), false);
  } finally {
    store.close();
  }
});

test('compaction keeps event ids, ingestion times and sequence numbers; deleted data is gone from the file', (t) => {
  const path = withPath(t);
  const dir = join(path, '..');
  const first = LogEventStore.open(dir);
  first.createGroup('g', 1);
  first.createStream('g', 'a', 1);
  first.createStream('g', 'b', 1);
  first.append(
    'g',
    'a',
    [
      { timestamp: 10, message: 'a10' },
      { timestamp: 30, message: 'a30' },
    ],
    100,
  );
  first.append('g', 'b', [{ timestamp: 20, message: 'b20' }], 101);
  first.createGroup('gone', 2);
  first.createStream('gone', 's', 2);
  first.append('gone', 's', [{ timestamp: 40, message: 'secret-ish' }], 102);
  first.deleteGroup('gone');
  const before = first.group('g')!.events.map((e) => [e.stream.name, e.timestamp, e.seq, e.ingestionTime, e.message]);
  first.close();

  const second = LogEventStore.open(dir); // deletes in the journal: compacted at open
  const after = second.group('g')!.events.map((e) => [e.stream.name, e.timestamp, e.seq, e.ingestionTime, e.message]);
  second.append('g', 'a', [{ timestamp: 50, message: 'a50' }], 103);
  const newSeq = second.group('g')!.events.at(-1)!.seq;
  second.close();
  assert.deepEqual(after, before);
  assert.ok(newSeq > 4, 'sequence numbers are never reused');
  assert.doesNotMatch(readFileSync(path, 'utf8'), /secret-ish|deleteGroup/);
  assert.equal(second.group('g')!.streams.get('b')!.lastIngestionTime, 101);
});

test('a store starts over a journal holding a record of the wrong shape, and keeps the rest', (t) => {
  const path = withPath(t);
  writeFileSync(
    path,
    line({ op: 'group', name: 'g', t: 1 }) +
      line({ op: 'stream', group: 'g', name: 's', t: 1 }) +
      '{"op":"events","group":"g","stream":"s","i":1}\n' +
      line({ op: 'events', group: 'g', stream: 's', i: 2, e: [[2, 'kept']] }),
  );
  const store = LogEventStore.open(join(path, '..'));
  try {
    assert.deepEqual(
      store.group('g')!.events.map((e) => e.message),
      ['kept'],
    );
  } finally {
    store.close();
  }
});
