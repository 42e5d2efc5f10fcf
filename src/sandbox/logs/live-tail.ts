/**
 * StartLiveTail: an `application/vnd.amazon.eventstream` response that pushes ingested events to the client:
 * as they come (instant timing; appends within MIN_UPDATE_GAP_MS share an update) or once a second, sampled above 500, as AWS does (`--timing aws`).
 */
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { LiveTailSessionLogEvent, LiveTailSessionStart } from '@aws-sdk/client-cloudwatch-logs';
import { encodeEventStreamMessage } from '../protocol/event-stream.js';
import { groupNotFound, invalidParameter } from './errors.js';
import { parseFilterPattern, type MessagePredicate } from './filter-pattern.js';
import { groupNameFromIdentifier } from './ids.js';
import { optionalString, optionalStringList, type Input } from './input.js';
import type { GroupState, LogEventStore, StoredEvent, StreamState } from './store.js';
import type { SandboxTiming } from '../timing/profile.js';
import { sampleInOrder, type Random } from '../timing/random.js';
import { updateRoundsOf } from './update-rounds.js';

/**
 * Without an update interval, the least time between two updates of a session (ms): appends that come closer (a
 * burst's invocations, each its own loop turn) share one update instead of a frame each, which the sandbox
 * encodes and every client decodes. Below what a reader notices; an update after a quiet spell goes at once.
 */
export const MIN_UPDATE_GAP_MS = 10;

/** What AWS buffers for a client that reads slower than events arrive; older events are dropped beyond it. */
export const MAX_BUFFERED_RESULTS = 5000;

export interface LiveTailRequest {
  /** Group name -> the identifier as the client gave it (echoed in results). */
  groups: Map<string, string>;
  identifiers: string[];
  streamNames?: string[];
  streamPrefixes?: string[];
  pattern?: string;
  matches: MessagePredicate;
}

/** Validates a StartLiveTail request against the store, as AWS does before the stream opens. */
export function parseLiveTailRequest(store: LogEventStore, input: Input): LiveTailRequest {
  const identifiers = optionalStringList(input, 'logGroupIdentifiers', 10);
  if (!identifiers) {
    throw invalidParameter(
      "1 validation error detected: Value null at 'logGroupIdentifiers' failed to satisfy constraint: Member must not be null",
    );
  }
  const streamNames = optionalStringList(input, 'logStreamNames', 100);
  const streamPrefixes = optionalStringList(input, 'logStreamNamePrefixes', 100);
  if (streamNames && streamPrefixes) throw invalidParameter('logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.');
  if ((streamNames || streamPrefixes) && identifiers.length !== 1) {
    throw invalidParameter('Log stream filters can only be used with a single log group.');
  }
  const pattern = optionalString(input, 'logEventFilterPattern');
  const parsed = parseFilterPattern(pattern);
  if (!parsed.ok) throw invalidParameter(parsed.message);

  const groups = new Map<string, string>();
  for (const identifier of identifiers) {
    const name = groupNameFromIdentifier(identifier);
    if (!store.group(name)) throw groupNotFound();
    groups.set(name, identifier);
  }
  return {
    groups,
    identifiers,
    ...(streamNames && { streamNames }),
    ...(streamPrefixes && { streamPrefixes }),
    ...(pattern !== undefined && { pattern }),
    matches: parsed.matches,
  };
}

/** The session's results for one append, or none when the session does not cover it. */
export function selectResults(
  request: LiveTailRequest,
  group: GroupState,
  stream: StreamState,
  events: readonly StoredEvent[],
): LiveTailSessionLogEvent[] {
  const identifier = request.groups.get(group.name);
  if (identifier === undefined) return [];
  if (request.streamNames && !request.streamNames.includes(stream.name)) return [];
  if (request.streamPrefixes && !request.streamPrefixes.some((p) => stream.name.startsWith(p))) return [];
  const results: LiveTailSessionLogEvent[] = [];
  for (const e of events) {
    if (!request.matches(e.message)) continue;
    results.push({
      logStreamName: stream.name,
      logGroupIdentifier: identifier,
      message: e.message,
      timestamp: e.timestamp,
      ingestionTime: e.ingestionTime,
    });
  }
  return results;
}

/** A `:message-type: event` frame: the payload as JSON. */
export function eventFrame(eventType: string, payload: object): Buffer {
  return encodeEventStreamMessage(
    [
      [':message-type', 'event'],
      [':event-type', eventType],
      [':content-type', 'application/json'],
    ],
    Buffer.from(JSON.stringify(payload)),
  );
}

/** A `:message-type: exception` frame: `{"message": text}`. */
export function exceptionFrame(exceptionType: string, text: string): Buffer {
  return encodeEventStreamMessage(
    [
      [':message-type', 'exception'],
      [':exception-type', exceptionType],
      [':content-type', 'application/json'],
    ],
    Buffer.from(JSON.stringify({ message: text })),
  );
}

export interface LiveTailSession {
  /** Ends the stream cleanly (sandbox closing). */
  end(): void;
}

/** How a session paces its updates (from the sandbox's timing). */
export interface LiveTailPacing {
  /** One sessionUpdate per interval, empty when idle (AWS); undefined: each append is pushed as it comes. */
  updateIntervalMs?: number;
  /** Without an interval: the least time between two updates (ms); MIN_UPDATE_GAP_MS when absent. */
  minUpdateGapMs?: number;
  /** At most this many events per update; with an interval, more visible in one are sampled down to it. */
  maxEventsPerUpdate: number;
  sessionTimeoutMs: number;
  /** Draws the sample. */
  sampling: Random;
}

/** The pacing the sandbox's timing asks for (timing/profile.ts). */
export function liveTailPacing(timing: Pick<SandboxTiming, 'liveTail' | 'sampling'>): LiveTailPacing {
  return { ...timing.liveTail, sampling: timing.sampling };
}

/**
 * Opens the stream on `res` and keeps it fed until the client leaves or `end()` is called. Events are sent once
 * visible (their ingestionTime has passed: logs/ingestion.ts). With an update interval, as AWS does: one
 * sessionUpdate per interval (on the clock's interval boundaries), empty when nothing arrived, at most 500 events, a larger set sampled down to 500
 * with `sessionMetadata.sampled: true`; without one, appends are pushed as they come in chunks of 500, in rounds
 * shared by every session of the store (update-rounds.ts: at most one per MIN_UPDATE_GAP_MS, so appends closer
 * together share an update).
 */
export function openLiveTailSession(
  store: LogEventStore,
  request: LiveTailRequest,
  res: ServerResponse,
  requestId: string,
  pacing: LiveTailPacing,
  onEnd: () => void,
): LiveTailSession {
  const max = pacing.maxEventsPerUpdate;
  const gap = pacing.minUpdateGapMs ?? MIN_UPDATE_GAP_MS;
  let pending: LiveTailSessionLogEvent[] = [];
  let ended = false;

  const write = (frame: Uint8Array) => {
    if (!ended) res.write(frame);
  };
  const update = (results: LiveTailSessionLogEvent[], sampled: boolean) =>
    write(eventFrame('sessionUpdate', { sessionMetadata: { sampled }, sessionResults: results }));
  let dropped = false;
  const flush = () => {
    if (res.writableNeedDrain) return; // resumed on 'drain'
    const batch = pending;
    pending = [];
    for (let i = 0; i < batch.length; i += max) update(batch.slice(i, i + max), dropped);
    dropped = false;
  };
  /** One paced update at the interval boundary `at`: the events ingested by then, sampled down to the cap. */
  const tick = (at: number) => {
    if (res.writableNeedDrain) return; // a slow reader: events wait (up to MAX_BUFFERED_RESULTS) for the next tick
    const visible = pending.filter((r) => (r.ingestionTime ?? 0) <= at);
    if (visible.length > 0) pending = pending.filter((r) => (r.ingestionTime ?? 0) > at);
    const sampled = dropped || visible.length > max;
    update(sampleInOrder(pacing.sampling, visible, max), sampled);
    dropped = false;
  };
  // Updates go out on the clock's interval boundaries, so when an event is pushed follows from its ingestionTime alone.
  let ticker: NodeJS.Timeout | undefined;
  const scheduleTick = (interval: number) => {
    const at = (Math.floor(Date.now() / interval) + 1) * interval;
    ticker = setTimeout(() => {
      tick(at);
      if (!ended) scheduleTick(interval);
    }, at - Date.now());
    ticker.unref();
  };
  const paced = pacing.updateIntervalMs !== undefined;
  const rounds = paced ? undefined : updateRoundsOf(store, gap);
  if (!paced) res.on('drain', flush);
  const unsubscribe = store.subscribe((group, stream, events) => {
    const results = selectResults(request, group, stream, events);
    if (results.length === 0) return;
    pending.push(...results);
    if (pending.length > MAX_BUFFERED_RESULTS) {
      pending.splice(0, pending.length - MAX_BUFFERED_RESULTS);
      dropped = true;
    }
    rounds?.request(flush);
  });
  if (pacing.updateIntervalMs !== undefined) scheduleTick(pacing.updateIntervalMs);
  const finish = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    rounds?.cancel(flush);
    clearTimeout(timeout);
    clearTimeout(ticker);
    onEnd();
  };
  const timeout = setTimeout(() => {
    write(exceptionFrame('SessionTimeoutException', 'The Live Tail session timed out after three hours.'));
    finish();
    res.end();
  }, pacing.sessionTimeoutMs);
  timeout.unref();
  res.on('close', finish);

  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
  res.flushHeaders();
  const start: LiveTailSessionStart = {
    requestId,
    sessionId: randomUUID(),
    logGroupIdentifiers: request.identifiers,
    ...(request.streamNames && { logStreamNames: request.streamNames }),
    ...(request.streamPrefixes && { logStreamNamePrefixes: request.streamPrefixes }),
    ...(request.pattern !== undefined && { logEventFilterPattern: request.pattern }),
  };
  write(eventFrame('initial-response', {}));
  write(eventFrame('sessionStart', start));

  return {
    end() {
      if (ended) return;
      if (pending.length > 0 && !paced) flush();
      finish();
      res.end();
    },
  };
}
