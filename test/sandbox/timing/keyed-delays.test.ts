/** KeyedDelays: per-key order under drawn delays, zero delay delivered at once, close drops what waits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedDelays } from '../../../src/sandbox/timing/keyed-delays.js';
import { seededRandom } from '../../../src/sandbox/timing/random.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a zero delay with nothing queued under the key is delivered synchronously', () => {
  const got: string[] = [];
  const q = new KeyedDelays<string>((_, item) => got.push(item));
  q.push('k', 'a', 0);
  assert.deepEqual(got, ['a']);
});

test('per key, items come out in the order pushed whatever their delays; keys do not wait for each other', async () => {
  const got: { key: string; item: number }[] = [];
  const q = new KeyedDelays<number>((key, item) => got.push({ key, item }));
  const random = seededRandom(1);
  for (let i = 0; i < 60; i++) q.push(`k${i % 3}`, i, random() * 40);
  q.push('fast', 999, 1);
  await sleep(10);
  assert.ok(
    got.some((g) => g.key === 'fast'),
    'an unrelated key is not held back by slow ones',
  );
  for (let i = 0; i < 100 && q.size > 0; i++) await sleep(10);
  assert.equal(got.length, 61);
  for (const key of ['k0', 'k1', 'k2']) {
    const items = got.filter((g) => g.key === key).map((g) => g.item);
    assert.deepEqual(
      items,
      [...items].sort((a, b) => a - b),
      key,
    );
  }
});

test('a zero delay behind a waiting item waits for it; lastPending sees the last one waiting', async () => {
  const got: string[] = [];
  const q = new KeyedDelays<string>((_, item) => got.push(item));
  q.push('k', 'slow', 20);
  q.push('k', 'now', 0);
  assert.deepEqual(got, []);
  assert.equal(q.lastPending('k')?.item, 'now');
  await sleep(60);
  assert.deepEqual(got, ['slow', 'now']);
  assert.equal(q.lastPending('k'), undefined);
});

test('close drops what waits and ignores later pushes', async () => {
  const got: string[] = [];
  const q = new KeyedDelays<string>((_, item) => got.push(item));
  q.push('k', 'a', 10);
  q.close();
  q.push('k', 'b', 0);
  await sleep(30);
  assert.deepEqual(got, []);
});
