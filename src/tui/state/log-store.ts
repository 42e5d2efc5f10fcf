/**
 * High-frequency log lines live here, outside React: a capped buffer flushed in batches.
 * Only the log pane subscribes (useSyncExternalStore), so a flood never re-renders the rest.
 */
import type { LogLine } from '../../observe/types.js';
import { messageLines } from '../format.js';

export interface StoredLine {
  /** 1-based, increasing: the order lines arrived in. */
  seq: number;
  line: LogLine;
}

export interface LogSnapshot {
  /** Oldest first, at most `capacity` lines. */
  lines: readonly StoredLine[];
  /** Lines pushed out of the buffer by newer ones. */
  dropped: number;
  /** Every line ever received (= lines.length + dropped once flushed). */
  received: number;
  latestSeq: number;
}

export interface LogStoreOptions {
  capacity?: number;
  flushMs?: number;
}

export const DEFAULT_LOG_CAPACITY = 5000;
export const DEFAULT_FLUSH_MS = 50;

export class LogStore {
  readonly capacity: number;
  private readonly flushMs: number;
  private pending: StoredLine[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private snapshot: LogSnapshot = { lines: [], dropped: 0, received: 0, latestSeq: 0 };
  private readonly listeners = new Set<() => void>();

  constructor(options: LogStoreOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? DEFAULT_LOG_CAPACITY);
    this.flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
  }

  /** Queues a line; a multi-line message (`\r`- or `\n`-joined) becomes one stored line per text line. */
  push(line: LogLine): void {
    const parts = messageLines(line.message);
    if (parts.length === 1 && parts[0] === line.message) this.pending.push({ seq: ++this.seq, line });
    else for (const part of parts) this.pending.push({ seq: ++this.seq, line: { ...line, message: part } });
    if (this.pending.length >= this.capacity) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.flushMs);
  }

  /** Moves pending lines into the buffer and notifies subscribers once. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const incoming = this.pending;
    this.pending = [];
    const { lines, dropped, received } = this.snapshot;
    let next = lines.concat(incoming);
    let nextDropped = dropped;
    if (next.length > this.capacity) {
      nextDropped += next.length - this.capacity;
      next = next.slice(next.length - this.capacity);
    }
    this.snapshot = { lines: next, dropped: nextDropped, received: received + incoming.length, latestSeq: this.seq };
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): LogSnapshot => this.snapshot;

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }
}
