import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasOpFlags, keyFlagProblem, parseDuration, parseTimeout, planOps, type OpFlags } from '../../src/ci/plan.js';
import { decideMode } from '../../src/ci/mode.js';

test('planOps runs the scripts order whatever the flag order', () => {
  const ops = planOps({ bucket: 'b', multipart: 'big.bin', post: 'p.txt', delkey: 'gone', copy: ['src', 'a.txt', 'c.txt'], put: 'a.txt' });
  assert.deepEqual(
    ops.map((o) => o.kind),
    ['put', 'copy', 'delete', 'post', 'multipart'],
  );
  assert.deepEqual(ops[1], { kind: 'copy', bucket: 'b', sourceBucket: 'src', sourceKey: 'a.txt', key: 'c.txt' });
});

test('planOps carries --key, --file, --size, --part-size, --concurrency', () => {
  const [put, post, mp] = planOps({
    bucket: 'b',
    put: 'x',
    post: 'y',
    multipart: 'k',
    key: 'K',
    file: 'f.bin',
    size: 7,
    partSize: 8,
    concurrency: 2,
  });
  assert.deepEqual(put, { kind: 'put', bucket: 'b', file: 'x', key: 'K' });
  assert.deepEqual(post, { kind: 'post', bucket: 'b', file: 'y', key: 'K' });
  assert.deepEqual(mp, { kind: 'multipart', bucket: 'b', key: 'k', file: 'f.bin', sizeMB: 7, partSizeMB: 8, concurrency: 2 });
  assert.deepEqual(planOps({ bucket: 'b' }), []);
});

test('hasOpFlags', () => {
  assert.equal(hasOpFlags({}), false);
  assert.equal(hasOpFlags({ bucket: 'b' }), false);
  assert.equal(hasOpFlags({ delkey: 'k' }), true);
});

for (const [text, ms] of [
  ['30s', 30_000],
  ['500ms', 500],
  ['2m', 120_000],
  ['1h', 3_600_000],
  ['45', 45_000],
  ['1.5s', 1500],
  ['0s', undefined],
  ['xyz', undefined],
  ['-1s', undefined],
  ['10d', undefined],
] as const) {
  test(`parseDuration(${text})`, () => assert.equal(parseDuration(text), ms));
}

for (const [text, want] of [
  ['24h', { ms: 86_400_000 }],
  ['90s', { ms: 90_000 }],
  ['600h', { problem: "--timeout '600h' is longer than 24h: use at most 24h" }],
  ['24.01h', { problem: "--timeout '24.01h' is longer than 24h: use at most 24h" }],
  ['-5s', { problem: "--timeout '-5s' is not a positive duration: use e.g. 30s, 2m or 500ms" }],
  ['0', { problem: "--timeout '0' is not a positive duration: use e.g. 30s, 2m or 500ms" }],
  ['0ms', { problem: "--timeout '0ms' is not a positive duration: use e.g. 30s, 2m or 500ms" }],
  ['soon', { problem: "--timeout 'soon' is not a duration: use e.g. 30s, 2m or 500ms" }],
] as const) {
  test(`parseTimeout(${text})`, () => assert.deepEqual(parseTimeout(text), want));
}

for (const [name, input, want] of [
  ['op flags always run CI', { hasOps: true, stdinTTY: true, stdoutTTY: true, ciEnv: undefined }, 'ci'],
  ['terminal on both ends', { hasOps: false, stdinTTY: true, stdoutTTY: true, ciEnv: undefined }, 'tui'],
  ['stdout piped', { hasOps: false, stdinTTY: true, stdoutTTY: false, ciEnv: undefined }, 'needs-terminal'],
  ['stdin piped', { hasOps: false, stdinTTY: false, stdoutTTY: true, ciEnv: undefined }, 'needs-terminal'],
  ['CI=true', { hasOps: false, stdinTTY: true, stdoutTTY: true, ciEnv: 'true' }, 'needs-terminal'],
  ['CI=false', { hasOps: false, stdinTTY: true, stdoutTTY: true, ciEnv: 'false' }, 'tui'],
] as const) {
  test(`decideMode: ${name}`, () => assert.equal(decideMode(input), want));
}

for (const [name, flags, want] of [
  ['no --key', { bucket: 'b', put: 'a', post: 'a' }, undefined],
  ['--key with --put alone', { bucket: 'b', put: 'a', key: 'p' }, undefined],
  ['--key with --put and --copy (COPY has its DEST_KEY)', { bucket: 'b', put: 'a', copy: ['B', 'a', 'c'], key: 'p' }, undefined],
  [
    '--put a --copy B a c --post a --key p',
    { bucket: 'b', put: 'a', copy: ['B', 'a', 'c'], post: 'a', key: 'p' },
    '--key would apply to both --put and --post: give --key with one of them and run the other separately',
  ],
  ['--key with --multipart and --delkey (each has its own KEY)', { bucket: 'b', multipart: 'm', delkey: 'd', key: 'p' }, undefined],
] as const) {
  test(`keyFlagProblem: ${name}`, () => assert.equal(keyFlagProblem(flags as OpFlags), want));
}
