/**
 * The Logs store: groups, streams and events in memory, indexed per group and per stream in
 * (timestamp, seq) order, with every change written to the journal first. Subscribers (live tail)
 * are told about appended events synchronously, in append order.
 *
 * Bounded: events past their group's retention (PutRetentionPolicy) are dropped, and when the events
 * held cost more than `maxBytes` (message bytes + EVENT_MEMORY_BYTES each, about what they take in
 * memory) the oldest go first, down to 7/8 of it. The journal is compacted at start when it holds
 * dropped data, and while running whenever it passes `maxBytes`.
 */
import { join } from 'node:path';
import { mkdirSync, rmSync } from 'node:fs';
import { LogsError } from './errors.js';
import { comparePositions, type EventPosition } from './ids.js';
import { Journal, replayJournal, sideFile, type EventTuple, type JournalRecord } from './journal.js';
import { snapshotRecords } from './snapshot.js';

export interface StoredEvent extends EventPosition {
  message: string;
  ingestionTime: number;
  stream: StreamState;
}

export interface StreamState {
  name: string;
  group: GroupState;
  creationTime: number;
  events: StoredEvent[];
  storedBytes: number;
  lastIngestionTime?: number;
}

export interface GroupState {
  name: string;
  creationTime: number;
  /** PutRetentionPolicy's days; undefined = never expire. */
  retentionInDays?: number;
  streams: Map<string, StreamState>;
  /** All events of all streams, interleaved in position order. */
  events: StoredEvent[];
  storedBytes: number;
}

/** Events for one stream, as the Lambda runner hands them over (LogsSink.append). */
export interface AppendBatch {
  group: string;
  stream: string;
  events: readonly { timestamp: number; message: string }[];
}

export type AppendListener = (group: GroupState, stream: StreamState, events: readonly StoredEvent[]) => void;

export interface LogStoreOptions {
  /** Cap on the events kept and on the journal, in bytes (see the module comment). Default 512 MiB. */
  maxBytes?: number;
  /** Bytes read at a time when replaying the journal. */
  readBufferBytes?: number;
  /** Where a failed compaction is reported (the sandbox log). */
  log?: (line: string) => void;
  /** The clock retention is measured against (ms). */
  now?: () => number;
}

/** CloudWatch counts 26 bytes of overhead per event in a batch's size and in storedBytes. */
export const EVENT_OVERHEAD_BYTES = 26;
/** What an event costs in memory beyond its message (object, two index slots, numbers), measured on Node 20. */
export const EVENT_MEMORY_BYTES = 128;
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
const DAY = 86_400_000;
/** Journal records carry at most this much message text, so no record nears MAX_RECORD_BYTES. */
const RECORD_MESSAGE_BYTES = 1024 * 1024;

export class LogEventStore {
  private readonly groups = new Map<string, GroupState>();
  private readonly listeners = new Set<AppendListener>();
  private readonly maxBytes: number;
  private readonly now: () => number;
  private journal: Journal | undefined;
  private nextSeq = 1;
  private eventBytes = 0;
  private eventCount = 0;
  /** Events or records the journal holds that the state no longer does. */
  private dropped = 0;
  private compactedSize = 0;

  private constructor(private readonly options: LogStoreOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.now = options.now ?? Date.now;
  }

  /** A store persisted under `dir` (journal replayed, then compacted if it holds dropped data), or a memory-only one. */
  static open(dir?: string, options: LogStoreOptions = {}): LogEventStore {
    const store = new LogEventStore(options);
    if (!dir) return store;
    const path = join(dir, 'journal.ndjson');
    mkdirSync(dir, { recursive: true });
    rmSync(sideFile(path), { force: true });
    const replay = replayJournal(path, (record) => store.replay(record), options.readBufferBytes);
    store.journal = Journal.open(path, replay.end);
    store.expire();
    if (replay.skipped > 0 || store.dropped > 0 || store.journal.size > store.maxBytes) store.compact();
    return store;
  }

  close(): void {
    this.listeners.clear();
    this.journal?.close();
  }

  group(name: string): GroupState | undefined {
    return this.groups.get(name);
  }

  /** All groups, sorted by name as DescribeLogGroups lists them. */
  allGroups(): GroupState[] {
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** What the events held cost against `maxBytes`. */
  get costBytes(): number {
    return this.eventBytes + this.eventCount * (EVENT_MEMORY_BYTES - EVENT_OVERHEAD_BYTES);
  }

  createGroup(name: string, creationTime: number): GroupState {
    this.commit([{ op: 'group', name, t: creationTime }]);
    return this.groups.get(name)!;
  }

  deleteGroup(name: string): void {
    this.commit([{ op: 'deleteGroup', name }]);
  }

  createStream(group: string, name: string, creationTime: number): StreamState {
    this.commit([{ op: 'stream', group, name, t: creationTime }]);
    return this.groups.get(group)!.streams.get(name)!;
  }

  deleteStream(group: string, name: string): void {
    this.commit([{ op: 'deleteStream', group, name }]);
  }

  /** PutRetentionPolicy (days) / DeleteRetentionPolicy (undefined); expired events go at once. */
  setRetention(group: string, days: number | undefined): void {
    this.commit([{ op: 'retention', group, ...(days !== undefined && { days }) }]);
    this.expire();
  }

  /** Appends to an existing stream; events need not be sorted. Returns the stored events. */
  append(group: string, stream: string, events: readonly { timestamp: number; message: string }[], ingestionTime: number): StoredEvent[] {
    if (events.length === 0) return [];
    const stored = this.commit(eventRecords(group, stream, events, ingestionTime));
    const streamState = this.groups.get(group)!.streams.get(stream)!;
    for (const listener of [...this.listeners]) listener(streamState.group, streamState, stored);
    this.expire();
    this.evict();
    this.compactIfDue();
    return stored;
  }

  /**
   * Appends several batches (the Lambda runner's lines of one event-loop turn) as ONE journal write: each group and
   * stream missing is created at `now` first, consecutive batches of one stream become one record, and each stream's
   * ingestionTime comes from `ingestionTime(stream state, or undefined for a stream created here)`, never below an
   * earlier batch's of the same stream. All or nothing: throws LogsError (nothing stored) when the write fails.
   * Subscribers hear of each stream's events once every batch is applied.
   */
  appendBatches(batches: readonly AppendBatch[], now: number, ingestionTime: (stream: StreamState | undefined) => number): void {
    const records: JournalRecord[] = [];
    const created = new Set<string>();
    const lastIngestion = new Map<string, number>();
    for (let b = 0; b < batches.length; ) {
      const { group, stream } = batches[b]!;
      const events: { timestamp: number; message: string }[] = [];
      for (; b < batches.length && batches[b]!.group === group && batches[b]!.stream === stream; b++) events.push(...batches[b]!.events);
      if (events.length === 0) continue;
      const existingGroup = this.groups.get(group);
      if (!existingGroup && !created.has(group)) {
        records.push({ op: 'group', name: group, t: now });
        created.add(group);
      }
      const key = `${group}\u0000${stream}`;
      const existing = existingGroup?.streams.get(stream);
      if (!existing && !created.has(key)) {
        records.push({ op: 'stream', group, name: stream, t: now });
        created.add(key);
      }
      const ingestion = Math.max(ingestionTime(existing), lastIngestion.get(key) ?? 0);
      lastIngestion.set(key, ingestion);
      records.push(...eventRecords(group, stream, events, ingestion));
    }
    if (records.length === 0) return;
    this.write(records);
    const appended: [StreamState, StoredEvent[]][] = [];
    for (const record of records) {
      const stored = this.apply(record);
      if (stored.length > 0) appended.push([stored[0]!.stream, stored]);
    }
    for (const [streamState, stored] of appended) {
      for (const listener of [...this.listeners]) listener(streamState.group, streamState, stored);
    }
    this.expire();
    this.evict();
    this.compactIfDue();
  }

  subscribe(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops every group's events older than its retention (as of now). */
  expire(): void {
    const now = this.now();
    for (const group of this.groups.values()) {
      if (group.retentionInDays === undefined || group.events.length === 0) continue;
      const cutoff = now - group.retentionInDays * DAY;
      if (group.events[0]!.timestamp >= cutoff) continue;
      this.trim(group, firstIndexAtOrAfterTime(group.events, cutoff));
    }
  }

  /** The journal rewritten to the live state (crash-safe); a failure is logged and the old journal kept. */
  compact(): void {
    if (!this.journal) return;
    try {
      this.journal.rewrite(snapshotRecords(this.nextSeq, this.groups.values()));
      this.compactedSize = this.journal.size;
      this.dropped = 0;
    } catch (err) {
      this.options.log?.(`logs: could not compact the journal: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  private compactIfDue(): void {
    const size = this.journal?.size ?? 0;
    if (size > this.maxBytes && size - this.compactedSize > this.maxBytes / 8) this.compact();
  }

  /**
   * Over the cap: the oldest events across all groups go, down to 7/8 of it. The groups' indexes are
   * merged by position to count what goes from each, then each group is trimmed once (interleaved
   * groups would otherwise be trimmed an event at a time).
   */
  private evict(): void {
    if (this.costBytes <= this.maxBytes) return;
    const target = this.maxBytes - this.maxBytes / 8;
    const perEvent = EVENT_MEMORY_BYTES - EVENT_OVERHEAD_BYTES;
    const heads = [...this.groups.values()].filter((g) => g.events.length > 0).map((group) => ({ group, next: 0 }));
    const active = [...heads];
    for (let cost = this.costBytes; cost > target && active.length > 0; ) {
      let min = 0;
      for (let h = 1; h < active.length; h++) {
        if (comparePositions(active[h]!.group.events[active[h]!.next]!, active[min]!.group.events[active[min]!.next]!) < 0) min = h;
      }
      const head = active[min]!;
      cost -= Buffer.byteLength(head.group.events[head.next++]!.message) + EVENT_OVERHEAD_BYTES + perEvent;
      if (head.next === head.group.events.length) active.splice(min, 1);
    }
    for (const { group, next } of heads) this.trim(group, next);
  }

  /** Drops the group's first `count` events, journaled best effort (replay re-applies retention and the cap anyway). */
  private trim(group: GroupState, count: number): void {
    if (count <= 0) return;
    const last = group.events[count - 1]!;
    const record: JournalRecord = { op: 'trim', group: group.name, ts: last.timestamp, seq: last.seq };
    try {
      this.journal?.append([record]);
    } catch {
      // Memory is what the cap protects; a full disk must not stop it.
    }
    this.dropped++;
    this.apply(record);
  }

  private commit(records: JournalRecord[]): StoredEvent[] {
    this.write(records);
    return records.flatMap((r) => this.apply(r));
  }

  /** Journals the records (one write), or throws LogsError with nothing written. */
  private write(records: JournalRecord[]): void {
    try {
      this.journal?.append(records);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      throw new LogsError('ServiceUnavailableException', `The sandbox could not write its log journal (${code}); nothing was stored.`, 500);
    }
  }

  /** Replay: apply, and hold the cap while reading, so a journal larger than memory still starts. */
  private replay(record: JournalRecord): void {
    if (record.op === 'deleteGroup' || record.op === 'deleteStream' || record.op === 'trim') this.dropped++;
    this.apply(record);
    if (record.op === 'events' && this.costBytes > this.maxBytes) this.evict();
  }

  /** The one place state changes, shared by live calls and journal replay. */
  private apply(record: JournalRecord): StoredEvent[] {
    switch (record.op) {
      case 'group':
        if (!this.groups.has(record.name)) {
          this.groups.set(record.name, { name: record.name, creationTime: record.t, streams: new Map(), events: [], storedBytes: 0 });
        }
        return [];
      case 'deleteGroup': {
        const group = this.groups.get(record.name);
        if (group) this.dropEvents(group, group.events.length);
        this.groups.delete(record.name);
        return [];
      }
      case 'retention': {
        const group = this.groups.get(record.group);
        if (group) group.retentionInDays = record.days;
        return [];
      }
      case 'trim': {
        const group = this.groups.get(record.group);
        if (group) this.dropEvents(group, firstIndexAfter(group.events, { timestamp: record.ts, seq: record.seq }));
        return [];
      }
      case 'seq':
        this.nextSeq = Math.max(this.nextSeq, record.next);
        return [];
      case 'stream': {
        const group = this.groups.get(record.group);
        if (group && !group.streams.has(record.name)) {
          group.streams.set(record.name, {
            name: record.name,
            group,
            creationTime: record.t,
            events: [],
            storedBytes: 0,
            ...(record.li !== undefined && { lastIngestionTime: record.li }),
          });
        }
        return [];
      }
      case 'deleteStream': {
        const group = this.groups.get(record.group);
        const stream = group?.streams.get(record.name);
        if (!group || !stream) return [];
        group.streams.delete(record.name);
        group.events = group.events.filter((e) => e.stream !== stream);
        group.storedBytes -= stream.storedBytes;
        this.eventBytes -= stream.storedBytes;
        this.eventCount -= stream.events.length;
        return [];
      }
      case 'events': {
        const stream = this.groups.get(record.group)?.streams.get(record.stream);
        if (!stream) return [];
        const stored = record.e.map(([timestamp, message, seq]): StoredEvent => {
          if (seq !== undefined) this.nextSeq = Math.max(this.nextSeq, seq + 1);
          return { timestamp, seq: seq ?? this.nextSeq++, message, ingestionTime: record.i, stream };
        });
        for (const event of stored) {
          insertSorted(stream.events, event);
          insertSorted(stream.group.events, event);
          const bytes = Buffer.byteLength(event.message) + EVENT_OVERHEAD_BYTES;
          stream.storedBytes += bytes;
          stream.group.storedBytes += bytes;
          this.eventBytes += bytes;
        }
        this.eventCount += stored.length;
        stream.lastIngestionTime = Math.max(stream.lastIngestionTime ?? 0, record.i);
        return stored;
      }
    }
  }

  /** Removes the group's first `count` events from its index and from each stream's (their prefixes too). */
  private dropEvents(group: GroupState, count: number): void {
    if (count <= 0) return;
    const perStream = new Map<StreamState, { count: number; bytes: number }>();
    for (let i = 0; i < count; i++) {
      const e = group.events[i]!;
      const entry = perStream.get(e.stream) ?? { count: 0, bytes: 0 };
      entry.count++;
      entry.bytes += Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES;
      perStream.set(e.stream, entry);
    }
    for (const [stream, { count: n, bytes }] of perStream) {
      stream.events = stream.events.slice(n);
      stream.storedBytes -= bytes;
      group.storedBytes -= bytes;
      this.eventBytes -= bytes;
    }
    group.events = group.events.slice(count);
    this.eventCount -= count;
  }
}

/** The `events` records of one batch, each carrying at most RECORD_MESSAGE_BYTES of message text. */
function eventRecords(
  group: string,
  stream: string,
  events: readonly { timestamp: number; message: string }[],
  ingestionTime: number,
): JournalRecord[] {
  const records: JournalRecord[] = [];
  let chunk: EventTuple[] = [];
  let chunkBytes = 0;
  for (const e of events) {
    if (chunk.length > 0 && chunkBytes + e.message.length > RECORD_MESSAGE_BYTES) {
      records.push({ op: 'events', group, stream, i: ingestionTime, e: chunk });
      chunk = [];
      chunkBytes = 0;
    }
    chunk.push([e.timestamp, e.message]);
    chunkBytes += e.message.length;
  }
  records.push({ op: 'events', group, stream, i: ingestionTime, e: chunk });
  return records;
}

/** Events almost always arrive in order, so this is a push; a late one is placed by binary search. */
function insertSorted(events: StoredEvent[], event: StoredEvent): void {
  const last = events[events.length - 1];
  if (!last || comparePositions(last, event) <= 0) {
    events.push(event);
    return;
  }
  events.splice(firstIndexAfter(events, event), 0, event);
}

/** Index of the first event strictly after `position`. */
export function firstIndexAfter(events: readonly EventPosition[], position: EventPosition): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePositions(events[mid]!, position) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first event with timestamp >= `timestamp`. */
export function firstIndexAtOrAfterTime(events: readonly EventPosition[], timestamp: number): number {
  return firstIndexAfter(events, { timestamp: timestamp - 1, seq: Number.MAX_SAFE_INTEGER });
}
