/**
 * CloudWatch Logs' ingestion delay (timing/profile.ts): a batch is stored (journaled) when it arrives, but its
 * `ingestionTime` is when it becomes visible, and until then GetLogEvents, FilterLogEvents and live tail do
 * not show it. Streams draw their delays independently, so across streams events appear out of order; within
 * a stream a batch never appears before an earlier one.
 */
import type { SandboxTiming } from '../timing/profile.js';
import type { StoredEvent, StreamState } from './store.js';

/** The ingestionTime (ms) for a batch arriving now in `stream` (undefined: a stream created with the batch). */
export function ingestionTimeFor(
  timing: Pick<SandboxTiming, 'logsIngestionDelayMs'>,
  stream: StreamState | undefined,
  now: number,
): number {
  const delay = timing.logsIngestionDelayMs();
  if (delay <= 0) return now;
  return Math.max(Math.round(now + delay), stream?.lastIngestionTime ?? 0); // whole ms, as AWS stamps it
}

/** Whether the event is visible at `now`: always under instant timing (no clock step can hide an event then). */
export function isVisible(event: Pick<StoredEvent, 'ingestionTime'>, now: number, delayed: boolean): boolean {
  return !delayed || event.ingestionTime <= now;
}

/** The stream's events visible at `now`; the same array when none is pending (the usual case, no copy). */
export function visibleEvents(stream: StreamState, now: number, delayed: boolean): StoredEvent[] {
  if (!delayed || (stream.lastIngestionTime ?? 0) <= now) return stream.events;
  return stream.events.filter((e) => e.ingestionTime <= now);
}
