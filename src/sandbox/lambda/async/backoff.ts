/**
 * AWS's backoff for asynchronous events that could not run (throttled, 429, or a system error): "the retry interval
 * increases exponentially from 1 second after the first attempt to a maximum of 5 minutes" (Lambda developer guide,
 * "How Lambda handles errors and retries with asynchronous invocation"). Pure; AWS milliseconds, unscaled.
 */
export const THROTTLE_RETRY_FIRST_MS = 1000;
export const THROTTLE_RETRY_MAX_MS = 5 * 60_000;

/** The wait (AWS ms) before the `n`th retry (from 0) of a throttled event: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function throttleRetryMs(n: number): number {
  return Math.min(THROTTLE_RETRY_MAX_MS, THROTTLE_RETRY_FIRST_MS * 2 ** Math.min(Math.max(0, n), 20));
}
