/**
 * S3 notification delivery under `--timing aws` (scaled), with seeds that produce duplicates and coalescing:
 * the schedule alone, then through the real sandbox (S3 PUTs over HTTP, deliveries recorded at the glue's
 * Lambda boundary) for per-key order under delays.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { S3EventRecord } from 'aws-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Notification } from '../../../src/sandbox/context.js';
import { createDeliverySchedule } from '../../../src/sandbox/glue/delivery-schedule.js';
import { setupDemo } from '../../../src/sandbox/demo.js';
import { startSandbox } from '../../../src/sandbox/server.js';
import { createTiming } from '../../../src/sandbox/timing/profile.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function notification(key: string, sequencer: string, eventName = 'ObjectCreated:Put', versionId?: string): S3Notification {
  const record = {
    eventName,
    s3: { bucket: { name: 'b' }, object: { key, sequencer, ...(versionId ? { versionId } : {}) } },
  } as unknown as S3EventRecord;
  return { record, destination: { kind: 'lambda', arn: 'arn:aws:lambda:eu-west-1:000000000000:function:f', configurationId: 'c' } };
}

async function drain(schedule: { waiting: number }) {
  for (let i = 0; i < 400 && schedule.waiting > 0; i++) await sleep(5);
  assert.equal(schedule.waiting, 0, 'every delivery went out');
}

test('seed 14: 100 writes to distinct keys give 103 deliveries, each duplicate the same record, after its first', async () => {
  const delivered: { n: S3Notification; at: number }[] = [];
  const schedule = createDeliverySchedule(createTiming({ profile: 'aws', seed: 14, scale: 0.01 }), (n) =>
    delivered.push({ n, at: performance.now() }),
  );
  const publishedAt = performance.now();
  for (let i = 0; i < 100; i++) schedule.publish(notification(`k${i}`, String(i).padStart(4, '0')));
  assert.equal(delivered.length, 0, 'nothing is delivered at once');
  await drain(schedule);
  assert.equal(delivered.length, 103);
  const byKey = new Map<string, typeof delivered>();
  for (const d of delivered) byKey.set(d.n.record.s3.object.key, [...(byKey.get(d.n.record.s3.object.key) ?? []), d]);
  const twice = [...byKey.values()].filter((ds) => ds.length === 2);
  assert.equal(twice.length, 3);
  for (const [first, second] of twice) assert.ok(first!.n === second!.n && second!.at >= first!.at);
  // Delays follow the scaled distribution: none at once, the median near 13 ms (1.3 s × 0.01).
  const delays = delivered.map((d) => d.at - publishedAt).sort((a, b) => a - b);
  assert.ok(delays[0]! > 3, `first delivery after ${delays[0]} ms`);
  assert.ok(delays[Math.floor(delays.length / 2)]! < 200, `median ${delays[Math.floor(delays.length / 2)]} ms`);
  schedule.close();
});

test("seed 1: simultaneous writes to one key are sometimes one event, the later write's; versioned writes never", async () => {
  const delivered: S3Notification[] = [];
  const schedule = createDeliverySchedule(createTiming({ profile: 'aws', seed: 1, scale: 0.01 }), (n) => delivered.push(n));
  for (let i = 0; i < 20; i++) {
    schedule.publish(notification(`k${i}`, `${i}-a`));
    schedule.publish(notification(`k${i}`, `${i}-b`));
    schedule.publish(notification(`v${i}`, `${i}-a`, 'ObjectCreated:Put', 'v1'));
    schedule.publish(notification(`v${i}`, `${i}-b`, 'ObjectCreated:Put', 'v2'));
    schedule.publish(notification(`d${i}`, `${i}-a`));
    schedule.publish(notification(`d${i}`, `${i}-b`, 'ObjectRemoved:Delete'));
  }
  await drain(schedule);
  const seqs = (prefix: string, i: number) =>
    delivered.filter((n) => n.record.s3.object.key === `${prefix}${i}`).map((n) => n.record.s3.object.sequencer);
  let coalesced = 0;
  for (let i = 0; i < 20; i++) {
    const k = seqs('k', i);
    const once = k.length === 1 && k[0] === `${i}-b`;
    if (once) coalesced++;
    else assert.deepEqual([...new Set(k)], [`${i}-a`, `${i}-b`], `key k${i}: in write order`);
    assert.deepEqual([...new Set(seqs('v', i))], [`${i}-a`, `${i}-b`], 'versioned: both writes');
    assert.deepEqual([...new Set(seqs('d', i))], [`${i}-a`, `${i}-b`], 'a create then a delete: both');
  }
  assert.ok(coalesced > 0 && coalesced < 20, `${coalesced} of 20 coalesced`);
  schedule.close();
});

test('instant timing delivers synchronously, once', () => {
  const delivered: S3Notification[] = [];
  const schedule = createDeliverySchedule(createTiming(), (n) => delivered.push(n));
  schedule.publish(notification('k', '1'));
  schedule.publish(notification('k', '2'));
  assert.deepEqual(
    delivered.map((n) => n.record.s3.object.sequencer),
    ['1', '2'],
  );
});

test('real sandbox, --timing aws at 0.01: PUTs to three keys arrive delayed, per key in write order, the last write of each always', async (t) => {
  const sandbox = await startSandbox({ port: 0, timing: { profile: 'aws', scale: 0.01, seed: 8 } });
  const s3 = new S3Client({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  t.after(async () => {
    s3.destroy();
    await sandbox.close();
  });
  const bucket = 'timing-order';
  await setupDemo(sandbox, { bucket });
  // From here the glue's Lambda side records instead of running the demo function.
  const delivered: { key: string; sequencer: string; at: number }[] = [];
  sandbox.context.functions = {
    allowsInvoke: () => true,
    exists: () => true,
    functionFor: () => 'recorder',
    invokeAsync: (_name, payload) => {
      const { Records } = JSON.parse(payload) as { Records: S3EventRecord[] };
      delivered.push({ key: Records[0]!.s3.object.key, sequencer: Records[0]!.s3.object.sequencer, at: performance.now() });
      return 'id';
    },
  };
  const published: { key: string; sequencer: string; at: number }[] = [];
  sandbox.context.s3Events.subscribe((n) =>
    published.push({ key: n.record.s3.object.key, sequencer: n.record.s3.object.sequencer, at: performance.now() }),
  );
  await Promise.all(
    ['a', 'b', 'c'].map(async (key) => {
      for (let i = 0; i < 8; i++) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${key}${i}` }));
    }),
  );
  assert.equal(published.length, 24);
  await sleep(400); // seed 8 draws 7-25 ms (scaled) for its first 150 deliveries: far below this
  // Each delivery comes at least the smallest drawn delay after the first write it covers (a coalesced
  // event carries a later write's record but keeps the earlier write's delivery time).
  for (const key of ['a', 'b', 'c']) {
    let covered = 0;
    const writes = published.filter((p) => p.key === key);
    for (const d of delivered.filter((x) => x.key === key)) {
      const upTo = writes.findIndex((w) => w.sequencer === d.sequencer);
      if (upTo < covered) continue; // a duplicate delivery
      assert.ok(d.at - writes[covered]!.at >= 5, `key ${key}: delivered ${(d.at - writes[covered]!.at).toFixed(1)} ms after the write`);
      covered = upTo + 1;
    }
  }
  for (const key of ['a', 'b', 'c']) {
    const sent = published.filter((p) => p.key === key).map((p) => p.sequencer);
    const got = delivered.filter((d) => d.key === key).map((d) => d.sequencer);
    assert.deepEqual(got, [...got].sort(), `key ${key}: delivered in write order`);
    assert.ok(
      got.every((s) => sent.includes(s)),
      `key ${key}: only records S3 published`,
    );
    assert.equal(got.at(-1), sent.at(-1), `key ${key}: the last write is always delivered`);
  }
});
