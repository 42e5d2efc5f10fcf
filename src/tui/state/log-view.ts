/** Which stored log lines the log pane shows. Pure. */
import type { LogLine } from '../../observe/types.js';
import type { StoredLine } from './log-store.js';
import type { LogView } from './types.js';

export function lineMatches(line: LogLine, filter: string): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  return line.message.toLowerCase().includes(needle) || line.logStream.toLowerCase().includes(needle);
}

export interface VisibleLog {
  lines: StoredLine[];
  /** Matching lines above the bottom of the view that scrolling up can reach. */
  maxBack: number;
}

/** The `height` lines ending `view.back` matching lines above the anchor (or the newest when following). */
export function visibleLog(all: readonly StoredLine[], view: LogView, height: number): VisibleLog {
  const anchor = view.follow ? Infinity : (view.anchorSeq ?? Infinity);
  const back = view.follow ? 0 : view.back;
  const collected: StoredLine[] = [];
  let matching = 0;
  for (let i = all.length - 1; i >= 0; i--) {
    const stored = all[i]!;
    if (stored.seq > anchor || !lineMatches(stored.line, view.filter)) continue;
    matching++;
    if (matching > back && collected.length < height) collected.push(stored);
  }
  return { lines: collected.reverse(), maxBack: Math.max(0, matching - height) };
}

/** Lines of one invocation: by the request id the tail attached, or the id in START/END/REPORT text. */
export function belongsTo(line: LogLine, requestId: string | undefined): boolean {
  if (!requestId) return false;
  return line.requestId === requestId || line.message.includes(requestId);
}
