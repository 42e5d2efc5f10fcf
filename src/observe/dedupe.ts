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
  timestamp: number;
  /** Copies delivered from the live stream / from polling. */
  live: number;
  polled: number;
}

export class Deduper {
  private readonly ids = new Map<string, number>();
  private readonly contents = new Map<string, ContentEntry>();
  /** Per poll window (any object the caller keeps for one FilterLogEvents window): identical lines seen in it so far. */
  private readonly positions = new WeakMap<object, Map<string, number>>();
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
    const key = `${event.logStream}\u0000${event.timestamp}\u0000${event.message}`;
    const entry = this.contents.get(key) ?? { timestamp: event.timestamp, live: 0, polled: 0 };
    this.contents.set(key, entry);
    if (source === 'live') {
      entry.live++;
      return entry.live > entry.polled;
    }
    if (event.eventId === undefined && window) {
      const seen = this.positions.get(window) ?? new Map<string, number>();
      this.positions.set(window, seen);
      const position = (seen.get(key) ?? 0) + 1;
      seen.set(key, position);
      if (position <= entry.polled) return false; // this copy came in an earlier, overlapping window
      entry.polled = position;
      return position > entry.live;
    }
    entry.polled++;
    return entry.polled > entry.live;
  }

  get size(): number {
    return this.ids.size + this.contents.size;
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
    for (const [key, entry] of this.contents) {
      if (entry.timestamp < horizon) this.contents.delete(key);
      else if (entry.timestamp < this.oldest) this.oldest = entry.timestamp;
    }
  }
}
