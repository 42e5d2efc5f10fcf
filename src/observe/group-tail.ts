/**
 * Tails one log group: StartLiveTail first, FilterLogEvents polling when live tail is refused,
 * polling while the group does not exist yet, and reconnect + backfill when a live stream drops.
 * While operations await a match, a live session is backed by FilterLogEvents reads (at most one
 * request a second for the group) over the window since the oldest of them: a stream that stays
 * silent (an emulator whose live tail carries no Lambda logs) or that AWS samples still matches.
 * Once the session has delivered lines, only ops awaiting longer than a grace are backed.
 * Every event passes one Deduper, so the live/backfill/poll overlaps deliver each event once.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { Deduper } from './dedupe.js';
import type { RawLogEvent } from './lambda-log.js';
import { liveTailIdentifier, runLiveTail } from './tail-live.js';
import {
  allGates,
  backoffInterval,
  errorText,
  fetchWindow,
  isThrottle,
  RateGate,
  runPoller,
  sleep,
  type Gate,
  type PollStatus,
} from './tail-poll.js';
import type { TailState } from './types.js';

export interface GroupTailOptions {
  logs: CloudWatchLogsClient;
  logGroup: string;
  mode: 'auto' | 'live' | 'poll';
  gate: Gate;
  /** Start of the first window (ms). */
  since: number;
  interval(): number;
  overlapMs: number;
  maxBackoffMs: number;
  /** A second backfill this long after a (re)connect catches events CloudWatch indexed late. */
  settleMs: number;
  /**
   * The end (ms, Lambda's clock) of the window that second backfill reads, for a session connected at `connectedAt`
   * (this machine's clock): what was written later reaches the live stream. Absent: up to the read. Without an end it
   * re-read every line of a burst fired right after the connect (thousands, each parsed and dropped as a duplicate,
   * in one turn of the main thread).
   */
  settleUntil?(connectedAt: number): number;
  now(): number;
  /**
   * Start (ms, Lambda's clock) of the window that may hold the invocations of the ops awaiting a match, undefined when
   * none awaits: a live session is backed by reads of it.
   */
  awaitingSince?(olderThanMs?: number): number | undefined;
  /** See LIVE_BACKING_GRACE_MS. */
  liveBackingGraceMs?: number;
  onEvents(events: RawLogEvent[]): void;
  onState(state: TailState): void;
}

/** A live session's backing reads: at most one FilterLogEvents request per this many ms for the group. */
export const LIVE_BACKING_SPACING_MS = 1000;

/**
 * Once a live session has delivered lines (it carries the group's logs), an op is backed by reads only after awaiting
 * its match this long (ms): past S3's usual delivery delay on AWS, and never reached in a sandbox burst, whose lines
 * the stream brings in milliseconds (reads of 15 s windows there re-parsed every line already delivered).
 */
export const LIVE_BACKING_GRACE_MS = 3000;

/** Reconnect attempts that never reach a session before live tail is given up for polling. */
const MAX_FAILED_CONNECTS = 4;
/** Sessions that drop this soon after connecting count as failing. */
const SHORT_SESSION_MS = 2000;

export class GroupTail {
  private readonly abort = new AbortController();
  private readonly dedupe = new Deduper();
  private done: Promise<void> | undefined;
  private markReady: () => void = () => {};
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(private readonly o: GroupTailOptions) {}

  start(): Promise<void> {
    this.done ??= this.run()
      .catch((err) => this.state({ logGroup: this.o.logGroup, mode: 'stopped', detail: errorText(err) }))
      .finally(() => this.markReady());
    return this.ready;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
    this.o.onState({ logGroup: this.o.logGroup, mode: 'stopped' });
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  private state(state: TailState): void {
    if (this.signal.aborted) return;
    this.o.onState(state);
    if (state.mode !== 'connecting' && state.mode !== 'reconnecting') this.markReady();
  }

  private deliver(events: RawLogEvent[], source: 'live' | 'poll', window?: object): void {
    if (this.signal.aborted) return;
    const fresh = events.filter((e) => this.dedupe.admit(e, source, window));
    if (fresh.length) this.o.onEvents(fresh);
  }

  private pollStatus(status: PollStatus, detail?: string): void {
    const logGroup = this.o.logGroup;
    if (status.kind === 'waiting-for-group') this.state({ logGroup, mode: 'waiting-for-group', intervalMs: status.intervalMs });
    else {
      const d = [detail, status.detail].filter(Boolean).join('; ');
      this.state({ logGroup, mode: 'polling', intervalMs: status.intervalMs, ...(d ? { detail: d } : {}) });
    }
  }

  /** Polls from `since`; with `untilGroupExists`, returns once a poll succeeded (the window start to backfill from). */
  private poll(since: number, detail: string | undefined, untilGroupExists: boolean): Promise<number> {
    return runPoller({
      ...this.o,
      since,
      signal: this.signal,
      onEvents: (events, window) => this.deliver(events, 'poll', window),
      onStatus: (status) => {
        if (untilGroupExists && status.kind === 'polling') return; // about to switch to live
        this.pollStatus(status, detail);
      },
      ...(untilGroupExists ? { afterPoll: () => true } : {}),
    });
  }

  /** Reads [from, until ?? now] once, retrying throttles; a failure is shown on the live state (the stream carries on). */
  private async backfill(from: number, until?: number): Promise<void> {
    let wait = 250;
    for (let attempt = 0; attempt < 6 && !this.signal.aborted; attempt++) {
      try {
        await fetchWindow({
          ...this.o,
          startTime: from,
          ...(until !== undefined ? { endTime: Math.max(from, until) } : {}),
          signal: this.signal,
          onEvents: (events, window) => this.deliver(events, 'poll', window),
        });
        return;
      } catch (err) {
        if (this.signal.aborted) return;
        if (!isThrottle(err) || attempt === 5) {
          this.state({
            logGroup: this.o.logGroup,
            mode: 'live',
            detail: `backfill failed, events before the stream opened may be missing (${errorText(err)})`,
          });
          return;
        }
        wait = backoffInterval(wait, 250, this.o.maxBackoffMs);
        if (!(await sleep(wait, this.signal))) return;
      }
    }
  }

  /**
   * Until `session` aborts: while ops await a match, reads the window since the oldest of them (from the previous
   * read less `overlapMs` once one succeeded), within the shared budget and at most one request per second here.
   */
  private async backLiveSession(session: AbortSignal, delivered: () => boolean): Promise<void> {
    const gate = allGates(new RateGate(LIVE_BACKING_SPACING_MS, this.o.now), this.o.gate);
    let lastRead: number | undefined;
    let wait = 250;
    while (await sleep(wait, session)) {
      wait = 250;
      const since = this.o.awaitingSince?.(delivered() ? (this.o.liveBackingGraceMs ?? LIVE_BACKING_GRACE_MS) : 0);
      if (since === undefined) {
        lastRead = undefined;
        continue;
      }
      const readAt = this.o.now();
      const startTime = lastRead === undefined ? since : Math.max(since, lastRead - this.o.overlapMs);
      try {
        if (
          await fetchWindow({
            ...this.o,
            gate,
            startTime,
            signal: session,
            onEvents: (events, window) => this.deliver(events, 'poll', window),
          })
        )
          lastRead = readAt;
      } catch (err) {
        if (session.aborted) return;
        wait = isThrottle(err) ? this.o.maxBackoffMs / 4 : LIVE_BACKING_SPACING_MS; // the live stream carries on meanwhile
      }
    }
  }

  private async run(): Promise<void> {
    const { logGroup, mode } = this.o;
    if (mode === 'poll') {
      await this.poll(this.o.since, undefined, false);
      return;
    }
    this.state({ logGroup, mode: 'connecting' });
    let since = this.o.since;
    let failedConnects = 0;
    let retryMs = 200;
    while (!this.signal.aborted) {
      const identifier = await liveTailIdentifier(this.o.logs, logGroup, this.signal);
      if (this.signal.aborted) return;
      if (identifier === undefined) {
        since = await this.poll(since, undefined, true); // 'waiting-for-group' until the first invocation creates it
        continue;
      }
      let connectedAt: number | undefined;
      const session = new AbortController();
      let delivered = false;
      const backing = this.o.awaitingSince
        ? this.backLiveSession(AbortSignal.any([this.signal, session.signal]), () => delivered)
        : undefined;
      const end = await runLiveTail({
        logs: this.o.logs,
        logGroup,
        identifier,
        signal: this.signal,
        onConnected: () => {
          const at = this.o.now();
          connectedAt = at;
          this.state({ logGroup, mode: 'live' });
          const from = since;
          void this.backfill(from)
            .then(() => sleep(this.o.settleMs, this.signal))
            .then((ok) => (ok ? this.backfill(from, this.o.settleUntil?.(at)) : undefined)); // the clock offset is known by then
        },
        onEvents: (events) => {
          if (events.length > 0) delivered = true;
          this.deliver(events, 'live');
        },
      });
      session.abort();
      await backing;
      if (end.kind === 'stopped') return;
      if (end.kind === 'not-found') continue;
      if (end.kind === 'refused') {
        if (mode === 'live') {
          this.state({ logGroup, mode: 'stopped', detail: `live tail refused (${end.detail})` });
          return;
        }
        await this.poll(since, `live tail refused (${end.detail}), polling FilterLogEvents`, false);
        return;
      }
      // Dropped: everything from shortly before the drop has to be backfilled once reconnected.
      const droppedAt = this.o.now();
      since = connectedAt !== undefined ? droppedAt - this.o.overlapMs : since;
      const short = connectedAt === undefined || droppedAt - connectedAt < SHORT_SESSION_MS;
      failedConnects = short ? failedConnects + 1 : 0;
      retryMs = short ? Math.min(retryMs * 2, 5000) : 200;
      if (failedConnects >= MAX_FAILED_CONNECTS && mode === 'auto') {
        await this.poll(since, `live tail keeps dropping (${end.detail}), polling FilterLogEvents`, false);
        return;
      }
      this.state({ logGroup, mode: 'reconnecting', detail: end.detail });
      if (!(await sleep(retryMs, this.signal))) return;
    }
  }
}
