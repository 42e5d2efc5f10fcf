/**
 * FilterLogEvents polling for one log group: fast while ops await a match, slow when idle,
 * through a RateGate shared by all groups (CloudWatch allows 5–25 FilterLogEvents/s per
 * account), with exponential backoff on throttling, an overlapping window to catch events
 * ingested late, and patience with a group that does not exist yet.
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { RawLogEvent } from './lambda-log.js';
import { scrub } from '../ops/errors.js';

/** Something a request waits on before it is sent: resolves true when it may go, false when aborted first. */
export interface Gate {
  acquire(signal?: AbortSignal): Promise<boolean>;
}

/** A gate that lets a request through once every one of `gates` has (a per-group limit inside a shared budget). */
export function allGates(...gates: Gate[]): Gate {
  return {
    async acquire(signal) {
      for (const gate of gates) if (!(await gate.acquire(signal))) return false;
      return true;
    },
  };
}

/** Spaces requests out across every poller: at most one per `spacingMs`. */
export class RateGate implements Gate {
  private next = 0;
  constructor(
    private readonly spacingMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when the caller may send; false when aborted first. */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    const at = Math.max(this.now(), this.next);
    this.next = at + this.spacingMs;
    const wait = at - this.now();
    return wait > 0 ? sleep(wait, signal) : !signal?.aborted;
  }
}

/** Resolves true after `ms`, false at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function errorName(err: unknown): string {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name ?? e?.Code ?? 'Error';
}

export function errorText(err: unknown): string {
  return scrub(`${errorName(err)}: ${(err as { message?: string })?.message ?? String(err)}`);
}

const THROTTLED = new Set(['ThrottlingException', 'LimitExceededException', 'TooManyRequestsException', 'RequestLimitExceeded']);

export function isThrottle(err: unknown): boolean {
  return THROTTLED.has(errorName(err)) || (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 429;
}

export function isGroupMissing(err: unknown): boolean {
  return errorName(err) === 'ResourceNotFoundException';
}

/** Next interval after a throttle: doubles from the base, capped. Pure. */
export function backoffInterval(current: number, base: number, maxMs: number): number {
  return Math.min(maxMs, Math.max(base, current) * 2);
}

export function toRawEvents(logGroup: string, events: readonly FilteredLogEvent[]): RawLogEvent[] {
  return events
    .filter((e) => e.timestamp !== undefined && e.message !== undefined)
    .map((e) => ({
      logGroup,
      logStream: e.logStreamName ?? '',
      timestamp: e.timestamp!,
      ...(e.ingestionTime !== undefined ? { ingestionTime: e.ingestionTime } : {}),
      message: e.message!,
      ...(e.eventId !== undefined ? { eventId: e.eventId } : {}),
    }));
}

export interface FetchOptions {
  logs: CloudWatchLogsClient;
  logGroup: string;
  gate: Gate;
  startTime: number;
  endTime?: number;
  signal?: AbortSignal;
  /** `window` is the same object for every page of one read (the Deduper tells id-less events apart by it). */
  onEvents(events: RawLogEvent[], window: object): void;
}

/** Reads every page of [startTime, endTime]; throws the SDK's error. Returns false when aborted. */
export async function fetchWindow(o: FetchOptions): Promise<boolean> {
  const window = {};
  let nextToken: string | undefined;
  do {
    if (!(await o.gate.acquire(o.signal))) return false;
    const sent = o.logs.send(
      new FilterLogEventsCommand({
        logGroupName: o.logGroup,
        startTime: Math.max(0, Math.floor(o.startTime)),
        ...(o.endTime !== undefined ? { endTime: Math.floor(o.endTime) } : {}),
        ...(nextToken ? { nextToken } : {}),
      }),
      { abortSignal: o.signal },
    );
    sent.catch(() => {});
    const page = o.signal ? await untilAborted(sent, o.signal) : await sent;
    if (page === undefined || o.signal?.aborted) return false;
    o.onEvents(toRawEvents(o.logGroup, page.events ?? []), window);
    nextToken = page.nextToken;
  } while (nextToken);
  return true;
}

/** Resolves undefined as soon as the signal aborts, so stopping never waits on a slow request. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export type PollStatus =
  | { kind: 'polling'; intervalMs: number; detail?: string }
  | { kind: 'waiting-for-group'; intervalMs: number }
  | { kind: 'error'; intervalMs: number; detail: string };

export interface PollerOptions {
  logs: CloudWatchLogsClient;
  logGroup: string;
  gate: Gate;
  /** First window start (ms, event time). */
  since: number;
  /** The interval wanted now (fast while ops await a match, idle otherwise). */
  interval(): number;
  overlapMs: number;
  maxBackoffMs: number;
  now(): number;
  signal: AbortSignal;
  onEvents(events: RawLogEvent[], window: object): void;
  onStatus(status: PollStatus): void;
  /** Called after a successful poll; return true to stop polling (e.g. the group now exists and live tail takes over). */
  afterPoll?(): boolean;
}

/** Polls until aborted or afterPoll() says stop. Resolves to the start of the window it would read next. */
export async function runPoller(o: PollerOptions): Promise<number> {
  let windowStart = o.since;
  let backoff = 0;
  let lastStatus = '';
  const report = (status: PollStatus) => {
    const id = JSON.stringify(status);
    if (id !== lastStatus) o.onStatus(status);
    lastStatus = id;
  };
  while (!o.signal.aborted) {
    const pollStartedAt = o.now();
    let interval = o.interval();
    try {
      const ok = await fetchWindow({ ...o, startTime: windowStart, onEvents: o.onEvents });
      if (!ok) break;
      backoff = 0;
      // Re-read the last overlapMs next time: CloudWatch makes events searchable seconds late.
      windowStart = Math.max(windowStart, pollStartedAt - o.overlapMs);
      report({ kind: 'polling', intervalMs: interval });
      if (o.afterPoll?.()) break;
    } catch (err) {
      if (o.signal.aborted) break;
      if (isGroupMissing(err)) {
        report({ kind: 'waiting-for-group', intervalMs: interval });
      } else {
        backoff = backoffInterval(backoff || interval, interval, o.maxBackoffMs);
        interval = backoff;
        report(
          isThrottle(err)
            ? { kind: 'polling', intervalMs: interval, detail: `throttled (${errorName(err)}), backing off` }
            : { kind: 'error', intervalMs: interval, detail: errorText(err) },
        );
      }
    }
    // Sleep, but wake when the wanted interval drops (an op started awaiting a match).
    const wanted = interval;
    if (!(await sleepUntil(() => backoff === 0 && o.interval() < wanted, wanted, o.signal))) break;
  }
  return windowStart;
}

/** Sleeps `ms`, checking `early()` every 50 ms. Resolves false when aborted. */
async function sleepUntil(early: () => boolean, ms: number, signal: AbortSignal): Promise<boolean> {
  const step = 50;
  for (let waited = 0; waited < ms; waited += step) {
    if (!(await sleep(Math.min(step, ms - waited), signal))) return false;
    if (early()) return true;
  }
  return true;
}
