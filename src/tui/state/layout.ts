/** Pane heights for a terminal size, and list windowing. Pure. */
import { TUI_OP_KINDS } from '../../ops/registry.js';

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export interface Layout {
  tooSmall: boolean;
  /** Root box height: rows - 1, so ink never scrolls the terminal. */
  height: number;
  width: number;
  headerLines: number;
  opsLines: number;
  /** Data rows of the events table (its title and column header come on top). */
  eventRows: number;
  /** Log lines (the title comes on top). */
  logLines: number;
}

const HEADER = 3;
const OPS = TUI_OP_KINDS.length;
/** The operations pane (and the parameter form in its place): its title and one line per operation. */
export const OPS_PANE_HEIGHT = 1 + OPS;
// header + ops title and one line per op + events title and column header + log title + footer.
const FIXED = HEADER + 1 + OPS + 2 + 1 + 1;

export function computeLayout(columns: number, rows: number): Layout {
  const height = Math.max(1, rows - 1);
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const flexible = Math.max(0, height - FIXED);
  const eventRows = Math.min(12, Math.max(3, Math.round(flexible * 0.4)));
  return {
    tooSmall,
    height,
    width: columns,
    headerLines: HEADER,
    opsLines: OPS,
    eventRows,
    logLines: Math.max(1, flexible - eventRows),
  };
}

/** Scroll offset that keeps `selected` inside a window of `size` rows, moving as little as possible. */
export function keepVisible(offset: number, selected: number, size: number, count: number): number {
  if (count <= size) return 0;
  let next = offset;
  if (selected < next) next = selected;
  if (selected >= next + size) next = selected - size + 1;
  return Math.max(0, Math.min(next, count - size));
}

export function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
