/**
 * The sandbox's timing model: `instant` (the default: everything at once, as a local emulator does) or `aws`
 * (S3 → destination delivery delays, duplicates and coalescing, CloudWatch ingestion delay, StartLiveTail's
 * one update per second, FilterLogEvents' request quota). Every simulated delay is multiplied by `scale`;
 * `seed` makes the draws repeatable. The glue (S3 notifications), Logs and Lambda read it from the context.
 */
import { randomInt } from 'node:crypto';
import { AppError, ExitCode } from '../../errors.js';
import { drawLogNormal, forkRandom, type LogNormal, type Random } from './random.js';

export type TimingProfileName = 'instant' | 'aws';

/** What `--timing`, `--timing-scale` and `--timing-seed` (or `startSandbox({ timing })`) give. */
export interface TimingOptions {
  profile?: TimingProfileName;
  /** Multiplies every simulated delay (0.01 in tests); default 1. */
  scale?: number;
  /** Makes the draws repeatable (a whole number); default: a random one, reported by `describeTiming`. */
  seed?: number;
}

/**
 * S3 → destination delivery (TriggerBench, IC2E 2022: p50 1.3 s, p99 2.2 s for S3 → Lambda), with rare
 * outliers of tens of seconds (S3's docs: "typically delivered in seconds but can sometimes take a minute or
 * longer"). The outlier share and range are our choice: AWS publishes none.
 */
export const S3_DELIVERY: LogNormal & { outlierChance: number; outlierMs: [number, number] } = {
  p50Ms: 1300,
  p99Ms: 2200,
  outlierChance: 0.001,
  outlierMs: [10_000, 60_000],
};
/** S3 delivers at least once: this share of notifications is delivered a second time (our choice; AWS gives no rate). */
export const S3_DUPLICATE_CHANCE = 0.01;
/**
 * "If two writes are made to a single non-versioned object at the same time, it is possible that only a single
 * event notification will be sent" (S3 user guide): writes this close count as simultaneous (a property of the
 * writes, not a simulated delay, so not scaled), and this share of them is coalesced.
 */
export const S3_COALESCE = { windowMs: 100, chance: 0.5 };
/** CloudWatch Logs ingestion, from a line's arrival to its visibility in the Logs API ("seconds"; AWS publishes no figure). */
export const LOGS_INGESTION: LogNormal = { p50Ms: 1000, p99Ms: 3000 };
/** StartLiveTail (API reference): at most 500 events per sessionUpdate, sampled above 500 a second; sessions end after 3 h. */
export const LIVE_TAIL = { updateIntervalMs: 1000, maxEventsPerUpdate: 500, sessionTimeoutMs: 3 * 3_600_000 };
/** FilterLogEvents: 5 transactions per second per account and Region, a hard quota (CloudWatch Logs quotas). */
export const FILTER_LOG_EVENTS_TPS = 5;
/** AWS's long built-in waits (retry backoff, restore tiers, visibility timeouts) run 60 times faster: a minute takes a second. */
export const LONG_WAIT_SPEEDUP = 60;

/** The timing every part of the sandbox consults. Delays are in ms, already scaled. */
export interface SandboxTiming {
  readonly profile: TimingProfileName;
  readonly scale: number;
  readonly seed: number;
  /** S3 → destination delay for one notification (0 when instant). */
  s3DeliveryDelayMs(): number;
  /** Whether this notification is delivered twice. */
  s3DeliversTwice(): boolean;
  /** Whether a write this soon after a pending one to the same key is coalesced with it; `gapMs` is the time between them. */
  s3Coalesces(gapMs: number): boolean;
  /** Delay between a batch of log events arriving and its visibility in GetLogEvents/FilterLogEvents/live tail (0 when instant). */
  logsIngestionDelayMs(): number;
  /** StartLiveTail: the update interval (undefined: pushed as appended), the cap per update and the session's end. */
  readonly liveTail: { updateIntervalMs?: number; maxEventsPerUpdate: number; sessionTimeoutMs: number };
  /** The generator live tail samples with (above 500 events per update). */
  readonly sampling: Random;
  /** FilterLogEvents quota: `requests` per `windowMs` (undefined: unthrottled). */
  readonly filterLogEventsQuota?: { requests: number; windowMs: number };
  /** AWS's long built-in waits: `awsMs` of AWS time, 60 times faster, times the scale. Same in both profiles. */
  awsWaitMs(awsMs: number): number;
}

/** Builds the timing for a profile; a scale that is not above 0 or a seed that is not a whole number is a usage AppError. */
export function createTiming(options: TimingOptions = {}): SandboxTiming {
  const profile = options.profile ?? 'instant';
  const scale = options.scale ?? 1;
  if (!(Number.isFinite(scale) && scale > 0))
    throw new AppError('BadTiming', `timing scale must be a number greater than 0, not ${scale}`, ExitCode.Usage);
  const seed = options.seed ?? randomInt(2 ** 31);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new AppError('BadTiming', `timing seed must be a whole number of at least 0, not ${seed}`, ExitCode.Usage);
  const awsWaitMs = (awsMs: number) => (awsMs / LONG_WAIT_SPEEDUP) * scale;
  const sampling = forkRandom(seed, 'live-tail-sampling');
  if (profile === 'instant') {
    return {
      profile,
      scale,
      seed,
      s3DeliveryDelayMs: () => 0,
      s3DeliversTwice: () => false,
      s3Coalesces: () => false,
      logsIngestionDelayMs: () => 0,
      liveTail: { maxEventsPerUpdate: LIVE_TAIL.maxEventsPerUpdate, sessionTimeoutMs: LIVE_TAIL.sessionTimeoutMs * scale },
      sampling,
      awsWaitMs,
    };
  }
  const delivery = forkRandom(seed, 's3-delivery');
  const duplicates = forkRandom(seed, 's3-duplicates');
  const coalescing = forkRandom(seed, 's3-coalescing');
  const ingestion = forkRandom(seed, 'logs-ingestion');
  return {
    profile,
    scale,
    seed,
    s3DeliveryDelayMs: () => scale * drawS3Delivery(delivery),
    s3DeliversTwice: () => duplicates() < S3_DUPLICATE_CHANCE,
    s3Coalesces: (gapMs) => gapMs <= S3_COALESCE.windowMs && coalescing() < S3_COALESCE.chance,
    logsIngestionDelayMs: () => scale * drawLogNormal(ingestion, LOGS_INGESTION),
    liveTail: {
      updateIntervalMs: LIVE_TAIL.updateIntervalMs * scale,
      maxEventsPerUpdate: LIVE_TAIL.maxEventsPerUpdate,
      sessionTimeoutMs: LIVE_TAIL.sessionTimeoutMs * scale,
    },
    sampling,
    filterLogEventsQuota: { requests: FILTER_LOG_EVENTS_TPS, windowMs: 1000 * scale },
    awsWaitMs,
  };
}

/** One S3 delivery delay (ms, unscaled): the log-normal body, or now and then an outlier of tens of seconds. */
export function drawS3Delivery(random: Random): number {
  if (random() < S3_DELIVERY.outlierChance) {
    const [lo, hi] = S3_DELIVERY.outlierMs;
    return lo + random() * (hi - lo);
  }
  return drawLogNormal(random, S3_DELIVERY);
}

/** `timing aws (scale 0.01, seed 42)`, for the sandbox's ready line; empty for the default instant timing. */
export function describeTiming(timing: SandboxTiming): string {
  if (timing.profile === 'instant' && timing.scale === 1) return '';
  return `timing ${timing.profile} (scale ${timing.scale}, seed ${timing.seed})`;
}
