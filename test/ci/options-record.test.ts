import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optionsOf, outcomeRecord } from '../../src/ci/json.js';
import type { OpInput } from '../../src/ops/types.js';

const target = { kind: 'sandbox', region: 'eu-west-1', label: 'local sandbox' } as const;

for (const [name, input, want] of [
  ['a plain PUT has none', { kind: 'put', bucket: 'bkt', file: 'f' }, {}],
  [
    'PUT with upload options',
    { kind: 'put', bucket: 'bkt', file: 'f', storageClass: 'GLACIER', acl: 'private', tagging: 'a=1' },
    { storageClass: 'GLACIER', acl: 'private', tagging: 'a=1' },
  ],
  ['DELETE of a version', { kind: 'delete', bucket: 'bkt', key: 'k', versionId: 'v1' }, { versionId: 'v1' }],
  [
    'RESTORE',
    { kind: 'restore', bucket: 'bkt', key: 'k', days: 2, tier: 'Bulk', waitRestore: true },
    { days: 2, tier: 'Bulk', waitRestore: true },
  ],
] as [string, OpInput, Record<string, unknown>][]) {
  test(`NDJSON options: ${name}`, () => {
    assert.deepEqual(optionsOf(input), want);
    const record = outcomeRecord(
      {
        input,
        warnings: [],
        result: { opId: 1, op: input.kind, bucket: 'bkt', key: 'k', startedAt: 1, ackedAt: 2, versionId: 'v9', deleteMarker: true },
      },
      target,
    );
    assert.deepEqual(record.options, Object.keys(want).length ? want : undefined);
    assert.equal(record.result?.versionId, 'v9', "the version S3 gave is in the record's result");
    assert.equal(record.result?.deleteMarker, true);
  });
}
