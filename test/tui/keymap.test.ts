import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEYMAP, commandFor, fitFooter, footerHints, formatKeys, helpLines, type Scope } from '../../src/tui/keymap.js';
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
    ['global', 't', {}, 'fire.put-tagging'],
    ['global', 'T', { shift: true }, 'edit.put-tagging'],
    ['global', 'u', {}, 'fire.delete-tagging'],
    ['global', 'U', { shift: true }, 'edit.delete-tagging'],
    ['global', 'a', {}, 'fire.put-acl'],
    ['global', 'A', { shift: true }, 'edit.put-acl'],
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
  // Ctrl-U clears a form field; plain u fires DELETE-TAGGING only outside text entry.
  assert.equal(commandFor('global', 'u', makeKey({ ctrl: true })), undefined);
  assert.equal(commandFor('form', 'u', makeKey({ ctrl: true })), 'form.clearField');
});

test('operation keys: no pane shadows them, and r stays free for replay', () => {
  const opKeys = KEYMAP.filter((b) => /^(fire|edit)\./.test(b.command)).flatMap((b) => b.keys.map((k) => k.key));
  const paneKeys = KEYMAP.filter((b) => b.scope === 'ops' || b.scope === 'events' || b.scope === 'log')
    .flatMap((b) => b.keys)
    .filter((k) => !k.ctrl)
    .map((k) => k.key);
  for (const key of opKeys) assert.ok(!paneKeys.includes(key), `${key} is also a pane key`);
  const globalKeys = KEYMAP.filter((b) => b.scope === 'global').flatMap((b) =>
    b.keys.filter((k) => !k.ctrl).map((k) => `${k.key}${k.shift ? '+shift' : ''}`),
  );
  assert.equal(new Set(globalKeys).size, globalKeys.length, globalKeys.join(' '));
  assert.ok(!globalKeys.includes('r') && !globalKeys.includes('R'), 'r is reserved for replay');
});

test('the help lists every operation with its keys', () => {
  const text = helpLines()
    .map((l) => l.text)
    .join('\n');
  for (const [keys, what] of [
    ['t', 'PUT-TAGGING'],
    ['T', 'Edit PUT-TAGGING parameters'],
    ['u', 'DELETE-TAGGING'],
    ['U', 'Edit DELETE-TAGGING parameters'],
    ['a', 'PUT-ACL'],
    ['A', 'Edit PUT-ACL parameters'],
  ])
    assert.match(text, new RegExp(`^  ${keys} +${what}`, 'm'));
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

test('RESTORE: w fires it, W edits it (a key no pane uses), both in the help', () => {
  assert.equal(commandFor('global', 'w', makeKey({})), 'fire.restore');
  assert.equal(commandFor('global', 'W', makeKey({ shift: true })), 'edit.restore');
  for (const scope of ['ops', 'events', 'log'] as const) assert.equal(commandFor(scope, 'w', makeKey({})), undefined, scope);
  const text = helpLines()
    .map((l) => l.text)
    .join('\n');
  assert.match(text, /^ {2}w +RESTORE \(wake an archived object\)/m);
  assert.match(text, /^ {2}W +Edit RESTORE parameters, then fire/m);
  assert.ok(footerHints('ops').some((h) => h.keys === 'w' && h.description === 'restore'));
});

test('fitFooter: ? help and q quit always stay, other keys are dropped from the end, an off key is shortened last', () => {
  const events = footerHints('events');
  const text = (hints: { keys: string; description: string }[]) => hints.map((h) => `${h.keys} ${h.description}`).join('  ');
  const off = events.map((h) => (h.command === 'events.replay' ? { ...h, description: 'off: fn never logged the event', off: true } : h));
  const cases: { name: string; hints: typeof events; width: number; line: string }[] = [
    { name: 'room for a few', hints: events, width: 50, line: '↑/k up  ↓/j down  Enter details  ? help  q quit' },
    { name: 'room for none but the pinned', hints: events, width: 14, line: '? help  q quit' },
    { name: 'narrower than the pinned: they stay whole', hints: events, width: 5, line: '? help  q quit' },
    {
      name: 'an off key before the others',
      hints: off,
      width: 66,
      line: '↑/k up  ↓/j down  r off: fn never logged the event  ? help  q quit',
    },
    { name: 'an off key shortened to fit', hints: off, width: 30, line: 'r off: fn nev…  ? help  q quit' },
    { name: 'a scope without q: dropped from the end', hints: footerHints('form'), width: 30, line: 'Tab/↓ next field  Enter fire' },
  ];
  for (const c of cases) {
    const line = text(fitFooter(c.hints, c.width));
    assert.equal(line, c.line, c.name);
    if (c.width >= 14) assert.ok(line.length <= c.width, `${c.name}: ${line.length} > ${c.width}`);
  }
  const all = text(fitFooter(events, 1000));
  assert.equal(all, text(events), 'a wide line keeps every key');
});

test('fitFooter: a long reason for an off key does not take the line from the other keys', () => {
  const why = `off: ${'an explanation far longer than a footer has room for, '.repeat(2)}`;
  const hints = footerHints('events').map((h) => (h.command === 'events.replay' ? { ...h, description: why, off: true } : h));
  const line = fitFooter(hints, 120)
    .map((h) => `${h.keys} ${h.description}`)
    .join('  ');
  assert.ok(line.startsWith('↑/k up  ↓/j down  Enter details'), line);
  assert.match(line, /r off: an explanation far.*…/);
  assert.ok(line.endsWith('? help  q quit'), line);
  assert.ok(line.length <= 120, `${line.length} > 120`);
});
