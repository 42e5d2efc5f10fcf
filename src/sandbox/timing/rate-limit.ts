/**
 * A request quota as AWS applies it to an API (FilterLogEvents: 5 transactions per second per account and
 * Region): at most `requests` in any `windowMs`; the ones beyond are refused, not queued.
 */
export class RequestQuota {
  private readonly recent: number[] = [];

  constructor(
    private readonly requests: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True when the request is within the quota (and counts against it); false when it is throttled. */
  take(): boolean {
    const now = this.now();
    while (this.recent.length > 0 && this.recent[0]! <= now - this.windowMs) this.recent.shift();
    if (this.recent.length >= this.requests) return false;
    this.recent.push(now);
    return true;
  }
}
