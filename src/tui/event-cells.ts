/** The cells of one events-table row. Pure. */
import type { Invocation } from '../observe/types.js';
import { CONFIDENCE_LABELS, OP_LABELS, childStatusText, formatMs, rowObjectKey, rowSize, statusText } from './format.js';
import type { ChildRow, ChildStatus, Row, RowStatus } from './state/types.js';

export interface EventCells {
  num: string;
  op: string;
  key: string;
  size: string;
  status: string;
  trigger: string;
  duration: string;
  cold: string;
  match: string;
  tone: RowStatus | 'foreign';
}

export const COLUMNS: { name: keyof Omit<EventCells, 'tone'>; title: string; width: number; align?: 'right' }[] = [
  { name: 'num', title: '#', width: 3, align: 'right' },
  { name: 'op', title: 'OP', width: 9 },
  { name: 'key', title: 'KEY', width: 0 },
  { name: 'size', title: 'SIZE', width: 7, align: 'right' },
  { name: 'status', title: 'STATUS', width: 14 },
  { name: 'trigger', title: 'TRIGGER', width: 7, align: 'right' },
  { name: 'duration', title: 'LAMBDA', width: 7, align: 'right' },
  { name: 'cold', title: 'COLD', width: 4 },
  { name: 'match', title: 'MATCH', width: 6 },
];

/** Width left for the KEY column after the fixed columns and one space between each. */
export function keyColumnWidth(totalWidth: number): number {
  const fixed = COLUMNS.reduce((sum, c) => sum + c.width, 0) + COLUMNS.length - 1;
  return Math.max(8, totalWidth - fixed - 1);
}

/** A child row's colour: a waiting function is plain, like an acked op; one that did not run warns, like no match. */
const CHILD_TONES: Record<ChildStatus, RowStatus> = {
  waiting: 'acked',
  matched: 'matched',
  'lambda-failed': 'lambda-failed',
  'did-not-run': 'no-match',
};

/** A fan-out's function: the tree glyph and `λ` in the OP column, its name in KEY, its own figures. */
function childCells(row: ChildRow, invocations: Record<string, Invocation>): EventCells {
  const report = row.requestId ? invocations[row.requestId]?.report : undefined;
  const cold = row.latency ? row.latency.coldStart : report ? report.initDurationMs !== undefined : false;
  return {
    num: '',
    op: `${row.last ? '└─' : '├─'} λ`,
    key: row.function,
    size: '',
    status: childStatusText(row),
    trigger: formatMs(row.latency?.triggerMs),
    duration: formatMs(row.latency?.durationMs ?? report?.durationMs),
    cold: cold ? 'cold' : '',
    match: row.confidence ? CONFIDENCE_LABELS[row.confidence] : '',
    tone: CHILD_TONES[row.status],
  };
}

export function eventCells(row: Row, invocations: Record<string, Invocation>): EventCells {
  if (row.kind === 'child') return childCells(row, invocations);
  if (row.kind === 'foreign') {
    const inv = invocations[row.requestId];
    return {
      num: '·',
      op: 'foreign',
      key: row.requestId,
      size: '',
      status: inv ? inv.status : 'seen',
      trigger: '',
      duration: formatMs(inv?.report?.durationMs),
      cold: inv?.report?.initDurationMs !== undefined ? 'cold' : '',
      match: 'none',
      tone: 'foreign',
    };
  }
  const size = rowSize(row);
  // A fan-out's figures are its functions', on the child rows.
  if (row.fanout)
    return {
      num: String(row.opId),
      op: OP_LABELS[row.input.kind],
      key: rowObjectKey(row),
      size,
      status: statusText(row, 7),
      trigger: '',
      duration: '',
      cold: '',
      match: '',
      tone: row.status,
    };
  const report = row.requestId ? invocations[row.requestId]?.report : undefined;
  const cold = row.latency ? row.latency.coldStart : report ? report.initDurationMs !== undefined : false;
  return {
    num: String(row.opId),
    op: OP_LABELS[row.input.kind],
    key: rowObjectKey(row),
    size,
    status: statusText(row, 7),
    trigger: formatMs(row.latency?.triggerMs),
    duration: formatMs(row.latency?.durationMs ?? report?.durationMs),
    cold: cold ? 'cold' : '',
    match: row.confidence ? CONFIDENCE_LABELS[row.confidence] : '',
    tone: row.status,
  };
}
