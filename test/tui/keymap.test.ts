import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEYMAP, commandFor, footerHints, formatKeys, type Scope } from '../../src/tui/keymap.js';
import { makeKey } from '../../src/tui/state/input.js';

test('the issue’s keys are bound', () => {
  const cases: [Scope, string, Parameters<typeof makeKey>[0], string][] = [
    ['global', 'p', {}, 'fire.put'],
    ['global', 'c', {}, 'fire.copy'],
    ['global', 'o', {}, 'fire.post'],
    ['global', 'd', {}, 'fire.delete'],
    ['global', 'm', {}, 'fire.multipart'],
    ['global', 'P', { shift: true }, 'edit.put'],
    ['global', 'M', { shift: true }, 'edit.multipart'],
    ['global', 'b', {}, 'bucket.open'],
    ['global', '', { tab: true }, 'focus.next'],
    ['global', '', { tab: true, shift: true }, 'focus.prev'],
    ['global', '/', {}, 'log.filter'],
    ['global', 'f', {}, 'log.follow'],
    ['global', 'x', {}, 'rows.clear'],
    ['global', '?', {}, 'help.open'],
    ['global', 'q', {}, 'quit'],
    ['global', 'c', { ctrl: true }, 'interrupt'],
    ['events', 'j', {}, 'events.down'],
    ['events', '', { downArrow: true }, 'events.down'],
    ['events', 'k', {}, 'events.up'],
    ['events', '\r', { return: true }, 'events.details'],
    ['details', '', { escape: true }, 'details.close'],
  ];
  for (const [scope, input, flags, command] of cases) assert.equal(commandFor(scope, input, makeKey(flags)), command, `${scope} ${input}`);
  assert.equal(commandFor('global', 'p', makeKey({ ctrl: true })), undefined);
});

test('no key is bound twice within a scope', () => {
  const seen = new Set<string>();
  for (const b of KEYMAP) {
    for (const k of b.keys) {
      const id = `${b.scope}:${k.key}:${k.ctrl ?? false}:${k.shift ?? false}`;
      assert.ok(!seen.has(id), `duplicate ${id}`);
      seen.add(id);
    }
  }
});

test('footers list their pane’s hints first, then the global ones', () => {
  const events = footerHints('events');
  assert.deepEqual(
    events.slice(0, 3).map((h) => h.description),
    ['up', 'down', 'details'],
  );
  assert.ok(events.some((h) => h.keys === 'q' && h.description === 'quit'));
  assert.ok(!footerHints('form').some((h) => h.keys === 'q'));
  assert.equal(formatKeys(KEYMAP.find((b) => b.command === 'interrupt')!), 'Ctrl-C');
  assert.equal(formatKeys(KEYMAP.find((b) => b.command === 'focus.prev')!), 'Shift-Tab');
});
