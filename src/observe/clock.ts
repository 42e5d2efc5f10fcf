/**
 * How far the log endpoint's clock (Lambda's START timestamps, CloudWatch's ingestionTime and HTTP Date) is from this
 * machine's. Each sample is "their time minus our receive time", which is at most the true offset (the message
 * took time to arrive; a Date header is also truncated to the second), so the largest sample is the best estimate
 * and never overstates it. Pure.
 */

/** Their clock minus ours (ms), as the largest sample so far; undefined before any sample. */
export type ClockOffset = number | undefined;

/** A log event: CloudWatch's ingestionTime against when this tool received it (ms). */
export function ingestionSample(ingestionTime: number, seenAt: number): number {
  return ingestionTime - seenAt;
}

/** An HTTP `Date` header (RFC 7231, whole seconds) against when the response arrived (ms); undefined when unreadable. */
export function dateHeaderSample(date: string | undefined, receivedAt: number): number | undefined {
  const ms = date ? Date.parse(date) : NaN;
  return Number.isFinite(ms) ? ms - receivedAt : undefined;
}

export function noteClockSample(offset: ClockOffset, sample: number | undefined): ClockOffset {
  if (sample === undefined || !Number.isFinite(sample)) return offset;
  return offset === undefined ? sample : Math.max(offset, sample);
}

/**
 * The offset time matching subtracts from invocation times: the estimate once it is beyond the skew already
 * tolerated (smaller ones are noise: network and delivery delays), else 0.
 */
export function matchingOffset(offset: ClockOffset, toleranceMs: number): number {
  return offset !== undefined && Math.abs(offset) > toleranceMs ? offset : 0;
}

/** "2.5 s behind" / "1.2 s ahead of": for a line naming the offset. */
export function describeOffset(offsetMs: number): string {
  return `${(Math.abs(offsetMs) / 1000).toFixed(1)} s ${offsetMs < 0 ? 'behind' : 'ahead of'}`;
}
