/** Values the screen derives from the app state. Pure. */
import { detailLines, type DetailLine } from '../details.js';
import { helpLines, type Scope } from '../keymap.js';
import { rowKey, type AppState, type ChildRow, type OpRow } from './types.js';

/** What the log pane says while it has no line to show. */
export function emptyLogText(state: AppState): string {
  if (!state.bucket) return 'choose a bucket (b) to tail its function';
  if (!state.discovery) return 'discovering…';
  if (state.tails.some((t) => t.mode === 'reconnecting')) return 'reconnecting…';
  if (state.discovery.logGroups.length === 0) return 'no log group to tail';
  if (state.tails.some((t) => t.mode === 'waiting-for-group')) return 'waiting for first invocation';
  return 'no log lines yet';
}

/** The details of the row with this key (a child row's with its op's request; an op's with its child rows); undefined once cleared. */
export function detailsOf(
  state: Pick<AppState, 'rows' | 'invocations'> & Partial<Pick<AppState, 'discovery'>>,
  key: string,
): DetailLine[] | undefined {
  const row = state.rows.find((r) => rowKey(r) === key);
  if (!row) return undefined;
  const fates = state.discovery?.asyncFates;
  if (row.kind === 'foreign') return detailLines(row, state.invocations, { fates });
  const parent = state.rows.find((r): r is OpRow => r.kind === 'op' && r.opId === row.opId);
  const children = state.rows.filter((r): r is ChildRow => r.kind === 'child' && r.opId === row.opId);
  return detailLines(row, state.invocations, { parent, children, fates });
}

/** Lines the help or details overlay has (for scroll limits). */
export function overlayLineCount(state: AppState): number {
  const o = state.overlay;
  if (o.kind === 'help') return helpLines().length;
  if (o.kind !== 'details') return 0;
  return detailsOf(state, o.rowKey)?.length ?? 0;
}

/** Whose key hints the footer shows. */
export function footerScope(state: AppState): Scope {
  const o = state.overlay;
  if (o.kind === 'none') return state.focus;
  if (o.kind === 'picker') return o.naming ? 'bucket-name' : 'picker';
  return o.kind;
}

/** What the header says while keys wait for the tail to start, e.g. "1 queued until the tail is ready". */
export function queuedText(state: Pick<AppState, 'queued'>): string | undefined {
  return state.queued.length ? `${state.queued.length} queued until the tail is ready` : undefined;
}
