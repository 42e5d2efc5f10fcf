import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLI_ORDER, OP_KINDS, OPS, TUI_OP_KINDS, eventNameFor, objectEffect, opDefinition, tuiSpec } from '../../src/ops/registry.js';
import type { OpDefinition } from '../../src/ops/definition.js';
import type { OpKind } from '../../src/ops/types.js';

const cases: { kind: OpKind; label: string; events: string[]; effect: string; flag: string; fire?: string; edit?: string }[] = [
  { kind: 'put', label: 'PUT', events: ['ObjectCreated:Put'], effect: 'created', flag: 'put', fire: 'p', edit: 'P' },
  { kind: 'copy', label: 'COPY', events: ['ObjectCreated:Copy'], effect: 'created', flag: 'copy', fire: 'c', edit: 'C' },
  { kind: 'post', label: 'POST', events: ['ObjectCreated:Post'], effect: 'created', flag: 'post', fire: 'o', edit: 'O' },
  {
    kind: 'delete',
    label: 'DELETE',
    events: ['ObjectRemoved:Delete', 'ObjectRemoved:DeleteMarkerCreated'],
    effect: 'removed',
    flag: 'delkey',
    fire: 'd',
    edit: 'D',
  },
  {
    kind: 'multipart',
    label: 'MULTIPART',
    events: ['ObjectCreated:CompleteMultipartUpload'],
    effect: 'created',
    flag: 'multipart',
    fire: 'm',
    edit: 'M',
  },
  {
    kind: 'put-tagging',
    label: 'PUT-TAGGING',
    events: ['ObjectTagging:Put'],
    effect: 'none',
    flag: 'put-tagging',
    fire: 't',
    edit: 'T',
  },
  {
    kind: 'delete-tagging',
    label: 'DELETE-TAGGING',
    events: ['ObjectTagging:Delete'],
    effect: 'none',
    flag: 'delete-tagging',
    fire: 'u',
    edit: 'U',
  },
  { kind: 'put-acl', label: 'PUT-ACL', events: ['ObjectAcl:Put'], effect: 'none', flag: 'put-acl', fire: 'a', edit: 'A' },
  {
    kind: 'restore',
    label: 'RESTORE',
    events: ['ObjectRestore:Post', 'ObjectRestore:Completed'],
    effect: 'none',
    flag: 'restore',
    fire: 'w',
    edit: 'W',
  },
  { kind: 'retrigger', label: 'RETRIGGER', events: ['ObjectCreated:Copy'], effect: 'created', flag: 'retrigger', fire: 'e', edit: 'E' },
  // REPLAY invokes Lambda directly: no S3 event of its own, no key of its own in the view (`r` on a row fires it).
  { kind: 'replay', label: 'REPLAY', events: ['ObjectCreated:*'], effect: 'none', flag: 'replay' },
];

for (const c of cases) {
  test(`registry: ${c.kind}`, () => {
    const d = opDefinition(c.kind);
    assert.equal(d.kind, c.kind);
    assert.equal(d.label, c.label);
    assert.deepEqual(d.eventNames, c.events);
    assert.equal(eventNameFor(c.kind), c.events[0]);
    assert.equal(objectEffect(c.kind), c.effect);
    assert.equal(d.cli.flag, c.flag);
    assert.equal(d.tui?.fireKey, c.fire);
    assert.equal(d.tui?.editKey, c.edit);
    for (const f of d.tui?.fields ?? []) assert.ok(f.name && f.label, `${c.kind} field ${f.name}`);
  });
}

test('the view lists p c o d m t u a w e; CI runs the scripts order, then put-tagging, delete-tagging, put-acl, restore, retrigger, replay', () => {
  assert.deepEqual(TUI_OP_KINDS, [
    'put',
    'copy',
    'post',
    'delete',
    'multipart',
    'put-tagging',
    'delete-tagging',
    'put-acl',
    'restore',
    'retrigger',
  ]);
  assert.deepEqual(OP_KINDS, [...TUI_OP_KINDS, 'replay']);
  assert.deepEqual(Object.keys(OPS), OP_KINDS);
  assert.deepEqual(
    CLI_ORDER.map((d) => d.kind),
    ['put', 'copy', 'delete', 'post', 'multipart', 'put-tagging', 'delete-tagging', 'put-acl', 'restore', 'retrigger', 'replay'],
  );
});

test('keys, flags and CI places are unique', () => {
  const defs = OP_KINDS.map((k) => opDefinition(k));
  for (const kind of TUI_OP_KINDS) assert.ok(tuiSpec(kind).fireKey, kind);
  const picks: ((d: OpDefinition) => string | number | undefined)[] = [
    (d) => d.tui?.fireKey ?? `none:${d.kind}`,
    (d) => d.tui?.editKey ?? `none:${d.kind}`,
    (d) => d.cli.flag,
    (d) => d.cli.order,
  ];
  for (const pick of picks) {
    const values = defs.map(pick);
    assert.equal(new Set(values).size, values.length, values.join(' '));
  }
});

for (const [kind, input, key] of [
  ['put', { kind: 'put', bucket: 'b', file: './dir/a.txt' }, 'dir/a.txt'],
  ['put', { kind: 'put', bucket: 'b', file: './dir/a.txt', key: 'K' }, 'K'],
  ['post', { kind: 'post', bucket: 'b', file: '/abs/p.txt' }, 'abs/p.txt'],
  ['copy', { kind: 'copy', bucket: 'b', sourceBucket: 's', sourceKey: 'a', key: 'c' }, 'c'],
  ['delete', { kind: 'delete', bucket: 'b', key: 'gone' }, 'gone'],
  ['multipart', { kind: 'multipart', bucket: 'b', key: 'big.bin' }, 'big.bin'],
  ['put-tagging', { kind: 'put-tagging', bucket: 'b', key: 't.txt', tags: 'a=1' }, 't.txt'],
  ['delete-tagging', { kind: 'delete-tagging', bucket: 'b', key: 'u.txt' }, 'u.txt'],
  ['put-acl', { kind: 'put-acl', bucket: 'b', key: 'a.txt', acl: 'private' }, 'a.txt'],
  ['restore', { kind: 'restore', bucket: 'b', key: 'cold.bin', days: 1, tier: 'Standard' }, 'cold.bin'],
] as const) {
  test(`keyOf ${kind} -> ${key}`, () => assert.equal(opDefinition(kind).keyOf(input as never), key));
}
