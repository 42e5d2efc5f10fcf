import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpInput, OpKind } from '../../../src/ops/types.js';
import { copyKeyFor, currentInput, describeInput, formFields, formInput, initialParams } from '../../../src/tui/state/params.js';

const params = initialParams({ demoFile: '/tmp/x/test.txt' });

test('defaults: demo file for PUT/POST, bigfile.bin 6 MB, tags env=dev, ACL public-read, flags override', () => {
  assert.deepEqual(params, {
    put: { file: '/tmp/x/test.txt', key: 'test.txt' },
    post: { file: '/tmp/x/test.txt', key: 'post_test.txt' },
    copy: {},
    delete: {},
    multipart: { key: 'bigfile.bin', sizeMB: 6 },
    'put-tagging': { tags: 'env=dev' },
    'delete-tagging': {},
    'put-acl': { acl: 'public-read' },
    restore: { days: 1, tier: 'Standard' },
    retrigger: {},
  });
  const flags = initialParams({
    demoFile: '/d',
    putFile: 'a/b.csv',
    postFile: 'c.bin',
    deleteKey: 'gone',
    multipartKey: 'mp',
    sizeMB: 9,
    copy: { sourceBucket: 's', sourceKey: 'k', key: 'd' },
  });
  assert.deepEqual(flags.put, { file: 'a/b.csv', key: 'b.csv' });
  assert.deepEqual(flags.post, { file: 'c.bin', key: 'post_c.bin' });
  assert.deepEqual(flags.delete, { key: 'gone' });
  assert.deepEqual(flags.multipart, { key: 'mp', sizeMB: 9 });
  assert.deepEqual(flags.copy, { sourceBucket: 's', sourceKey: 'k', key: 'd' });
});

test('current input per op', () => {
  const cases = [
    { name: 'no bucket', bucket: undefined, created: [], kind: 'put' as const, out: 'choose a bucket first (b)' },
    {
      name: 'copy without created keys copies the PUT key',
      bucket: 'b',
      created: [],
      kind: 'copy' as const,
      out: 'test.txt -> copy_test.txt',
    },
    { name: 'copy the last created', bucket: 'b', created: ['a', 'dir/z.txt'], kind: 'copy' as const, out: 'dir/z.txt -> dir/copy_z.txt' },
    {
      name: 'delete nothing',
      bucket: 'b',
      created: [],
      kind: 'delete' as const,
      out: 'nothing created this session to delete: press D to name a key',
    },
    { name: 'delete the last created', bucket: 'b', created: ['a', 'b2'], kind: 'delete' as const, out: 'b2' },
    { name: 'multipart', bucket: 'b', created: [], kind: 'multipart' as const, out: '6 MB generated -> bigfile.bin' },
    { name: 'put', bucket: 'b', created: [], kind: 'put' as const, out: 'test.txt -> test.txt' },
    {
      name: 'put-tagging nothing',
      bucket: 'b',
      created: [],
      kind: 'put-tagging' as const,
      out: 'nothing created this session to tag: press T to name a key',
    },
    { name: 'put-tagging the last created', bucket: 'b', created: ['a', 'b2'], kind: 'put-tagging' as const, out: 'b2 env=dev' },
    { name: 'delete-tagging the last created', bucket: 'b', created: ['a', 'b2'], kind: 'delete-tagging' as const, out: 'b2' },
    { name: 'put-acl the last created', bucket: 'b', created: ['a'], kind: 'put-acl' as const, out: 'a public-read' },
    {
      name: 'restore nothing',
      bucket: 'b',
      created: [],
      kind: 'restore' as const,
      out: 'nothing created this session to restore: press W to name a key',
    },
    { name: 'restore the last created', bucket: 'b', created: ['a', 'cold.bin'], kind: 'restore' as const, out: 'cold.bin 1d Standard' },
  ];
  for (const c of cases)
    assert.equal(describeInput(currentInput({ bucket: c.bucket, params, createdKeys: c.created }, c.kind)), c.out, c.name);
});

test('copy key naming', () => {
  assert.equal(copyKeyFor('test.txt'), 'copy_test.txt');
  assert.equal(copyKeyFor('a/b/c'), 'a/b/copy_c');
});

test('forms are prefilled and parsed back', () => {
  const state = { bucket: 'b', params, createdKeys: ['k1'] };
  assert.deepEqual(
    formFields(state, 'copy').map((f) => f.value),
    ['b', 'k1', 'copy_k1', '', '', ''],
  );
  assert.deepEqual(
    formFields(state, 'delete').map((f) => [f.name, f.value]),
    [
      ['key', 'k1'],
      ['versionId', ''],
    ],
  );
  assert.deepEqual(
    formFields(state, 'multipart').map((f) => f.value),
    ['bigfile.bin', '6', '', '', '', ''],
  );
  assert.deepEqual(
    formFields(state, 'put').map((f) => f.name),
    ['file', 'key', 'storageClass', 'acl', 'tagging'],
  );
  assert.deepEqual(
    formFields(state, 'restore').map((f) => [f.name, f.value]),
    [
      ['key', 'k1'],
      ['days', '1'],
      ['tier', 'Standard'],
    ],
  );
  assert.deepEqual(
    formFields(state, 'put-tagging').map((f) => f.value),
    ['k1', 'env=dev'],
  );
  assert.deepEqual(
    formFields(state, 'put-acl').map((f) => f.value),
    ['k1', 'public-read'],
  );
  const cases: { kind: OpKind; values: Record<string, string>; error?: string; input?: OpInput }[] = [
    { kind: 'put' as const, values: { file: 'f', key: '' }, error: 'key is required' },
    {
      kind: 'copy' as const,
      values: { sourceBucket: 'a', sourceKey: 'b', key: 'c' },
      input: { kind: 'copy', bucket: 'b', sourceBucket: 'a', sourceKey: 'b', key: 'c' },
    },
    { kind: 'multipart' as const, values: { key: 'k', sizeMB: '-1', file: '' }, error: 'size must be a positive number of MB' },
    {
      kind: 'multipart' as const,
      values: { key: 'k', sizeMB: 'x', file: '/f' },
      input: { kind: 'multipart', bucket: 'b', key: 'k', file: '/f' },
    },
    { kind: 'delete' as const, values: { key: ' k ' }, input: { kind: 'delete', bucket: 'b', key: 'k' } },
    {
      kind: 'put-tagging' as const,
      values: { key: 'k', tags: 'env=prod&team=a%20b' },
      input: { kind: 'put-tagging', bucket: 'b', key: 'k', tags: 'env=prod&team=a%20b' },
    },
    { kind: 'put-tagging' as const, values: { key: 'k', tags: 'env' }, error: "tags: 'env' is not key=value: use e.g. env=dev&team=a" },
    { kind: 'delete-tagging' as const, values: { key: '' }, error: 'key is required' },
    { kind: 'put-acl' as const, values: { key: 'k', acl: 'private' }, input: { kind: 'put-acl', bucket: 'b', key: 'k', acl: 'private' } },
    {
      kind: 'put-acl' as const,
      values: { key: 'k', acl: 'Public-Read' },
      error:
        "acl: 'Public-Read' is not a canned ACL (did you mean public-read?): use one of private, public-read, public-read-write, authenticated-read, aws-exec-read, bucket-owner-read, bucket-owner-full-control",
    },
    {
      kind: 'put' as const,
      values: { file: 'f', key: 'k', storageClass: 'GLACIER', acl: 'private', tagging: 'env=dev' },
      input: { kind: 'put', bucket: 'b', file: 'f', key: 'k', storageClass: 'GLACIER', acl: 'private', tagging: 'env=dev' },
    },
    {
      kind: 'put' as const,
      values: { file: 'f', key: 'k', storageClass: 'glacier' },
      error:
        "storage class: 'glacier' is not a storage class (did you mean GLACIER?): use one of STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE, OUTPOSTS, GLACIER_IR, SNOW, EXPRESS_ONEZONE",
    },
    { kind: 'post' as const, values: { file: 'f', key: 'k', tagging: 'x' }, error: "tags: 'x' is not key=value: use e.g. env=dev&team=a" },
    {
      kind: 'copy' as const,
      values: { sourceBucket: 'a', sourceKey: 'b', key: 'c', tagging: 'env=prod' },
      input: { kind: 'copy', bucket: 'b', sourceBucket: 'a', sourceKey: 'b', key: 'c', tagging: 'env=prod' },
    },
    {
      kind: 'multipart' as const,
      values: { key: 'k', sizeMB: '6', file: '', acl: 'bucket-owner-read', storageClass: 'DEEP_ARCHIVE' },
      input: { kind: 'multipart', bucket: 'b', key: 'k', sizeMB: 6, acl: 'bucket-owner-read', storageClass: 'DEEP_ARCHIVE' },
    },
    {
      kind: 'delete' as const,
      values: { key: 'k', versionId: ' 3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY ' },
      input: { kind: 'delete', bucket: 'b', key: 'k', versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY' },
    },
    { kind: 'delete' as const, values: { key: 'k', versionId: '' }, input: { kind: 'delete', bucket: 'b', key: 'k' } },
    {
      kind: 'restore' as const,
      values: { key: 'k', days: '3', tier: 'Bulk' },
      input: { kind: 'restore', bucket: 'b', key: 'k', days: 3, tier: 'Bulk' },
    },
    { kind: 'restore' as const, values: { key: 'k', days: '0', tier: 'Bulk' }, error: 'days must be a whole number of days from 1, got 0' },
    {
      kind: 'restore' as const,
      values: { key: 'k', days: '1.5', tier: 'Bulk' },
      error: 'days must be a whole number of days from 1, got 1.5',
    },
    { kind: 'restore' as const, values: { key: 'k', days: '', tier: 'Bulk' }, error: 'days is required' },
    {
      kind: 'restore' as const,
      values: { key: 'k', days: '1', tier: 'fast' },
      error: "tier: 'fast' is not a retrieval tier: use Expedited, Standard, Bulk",
    },
    {
      kind: 'restore' as const,
      values: { key: 'k', days: '1', tier: 'bulk' },
      error: "tier: 'bulk' is not a retrieval tier (did you mean Bulk?): use Expedited, Standard, Bulk",
    },
  ];
  for (const c of cases) {
    const out = formInput('b', c.kind, c.values);
    if (c.error) assert.deepEqual(out, { error: c.error });
    else assert.deepEqual(out, { input: c.input });
  }
});
