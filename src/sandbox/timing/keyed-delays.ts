/**
 * Delayed delivery that keeps per-key order: each item is due after its own delay, but never before an item
 * queued earlier under the same key (S3 notifications per object key, log batches per stream). A zero delay
 * with nothing queued under the key is delivered at once, synchronously, so the instant profile behaves as
 * before.
 */

interface Queued<T> {
  item: T;
  dueAt: number;
  queuedAt: number;
}

export class KeyedDelays<T> {
  private readonly queues = new Map<string, Queued<T>[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  /** `deliver` is called once per item, in per-key queue order; a throw is the caller's to report (it does not stop the queue). */
  constructor(
    private readonly deliver: (key: string, item: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Queues `item` under `key`, due `delayMs` from now or right after the key's last queued item, whichever is later. */
  push(key: string, item: T, delayMs: number): void {
    if (this.closed) return;
    const queue = this.queues.get(key);
    const now = this.now();
    if (!queue && delayMs <= 0) {
      this.deliver(key, item);
      return;
    }
    const entry: Queued<T> = { item, dueAt: now + Math.max(0, delayMs), queuedAt: now };
    if (queue) {
      queue.push(entry);
      return;
    }
    this.queues.set(key, [entry]);
    this.arm(key);
  }

  /** The last item still waiting under `key`, and when it was queued (ms), for coalescing; undefined when none waits. */
  lastPending(key: string): { item: T; queuedAt: number } | undefined {
    const queue = this.queues.get(key);
    return queue?.[queue.length - 1];
  }

  /** How many items wait, across keys. */
  get size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Drops everything still waiting (the sandbox is closing). */
  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queues.clear();
  }

  private arm(key: string): void {
    const head = this.queues.get(key)?.[0];
    if (!head) return;
    const timer = setTimeout(() => this.fire(key), Math.max(0, head.dueAt - this.now()));
    timer.unref();
    this.timers.set(key, timer);
  }

  private fire(key: string): void {
    this.timers.delete(key);
    const queue = this.queues.get(key);
    if (!queue) return;
    const now = this.now();
    // Everything due now goes, in order; a later item drawn shorter than its predecessor goes right after it.
    while (queue.length > 0 && queue[0]!.dueAt <= now) {
      const { item } = queue.shift()!;
      try {
        this.deliver(key, item);
      } catch {
        // the deliver callback reports its own failures
      }
      if (this.closed) return;
    }
    if (queue.length === 0) this.queues.delete(key);
    else this.arm(key);
  }
}
