/** Folds engine events into the app state. Pure. */
import type { SessionEvent } from '../../events.js';
import type { Invocation } from '../../observe/types.js';
import { objectEffect } from '../../ops/registry.js';
import { computeLayout, keepVisible } from './layout.js';
import type { AppState, OpRow, Row } from './types.js';

const MAX_WARNINGS = 5;
/** Invocations no row points at are kept up to this many (newest), for late matches. */
const MAX_LOOSE_INVOCATIONS = 200;

export function applySessionEvents(state: AppState, events: readonly SessionEvent[]): AppState {
  let next = state;
  for (const event of events) next = applySessionEvent(next, event);
  if (next !== state) next = pruneInvocations(next);
  return next;
}

export function applySessionEvent(state: AppState, event: SessionEvent): AppState {
  switch (event.type) {
    case 'TargetResolved':
      return { ...state, target: event.target };
    case 'Discovered':
      return { ...state, discovery: event.discovery };
    case 'OpStarted': {
      const row: OpRow = {
        kind: 'op',
        opId: event.opId,
        input: event.input,
        startedAt: event.startedAt,
        status: 'sending',
        warnings: event.warnings,
      };
      const withWarnings = event.warnings.reduce((s, w) => addWarning(s, `#${event.opId}: ${w}`), state);
      return appendRow({ ...withWarnings, notice: undefined }, row);
    }
    case 'OpProgress':
      return updateOp(state, event.opId, (row) => ({
        ...row,
        status: row.status === 'sending' || row.status === 'progress' ? 'progress' : row.status,
        progress: { loaded: event.loaded, total: event.total },
      }));
    case 'OpAcked': {
      const { result } = event;
      const updated = updateOp(state, event.opId, (row) => ({
        ...row,
        status: row.status === 'matched' ? 'matched' : 'acked',
        result,
      }));
      if (result.bucket !== state.bucket) return updated;
      const effect = objectEffect(result.op);
      if (effect === 'none') return updated;
      const others = updated.createdKeys.filter((k) => k !== result.key);
      return { ...updated, createdKeys: effect === 'removed' ? others : [...others, result.key] };
    }
    case 'OpFailed':
      return updateOp(state, event.opId, (row) => ({ ...row, status: 'failed', result: event.result }));
    case 'LogLine':
      return state;
    case 'InvocationUpdated':
      return withInvocation(state, event.invocation);
    case 'Matched':
      return updateOp(withInvocation(state, event.invocation), event.opId, (row) => ({
        ...row,
        status: row.status === 'failed' ? 'failed' : 'matched',
        requestId: event.invocation.requestId,
        confidence: event.confidence,
        latency: event.latency,
      }));
    case 'Foreign': {
      const withInv = withInvocation(state, event.invocation);
      const { requestId, firstSeenAt } = event.invocation;
      if (withInv.rows.some((r) => r.kind === 'foreign' && r.requestId === requestId)) return withInv;
      return appendRow(withInv, { kind: 'foreign', requestId, firstSeenAt });
    }
    case 'MatchTimeout':
      return updateOp(state, event.opId, (row) => ({
        ...row,
        status: row.status === 'acked' || row.status === 'sending' || row.status === 'progress' ? 'no-match' : row.status,
      }));
    case 'TailState': {
      const others = state.tails.filter((t) => t.logGroup !== event.state.logGroup);
      const index = state.tails.findIndex((t) => t.logGroup === event.state.logGroup);
      const tails = index < 0 ? [...others, event.state] : state.tails.map((t, i) => (i === index ? event.state : t));
      return { ...state, tails };
    }
    case 'Warning':
      return addWarning(state, event.message);
  }
}

function addWarning(state: AppState, message: string): AppState {
  if (state.warnings.includes(message)) return state;
  return { ...state, warnings: [...state.warnings, message].slice(-MAX_WARNINGS) };
}

/** New rows go at the bottom; the selection follows them when it was on the last row. */
function appendRow(state: AppState, row: Row): AppState {
  const rows = [...state.rows, row];
  const following = state.rows.length === 0 || state.selected >= state.rows.length - 1;
  const selected = following ? rows.length - 1 : state.selected;
  const { eventRows } = computeLayout(state.size.columns, state.size.rows);
  return { ...state, rows, selected, eventsOffset: keepVisible(state.eventsOffset, selected, eventRows, rows.length) };
}

function updateOp(state: AppState, opId: number, change: (row: OpRow) => OpRow): AppState {
  const index = state.rows.findIndex((r) => r.kind === 'op' && r.opId === opId);
  if (index < 0) return state;
  const rows = state.rows.slice();
  rows[index] = change(rows[index] as OpRow);
  return { ...state, rows };
}

function withInvocation(state: AppState, invocation: Invocation): AppState {
  return { ...state, invocations: { ...state.invocations, [invocation.requestId]: invocation } };
}

function pruneInvocations(state: AppState): AppState {
  const ids = Object.keys(state.invocations);
  if (ids.length <= MAX_LOOSE_INVOCATIONS) return state;
  const referenced = new Set<string>();
  for (const row of state.rows) {
    const id = row.kind === 'op' ? row.requestId : row.requestId;
    if (id) referenced.add(id);
  }
  const loose = ids.filter((id) => !referenced.has(id));
  const drop = new Set(loose.slice(0, Math.max(0, loose.length - MAX_LOOSE_INVOCATIONS)));
  if (drop.size === 0) return state;
  const invocations: Record<string, Invocation> = {};
  for (const id of ids) if (!drop.has(id)) invocations[id] = state.invocations[id]!;
  return { ...state, invocations };
}
