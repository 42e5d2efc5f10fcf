/** The TUI's app state and the actions that change it (see reducer.ts). */
import type { ChainRoute, Discovery, SessionEvent, TargetInfo } from '../../events.js';
import type { OpInput, OpKind, OpResult } from '../../ops/types.js';
import { TUI_OP_KINDS, type OpParams } from '../../ops/registry.js';
import type { Invocation, Latency, MatchConfidence, TailState } from '../../observe/types.js';
import type { OpStates } from '../../op-state.js';
import type { BurstPlan } from '../../burst/plan.js';
import type { BurstView, BurstViewEvent } from './burst.js';

export type Pane = 'ops' | 'events' | 'log';
export const PANES: readonly Pane[] = ['ops', 'events', 'log'];
/** The operations pane's rows: every kind, in the registry's order. */
export const OP_ORDER: readonly OpKind[] = TUI_OP_KINDS;

/** A row's status: the fold's (op-state.ts), with `progress` for a multipart upload under way. */
export type RowStatus = 'sending' | 'progress' | 'acked' | 'matched' | 'lambda-failed' | 'failed' | 'no-match';

export interface OpRow {
  kind: 'op';
  opId: number;
  input: OpInput;
  startedAt: number;
  status: RowStatus;
  progress?: { loaded: number; total?: number };
  result?: OpResult;
  warnings: string[];
  requestId?: string;
  confidence?: MatchConfidence;
  latency?: Latency;
  /** How the matched Lambda failed (status `lambda-failed`): an error, or Lambda's timeout. */
  lambdaError?: 'failed' | 'timed-out';
  /** Attempts of the matched invocation (Lambda retries an async event twice); shown as `×N` when above 1. */
  attempts?: number;
  /** The chain's routes this operation's event takes (discovery's, as the op started; none without a chain). */
  routes?: ChainRoute[];
  /** Set when the op reaches more than one function (or got more than one invocation): its child rows follow it. */
  fanout?: { matched: number; expected: number };
}

/**
 * Where one function of a fan-out stands: `waiting` (not matched yet), `matched`, `lambda-failed` (its invocation
 * ended in an error or Lambda's timeout), `did-not-run` (the op settled without it).
 */
export type ChildStatus = 'waiting' | 'matched' | 'lambda-failed' | 'did-not-run';

/** One function an operation reached (or should have), shown under the op's row. */
export interface ChildRow {
  kind: 'child';
  opId: number;
  /** The function's name (a matched invocation's log group without `/aws/lambda/`). */
  function: string;
  /** Which invocation of this function under the op (0 unless it ran more than once for it). */
  nth: number;
  /** The last child of its op (drawn with `└─`). */
  last: boolean;
  status: ChildStatus;
  /** The chain's routes to this function (hops in order). */
  routes: ChainRoute[];
  requestId?: string;
  confidence?: MatchConfidence;
  latency?: Latency;
  lambdaError?: 'failed' | 'timed-out';
  attempts?: number;
}

/** An invocation no fired operation explains. */
export interface ForeignRow {
  kind: 'foreign';
  requestId: string;
  firstSeenAt: number;
}

export type Row = OpRow | ChildRow | ForeignRow;

/** Parameters the next operation of each kind uses, as each definition declares them. */
export type { OpParams };

export interface FormField {
  name: string;
  label: string;
  value: string;
  /** A local file path: checked before the form fires. */
  path?: boolean;
}

export interface PickerState {
  kind: 'picker';
  buckets?: string[];
  error?: string;
  filter: string;
  selected: number;
  /** The new-bucket prompt, when open. */
  naming?: { draft: string; error?: string };
  /** What is in progress ("loading buckets", "creating my-bucket"). */
  busy?: string;
  /** How to go on, when a key had nothing to do (Esc with nothing to go back to). */
  hint?: string;
}

export type Overlay =
  | { kind: 'none' }
  | { kind: 'help'; scroll: number }
  | { kind: 'details'; rowKey: string; scroll: number }
  /** `burst`: the burst form (its fields are the burst's, `op` unused). */
  | { kind: 'form'; op: OpKind; fields: FormField[]; focused: number; error?: string; burst?: true }
  | { kind: 'confirm'; onYes: Effect[]; message: string; onNo?: Action[] }
  | { kind: 'filter'; draft: string }
  | PickerState;

export interface LogView {
  follow: boolean;
  filter: string;
  /** Store sequence number of the newest line in view while not following. */
  anchorSeq?: number;
  /** Matching lines scrolled back from the anchor. */
  back: number;
}

export interface AppState {
  size: { columns: number; rows: number };
  target: TargetInfo;
  isRealAws: boolean;
  bucket?: string;
  discovery?: Discovery;
  tails: TailState[];
  warnings: string[];
  /** One transient line under the header (e.g. why a key did nothing). */
  notice?: string;
  /** The last hot reload of `--handler` (HandlerReloaded): when, and how many files changed. */
  reloaded?: { at: number; files: number };
  rows: Row[];
  selected: number;
  eventsOffset: number;
  opsSelected: number;
  focus: Pane;
  overlay: Overlay;
  params: OpParams;
  /** The tail of the current bucket has started (keys fire at once); until then they are queued. */
  tailReady: boolean;
  /** Operations asked for before the tail was ready, oldest first. */
  queued: OpInput[];
  /** `--yes`: fire without asking (the filter preview, DELETE on AWS). */
  yes: boolean;
  /** Keys created in the current bucket this session, newest last (DELETE's default). */
  createdKeys: string[];
  invocations: Record<string, Invocation>;
  /** The engine's per-operation fold (op-state.ts); op rows are a view of it. */
  ops: OpStates;
  /** Invocation request id -> the ops with a match of it (absent: none yet); finds an InvocationUpdated's ops. */
  opsByInvocation?: Readonly<Record<string, readonly number[]>>;
  log: LogView;
  quitting: boolean;
  /** The running or last burst (B). */
  burst?: BurstView;
}

export type TextEdit = { kind: 'append'; text: string } | { kind: 'backspace' } | { kind: 'clear' };

export type Action =
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'session'; events: SessionEvent[] }
  | { type: 'focus'; delta: 1 | -1 }
  | { type: 'opsMove'; delta: number }
  | { type: 'eventsMove'; delta: number }
  | { type: 'eventsJump'; to: 'top' | 'bottom' }
  | { type: 'logScroll'; delta: number; latestSeq: number; maxBack: number }
  | { type: 'logFollow'; follow: boolean; latestSeq: number }
  | { type: 'clearFinished' }
  | { type: 'openHelp' }
  | { type: 'helpScroll'; delta: number; max: number }
  | { type: 'openDetails' }
  | { type: 'detailsScroll'; delta: number; max: number }
  | { type: 'closeOverlay' }
  | { type: 'openForm'; op: OpKind }
  | { type: 'formFocus'; delta: 1 | -1 }
  | { type: 'formEdit'; edit: TextEdit }
  | { type: 'formError'; message: string }
  | { type: 'saveParams'; op: OpKind; values: Record<string, string> }
  | { type: 'openConfirm'; onYes: Effect[]; message: string; onNo?: Action[] }
  | { type: 'openFilter' }
  | { type: 'filterEdit'; edit: TextEdit }
  | { type: 'filterApply' }
  | { type: 'filterClear' }
  | { type: 'openPicker' }
  | { type: 'pickerLoaded'; buckets: string[] }
  | { type: 'pickerFailed'; message: string }
  | { type: 'pickerEdit'; edit: TextEdit }
  | { type: 'pickerMove'; delta: number }
  | { type: 'pickerBusy'; message: string }
  | { type: 'pickerHint'; message: string }
  | { type: 'namingOpen' }
  | { type: 'namingEdit'; edit: TextEdit }
  | { type: 'namingError'; message: string }
  | { type: 'namingClose' }
  | { type: 'bucketChosen'; bucket: string }
  | { type: 'notice'; message?: string }
  | { type: 'queueOp'; input: OpInput }
  | { type: 'tailReady' }
  | { type: 'quitting' }
  | { type: 'openBurstForm' }
  | { type: 'burst'; event: BurstViewEvent };

/** Side effects the App runs for a key (the reducer stays pure). */
export type Effect =
  | { type: 'fire'; input: OpInput }
  | { type: 'quit'; interrupt: boolean }
  | { type: 'loadBuckets' }
  | { type: 'selectBucket'; bucket: string; create: boolean }
  /** Runs a burst on the current bucket (its progress comes back as `burst` actions). */
  | { type: 'burst'; plan: BurstPlan; bucket: string }
  /** Checks the form's file paths, then applies `then` (or shows what is wrong in the form). */
  | { type: 'checkForm'; paths: { label: string; path: string }[]; then: { actions: Action[]; effects: Effect[] } };

export function rowKey(row: Row): string {
  if (row.kind === 'child') return `fn:${row.opId}:${row.function}:${row.nth}`;
  return row.kind === 'op' ? `op:${row.opId}` : `inv:${row.requestId}`;
}
