import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BURST_KINDS, burstInput, burstKeys, parseBurstFlags, parseOpKind, setupKeys, type BurstPlan } from '../../src/burst/plan.js';

import { inputProblem } from '../../src/ops/validate.js';

test('parseBurstFlags: defaults, and every bad value named in one line', () => {
  assert.equal(parseBurstFlags({}), undefined);
  const ok = parseBurstFlags({ burst: '200' });
  assert.deepEqual(ok, {
    plan: { count: 200, parallel: 16, kind: 'put', sameKey: false, maxLost: 0, body: { demo: true }, keyPrefix: 'burst/' },
  });
  const cases: [Parameters<typeof parseBurstFlags>[0], RegExp][] = [
    [{ parallel: '4' }, /^--parallel needs --burst N$/],
    [{ sameKey: true }, /^--same-key needs --burst N$/],
    [{ maxLost: '1' }, /^--max-lost needs --burst N$/],
    [{ expectP99Ms: 2000 }, /^--expect-p99 needs --burst N$/],
    [{ burst: 'abc' }, /--burst 'abc' is not a whole number/],
    [{ burst: '0' }, /--burst '0' must be at least 1/],
    [{ burst: '-5' }, /--burst '-5' is not a whole number/],
    [{ burst: '1000000' }, /--burst '1000000' is more than 100000/],
    [{ burst: '5', parallel: '0' }, /--parallel '0' must be at least 1/],
    [{ burst: '5', op: 'rename' }, /--op 'rename' is not an operation a burst can fire: use one of put, copy/],
    [{ burst: '5', op: 'replay' }, /--op 'replay' is not an operation a burst can fire/],
    [{ burst: '5', maxLost: 'x' }, /--max-lost 'x' is not a whole number/],
    [{ burst: '5', file: 'a', size: 1 }, /--file and --size both give the body/],
    [{ burst: '5', size: 0 }, /--size 0: give MB above 0/],
    [{ burst: '5', key: '' }, /--key must not be empty/],
  ];
  for (const [flags, want] of cases) {
    const r = parseBurstFlags(flags);
    assert.ok(r && 'problem' in r, JSON.stringify(flags));
    assert.match(r.problem, want);
  }
  const p = parseBurstFlags({ burst: '3', parallel: '16', op: 'DELKEY', sameKey: true, expectP99Ms: 2000, maxLost: '2', size: 1 });
  assert.ok(p && 'plan' in p);
  assert.deepEqual(p.plan, {
    count: 3,
    parallel: 3,
    kind: 'delete',
    sameKey: true,
    expectP99Ms: 2000,
    maxLost: 2,
    body: { sizeMB: 1 },
    keyPrefix: 'burst/',
  });
});

test('parseOpKind takes a kind, its label or its CI flag', () => {
  assert.equal(parseOpKind('put-tagging'), 'put-tagging');
  assert.equal(parseOpKind('COPY'), 'copy');
  assert.equal(parseOpKind('delkey'), 'delete');
  assert.equal(parseOpKind('nope'), undefined);
});

const plan = (over: Partial<BurstPlan> = {}): BurstPlan => ({
  count: 12,
  parallel: 4,
  kind: 'put',
  sameKey: false,
  maxLost: 0,
  body: { demo: true },
  keyPrefix: 'burst/',
  ...over,
});

test('burstKeys: unique, zero-padded, under the run id; one key with --same-key', () => {
  const k = burstKeys(plan(), 'run1');
  assert.equal(k.key(0), 'burst/run1/01.txt');
  assert.equal(k.key(11), 'burst/run1/12.txt');
  assert.equal(k.sourceKey(0), 'burst/run1/src/01.txt');
  assert.equal(new Set(Array.from({ length: 12 }, (_, i) => k.key(i))).size, 12);
  const same = burstKeys(plan({ sameKey: true, body: { file: 'photo.jpg' }, keyPrefix: 'in/' }), 'r');
  assert.equal(same.key(0), 'in/r/same.jpg');
  assert.equal(same.key(7), 'in/r/same.jpg');
  assert.equal(burstKeys(plan({ body: { sizeMB: 2 } }), 'r').key(0), 'burst/r/01.bin');
});

test('burstInput: every registered kind gets a valid input; setupKeys names the objects it needs first', () => {
  const keys = burstKeys(plan(), 'r');
  for (const kind of BURST_KINDS) {
    const input = burstInput(kind, 2, keys, { bucket: 'bucket-a', bodyFile: '/tmp/body.txt' });
    assert.equal(input.kind, kind);
    assert.equal(inputProblem(input), undefined, kind);
  }
  assert.deepEqual(burstInput('put', 0, keys, { bucket: 'bucket-a', bodyFile: '/tmp/b' }), {
    kind: 'put',
    bucket: 'bucket-a',
    file: '/tmp/b',
    key: 'burst/r/01.txt',
  });
  assert.deepEqual(burstInput('copy', 0, keys, { bucket: 'bucket-a', bodyFile: '/tmp/b' }), {
    kind: 'copy',
    bucket: 'bucket-a',
    sourceBucket: 'bucket-a',
    sourceKey: 'burst/r/src/01.txt',
    key: 'burst/r/01.txt',
  });
  assert.deepEqual(setupKeys('put', 3, keys), []);
  assert.deepEqual(setupKeys('post', 3, keys), []);
  assert.deepEqual(setupKeys('copy', 2, keys), ['burst/r/src/01.txt', 'burst/r/src/02.txt']);
  assert.deepEqual(setupKeys('delete', 2, keys), ['burst/r/01.txt', 'burst/r/02.txt']);
  assert.deepEqual(setupKeys('put-tagging', 1, keys), ['burst/r/01.txt']);
  assert.deepEqual(setupKeys('delete', 5, burstKeys(plan({ sameKey: true }), 'r')), ['burst/r/same.txt']);
});
