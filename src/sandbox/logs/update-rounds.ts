/**
 * The rounds in which a sandbox's instant live tail sessions send their updates (`s3trigger sandbox` without
 * `--timing aws`). AWS sends every session its update on the same one-second boundaries, so a line reaches two clients
 * in the same update whichever connected first; here the sessions of one log store share a round the same way: every
 * session with events waiting sends them in it, at most one round per gap. With a timer per session, two clients of
 * one group got the same line up to a gap apart, more when the sandbox's loop was busy (measured in a 1,000-PUT burst:
 * p99 10-29 ms between two sessions).
 */
export class UpdateRounds {
  private readonly waiting = new Set<() => void>();
  private lastRoundAt = Number.NEGATIVE_INFINITY;
  private scheduled = false;

  /** `gapMs`: the least time between two rounds; `now`: a monotonic clock in ms. */
  constructor(
    private readonly gapMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * `send` runs in the next round, once however often it is asked for: at once (a microtask, so every session told of
   * one append is in it) after a quiet spell, else `gapMs` after the last round.
   */
  request(send: () => void): void {
    this.waiting.add(send);
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastRoundAt + this.gapMs - this.now();
    if (wait > 0) setTimeout(this.round, wait).unref();
    else queueMicrotask(this.round);
  }

  /** Drops a request (a session that ended). */
  cancel(send: () => void): void {
    this.waiting.delete(send);
  }

  private readonly round = (): void => {
    this.scheduled = false;
    if (this.waiting.size === 0) return;
    const sends = [...this.waiting];
    this.waiting.clear();
    this.lastRoundAt = this.now();
    for (const send of sends) send();
  };
}

const roundsByStore = new WeakMap<object, Map<number, UpdateRounds>>();

/** The rounds shared by the sessions of `store` that keep the same gap. */
export function updateRoundsOf(store: object, gapMs: number): UpdateRounds {
  const byGap = roundsByStore.get(store) ?? new Map<number, UpdateRounds>();
  roundsByStore.set(store, byGap);
  const rounds = byGap.get(gapMs) ?? new UpdateRounds(gapMs);
  byGap.set(gapMs, rounds);
  return rounds;
}
