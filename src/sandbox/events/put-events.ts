/**
 * PutEvents and TestEventPattern (EventBridge API reference), and the event shape the bus delivers
 * (User Guide, "Amazon EventBridge events": `version` "0", `id`, `detail-type`, `source`, `account`, `time`,
 * `region`, `resources`, `detail`). Per-entry failures are answered as AWS answers them, beside the other entries' ids.
 */
import { randomUUID } from 'node:crypto';
import type { PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { matchesEventPattern } from '../../aws/event-pattern.js';
import { EventsError, validation } from './errors.js';
import { busNameOf, type Input, listMember, stringMember } from './input.js';
import type { EventsContext, OperationHandler } from './operation.js';
import { parsePattern } from './rules.js';
import type { BusEvent } from './transform.js';

/** The sum of the entries' sizes PutEvents accepts, in bytes (User Guide, "Calculating PutEvents event entry size"). */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

/** An ISO 8601 time without milliseconds, as events carry it (`2026-11-30T11:20:42Z`). */
export const eventTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One entry on its way to a bus: what PutEvents (or the S3 side through `ctx.eventBus`) gives. */
export interface BusEntry {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  resources?: string[];
  /** Epoch ms; the time of the put when absent. */
  time?: number;
}

/** The event the bus delivers for one entry, with a new id. */
export function busEvent(entry: BusEntry, c: Pick<EventsContext, 'region' | 'accountId' | 'now'>): BusEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.detailType,
    source: entry.source,
    account: c.accountId,
    time: eventTime(entry.time ?? c.now()),
    region: c.region,
    resources: entry.resources ?? [],
    detail: entry.detail,
  };
}

const utf8Length = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);

/** An entry's size as AWS counts it: 14 bytes for a Time, the UTF-8 bytes of Source, DetailType, Detail and each resource. */
function entrySize(entry: Input): number {
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time !== undefined && entry.Time !== null ? 14 : 0) +
    utf8Length(entry.Source) +
    utf8Length(entry.DetailType) +
    utf8Length(entry.Detail) +
    resources.reduce((n: number, r) => n + utf8Length(r), 0)
  );
}

/** Time as the JSON protocol sends it (epoch seconds) or as an ISO string; undefined when absent or unreadable. */
function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  return undefined;
}

const missing = (member: string): PutEventsResultEntry => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${member} is not valid. Reason: ${member} is a required argument.`,
});

/** The entry as a BusEntry and its bus, or the failure AWS answers for it. */
function readEntry(raw: unknown): { entry: BusEntry; bus: string } | { failure: PutEventsResultEntry } {
  const e = (raw !== null && typeof raw === 'object' ? raw : {}) as Input;
  const str = (k: string) => (typeof e[k] === 'string' && e[k] !== '' ? (e[k] as string) : undefined);
  const source = str('Source');
  const detailType = str('DetailType');
  const detailText = str('Detail');
  if (!source) return { failure: missing('Source') };
  if (!detailType) return { failure: missing('DetailType') };
  if (!detailText) return { failure: missing('Detail') };
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    detail = undefined;
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    return { failure: { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } };
  }
  // Only AWS services put events with an `aws.` source.
  if (source.startsWith('aws.')) {
    return { failure: { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' } };
  }
  const bus = str('EventBusName') ?? 'default';
  const resources = Array.isArray(e.Resources) ? e.Resources.filter((r): r is string => typeof r === 'string') : undefined;
  const time = timeOf(e.Time);
  return {
    entry: {
      source,
      detailType,
      detail: detail as Record<string, unknown>,
      ...(resources ? { resources } : {}),
      ...(time !== undefined ? { time } : {}),
    },
    bus: busNameOf(bus),
  };
}

const EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

export const eventOperations: Record<string, OperationHandler> = {
  PutEvents(c, input) {
    const entries = listMember(input, 'Entries', 'entries', { min: 1, max: 10, required: true })!;
    if (entries.reduce((n: number, e) => n + entrySize((e ?? {}) as Input), 0) > MAX_PUT_EVENTS_BYTES) {
      throw validation('Total size of the entries in the request is over the limit.');
    }
    const results: PutEventsResultEntry[] = entries.map((raw) => {
      const read = readEntry(raw);
      if ('failure' in read) return read.failure;
      const event = busEvent(read.entry, c);
      if (c.store.bus(read.bus)) c.publish(event, read.bus);
      else c.log(`events: PutEvents: event bus ${read.bus} does not exist; event ${event.id} (${event.source}) is dropped, as on AWS`);
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  },

  TestEventPattern(_c, input) {
    const patternText = stringMember(input, 'EventPattern', { path: 'eventPattern', required: true })!;
    const eventText = stringMember(input, 'Event', { path: 'event', required: true })!;
    let event: unknown;
    try {
      event = JSON.parse(eventText);
    } catch {
      throw validation('Parameter Event is not valid.');
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event) || !EVENT_FIELDS.every((f) => f in event)) {
      throw validation('Parameter Event is not valid.');
    }
    const pattern = parsePattern(patternText);
    return { Result: matchesEventPattern(pattern, event) };
  },
};

/** For the S3 side (`ctx.eventBus.put`): a detail that is not a JSON object is the caller's bug. */
export function detailObject(detail: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(detail);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new EventsError('MalformedDetail', 'Detail is malformed.');
  return parsed as Record<string, unknown>;
}
