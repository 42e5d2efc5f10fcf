/** The timing model's draws with fixed seeds: quantiles within bounds, repeatability, scaling, the instant profile. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTiming, drawS3Delivery, LOGS_INGESTION, S3_DELIVERY } from '../../../src/sandbox/timing/profile.js';
import { drawLogNormal, forkRandom, sampleInOrder, seededRandom } from '../../../src/sandbox/timing/random.js';

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.ceil(q * xs.length) - 1]!;
const draws = <T>(n: number, draw: () => T): T[] => Array.from({ length: n }, draw);

const distributions = [
  {
    name: 'S3 delivery (TriggerBench)',
    draw: (seed: number) => drawS3Delivery.bind(null, seededRandom(seed)),
    p50: [1250, 1350],
    p99: [2100, 2350],
  },
  {
    name: 'Logs ingestion',
    draw: (seed: number) => drawLogNormal.bind(null, seededRandom(seed), LOGS_INGESTION),
    p50: [950, 1050],
    p99: [2700, 3300],
  },
] as const;

for (const d of distributions) {
  for (const seed of [1, 42, 2026]) {
    test(`${d.name}, seed ${seed}: p50 and p99 of 20000 draws within bounds`, () => {
      const draw = d.draw(seed);
      const xs = draws(20_000, draw);
      const p50 = quantile(xs, 0.5);
      const p99 = quantile(xs, 0.99);
      assert.ok(p50 >= d.p50[0] && p50 <= d.p50[1], `p50 ${p50}`);
      assert.ok(p99 >= d.p99[0] && p99 <= d.p99[1], `p99 ${p99}`);
      assert.ok(Math.min(...xs) > 0);
    });
  }
}

test('S3 delivery: rare outliers of tens of seconds (about 1 in 1000), nothing beyond a minute', () => {
  const xs = draws(50_000, drawS3Delivery.bind(null, seededRandom(7)));
  const outliers = xs.filter((x) => x >= S3_DELIVERY.outlierMs[0]);
  assert.ok(outliers.length >= 20 && outliers.length <= 90, `${outliers.length} outliers`);
  assert.ok(Math.max(...xs) <= S3_DELIVERY.outlierMs[1]);
  // The body never reaches the outliers' range.
  assert.equal(xs.filter((x) => x > 6000 && x < S3_DELIVERY.outlierMs[0]).length, 0);
});

test('the same seed gives the same draws; another seed or another concern does not', () => {
  const a = createTiming({ profile: 'aws', seed: 5 });
  const b = createTiming({ profile: 'aws', seed: 5 });
  const c = createTiming({ profile: 'aws', seed: 6 });
  const seqA = draws(5, () => a.s3DeliveryDelayMs());
  assert.deepEqual(
    draws(5, () => b.s3DeliveryDelayMs()),
    seqA,
  );
  assert.notDeepEqual(
    draws(5, () => c.s3DeliveryDelayMs()),
    seqA,
  );
  // Drawing ingestion delays in between does not shift the delivery stream.
  const d = createTiming({ profile: 'aws', seed: 5 });
  const interleaved = draws(5, () => {
    d.logsIngestionDelayMs();
    return d.s3DeliveryDelayMs();
  });
  assert.deepEqual(interleaved, seqA);
  assert.notDeepEqual(draws(3, forkRandom(5, 'x')), draws(3, forkRandom(5, 'y')));
});

test('the scale multiplies every simulated delay', () => {
  const one = createTiming({ profile: 'aws', seed: 9 });
  const scaled = createTiming({ profile: 'aws', seed: 9, scale: 0.01 });
  for (let i = 0; i < 20; i++) {
    assert.ok(Math.abs(scaled.s3DeliveryDelayMs() - one.s3DeliveryDelayMs() * 0.01) < 1e-9);
    assert.ok(Math.abs(scaled.logsIngestionDelayMs() - one.logsIngestionDelayMs() * 0.01) < 1e-9);
  }
  assert.equal(scaled.liveTail.updateIntervalMs, 10);
  assert.equal(scaled.liveTail.sessionTimeoutMs, 3 * 3_600_000 * 0.01);
  assert.deepEqual(scaled.filterLogEventsQuota, { requests: 5, windowMs: 10 });
});

const waits = [
  { profile: 'instant', scale: 1, awsMs: 60_000, ms: 1000 },
  { profile: 'instant', scale: 1, awsMs: 120_000, ms: 2000 },
  { profile: 'aws', scale: 1, awsMs: 60_000, ms: 1000 },
  { profile: 'aws', scale: 0.01, awsMs: 120_000, ms: 20 },
  { profile: 'instant', scale: 2, awsMs: 12 * 3_600_000, ms: 1_440_000 },
] as const;
for (const w of waits) {
  test(`AWS's long waits: ${w.awsMs} ms of AWS time take ${w.ms} ms (${w.profile}, scale ${w.scale})`, () => {
    assert.equal(createTiming({ profile: w.profile, scale: w.scale }).awsWaitMs(w.awsMs), w.ms);
  });
}

test('the instant profile draws nothing: no delay, duplicate, coalescing, pacing or quota', () => {
  const t = createTiming();
  assert.equal(t.profile, 'instant');
  for (let i = 0; i < 100; i++) {
    assert.equal(t.s3DeliveryDelayMs(), 0);
    assert.equal(t.logsIngestionDelayMs(), 0);
    assert.equal(t.s3DeliversTwice(), false);
    assert.equal(t.s3Coalesces(0), false);
  }
  assert.equal(t.liveTail.updateIntervalMs, undefined);
  assert.equal(t.filterLogEventsQuota, undefined);
});

test('aws profile: about 1% duplicates; coalescing only within the simultaneity window', () => {
  const t = createTiming({ profile: 'aws', seed: 3 });
  const dups = draws(10_000, () => (t.s3DeliversTwice() ? 1 : 0)).reduce((a: number, b) => a + b, 0);
  assert.ok(dups >= 60 && dups <= 140, `${dups} duplicates`);
  const close = draws(1000, () => (t.s3Coalesces(5) ? 1 : 0)).reduce((a: number, b) => a + b, 0);
  assert.ok(close >= 400 && close <= 600, `${close} coalesced`);
  assert.equal(draws(100, () => t.s3Coalesces(500)).some(Boolean), false);
});

test('a bad scale or seed is a usage error', () => {
  for (const options of [{ scale: 0 }, { scale: -1 }, { scale: Number.NaN }, { seed: 1.5 }, { seed: -1 }]) {
    assert.throws(
      () => createTiming(options),
      (err: Error & { exitCode?: number }) => err.exitCode === 2,
    );
  }
});

const samples = [
  { items: 10, n: 500 },
  { items: 1000, n: 500 },
  { items: 501, n: 500 },
  { items: 5000, n: 3 },
];
for (const s of samples) {
  test(`sampleInOrder: ${s.n} of ${s.items}, distinct, in their order`, () => {
    const items = Array.from({ length: s.items }, (_, i) => i);
    const out = sampleInOrder(seededRandom(11), items, s.n);
    assert.equal(out.length, Math.min(s.n, s.items));
    assert.deepEqual(
      out,
      [...out].sort((a, b) => a - b),
    );
    assert.equal(new Set(out).size, out.length);
  });
}
