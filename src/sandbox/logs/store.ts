/**
 * The Logs store: groups, streams and events in memory, indexed per group and per stream in
 * (timestamp, seq) order, with every change written to the journal first. Subscribers (live tail)
 * are told about appended events synchronously, in append order.
 */
import { join } from 'node:path';
import { comparePositions, type EventPosition } from './ids.js';
import { Journal, type JournalRecord } from './journal.js';

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
  streams: Map<string, StreamState>;
  /** All events of all streams, interleaved in position order. */
  events: StoredEvent[];
  storedBytes: number;
}

export type AppendListener = (group: GroupState, stream: StreamState, events: readonly StoredEvent[]) => void;

/** CloudWatch counts 26 bytes of overhead per event in a batch's size. */
export const EVENT_OVERHEAD_BYTES = 26;

export class LogStore {
  private readonly groups = new Map<string, GroupState>();
  private readonly listeners = new Set<AppendListener>();
  private nextSeq = 1;

  private constructor(private readonly journal: Journal | undefined) {}

  /** A store persisted under `dir` (journal replayed), or a memory-only one without `dir`. */
  static open(dir?: string): LogStore {
    if (!dir) return new LogStore(undefined);
    const { journal, records } = Journal.open(join(dir, 'journal.ndjson'));
    const store = new LogStore(journal);
    for (const record of records) store.apply(record);
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

  createGroup(name: string, creationTime: number): GroupState {
    this.commit({ op: 'group', name, t: creationTime });
    return this.groups.get(name)!;
  }

  deleteGroup(name: string): void {
    this.commit({ op: 'deleteGroup', name });
  }

  createStream(group: string, name: string, creationTime: number): StreamState {
    this.commit({ op: 'stream', group, name, t: creationTime });
    return this.groups.get(group)!.streams.get(name)!;
  }

  deleteStream(group: string, name: string): void {
    this.commit({ op: 'deleteStream', group, name });
  }

  /** Appends to an existing stream; events need not be sorted. Returns the stored events. */
  append(group: string, stream: string, events: readonly { timestamp: number; message: string }[], ingestionTime: number): StoredEvent[] {
    if (events.length === 0) return [];
    const stored = this.commit({ op: 'events', group, stream, i: ingestionTime, e: events.map((e) => [e.timestamp, e.message]) });
    const streamState = this.groups.get(group)!.streams.get(stream)!;
    for (const listener of [...this.listeners]) listener(streamState.group, streamState, stored);
    return stored;
  }

  subscribe(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(record: JournalRecord): StoredEvent[] {
    this.journal?.append(record);
    return this.apply(record);
  }

  /** The one place state changes, shared by live calls and journal replay. */
  private apply(record: JournalRecord): StoredEvent[] {
    switch (record.op) {
      case 'group':
        if (!this.groups.has(record.name)) {
          this.groups.set(record.name, { name: record.name, creationTime: record.t, streams: new Map(), events: [], storedBytes: 0 });
        }
        return [];
      case 'deleteGroup':
        this.groups.delete(record.name);
        return [];
      case 'stream': {
        const group = this.groups.get(record.group);
        if (group && !group.streams.has(record.name)) {
          group.streams.set(record.name, { name: record.name, group, creationTime: record.t, events: [], storedBytes: 0 });
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
        return [];
      }
      case 'events': {
        const stream = this.groups.get(record.group)?.streams.get(record.stream);
        if (!stream) return [];
        const stored = record.e.map(([timestamp, message]): StoredEvent => ({
          timestamp,
          seq: this.nextSeq++,
          message,
          ingestionTime: record.i,
          stream,
        }));
        for (const event of stored) {
          insertSorted(stream.events, event);
          insertSorted(stream.group.events, event);
          const bytes = Buffer.byteLength(event.message) + EVENT_OVERHEAD_BYTES;
          stream.storedBytes += bytes;
          stream.group.storedBytes += bytes;
        }
        stream.lastIngestionTime = record.i;
        return stored;
      }
    }
  }
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
