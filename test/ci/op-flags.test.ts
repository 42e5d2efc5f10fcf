import { test } from 'node:test';
import assert from 'node:assert/strict';
import { opFlagArityProblem, opFlagOptions, opFlagValues, type OpFlags } from '../../src/ci/plan.js';

test('opFlagOptions: one yargs option per operation, in the scripts order; --copy takes three values', () => {
  const options = opFlagOptions('G');
  assert.deepEqual(
    options.map(([name]) => name),
    ['put', 'copy', 'delkey', 'post', 'multipart', 'put-tagging', 'delete-tagging', 'put-acl', 'restore', 'retrigger', 'replay'],
  );
  assert.equal(options[8]![1].nargs, undefined, '--restore KEY');
  assert.equal(options[5]![1].nargs, 2, '--put-tagging KEY TAGS');
  assert.equal(options[6]![1].nargs, undefined, '--delete-tagging KEY');
  assert.equal(options[7]![1].nargs, 2, '--put-acl KEY CANNED_ACL');
  assert.deepEqual(options[1]![1], {
    type: 'string',
    array: true,
    nargs: 3,
    describe: 'COPY SRC_BUCKET SRC_KEY DEST_KEY into --bucket',
    group: 'G',
  });
  assert.deepEqual(options[0]![1], { type: 'string', describe: 'PUT this FILE (key = the path, ./ stripped)', group: 'G' });
});

for (const [name, args, want] of [
  ['nothing', { bucket: 'b', wait: true }, {}],
  [
    'single values and arrays',
    { put: 'a.txt', copy: ['s', 'k', 'd'], delkey: 'gone', size: 7 },
    { put: 'a.txt', copy: ['s', 'k', 'd'], delkey: 'gone' },
  ],
  ['undefined flags are left out', { put: undefined, multipart: 'big' }, { multipart: 'big' }],
] as const) {
  test(`opFlagValues: ${name}`, () => assert.deepEqual(opFlagValues(args), want));
}

const cases: [string, Partial<OpFlags>, string | undefined][] = [
  ['no copy', { put: 'x' }, undefined],
  ['copy with three', { copy: ['a', 'b', 'c'] }, undefined],
  ['copy with two', { copy: ['a', 'b'] }, '--copy needs exactly three values: SRC_BUCKET SRC_KEY DEST_KEY'],
  ['copy with four', { copy: ['a', 'b', 'c', 'd'] }, '--copy needs exactly three values: SRC_BUCKET SRC_KEY DEST_KEY'],
  ['copy with one value', { copy: 'a' }, '--copy needs exactly three values: SRC_BUCKET SRC_KEY DEST_KEY'],
];
for (const [name, flags, want] of cases) {
  test(`opFlagArityProblem: ${name}`, () => assert.equal(opFlagArityProblem(flags), want));
}
