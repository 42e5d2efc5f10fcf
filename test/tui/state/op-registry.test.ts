import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TUI_OP_KINDS } from '../../../src/ops/registry.js';
import { KEYMAP, bindingFor, footerHints, opCommand, type Command } from '../../../src/tui/keymap.js';
import { OPS_PANE_HEIGHT, computeLayout } from '../../../src/tui/state/layout.js';
import { initialParams, savedParams } from '../../../src/tui/state/params.js';
import { baseState, reduce } from '../helpers.js';

test('every operation kind has a fire and an edit binding, help text and a footer label', () => {
  for (const kind of TUI_OP_KINDS) {
    const fire = bindingFor(`fire.${kind}`);
    const edit = bindingFor(`edit.${kind}`);
    assert.equal(fire.scope, 'global');
    assert.ok(fire.footer && fire.description, kind);
    assert.match(edit.description, /^Edit [A-Z-]+ parameters, then fire$/);
    assert.equal(edit.keys[0]!.key, fire.keys[0]!.key.toUpperCase());
  }
  assert.deepEqual(
    footerHints('events')
      .filter((h) => /^[pcodmtuaw]$/.test(h.keys))
      .map((h) => h.description),
    ['put', 'copy', 'post', 'delete', 'multipart', 'tag', 'untag', 'acl', 'restore'],
  );
  assert.equal(KEYMAP.filter((b) => opCommand(b.command)).length, TUI_OP_KINDS.length * 2);
});

for (const [command, want] of [
  ['fire.put', { action: 'fire', kind: 'put' }],
  ['edit.multipart', { action: 'edit', kind: 'multipart' }],
  ['fire.delete', { action: 'fire', kind: 'delete' }],
  ['ops.fire', undefined],
  ['focus.next', undefined],
] as [Command, ReturnType<typeof opCommand>][]) {
  test(`opCommand(${command})`, () => assert.deepEqual(opCommand(command), want));
}

test('the ops pane, the layout and the selection follow the number of operations', () => {
  assert.equal(OPS_PANE_HEIGHT, TUI_OP_KINDS.length + 1);
  assert.equal(computeLayout(120, 40).opsLines, TUI_OP_KINDS.length);
  const last = reduce(baseState(), { type: 'opsMove', delta: 99 });
  assert.equal(last.opsSelected, TUI_OP_KINDS.length - 1);
  assert.equal(reduce(last, { type: 'opsMove', delta: -99 }).opsSelected, 0);
});

const params = initialParams({ demoFile: '/d/test.txt' });
for (const [name, kind, values, want] of [
  ['put keeps file and key', 'put', { file: ' a.txt ', key: 'k' }, { file: 'a.txt', key: 'k' }],
  ['post keeps file and key', 'post', { file: 'b.txt', key: 'pk' }, { file: 'b.txt', key: 'pk' }],
  ['copy follows the session', 'copy', { sourceBucket: 's', sourceKey: 'a', key: 'c' }, {}],
  ['delete follows the session', 'delete', { key: 'x' }, {}],
  ['put-tagging keeps the tags, follows the session for the key', 'put-tagging', { key: 'x', tags: 'a=1' }, { tags: 'a=1' }],
  ['delete-tagging follows the session', 'delete-tagging', { key: 'x' }, {}],
  ['put-acl keeps the ACL, follows the session for the key', 'put-acl', { key: 'x', acl: 'private' }, { acl: 'private' }],
  [
    'restore keeps days and tier, follows the session for the key',
    'restore',
    { key: 'x', days: '3', tier: 'Bulk' },
    { days: 3, tier: 'Bulk' },
  ],
  ['restore keeps the old days and tier when invalid', 'restore', { key: 'x', days: '0', tier: 'slow' }, { days: 1, tier: 'Standard' }],
  [
    'put keeps its upload options',
    'put',
    { file: 'f', key: 'k', storageClass: 'GLACIER', tagging: 'a=1' },
    { file: 'f', key: 'k', storageClass: 'GLACIER', tagging: 'a=1' },
  ],
  [
    'copy keeps its upload options, follows the session',
    'copy',
    { sourceBucket: 's', sourceKey: 'a', key: 'c', acl: 'private' },
    { acl: 'private' },
  ],
  ['multipart keeps a valid size', 'multipart', { key: 'k', sizeMB: '9', file: '' }, { key: 'k', sizeMB: 9, file: undefined }],
  ['multipart keeps the old size when invalid', 'multipart', { key: 'k', sizeMB: 'x', file: '/f' }, { key: 'k', sizeMB: 6, file: '/f' }],
] as const) {
  test(`savedParams: ${name}`, () => {
    const next = savedParams(params, kind, values as Record<string, string>);
    assert.deepEqual(next[kind], want);
    for (const other of TUI_OP_KINDS) if (other !== kind) assert.equal(next[other], params[other]);
  });
}
