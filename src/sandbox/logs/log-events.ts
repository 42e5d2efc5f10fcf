/** Operations on log events: PutLogEvents, GetLogEvents, FilterLogEvents. */
import type {
  FilteredLogEvent,
  FilterLogEventsResponse,
  GetLogEventsResponse,
  OutputLogEvent,
  PutLogEventsResponse,
  RejectedLogEventsInfo,
} from '@aws-sdk/client-cloudwatch-logs';
import { groupNotFound, invalidParameter, streamNotFound } from './errors.js';
import { isVisible, visibleEvents } from './ingestion.js';
import { parseFilterPattern } from './filter-pattern.js';
import {
  decodePageToken,
  encodePageToken,
  eventId,
  formatStreamToken,
  parsePositionDigits,
  parseStreamToken,
  START_POSITION,
  type EventPosition,
} from './ids.js';
import {
  optionalBoolean,
  optionalNumber,
  optionalString,
  optionalStringList,
  requiredString,
  validGroupName,
  validStreamName,
} from './input.js';
import { targetGroup, type OperationHandler } from './request-context.js';
import { firstIndexAfter, firstIndexAtOrAfterTime, type StoredEvent } from './store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_EVENTS = 10_000;

/**
 * Which events of a PutLogEvents batch AWS refuses: too old (over 14 days), expired (older than the
 * group's retention, `retentionInDays`) or too new (over 2 hours ahead). The batch is sorted; indexes
 * are AWS's (end indexes exclusive).
 */
export function rejectedEvents(timestamps: readonly number[], now: number, retentionInDays?: number): RejectedLogEventsInfo | undefined {
  const countBefore = (cutoff: number) => {
    let n = 0;
    while (n < timestamps.length && timestamps[n]! < cutoff) n++;
    return n;
  };
  const tooOld = countBefore(now - 14 * DAY);
  const expired = retentionInDays === undefined ? 0 : countBefore(now - retentionInDays * DAY);
  let tooNewStart = timestamps.length;
  while (tooNewStart > Math.max(tooOld, expired) && timestamps[tooNewStart - 1]! > now + 2 * HOUR) tooNewStart--;
  if (tooOld === 0 && expired === 0 && tooNewStart === timestamps.length) return undefined;
  return {
    ...(tooOld > 0 && { tooOldLogEventEndIndex: tooOld }),
    ...(expired > 0 && { expiredLogEventEndIndex: expired }),
    ...(tooNewStart < timestamps.length && { tooNewLogEventStartIndex: tooNewStart }),
  };
}

function readLogEvents(value: unknown): { timestamp: number; message: string }[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidParameter(
      "1 validation error detected: Value null at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (value.length > MAX_EVENTS) throw invalidParameter(`The maximum number of log events in a batch is ${MAX_EVENTS}.`);
  return value.map((e: unknown, i) => {
    const event = (e ?? {}) as Record<string, unknown>;
    if (typeof event.timestamp !== 'number' || !Number.isInteger(event.timestamp) || event.timestamp < 0) {
      throw invalidParameter(
        `1 validation error detected: Value at 'logEvents.${i + 1}.member.timestamp' failed to satisfy constraint: Member must not be null`,
      );
    }
    if (typeof event.message !== 'string' || event.message.length === 0) {
      throw invalidParameter(
        `1 validation error detected: Value at 'logEvents.${i + 1}.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1`,
      );
    }
    return { timestamp: event.timestamp, message: event.message };
  });
}

const putLogEvents: OperationHandler = (ctx, input): PutLogEventsResponse => {
  const groupName = validGroupName(requiredString(input, 'logGroupName'));
  const streamName = validStreamName(requiredString(input, 'logStreamName'));
  const events = readLogEvents(input.logEvents);
  const group = ctx.store.group(groupName);
  if (!group) throw groupNotFound();
  const stream = group.streams.get(streamName);
  if (!stream) throw streamNotFound();
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.timestamp < events[i - 1]!.timestamp) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  if (events[events.length - 1]!.timestamp - events[0]!.timestamp > DAY) {
    throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  const now = ctx.now();
  const rejected = rejectedEvents(
    events.map((e) => e.timestamp),
    now,
    group.retentionInDays,
  );
  const start = Math.max(rejected?.tooOldLogEventEndIndex ?? 0, rejected?.expiredLogEventEndIndex ?? 0);
  const accepted = events.slice(start, rejected?.tooNewLogEventStartIndex ?? events.length);
  ctx.store.append(groupName, streamName, accepted, ctx.ingestionTime(groupName, streamName, now));
  return {
    nextSequenceToken: String(stream.events.length).padStart(56, '0'),
    ...(rejected && { rejectedLogEventsInfo: rejected }),
  };
};

const outputEvent = (e: StoredEvent): OutputLogEvent => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime });

/** The position just before `p`, so that "after it" includes `p`. */
const justBefore = (p: EventPosition): EventPosition =>
  p.seq > 0 ? { timestamp: p.timestamp, seq: p.seq - 1 } : { timestamp: p.timestamp - 1, seq: Number.MAX_SAFE_INTEGER };

const getLogEvents: OperationHandler = (ctx, input): GetLogEventsResponse => {
  const streamName = validStreamName(requiredString(input, 'logStreamName'));
  const startTime = optionalNumber(input, 'startTime');
  const endTime = optionalNumber(input, 'endTime');
  const limit = optionalNumber(input, 'limit', 1, MAX_EVENTS) ?? MAX_EVENTS;
  const startFromHead = optionalBoolean(input, 'startFromHead') ?? false;
  const tokenText = optionalString(input, 'nextToken');
  const token = tokenText === undefined ? undefined : parseStreamToken(tokenText);
  if (tokenText !== undefined && !token) throw invalidParameter('The specified nextToken is invalid.');
  const stream = targetGroup(ctx, input).streams.get(streamName);
  if (!stream) throw streamNotFound();

  // GetLogEvents: startTime inclusive, endTime exclusive (FilterLogEvents differs).
  const all = visibleEvents(stream, ctx.now(), ctx.ingestionDelayed);
  let lo = startTime === undefined ? 0 : firstIndexAtOrAfterTime(all, startTime);
  let hi = endTime === undefined ? all.length : firstIndexAtOrAfterTime(all, endTime);
  let fromHead = startFromHead;
  if (token?.direction === 'f') {
    lo = Math.max(lo, firstIndexAfter(all, token.position));
    fromHead = true;
  } else if (token?.direction === 'b') {
    hi = Math.min(hi, firstIndexAfter(all, justBefore(token.position)));
    fromHead = false;
  }
  const page = lo >= hi ? [] : fromHead ? all.slice(lo, Math.min(hi, lo + limit)) : all.slice(Math.max(lo, hi - limit), hi);

  const first = page[0];
  const last = page[page.length - 1];
  const forward = last ?? (token?.direction === 'f' ? token.position : token ? justBefore(token.position) : START_POSITION);
  const backward =
    first ??
    (token?.direction === 'b'
      ? token.position
      : token
        ? { timestamp: token.position.timestamp, seq: token.position.seq + 1 }
        : START_POSITION);
  return {
    events: page.map(outputEvent),
    nextForwardToken: formatStreamToken({ direction: 'f', position: { timestamp: forward.timestamp, seq: forward.seq } }),
    nextBackwardToken: formatStreamToken({ direction: 'b', position: { timestamp: backward.timestamp, seq: backward.seq } }),
  };
};

const filterLogEvents: OperationHandler = (ctx, input): FilterLogEventsResponse => {
  const names = optionalStringList(input, 'logStreamNames', 100);
  const prefix = optionalString(input, 'logStreamNamePrefix');
  if (names && prefix !== undefined) {
    throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  const startTime = optionalNumber(input, 'startTime');
  const endTime = optionalNumber(input, 'endTime');
  const limit = optionalNumber(input, 'limit', 1, MAX_EVENTS) ?? MAX_EVENTS;
  const pattern = parseFilterPattern(optionalString(input, 'filterPattern'));
  if (!pattern.ok) throw invalidParameter(pattern.message);
  const after = filterTokenPosition(optionalString(input, 'nextToken'));
  const group = targetGroup(ctx, input);

  const nameSet = names && new Set(names);
  const streams = [...group.streams.values()].filter((s) =>
    nameSet ? nameSet.has(s.name) : prefix === undefined || s.name.startsWith(prefix),
  );
  const included = new Set(streams);

  const all = group.events;
  const now = ctx.now();
  let i = startTime === undefined ? 0 : firstIndexAtOrAfterTime(all, startTime);
  if (after) i = Math.max(i, firstIndexAfter(all, after));
  const events: FilteredLogEvent[] = [];
  let more = false;
  for (; i < all.length; i++) {
    const e = all[i]!;
    if (endTime !== undefined && e.timestamp > endTime) break;
    if (!included.has(e.stream) || !isVisible(e, now, ctx.ingestionDelayed) || !pattern.matches(e.message)) continue;
    if (events.length === limit) {
      more = true;
      break;
    }
    events.push({
      logStreamName: e.stream.name,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: eventId(e),
    });
  }
  const lastId = events[events.length - 1]?.eventId;
  return {
    events,
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: !more })),
    ...(more && lastId && { nextToken: encodePageToken({ after: lastId }) }),
  };
};

function filterTokenPosition(token: string | undefined): EventPosition | undefined {
  if (token === undefined) return undefined;
  const after = decodePageToken(token)?.after;
  const position = typeof after === 'string' ? parsePositionDigits(after) : undefined;
  if (!position) throw invalidParameter('The specified nextToken is invalid.');
  return position;
}

export const eventOperations: Record<string, OperationHandler> = {
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
};
