import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awaitedEventsOf, opDefinition } from '../../src/ops/registry.js';
import { daysProblem, parseTier, restore } from '../../src/ops/restore.js';
import { inputProblem } from '../../src/ops/validate.js';
import { planOps, orphanModifierProblem } from '../../src/ci/plan.js';
import type { OpInput } from '../../src/ops/types.js';

const r = (over: Partial<Extract<OpInput, { kind: 'restore' }>> = {}): OpInput => ({
  kind: 'restore',
  bucket: 'bkt',
  key: 'cold.bin',
  days: 1,
  tier: 'Standard',
  ...over,
});

test('RESTORE defaults: 1 day, the Standard tier (AWS: the default tier of a restore that names none)', () => {
  assert.deepEqual(planOps({ bucket: 'bkt', restore: 'cold.bin' }), [r()]);
  assert.deepEqual(planOps({ bucket: 'bkt', restore: 'cold.bin', days: 7, tier: 'Bulk', waitRestore: true }), [
    r({ days: 7, tier: 'Bulk', waitRestore: true }),
  ]);
});

for (const [name, input, want] of [
  ['valid', r(), undefined],
  ['every tier', r({ tier: 'Expedited' }), undefined],
  ['no key', r({ key: '' }), '--restore needs a KEY'],
  ['zero days', r({ days: 0 }), '--days must be a whole number of days from 1, got 0'],
  ['negative days', r({ days: -2 }), '--days must be a whole number of days from 1, got -2'],
  ['fractional days', r({ days: 1.5 }), '--days must be a whole number of days from 1, got 1.5'],
  ['NaN days', r({ days: Number.NaN }), '--days must be a whole number of days from 1, got NaN'],
  ['unknown tier', r({ tier: 'Fast' }), "--tier 'Fast' is not a retrieval tier: use Expedited, Standard, Bulk"],
  [
    'tier in lower case',
    r({ tier: 'expedited' }),
    "--tier 'expedited' is not a retrieval tier (did you mean Expedited?): use Expedited, Standard, Bulk",
  ],
] as const) {
  test(`RESTORE input: ${name}`, () => {
    const p = inputProblem(input);
    assert.equal(p?.message, want);
    if (want) assert.equal(p?.code, 'Usage');
  });
}

test('parseTier and daysProblem', () => {
  assert.deepEqual(parseTier('Bulk'), { tier: 'Bulk' });
  assert.equal(daysProblem(30), undefined);
  assert.ok(daysProblem(0));
});

test('what --wait waits for: RESTORE Post then Completed on the sandbox; Post only elsewhere unless --wait-restore', () => {
  assert.deepEqual(awaitedEventsOf(r(), { sandbox: true }), {
    eventNames: ['ObjectRestore:Post', 'ObjectRestore:Completed'],
    perFunction: 2,
  });
  assert.deepEqual(awaitedEventsOf(r(), { sandbox: false }), { eventNames: ['ObjectRestore:Post'], perFunction: 1 });
  assert.deepEqual(awaitedEventsOf(r({ waitRestore: true }), { sandbox: false }), {
    eventNames: ['ObjectRestore:Post', 'ObjectRestore:Completed'],
    perFunction: 2,
  });
});

test('what --wait waits for: DELETE of a version is ObjectRemoved:Delete only; a plain DELETE also a delete marker', () => {
  const plain: OpInput = { kind: 'delete', bucket: 'bkt', key: 'k' };
  const version: OpInput = { kind: 'delete', bucket: 'bkt', key: 'k', versionId: 'v1' };
  for (const sandbox of [true, false]) {
    assert.deepEqual(awaitedEventsOf(plain, { sandbox }), {
      eventNames: ['ObjectRemoved:Delete', 'ObjectRemoved:DeleteMarkerCreated'],
      perFunction: 1,
    });
    assert.deepEqual(awaitedEventsOf(version, { sandbox }), { eventNames: ['ObjectRemoved:Delete'], perFunction: 1 });
  }
  assert.deepEqual(awaitedEventsOf({ kind: 'put', bucket: 'bkt', file: 'f' }, { sandbox: true }), {
    eventNames: ['ObjectCreated:Put'],
    perFunction: 1,
  });
});

test('DELETE --version-id: the input, its empty-value check and its lines', () => {
  assert.deepEqual(planOps({ bucket: 'bkt', delkey: 'k', versionId: 'v1' }), [
    { kind: 'delete', bucket: 'bkt', key: 'k', versionId: 'v1' },
  ]);
  assert.equal(
    inputProblem({ kind: 'delete', bucket: 'bkt', key: 'k', versionId: '' })?.message,
    '--version-id must not be empty: give the version id S3 returned',
  );
  const del = opDefinition('delete');
  assert.equal(
    del.cli.startLine({ kind: 'delete', bucket: 'bkt', key: 'k', versionId: 'v1' }),
    'DELETE object k version v1 from bucket bkt',
  );
  assert.equal(del.cli.startLine({ kind: 'delete', bucket: 'bkt', key: 'k' }), 'DELETE object k from bucket bkt');
});

test('RESTORE lines', () => {
  assert.equal(restore.cli.startLine(r({ days: 2, tier: 'Bulk' }) as never), 'RESTORE object cold.bin in bucket bkt for 2 days (Bulk)');
  assert.equal(restore.cli.startLine(r() as never), 'RESTORE object cold.bin in bucket bkt for 1 day (Standard)');
});

for (const [name, flags, given, want] of [
  ['--tier with --restore', { restore: 'k' }, ['tier'], undefined],
  ['--days without --restore', { put: 'f' }, ['days'], '--days applies to --restore: add --restore KEY or drop --days'],
  [
    '--wait-restore without --restore',
    {},
    ['wait-restore'],
    '--wait-restore applies to --restore: add --restore KEY or drop --wait-restore',
  ],
  [
    '--version-id without --delkey',
    { put: 'f' },
    ['version-id'],
    '--version-id applies to --delkey: add --delkey KEY or drop --version-id',
  ],
  ['--storage-class with --copy', { copy: ['a', 'b', 'c'] }, ['storage-class'], undefined],
  [
    '--acl with no upload',
    { delkey: 'k' },
    ['acl'],
    '--acl applies to --put, --copy, --post or --multipart: add one of them or drop --acl',
  ],
] as const) {
  test(`orphanModifierProblem: ${name}`, () => assert.equal(orphanModifierProblem(flags as never, given), want));
}
