/** The --timing flags, as the CLI reads them: table of values and their one-line problems. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimingFlags, type TimingFlags } from '../../../src/sandbox/timing/options.js';

const good: { flags: TimingFlags; options: object }[] = [
  { flags: {}, options: {} },
  { flags: { timing: 'aws' }, options: { profile: 'aws' } },
  { flags: { timing: 'instant', 'timing-scale': '2' }, options: { profile: 'instant', scale: 2 } },
  { flags: { timing: 'aws', 'timing-scale': '0.01', 'timing-seed': '42' }, options: { profile: 'aws', scale: 0.01, seed: 42 } },
  { flags: { 'timing-seed': '0' }, options: { seed: 0 } },
];
for (const c of good) {
  test(`parseTimingFlags ${JSON.stringify(c.flags)}`, () => assert.deepEqual(parseTimingFlags(c.flags), { options: c.options }));
}

const bad: { flags: TimingFlags; problem: RegExp }[] = [
  { flags: { timing: 'AWS' }, problem: /^--timing 'AWS' is not a timing profile: use aws or instant$/ },
  { flags: { timing: '' }, problem: /^--timing '' is not a timing profile/ },
  { flags: { 'timing-scale': '0' }, problem: /^--timing-scale '0' must be a number greater than 0/ },
  { flags: { 'timing-scale': '-1' }, problem: /^--timing-scale '-1'/ },
  { flags: { 'timing-scale': 'fast' }, problem: /^--timing-scale 'fast'/ },
  { flags: { 'timing-scale': '' }, problem: /^--timing-scale ''/ },
  { flags: { 'timing-scale': '1e9' }, problem: /at most 1000/ },
  { flags: { 'timing-seed': '1.5' }, problem: /^--timing-seed '1\.5' must be a whole number of at least 0$/ },
  { flags: { 'timing-seed': '-3' }, problem: /^--timing-seed '-3'/ },
  { flags: { 'timing-seed': '99999999999999999999' }, problem: /^--timing-seed/ },
];
for (const c of bad) {
  test(`parseTimingFlags ${JSON.stringify(c.flags)} -> one-line problem`, () => {
    const r = parseTimingFlags(c.flags);
    assert.ok('problem' in r);
    assert.match(r.problem, c.problem);
    assert.doesNotMatch(r.problem, /\n/);
  });
}
