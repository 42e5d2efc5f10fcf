/** Folds engine events into the app state. Pure. */
import type { ChainRoute, SessionEvent } from '../../events.js';
import type { Invocation } from '../../observe/types.js';
import { objectEffect } from '../../ops/registry.js';
import { childRowsOf, fanoutOf, routesFor } from './fanout.js';
import { computeLayout, keepVisible } from './layout.js';
import { rowKey, type AppState, type OpRow, type Row, type RowStatus } from './types.js';
import { attemptCount } from '../../observe/invocations.js';
import { foldOp, type OpState, type OpStatus } from '../../op-state.js';

const MAX_WARNINGS = 5;
/** Invocations no row points at are kept up to this many (newest), for late matches. */
const MAX_LOOSE_INVOCATIONS = 200;

/**
 * A batch's private copies of the records every event writes (ops, the invocation index, invocations): the first
 * change in a batch copies a record once and later events of the batch write into that copy, which no state outside
 * this batch holds (so the reducer stays pure). Copying per event made a TUI burst of n ops O(n) per event.
 */
interface Draft {
  ops?: Record<number, OpState>;
  opsByInvocation?: Record<string, readonly number[]>;
  invocations?: Record<string, Invocation>;
}

export function applySessionEvents(state: AppState, events: readonly SessionEvent[]): AppState {
  const draft: Draft = {};
  let next = state;
  for (const event of events) next = applyEvent(next, event, draft);
  if (next !== state) next = pruneInvocations(next);
  return next;
}

export function applySessionEvent(prev: AppState, event: SessionEvent): AppState {
  return applyEvent(prev, event, {});
}

/** The op fold (foldOp, one entry per change); InvocationUpdated reaches the ops that matched it through the index. */
function foldOps(state: AppState, event: SessionEvent, draft: Draft): AppState {
  const write = (s: AppState, op: OpState): AppState => {
    draft.ops ??= { ...s.ops };
    draft.ops[op.opId] = op;
    return s.ops === draft.ops ? s : { ...s, ops: draft.ops };
  };
  if (event.type === 'InvocationUpdated') {
    let next = state;
    for (const opId of state.opsByInvocation?.[event.invocation.requestId] ?? []) {
      const op = next.ops[opId];
      const folded = op && foldOp(op, event);
      if (folded && folded !== op) next = write(next, folded);
    }
    return next;
  }
  const opId = 'opId' in event ? event.opId : undefined;
  if (opId === undefined) return state;
  const op = state.ops[opId];
  const folded = foldOp(op, event);
  if (folded === undefined || folded === op) return state;
  const next = write(state, folded);
  if (event.type !== 'Matched') return next;
  const { requestId } = event.invocation;
  draft.opsByInvocation ??= { ...next.opsByInvocation };
  const index = draft.opsByInvocation;
  const known = index[requestId] ?? [];
  if (!known.includes(opId)) index[requestId] = [...known, opId];
  return next.opsByInvocation === index ? next : { ...next, opsByInvocation: index };
}

function applyEvent(prev: AppState, event: SessionEvent, draft: Draft): AppState {
  const state = foldOps(prev, event, draft);
  const ops = state.ops;
  const withInvocation = (s: AppState, invocation: Invocation): AppState => {
    draft.invocations ??= { ...s.invocations };
    draft.invocations[invocation.requestId] = invocation;
    return s.invocations === draft.invocations ? s : { ...s, invocations: draft.invocations };
  };
  switch (event.type) {
    case 'TargetResolved':
      return { ...state, target: event.target };
    case 'Discovered':
      return { ...state, discovery: event.discovery };
    case 'OpStarted': {
      const op = ops[event.opId];
      if (!op) return state;
      const withWarnings = event.warnings.reduce((s, w) => addWarning(s, `#${event.opId}: ${w}`), state);
      const routes = routesFor(op.input, state.discovery);
      return syncRow(appendRow({ ...withWarnings, notice: undefined }, rowOf(op, routes)), event.opId);
    }
    case 'OpAcked': {
      const { result } = event;
      const updated = syncRow(state, event.opId);
      if (result.bucket !== state.bucket) return updated;
      const effect = objectEffect(result.op);
      if (effect === 'none') return updated;
      const others = updated.createdKeys.filter((k) => k !== result.key);
      return { ...updated, createdKeys: effect === 'removed' ? others : [...others, result.key] };
    }
    case 'OpProgress':
    case 'OpFailed':
    case 'OpSkipped':
    case 'MatchTimeout':
      return syncRow(state, event.opId);
    case 'Matched':
      return syncRow(withInvocation(state, event.invocation), event.opId);
    case 'InvocationUpdated': {
      const next = withInvocation(state, event.invocation);
      const changed = (state.opsByInvocation?.[event.invocation.requestId] ?? []).filter((opId) => ops[opId]);
      return changed.reduce((s, opId) => syncRow(s, opId), next);
    }
    case 'LogLine':
    case 'OpSettled':
      return state;
    case 'Foreign': {
      const withInv = withInvocation(state, event.invocation);
      const { requestId, firstSeenAt } = event.invocation;
      if (withInv.rows.some((r) => r.kind === 'foreign' && r.requestId === requestId)) return withInv;
      return appendRow(withInv, { kind: 'foreign', requestId, firstSeenAt });
    }
    case 'TailState': {
      const others = state.tails.filter((t) => t.logGroup !== event.state.logGroup);
      const index = state.tails.findIndex((t) => t.logGroup === event.state.logGroup);
      const tails = index < 0 ? [...others, event.state] : state.tails.map((t, i) => (i === index ? event.state : t));
      return { ...state, tails };
    }
    case 'Warning':
      return addWarning(state, event.message);
    case 'HandlerReloaded':
      return { ...state, reloaded: { at: event.at, files: event.files.length } };
  }
}

const ROW_STATUS: Record<OpStatus, RowStatus> = {
  pending: 'sending',
  sending: 'sending',
  acked: 'acked',
  matched: 'matched',
  'lambda-failed': 'lambda-failed',
  'no-match': 'no-match',
  failed: 'failed',
  cancelled: 'failed',
  skipped: 'failed',
};

/** How the op's matched Lambda failed: the first failed match's invocation status (Lambda's error or timeout). */
function lambdaError(op: OpState): OpRow['lambdaError'] {
  if (op.status !== 'lambda-failed') return undefined;
  const failed = op.matches.find((m) => m.invocation.status === 'failed' || m.invocation.status === 'timed-out');
  return failed?.invocation.status === 'timed-out' ? 'timed-out' : 'failed';
}

/**
 * The events-table row of one op: a view of its folded state (first match shown, with its retry attempts), and the
 * chain's routes its event takes; `fanout` when it has child rows (childRowsOf).
 */
export function rowOf(op: OpState, routes: readonly ChainRoute[] = []): OpRow {
  const first = op.matches[0];
  const status = op.status === 'sending' && op.progress ? 'progress' : ROW_STATUS[op.status];
  const failure = lambdaError(op);
  return {
    kind: 'op',
    opId: op.opId,
    input: op.input,
    startedAt: op.startedAt,
    status,
    warnings: op.warnings,
    ...(op.progress ? { progress: op.progress } : {}),
    ...(op.result ? { result: op.result } : {}),
    ...(first ? { requestId: first.requestId, confidence: first.confidence, latency: first.latency } : {}),
    ...(failure ? { lambdaError: failure } : {}),
    ...(first && attemptCount(first.invocation) > 1 ? { attempts: attemptCount(first.invocation) } : {}),
    ...(routes.length ? { routes: [...routes] } : {}),
    ...(childRowsOf(op, routes).length ? { fanout: fanoutOf(op) } : {}),
  };
}

/** The op's row and its child rows, rebuilt from its folded state; the selection stays on the row it was on. */
function syncRow(state: AppState, opId: number): AppState {
  const op = state.ops[opId];
  const index = state.rows.findIndex((r) => r.kind === 'op' && r.opId === opId);
  if (!op || index < 0) return state;
  const routes = (state.rows[index] as OpRow).routes ?? [];
  let end = index + 1;
  for (let next = state.rows[end]; next?.kind === 'child' && next.opId === opId; next = state.rows[end]) end++;
  const group: Row[] = [rowOf(op, routes), ...childRowsOf(op, routes)];
  const rows = [...state.rows.slice(0, index), ...group, ...state.rows.slice(end)];
  if (rows.length === state.rows.length && group.every((r, i) => rowKey(r) === rowKey(state.rows[index + i]!))) {
    return { ...state, rows };
  }
  const selectedKey = state.rows[state.selected] ? rowKey(state.rows[state.selected]!) : undefined;
  const kept = rows.findIndex((r) => rowKey(r) === selectedKey);
  // A child row that went away (a placeholder no longer owed) hands the selection to its op's row.
  const selected = kept >= 0 ? kept : state.selected >= index && state.selected < end ? index : Math.min(state.selected, rows.length - 1);
  const { eventRows } = computeLayout(state.size.columns, state.size.rows);
  return {
    ...state,
    rows,
    selected: Math.max(0, selected),
    eventsOffset: keepVisible(state.eventsOffset, selected, eventRows, rows.length),
  };
}

function addWarning(state: AppState, message: string): AppState {
  if (state.warnings.includes(message)) return state;
  return { ...state, warnings: [...state.warnings, message].slice(-MAX_WARNINGS) };
}

/** Where the last row's group starts: its op's row when it is a child row. */
function lastGroupStart(rows: readonly Row[]): number {
  let i = rows.length - 1;
  while (i > 0 && rows[i]!.kind === 'child') i--;
  return i;
}

/** New rows go at the bottom; the selection follows them when it was on the last row (or the last op's child rows). */
function appendRow(state: AppState, row: Row): AppState {
  const rows = [...state.rows, row];
  const following = state.rows.length === 0 || state.selected >= lastGroupStart(state.rows);
  const selected = following ? rows.length - 1 : state.selected;
  const { eventRows } = computeLayout(state.size.columns, state.size.rows);
  return { ...state, rows, selected, eventsOffset: keepVisible(state.eventsOffset, selected, eventRows, rows.length) };
}

function pruneInvocations(state: AppState): AppState {
  const ids = Object.keys(state.invocations);
  if (ids.length <= MAX_LOOSE_INVOCATIONS) return state;
  const referenced = new Set<string>();
  for (const row of state.rows) {
    const id = row.requestId;
    if (id) referenced.add(id);
  }
  const loose = ids.filter((id) => !referenced.has(id));
  const drop = new Set(loose.slice(0, Math.max(0, loose.length - MAX_LOOSE_INVOCATIONS)));
  if (drop.size === 0) return state;
  const invocations: Record<string, Invocation> = {};
  for (const id of ids) if (!drop.has(id)) invocations[id] = state.invocations[id]!;
  return { ...state, invocations };
}
