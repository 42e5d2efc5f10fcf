import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachDashValues, repeatedFlagProblem } from '../src/cli-flags.js';

for (const [name, argv, want] of [
  ['a dash value joins its flag', ['--bucket', '-abc', '--put', 'f'], ['--bucket=-abc', '--put', 'f']],
  ['a negative duration', ['--timeout', '-5s'], ['--timeout=-5s']],
  ['a following long flag is left alone', ['--bucket', '--put', 'f'], ['--bucket', '--put', 'f']],
  ['booleans take no value', ['--wait', '-x'], ['--wait', '-x']],
  ['after -- nothing changes', ['--', '--bucket', '-a'], ['--', '--bucket', '-a']],
  ['already joined', ['--key=-k'], ['--key=-k']],
] as const) {
  test(`attachDashValues: ${name}`, () => assert.deepEqual(attachDashValues(argv), want));
}

for (const [name, args, want] of [
  ['once each', { bucket: 'a', put: 'x', function: ['f', 'g'] }, undefined],
  ['--bucket twice', { bucket: ['a', 'b'] }, "--bucket was given more than once ('a', 'b'): give it once"],
  ['--put twice', { put: ['x', 'y'] }, "--put was given more than once ('x', 'y'): give it once"],
  ['a newline in a value', { key: ['a\nb', 'c'] }, "--key was given more than once ('a\\nb', 'c'): give it once"],
  [
    '--copy twice',
    { copy: ['a', 'b', 'c', 'd', 'e', 'f'] },
    '--copy was given more than once: one COPY per run (SRC_BUCKET SRC_KEY DEST_KEY)',
  ],
] as const) {
  test(`repeatedFlagProblem: ${name}`, () => assert.equal(repeatedFlagProblem(args as Record<string, unknown>), want));
}
