/**
 * The one keymap: every command with its keys, description and scope. Input handling,
 * the help overlay and the footer hints all read this table.
 */
import type { Key } from 'ink';
import { opDefinition, TUI_OP_KINDS, tuiSpec } from '../ops/registry.js';
import type { OpKind } from '../ops/types.js';

export type Scope = 'global' | 'ops' | 'events' | 'log' | 'help' | 'details' | 'form' | 'confirm' | 'filter' | 'picker' | 'bucket-name';

export type SpecialKey = 'return' | 'escape' | 'tab' | 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

/** One key: a printable character (case matters: 'P' is Shift+p) or a special key. */
export interface KeySpec {
  key: SpecialKey | string;
  ctrl?: boolean;
  shift?: boolean;
}

/** Fire / edit commands exist for every operation kind in the registry. */
export type OpCommand = `fire.${OpKind}` | `edit.${OpKind}`;

export type Command =
  | OpCommand
  | 'bucket.open'
  | 'burst.open'
  | 'focus.next'
  | 'focus.prev'
  | 'log.filter'
  | 'log.follow'
  | 'rows.clear'
  | 'help.open'
  | 'quit'
  | 'interrupt'
  | 'ops.up'
  | 'ops.down'
  | 'ops.fire'
  | 'events.up'
  | 'events.down'
  | 'events.top'
  | 'events.bottom'
  | 'events.details'
  | 'events.replay'
  | 'log.up'
  | 'log.down'
  | 'log.pageUp'
  | 'log.pageDown'
  | 'log.bottom'
  | 'help.up'
  | 'help.down'
  | 'help.close'
  | 'details.up'
  | 'details.down'
  | 'details.close'
  | 'form.next'
  | 'form.prev'
  | 'form.submit'
  | 'form.cancel'
  | 'form.clearField'
  | 'confirm.yes'
  | 'confirm.no'
  | 'filter.apply'
  | 'filter.cancel'
  | 'filter.clearText'
  | 'picker.up'
  | 'picker.down'
  | 'picker.choose'
  | 'picker.new'
  | 'picker.back'
  | 'picker.quit'
  | 'picker.clearFilter'
  | 'bucketName.create'
  | 'bucketName.cancel'
  | 'bucketName.clearText';

export interface Binding {
  command: Command;
  keys: KeySpec[];
  description: string;
  scope: Scope;
  /** Short label in the footer of its scope (every binding is in the help overlay). */
  footer?: string;
}

const k = (key: string, extra: Omit<KeySpec, 'key'> = {}): KeySpec => ({ key, ...extra });

export const KEYMAP: readonly Binding[] = [
  ...TUI_OP_KINDS.map((kind): Binding => {
    const tui = tuiSpec(kind);
    return { command: `fire.${kind}`, keys: [k(tui.fireKey)], description: tui.fireHelp, scope: 'global', footer: tui.footer };
  }),
  ...TUI_OP_KINDS.map((kind): Binding => {
    const { label } = opDefinition(kind);
    const tui = tuiSpec(kind);
    return { command: `edit.${kind}`, keys: [k(tui.editKey)], description: `Edit ${label} parameters, then fire`, scope: 'global' };
  }),
  { command: 'bucket.open', keys: [k('b')], description: 'Choose another bucket', scope: 'global' },
  { command: 'burst.open', keys: [k('B')], description: 'Burst: fire N operations, C at a time, and measure', scope: 'global' },
  { command: 'focus.next', keys: [k('tab')], description: 'Focus next pane', scope: 'global', footer: 'pane' },
  { command: 'focus.prev', keys: [k('tab', { shift: true })], description: 'Focus previous pane', scope: 'global' },
  { command: 'log.filter', keys: [k('/')], description: 'Filter the log', scope: 'global', footer: 'filter' },
  { command: 'log.follow', keys: [k('f')], description: 'Follow the log on/off', scope: 'global', footer: 'follow' },
  { command: 'rows.clear', keys: [k('x')], description: 'Clear finished rows', scope: 'global' },
  { command: 'help.open', keys: [k('?')], description: 'Help', scope: 'global', footer: 'help' },
  { command: 'quit', keys: [k('q')], description: 'Quit', scope: 'global', footer: 'quit' },
  { command: 'interrupt', keys: [k('c', { ctrl: true })], description: 'Quit (again while cleaning up: exit 130)', scope: 'global' },

  { command: 'ops.up', keys: [k('up'), k('k')], description: 'Previous operation', scope: 'ops' },
  { command: 'ops.down', keys: [k('down'), k('j')], description: 'Next operation', scope: 'ops' },
  { command: 'ops.fire', keys: [k('return')], description: 'Fire the highlighted operation', scope: 'ops', footer: 'fire' },

  {
    command: 'events.up',
    keys: [k('up'), k('k')],
    description: 'Previous row (operations and their functions)',
    scope: 'events',
    footer: 'up',
  },
  {
    command: 'events.down',
    keys: [k('down'), k('j')],
    description: 'Next row (operations and their functions)',
    scope: 'events',
    footer: 'down',
  },
  { command: 'events.top', keys: [k('home'), k('g')], description: 'First row', scope: 'events' },
  { command: 'events.bottom', keys: [k('end'), k('G')], description: 'Last row', scope: 'events' },
  {
    command: 'events.details',
    keys: [k('return')],
    description: 'Details of the row (a function’s row: its invocation and route)',
    scope: 'events',
    footer: 'details',
  },
  {
    command: 'events.replay',
    keys: [k('r')],
    description: "Replay: re-send the row's logged event to its function (async, as S3 does)",
    scope: 'events',
    footer: 'replay',
  },

  { command: 'log.up', keys: [k('up'), k('k')], description: 'Scroll up (stops following)', scope: 'log', footer: 'up' },
  { command: 'log.down', keys: [k('down'), k('j')], description: 'Scroll down', scope: 'log', footer: 'down' },
  { command: 'log.pageUp', keys: [k('pageUp')], description: 'Page up', scope: 'log' },
  { command: 'log.pageDown', keys: [k('pageDown')], description: 'Page down', scope: 'log' },
  { command: 'log.bottom', keys: [k('end'), k('G')], description: 'Jump to the end and follow', scope: 'log', footer: 'end+follow' },

  { command: 'help.up', keys: [k('up'), k('k')], description: 'Scroll up', scope: 'help' },
  { command: 'help.down', keys: [k('down'), k('j')], description: 'Scroll down', scope: 'help' },
  { command: 'help.close', keys: [k('escape'), k('?')], description: 'Close help', scope: 'help', footer: 'close' },

  { command: 'details.up', keys: [k('up'), k('k')], description: 'Scroll up', scope: 'details', footer: 'up' },
  { command: 'details.down', keys: [k('down'), k('j')], description: 'Scroll down', scope: 'details', footer: 'down' },
  { command: 'details.close', keys: [k('escape')], description: 'Back', scope: 'details', footer: 'back' },

  { command: 'form.next', keys: [k('tab'), k('down')], description: 'Next field', scope: 'form', footer: 'next field' },
  { command: 'form.prev', keys: [k('tab', { shift: true }), k('up')], description: 'Previous field', scope: 'form' },
  { command: 'form.submit', keys: [k('return')], description: 'Fire with these parameters', scope: 'form', footer: 'fire' },
  { command: 'form.cancel', keys: [k('escape')], description: 'Cancel', scope: 'form', footer: 'cancel' },
  { command: 'form.clearField', keys: [k('u', { ctrl: true })], description: 'Clear the field', scope: 'form', footer: 'clear field' },

  { command: 'confirm.yes', keys: [k('y')], description: 'Yes, do it', scope: 'confirm', footer: 'yes' },
  { command: 'confirm.no', keys: [k('n'), k('escape')], description: 'No', scope: 'confirm', footer: 'no' },

  { command: 'filter.apply', keys: [k('return')], description: 'Apply the filter', scope: 'filter', footer: 'apply' },
  { command: 'filter.cancel', keys: [k('escape')], description: 'Clear the filter', scope: 'filter', footer: 'clear' },
  { command: 'filter.clearText', keys: [k('u', { ctrl: true })], description: 'Clear what is typed', scope: 'filter' },

  { command: 'picker.up', keys: [k('up')], description: 'Previous bucket', scope: 'picker' },
  { command: 'picker.down', keys: [k('down')], description: 'Next bucket', scope: 'picker' },
  { command: 'picker.choose', keys: [k('return')], description: 'Use this bucket', scope: 'picker', footer: 'use bucket' },
  { command: 'picker.new', keys: [k('n')], description: 'New bucket (when the filter is empty)', scope: 'picker', footer: 'new bucket' },
  { command: 'picker.back', keys: [k('escape')], description: 'Clear the filter / back', scope: 'picker', footer: 'back' },
  { command: 'picker.clearFilter', keys: [k('u', { ctrl: true })], description: 'Clear the filter', scope: 'picker' },
  { command: 'picker.quit', keys: [k('q')], description: 'Quit (when the filter is empty)', scope: 'picker', footer: 'quit' },

  { command: 'bucketName.create', keys: [k('return')], description: 'Create the bucket', scope: 'bucket-name', footer: 'create' },
  { command: 'bucketName.cancel', keys: [k('escape')], description: 'Cancel', scope: 'bucket-name', footer: 'cancel' },
  { command: 'bucketName.clearText', keys: [k('u', { ctrl: true })], description: 'Clear the name', scope: 'bucket-name' },
];

/** The operation a fire or edit command is for. */
export function opCommand(command: Command): { action: 'fire' | 'edit'; kind: OpKind } | undefined {
  const [action, kind] = command.split('.') as [string, OpKind];
  return (action === 'fire' || action === 'edit') && (TUI_OP_KINDS as readonly OpKind[]).includes(kind) ? { action, kind } : undefined;
}

export function keyMatches(spec: KeySpec, input: string, key: Key): boolean {
  switch (spec.key) {
    case 'return':
      return key.return;
    case 'escape':
      return key.escape;
    case 'tab':
      return key.tab && Boolean(spec.shift) === key.shift;
    case 'up':
      return key.upArrow;
    case 'down':
      return key.downArrow;
    case 'pageUp':
      return key.pageUp;
    case 'pageDown':
      return key.pageDown;
    case 'home':
      return key.home;
    case 'end':
      return key.end;
    default:
      if (spec.ctrl) return key.ctrl && input.toLowerCase() === spec.key;
      return !key.ctrl && !key.meta && input === spec.key;
  }
}

/** The command bound to this key in this scope, if any. */
export function commandFor(scope: Scope, input: string, key: Key): Command | undefined {
  return KEYMAP.find((b) => b.scope === scope && b.keys.some((spec) => keyMatches(spec, input, key)))?.command;
}

const SPECIAL_LABELS: Record<SpecialKey, string> = {
  return: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  up: '↑',
  down: '↓',
  pageUp: 'PgUp',
  pageDown: 'PgDn',
  home: 'Home',
  end: 'End',
};

export function formatKey(spec: KeySpec): string {
  const base = (SPECIAL_LABELS as Record<string, string>)[spec.key] ?? spec.key;
  if (spec.ctrl) return `Ctrl-${base.toUpperCase()}`;
  if (spec.shift) return `Shift-${base}`;
  return base;
}

export function formatKeys(binding: Binding): string {
  return binding.keys.map(formatKey).join('/');
}

export function bindingFor(command: Command): Binding {
  const binding = KEYMAP.find((b) => b.command === command);
  if (!binding) throw new Error(`no binding for ${command}`);
  return binding;
}

export const SCOPE_TITLES: Record<Scope, string> = {
  global: 'Everywhere',
  ops: 'Operations pane',
  events: 'Events table',
  log: 'Log pane',
  help: 'Help',
  details: 'Details view',
  form: 'Parameter form',
  confirm: 'Confirmation',
  filter: 'Log filter',
  picker: 'Bucket picker',
  'bucket-name': 'New bucket',
};

/** One key of a footer: `keys description`, e.g. `? help`. */
export interface FooterHint {
  command: Command;
  keys: string;
  description: string;
  /** The key does nothing now: the description says why (e.g. `r off: fn never logged its event`). */
  off?: boolean;
}

/** Footer hints for a scope: its own footer bindings, then the global ones (panes only). */
export function footerHints(scope: Scope): FooterHint[] {
  const own = KEYMAP.filter((b) => b.scope === scope && b.footer);
  const isPane = scope === 'ops' || scope === 'events' || scope === 'log';
  const global = isPane ? KEYMAP.filter((b) => b.scope === 'global' && b.footer) : [];
  return [...own, ...global].map((b) => ({ command: b.command, keys: formatKeys(b), description: b.footer ?? b.description }));
}

/** Columns between two hints of the footer. */
export const FOOTER_GAP = 2;

/** The keys a footer always shows when its scope has them (the k9s / lazygit habit): help and quit. */
const PINNED: readonly Command[] = ['help.open', 'quit'];

const hintWidth = (h: FooterHint) => [...h.keys].length + 1 + [...h.description].length;

/** The most of an off key's reason the footer gives it: the line is for keys, and a reason can be a sentence. */
const MAX_OFF_DESCRIPTION = 48;

const shortenedTo = (h: FooterHint, length: number): FooterHint =>
  [...h.description].length <= length ? h : { ...h, description: `${[...h.description].slice(0, Math.max(1, length - 1)).join('')}…` };

/**
 * The hints that fit on one footer line of `width` columns, in their order, whole: `?` help and `q` quit always, and a
 * key that is off (its reason at most MAX_OFF_DESCRIPTION columns, shortened with `…` further when the line is short); the other keys in order while they fit,
 * the rest dropped from the end (the `?` help lists every key). A line cut by the terminal would lose `q` first.
 */
export function fitFooter(all: readonly FooterHint[], width: number): FooterHint[] {
  const hints = all.map((h) => (h.off ? shortenedTo(h, MAX_OFF_DESCRIPTION) : h));
  const kept = new Set(hints.filter((h) => PINNED.includes(h.command) || h.off));
  const used = () => [...kept].reduce((sum, h) => sum + hintWidth(h), 0) + FOOTER_GAP * Math.max(0, kept.size - 1);
  const shortened = new Map<FooterHint, FooterHint>();
  for (const h of kept) {
    const over = used() - width;
    if (!h.off || over <= 0) continue;
    const room = Math.max(1, [...h.description].length - over - 1);
    const short = { ...h, description: `${[...h.description].slice(0, room).join('')}…` };
    kept.delete(h);
    kept.add(short);
    shortened.set(h, short);
  }
  for (const h of hints) {
    if (kept.has(h) || shortened.has(h)) continue;
    if (used() + FOOTER_GAP + hintWidth(h) > width) break;
    kept.add(h);
  }
  return hints.map((h) => shortened.get(h) ?? h).filter((h) => kept.has(h));
}

export interface HelpLine {
  text: string;
  heading?: boolean;
}

/** Every binding of the keymap, grouped by scope. */
export function helpLines(): HelpLine[] {
  const scopes = [...new Set(KEYMAP.map((b) => b.scope))] as Scope[];
  const lines: HelpLine[] = [];
  for (const scope of scopes) {
    lines.push({ text: SCOPE_TITLES[scope], heading: true });
    for (const b of KEYMAP.filter((x) => x.scope === scope)) lines.push({ text: `  ${formatKeys(b).padEnd(16)} ${b.description}` });
  }
  return lines;
}
