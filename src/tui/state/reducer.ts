/** The app state reducer: key commands, engine events, resize. Pure. */
import type { TargetInfo } from '../../events.js';
import { clamp, computeLayout, keepVisible } from './layout.js';
import { formFields, initialParams, savedParams, type ParamDefaults } from './params.js';
import { burstFormFields, reduceBurstView } from './burst.js';
import { applySessionEvents } from './session-reducer.js';
import {
  OP_ORDER,
  PANES,
  type Action,
  type AppState,
  type Overlay,
  type PickerState,
  type Row,
  type RowStatus,
  type TextEdit,
  rowKey,
} from './types.js';

export interface InitOptions extends ParamDefaults {
  target: TargetInfo;
  isRealAws: boolean;
  bucket?: string;
  /** `--yes`: fire without asking. */
  yes?: boolean;
  columns: number;
  rows: number;
}

const NO_OVERLAY: Overlay = { kind: 'none' };

export function initialState(o: InitOptions): AppState {
  return {
    size: { columns: o.columns, rows: o.rows },
    target: o.target,
    isRealAws: o.isRealAws,
    bucket: o.bucket,
    tails: [],
    warnings: [],
    rows: [],
    selected: 0,
    eventsOffset: 0,
    opsSelected: 0,
    focus: 'events',
    overlay: o.bucket ? NO_OVERLAY : emptyPicker(),
    params: initialParams(o),
    tailReady: false,
    queued: [],
    yes: o.yes ?? false,
    createdKeys: [],
    invocations: {},
    ops: {},
    log: { follow: true, filter: '', back: 0 },
    quitting: false,
  };
}

function emptyPicker(): PickerState {
  return { kind: 'picker', filter: '', selected: 0, busy: 'loading buckets' };
}

export function applyEdit(value: string, edit: TextEdit): string {
  if (edit.kind === 'append') return value + edit.text;
  return edit.kind === 'backspace' ? value.slice(0, -1) : '';
}

export function pickerMatches(buckets: readonly string[] | undefined, filter: string): string[] {
  const needle = filter.toLowerCase();
  return (buckets ?? []).filter((b) => b.toLowerCase().includes(needle));
}

const FINISHED = new Set<RowStatus>(['matched', 'lambda-failed', 'failed', 'no-match']);

/** Rows `x` clears: foreign ones, finished ops and their child rows. */
function finishedRows(rows: readonly Row[]): Set<Row> {
  const ops = new Set(rows.flatMap((r) => (r.kind === 'op' && FINISHED.has(r.status) ? [r.opId] : [])));
  return new Set(rows.filter((r) => r.kind === 'foreign' || ops.has(r.opId)));
}

function moveSelection(state: AppState, selected: number): AppState {
  const count = state.rows.length;
  const next = clamp(selected, 0, Math.max(0, count - 1));
  const { eventRows } = computeLayout(state.size.columns, state.size.rows);
  return { ...state, selected: next, eventsOffset: keepVisible(state.eventsOffset, next, eventRows, count) };
}

function updatePicker(state: AppState, change: (p: PickerState) => PickerState): AppState {
  return state.overlay.kind === 'picker' ? { ...state, overlay: change(state.overlay) } : state;
}

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'resize':
      return moveSelection({ ...state, size: { columns: action.columns, rows: action.rows } }, state.selected);
    case 'session':
      return applySessionEvents(state, action.events);
    case 'focus': {
      const index = PANES.indexOf(state.focus);
      return { ...state, focus: PANES[(index + action.delta + PANES.length) % PANES.length]! };
    }
    case 'opsMove':
      return { ...state, opsSelected: clamp(state.opsSelected + action.delta, 0, OP_ORDER.length - 1) };
    case 'eventsMove':
      return moveSelection(state, state.selected + action.delta);
    case 'eventsJump':
      return moveSelection(state, action.to === 'top' ? 0 : state.rows.length - 1);
    case 'logScroll': {
      const { log } = state;
      if (action.delta > 0 && (log.follow || log.back === 0)) {
        // Scrolling down past the bottom resumes following.
        return log.follow ? state : { ...state, log: { ...log, follow: true, anchorSeq: undefined } };
      }
      const back = clamp(log.back - action.delta, 0, Math.max(0, action.maxBack));
      return { ...state, log: { ...log, follow: false, anchorSeq: log.anchorSeq ?? action.latestSeq, back } };
    }
    case 'logFollow':
      return {
        ...state,
        log: action.follow
          ? { ...state.log, follow: true, anchorSeq: undefined, back: 0 }
          : { ...state.log, follow: false, anchorSeq: action.latestSeq, back: 0 },
      };
    case 'clearFinished': {
      const selectedKey = state.rows[state.selected] ? rowKey(state.rows[state.selected]!) : undefined;
      const finished = finishedRows(state.rows);
      const rows = state.rows.filter((r) => !finished.has(r));
      const kept = rows.findIndex((r) => rowKey(r) === selectedKey);
      const ops = Object.fromEntries(rows.flatMap((r) => (r.kind === 'op' && state.ops[r.opId] ? [[r.opId, state.ops[r.opId]!]] : [])));
      const burst = state.burst?.done ? undefined : state.burst;
      return moveSelection({ ...state, rows, ops, eventsOffset: 0, burst }, kept >= 0 ? kept : rows.length - 1);
    }
    case 'openHelp':
      return { ...state, overlay: { kind: 'help', scroll: 0 } };
    case 'helpScroll':
      return state.overlay.kind === 'help'
        ? { ...state, overlay: { ...state.overlay, scroll: clamp(state.overlay.scroll + action.delta, 0, Math.max(0, action.max)) } }
        : state;
    case 'openDetails': {
      const row = state.rows[state.selected];
      return row ? { ...state, overlay: { kind: 'details', rowKey: rowKey(row), scroll: 0 } } : state;
    }
    case 'detailsScroll':
      return state.overlay.kind === 'details'
        ? { ...state, overlay: { ...state.overlay, scroll: clamp(state.overlay.scroll + action.delta, 0, Math.max(0, action.max)) } }
        : state;
    case 'closeOverlay':
      return { ...state, overlay: NO_OVERLAY };
    case 'openBurstForm':
      return { ...state, overlay: { kind: 'form', op: 'put', fields: burstFormFields(), focused: 0, burst: true } };
    case 'burst':
      return { ...state, burst: reduceBurstView(state.burst, action.event) };
    case 'openForm':
      return { ...state, overlay: { kind: 'form', op: action.op, fields: formFields(state, action.op), focused: 0 } };
    case 'formFocus': {
      const o = state.overlay;
      if (o.kind !== 'form') return state;
      return { ...state, overlay: { ...o, focused: (o.focused + action.delta + o.fields.length) % o.fields.length } };
    }
    case 'formEdit': {
      const o = state.overlay;
      if (o.kind !== 'form') return state;
      const fields = o.fields.map((f, i) => (i === o.focused ? { ...f, value: applyEdit(f.value, action.edit) } : f));
      return { ...state, overlay: { ...o, fields, error: undefined } };
    }
    case 'formError':
      return state.overlay.kind === 'form' ? { ...state, overlay: { ...state.overlay, error: action.message } } : state;
    case 'saveParams':
      return { ...state, params: savedParams(state.params, action.op, action.values) };
    case 'openConfirm':
      return {
        ...state,
        overlay: { kind: 'confirm', onYes: action.onYes, message: action.message, ...(action.onNo ? { onNo: action.onNo } : {}) },
      };
    case 'openFilter':
      return { ...state, overlay: { kind: 'filter', draft: state.log.filter } };
    case 'filterEdit':
      return state.overlay.kind === 'filter'
        ? { ...state, overlay: { kind: 'filter', draft: applyEdit(state.overlay.draft, action.edit) } }
        : state;
    case 'filterApply':
      return state.overlay.kind === 'filter'
        ? { ...state, overlay: NO_OVERLAY, log: { ...state.log, filter: state.overlay.draft.trim(), back: 0 } }
        : state;
    case 'filterClear':
      return { ...state, overlay: NO_OVERLAY, log: { ...state.log, filter: '', back: 0 } };
    case 'openPicker':
      return { ...state, overlay: emptyPicker() };
    case 'pickerLoaded':
      return updatePicker(state, (p) => ({ ...p, buckets: action.buckets, busy: undefined, error: undefined, selected: 0 }));
    case 'pickerFailed':
      return updatePicker(state, (p) => ({ ...p, busy: undefined, error: action.message }));
    case 'pickerBusy':
      return updatePicker(state, (p) => ({ ...p, busy: action.message, error: undefined, hint: undefined }));
    case 'pickerHint':
      return updatePicker(state, (p) => ({ ...p, hint: action.message }));
    case 'pickerEdit':
      return updatePicker(state, (p) => ({ ...p, filter: applyEdit(p.filter, action.edit), selected: 0, hint: undefined }));
    case 'pickerMove':
      return updatePicker(state, (p) => {
        const count = pickerMatches(p.buckets, p.filter).length;
        return { ...p, selected: clamp(p.selected + action.delta, 0, Math.max(0, count - 1)) };
      });
    case 'namingOpen':
      return updatePicker(state, (p) => ({ ...p, naming: { draft: p.filter } }));
    case 'namingEdit':
      return updatePicker(state, (p) => (p.naming ? { ...p, naming: { draft: applyEdit(p.naming.draft, action.edit) } } : p));
    case 'namingError':
      return updatePicker(state, (p) => (p.naming ? { ...p, busy: undefined, naming: { ...p.naming, error: action.message } } : p));
    case 'namingClose':
      return updatePicker(state, (p) => ({ ...p, naming: undefined }));
    case 'bucketChosen':
      return {
        ...state,
        bucket: action.bucket,
        overlay: NO_OVERLAY,
        discovery: undefined,
        tailReady: false,
        tails: [],
        warnings: [],
        createdKeys: action.bucket === state.bucket ? state.createdKeys : [],
      };
    case 'notice':
      return { ...state, notice: action.message };
    case 'queueOp':
      return { ...state, queued: [...state.queued, action.input] };
    case 'tailReady':
      return { ...state, tailReady: true, queued: [] };
    case 'quitting':
      return { ...state, quitting: true, overlay: NO_OVERLAY };
  }
}
