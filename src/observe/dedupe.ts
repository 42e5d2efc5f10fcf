/**
 * Drops events already delivered. Polled events carry a stable eventId; live-tail events carry
 * none, so live and polled copies of one event are paired by (stream, timestamp, message),
 * counting occurrences so two identical lines in the same millisecond both get through.
 * Polled events without an eventId (emulators) are told apart by their position among identical
 * lines of one poll window: a window re-read by the next, overlapping poll adds only what is new.
 * Memory is bounded: entries older than `retentionMs` (event time) behind the newest are pruned.
 */
import type { RawLogEvent } from './lambda-log.js';

interface ContentEntry {
  logStream: string;
  message: string;
  /** Copies delivered from the live stream / from polling. */
  live: number;
  polled: number;
}

/** Up to this many lines of one millisecond are compared one by one; more (a handler's flood) are looked up by content. */
const LIST_UP_TO = 16;

/** The entries of one event time: a short list, or a map by `stream \0 message` once it is long. */
type SameTime = ContentEntry[] | Map<string, ContentEntry>;

const contentKey = (logStream: string, message: string) => `${logStream}\u0000${message}`;

export class Deduper {
  private readonly ids = new Map<string, number>();
  /**
   * Event time -> the distinct (stream, message) pairs seen at that time. Keyed by the time rather than by one
   * `stream + time + message` string: that string was built and hashed for every delivered line (a burst's twelve
   * thousand), while one millisecond holds a few lines to compare.
   */
  private readonly contents = new Map<number, SameTime>();
  private contentCount = 0;
  /** Per poll window (any object the caller keeps for one FilterLogEvents window): identical lines seen in it so far. */
  private readonly positions = new WeakMap<object, Map<ContentEntry, number>>();
  private newest = 0;
  /** The oldest event time held (a prune with nothing older than its horizon has nothing to walk). */
  private oldest = Infinity;
  private sincePrune = 0;

  constructor(private readonly retentionMs = 10 * 60_000) {}

  /**
   * True when the event is new and should be delivered. `window` identifies the poll window a polled event came
   * in (every page of one FilterLogEvents read); without it, each id-less polled event counts as one more copy.
   */
  admit(event: RawLogEvent, source: 'live' | 'poll', window?: object): boolean {
    if (event.timestamp > this.newest) this.newest = event.timestamp;
    if (this.newest - event.timestamp > this.retentionMs) return false; // older than what we can vouch for
    this.maybePrune();
    if (event.timestamp < this.oldest) this.oldest = event.timestamp;
    if (source === 'poll' && event.eventId !== undefined) {
      if (this.ids.has(event.eventId)) return false;
      this.ids.set(event.eventId, event.timestamp);
    }
    const entry = this.entryOf(event);
    if (source === 'live') {
      entry.live++;
      return entry.live > entry.polled;
    }
    if (event.eventId === undefined && window) {
      const seen = this.positions.get(window) ?? new Map<ContentEntry, number>();
      this.positions.set(window, seen);
      const position = (seen.get(entry) ?? 0) + 1;
      seen.set(entry, position);
      if (position <= entry.polled) return false; // this copy came in an earlier, overlapping window
      entry.polled = position;
      return position > entry.live;
    }
    entry.polled++;
    return entry.polled > entry.live;
  }

  get size(): number {
    return this.ids.size + this.contentCount;
  }

  /** The entry of the event's (stream, time, message), made on first sight. */
  private entryOf(event: RawLogEvent): ContentEntry {
    const same = this.contents.get(event.timestamp);
    if (same instanceof Map) {
      const key = contentKey(event.logStream, event.message);
      const known = same.get(key);
      if (known) return known;
      const entry = this.newEntry(event);
      same.set(key, entry);
      return entry;
    }
    if (same) for (const e of same) if (e.message === event.message && e.logStream === event.logStream) return e;
    const entry = this.newEntry(event);
    if (!same) this.contents.set(event.timestamp, [entry]);
    else if (same.length < LIST_UP_TO) same.push(entry);
    else this.contents.set(event.timestamp, new Map([...same, entry].map((e) => [contentKey(e.logStream, e.message), e])));
    return entry;
  }

  private newEntry(event: RawLogEvent): ContentEntry {
    this.contentCount++;
    return { logStream: event.logStream, message: event.message, live: 0, polled: 0 };
  }

  private maybePrune(): void {
    if (++this.sincePrune < 256) return;
    this.sincePrune = 0;
    const horizon = this.newest - this.retentionMs;
    if (this.oldest >= horizon) return;
    this.oldest = Infinity;
    for (const [id, ts] of this.ids) {
      if (ts < horizon) this.ids.delete(id);
      else if (ts < this.oldest) this.oldest = ts;
    }
    for (const [ts, same] of this.contents) {
      if (ts < horizon) {
        this.contents.delete(ts);
        this.contentCount -= same instanceof Map ? same.size : same.length;
      } else if (ts < this.oldest) this.oldest = ts;
    }
  }
}
