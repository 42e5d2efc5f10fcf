/**
 * The one key dispatcher: overlay first, then the focused pane, then global commands.
 * Pure: a key becomes reducer actions plus effects for the App to run.
 */
import type { Key } from 'ink';
import type { OpInput, OpKind } from '../../ops/types.js';
import { commandFor, opCommand, type Command } from '../keymap.js';
import { opDefinition } from '../../ops/registry.js';
import { currentInput, formInput } from './params.js';
import { replayOfRow } from './replay.js';
import { burstPlanFromForm, burstQuestion } from './burst.js';
import { pickerMatches } from './reducer.js';
import { OP_ORDER, type Action, type AppState, type Effect, type TextEdit } from './types.js';

export interface KeyOutcome {
  actions: Action[];
  effects: Effect[];
}

/** What the log store says right now (the reducer never reads the store). */
export interface LogContext {
  latestSeq: number;
  /** Matching lines above the current bottom of the view. */
  maxBack: number;
  pageSize: number;
  /** How far the help or details overlay can scroll. */
  overlayMaxScroll?: number;
  /** Why an operation would notify nothing (the session's filter preview), asked before firing it. */
  preview?: Preview;
}

/** The session's filter preview: a warning line, or undefined when a notification covers the operation. */
export type Preview = (input: OpInput) => string | undefined;

const none: KeyOutcome = { actions: [], effects: [] };
const act = (...actions: Action[]): KeyOutcome => ({ actions, effects: [] });
const quit = (): KeyOutcome => ({ actions: [{ type: 'quitting' }], effects: [{ type: 'quit', interrupt: false }] });

/** A printable key or Backspace as a text edit; undefined for anything else. */
export function textEditFor(input: string, key: Key): TextEdit | undefined {
  if (key.backspace || key.delete) return { kind: 'backspace' };
  if (key.ctrl || key.meta || key.escape || key.return || key.tab) return undefined;
  // eslint-disable-next-line no-control-regex
  const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
  return text ? { kind: 'append', text } : undefined;
}

export function handleKey(state: AppState, input: string, key: Key, log: LogContext): KeyOutcome {
  if (commandFor('global', input, key) === 'interrupt') {
    return { actions: [{ type: 'quitting' }], effects: [{ type: 'quit', interrupt: true }] };
  }
  if (state.quitting) return none;
  const overlay = handleOverlay(state, input, key, log);
  if (overlay) return overlay;
  const pane = commandFor(state.focus, input, key);
  if (pane) return runCommand(state, pane, log);
  const global = commandFor('global', input, key);
  return global ? runCommand(state, global, log) : none;
}

const CLEAR: TextEdit = { kind: 'clear' };
const NO_BUCKET_HINT = 'no bucket chosen yet: Enter uses the highlighted one, n creates one, q quits';

function handleOverlay(state: AppState, input: string, key: Key, log: LogContext): KeyOutcome | undefined {
  const o = state.overlay;
  const maxScroll = log.overlayMaxScroll ?? Infinity;
  switch (o.kind) {
    case 'none':
      return undefined;
    case 'help': {
      const c = commandFor('help', input, key);
      if (c === 'help.close') return act({ type: 'closeOverlay' });
      if (c === 'help.up' || c === 'help.down') return act({ type: 'helpScroll', delta: c === 'help.up' ? -1 : 1, max: maxScroll });
      return commandFor('global', input, key) === 'quit' ? quit() : none;
    }
    case 'details': {
      const c = commandFor('details', input, key);
      if (c === 'details.close') return act({ type: 'closeOverlay' });
      if (c === 'details.up' || c === 'details.down')
        return act({ type: 'detailsScroll', delta: c === 'details.up' ? -1 : 1, max: maxScroll });
      return commandFor('global', input, key) === 'quit' ? quit() : none;
    }
    case 'confirm': {
      const c = commandFor('confirm', input, key);
      if (c === 'confirm.yes') return { actions: [{ type: 'closeOverlay' }], effects: o.onYes };
      if (c === 'confirm.no') return act({ type: 'closeOverlay' }, ...(o.onNo ?? []));
      return none;
    }
    case 'filter': {
      const c = commandFor('filter', input, key);
      if (c === 'filter.apply') return act({ type: 'filterApply' });
      if (c === 'filter.cancel') return act({ type: 'filterClear' });
      if (c === 'filter.clearText') return act({ type: 'filterEdit', edit: CLEAR });
      const edit = textEditFor(input, key);
      return edit ? act({ type: 'filterEdit', edit }) : none;
    }
    case 'form': {
      const c = commandFor('form', input, key);
      if (c === 'form.cancel') return act({ type: 'closeOverlay' });
      if (c === 'form.next' || c === 'form.prev') return act({ type: 'formFocus', delta: c === 'form.next' ? 1 : -1 });
      if (c === 'form.clearField') return act({ type: 'formEdit', edit: CLEAR });
      if (c === 'form.submit') {
        const values = Object.fromEntries(o.fields.map((f) => [f.name, f.value]));
        if (o.burst) return submitBurst(state, values);
        const result = formInput(state.bucket, o.op, values, state.params);
        if ('error' in result) return act({ type: 'formError', message: result.error });
        const fired = fireInputs(state, [result.input], log.preview);
        const then = {
          actions: [{ type: 'saveParams', op: o.op, values }, { type: 'closeOverlay' }, ...fired.actions] as Action[],
          effects: fired.effects,
        };
        const paths = o.fields.filter((f) => f.path && f.value.trim()).map((f) => ({ label: f.label, path: f.value.trim() }));
        return paths.length ? { actions: [], effects: [{ type: 'checkForm', paths, then }] } : then;
      }
      const edit = textEditFor(input, key);
      return edit ? act({ type: 'formEdit', edit }) : none;
    }
    case 'picker': {
      if (o.naming) {
        const c = commandFor('bucket-name', input, key);
        if (c === 'bucketName.cancel') return act({ type: 'namingClose' });
        if (c === 'bucketName.clearText') return act({ type: 'namingEdit', edit: CLEAR });
        if (c === 'bucketName.create') {
          const name = o.naming.draft.trim();
          // The name is checked by the App against ops/bucket.ts's rules before the session creates it.
          return {
            actions: [{ type: 'pickerBusy', message: `creating ${name}` }],
            effects: [{ type: 'selectBucket', bucket: name, create: true }],
          };
        }
        const edit = textEditFor(input, key);
        return edit ? act({ type: 'namingEdit', edit }) : none;
      }
      const c = commandFor('picker', input, key);
      if (c === 'picker.up' || c === 'picker.down') return act({ type: 'pickerMove', delta: c === 'picker.up' ? -1 : 1 });
      if (c === 'picker.choose') {
        const bucket = pickerMatches(o.buckets, o.filter)[o.selected];
        if (!bucket) return none;
        return {
          actions: [{ type: 'pickerBusy', message: `opening ${bucket}` }],
          effects: [{ type: 'selectBucket', bucket, create: false }],
        };
      }
      if (c === 'picker.back') {
        if (o.filter) return act({ type: 'pickerEdit', edit: CLEAR });
        return state.bucket ? act({ type: 'closeOverlay' }) : act({ type: 'pickerHint', message: NO_BUCKET_HINT });
      }
      if (c === 'picker.clearFilter') return act({ type: 'pickerEdit', edit: CLEAR });
      // `q` quits only while the filter is empty; after that it is part of the filter (as `n` is).
      if (c === 'picker.quit' && o.filter === '') return quit();
      // `n` creates only while the filter is empty; after that it is part of the filter.
      if (c === 'picker.new' && o.filter === '') return act({ type: 'namingOpen' });
      const edit = textEditFor(input, key);
      return edit ? act({ type: 'pickerEdit', edit }) : none;
    }
  }
}

function runCommand(state: AppState, command: Command, log: LogContext): KeyOutcome {
  const op = opCommand(command);
  if (op?.action === 'fire') return fire(state, op.kind, log.preview);
  if (op) return state.bucket ? act({ type: 'openForm', op: op.kind }) : act({ type: 'notice', message: 'choose a bucket first (b)' });
  switch (command) {
    case 'quit':
      return quit();
    case 'burst.open':
      if (!state.bucket) return act({ type: 'notice', message: 'choose a bucket first (b)' });
      if (state.burst && !state.burst.done) return act({ type: 'notice', message: 'a burst is running: wait for it to finish' });
      return act({ type: 'openBurstForm' });
    case 'bucket.open':
      return { actions: [{ type: 'openPicker' }], effects: [{ type: 'loadBuckets' }] };
    case 'focus.next':
      return act({ type: 'focus', delta: 1 });
    case 'focus.prev':
      return act({ type: 'focus', delta: -1 });
    case 'log.filter':
      return act({ type: 'openFilter' });
    case 'log.follow':
      return act({ type: 'logFollow', follow: !state.log.follow, latestSeq: log.latestSeq });
    case 'rows.clear':
      return act({ type: 'clearFinished' });
    case 'help.open':
      return act({ type: 'openHelp' });
    case 'ops.up':
      return act({ type: 'opsMove', delta: -1 });
    case 'ops.down':
      return act({ type: 'opsMove', delta: 1 });
    case 'ops.fire':
      return fire(state, OP_ORDER[state.opsSelected]!, log.preview);
    case 'events.up':
      return act({ type: 'eventsMove', delta: -1 });
    case 'events.down':
      return act({ type: 'eventsMove', delta: 1 });
    case 'events.top':
      return act({ type: 'eventsJump', to: 'top' });
    case 'events.bottom':
      return act({ type: 'eventsJump', to: 'bottom' });
    case 'events.details':
      return act({ type: 'openDetails' });
    case 'events.replay': {
      const replay = replayOfRow(state);
      // Off on this row: the footer says why (the App asks replayOfRow too), nothing fires.
      return 'error' in replay ? act() : fireInputs(state, [replay.input], log.preview);
    }
    case 'log.up':
    case 'log.down':
    case 'log.pageUp':
    case 'log.pageDown': {
      const step = command === 'log.up' || command === 'log.down' ? 1 : log.pageSize;
      const delta = command === 'log.up' || command === 'log.pageUp' ? -step : step;
      return act({ type: 'logScroll', delta, latestSeq: log.latestSeq, maxBack: log.maxBack });
    }
    case 'log.bottom':
      return act({ type: 'logFollow', follow: true, latestSeq: log.latestSeq });
    default:
      return none;
  }
}

/** A submitted burst form: fired at once, or asked about first (more than 100 on AWS); waits for the tail like any op. */
function submitBurst(state: AppState, values: Record<string, string>): KeyOutcome {
  const parsed = burstPlanFromForm(values);
  if ('error' in parsed) return act({ type: 'formError', message: parsed.error });
  if (!state.bucket) return act({ type: 'formError', message: 'choose a bucket first (b)' });
  if (!state.tailReady) return act({ type: 'formError', message: 'the tail is not ready yet: try again in a moment' });
  const effect: Effect = { type: 'burst', plan: parsed.plan, bucket: state.bucket };
  const question = burstQuestion(parsed.plan, state.isRealAws, state.yes);
  if (question) return act({ type: 'closeOverlay' }, { type: 'openConfirm', onYes: [effect], message: question });
  return { actions: [{ type: 'closeOverlay' }], effects: [effect] };
}

function fire(state: AppState, kind: OpKind, preview: Preview | undefined): KeyOutcome {
  const now = currentInput(state, kind);
  if ('error' in now) return act({ type: 'notice', message: now.error });
  return fireInputs(state, [now.input], preview);
}

/** The question asked before firing `input`, if any: DELETE on real AWS, and the filter preview's warning. */
function questionFor(state: AppState, input: OpInput, preview: Preview | undefined): string | undefined {
  if (state.yes) return undefined;
  const destructive = state.isRealAws ? opDefinition(input.kind).tui?.confirmOnAws?.(input) : undefined;
  const warning = preview?.(input);
  if (warning && destructive) return `${warning} · ${destructive}`;
  return warning ? `${warning} · fire anyway?` : destructive;
}

/**
 * Operations the user asked for: queued while the tail is not ready (an invocation before the tail would be missed
 * or taken for a foreign one); else those the preview warns about (or DELETE on AWS) are asked about, once for all,
 * and the rest go to the engine at once. `--yes` asks nothing.
 */
function fireInputs(state: AppState, inputs: readonly OpInput[], preview: Preview | undefined): KeyOutcome {
  if (inputs.length === 0) return none;
  if (!state.tailReady) return act(...inputs.map((input): Action => ({ type: 'queueOp', input })));
  const asked: { input: OpInput; question: string }[] = [];
  const effects: Effect[] = [];
  for (const input of inputs) {
    const question = questionFor(state, input, preview);
    if (question) asked.push({ input, question });
    else effects.push({ type: 'fire', input });
  }
  if (asked.length === 0) return { actions: [{ type: 'notice' }], effects };
  const message =
    asked.length === 1 ? asked[0]!.question : `${asked.length} queued operations: ${asked.map((a) => a.question).join(' · ')}`;
  return { actions: [{ type: 'openConfirm', onYes: asked.map(({ input }): Effect => ({ type: 'fire', input })), message }], effects };
}

/** The tail is ready: what was queued fires now, in order (asking first where fireInputs would). */
export function releaseQueued(state: AppState, preview: Preview | undefined): KeyOutcome {
  const ready: AppState = { ...state, tailReady: true, queued: [] };
  const out = fireInputs(ready, state.queued, preview);
  return { actions: [{ type: 'tailReady' }, ...out.actions], effects: out.effects };
}

/** A Key with nothing pressed but what `flags` says (also used by tests). */
export function makeKey(flags: Partial<Key> = {}): Key {
  return {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
    ...flags,
  };
}

/**
 * Ink hands over plain text that arrived in one chunk ("pd\r" from a fast typist, tmux or a
 * paste) as one input; split it into one key per character so each is a command.
 */
export function splitKeys(input: string, key: Key): [string, Key][] {
  if ([...input].length <= 1 || input.includes('\u001b') || key.ctrl || key.meta) return [[input, key]];
  return [...input].map((ch): [string, Key] => {
    if (ch === '\r' || ch === '\n') return [ch, makeKey({ return: true })];
    if (ch === '\t') return [ch, makeKey({ tab: true })];
    if (ch === '\u007f' || ch === '\b') return ['', makeKey({ backspace: true })];
    const code = ch.codePointAt(0)!;
    if (code < 0x20) return [String.fromCharCode(code + 0x60), makeKey({ ctrl: true })];
    return [ch, makeKey({ shift: ch !== ch.toLowerCase() })];
  });
}
