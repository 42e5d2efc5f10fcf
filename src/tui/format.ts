/** Text formatting for the TUI's cells and lines. Pure. */
import stringWidth from 'string-width';
import type { OpKind } from '../ops/types.js';
import { OPS } from '../ops/registry.js';
import type { MatchConfidence } from '../observe/types.js';
import { scrub } from '../ops/errors.js';
import { baseName } from './state/params.js';
import type { ChildRow, OpRow } from './state/types.js';

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms === 0) return '<1ms'; // latency.ts clamps a reading below zero on one clock to 0
  if (Math.abs(ms) < 10) return `${Number(ms.toFixed(1))}ms`;
  if (Math.abs(ms) < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(Math.abs(ms) < 10_000 ? 2 : 1)}s`;
}

/** HH:MM:SS.mmm in UTC, the clock CloudWatch shows. */
export function formatClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

export function formatTimestamp(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString();
}

export function progressBar(loaded: number, total: number | undefined, width: number): string {
  if (!total) return `${formatBytes(loaded)}`;
  const ratio = Math.max(0, Math.min(1, loaded / total));
  const filled = Math.round(ratio * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${String(Math.round(ratio * 100)).padStart(3)}%`;
}

/** PUT, COPY... by kind, from the registry. */
export const OP_LABELS = Object.fromEntries(Object.values(OPS).map((d) => [d.kind, d.label])) as Record<OpKind, string>;

export const CONFIDENCE_LABELS: Record<MatchConfidence, string> = {
  'request-id': 'req-id',
  key: 'key',
  time: 'time',
};

/**
 * The row's status as a word (NO_COLOR-safe), then `×N` when the invocation took more than one attempt; a fan-out's
 * row adds `matched/expected` while some function's invocation is missing (`acked 1/2`; settled: `1/2 matched`).
 */
export function statusText(row: OpRow, barWidth = 8): string {
  const word = statusWord(row, barWidth);
  const { fanout } = row;
  if (fanout && fanout.matched < fanout.expected) {
    // Settled short of a function: how many ran, not "no match" (its child rows say which did not run).
    const count = `${fanout.matched}/${fanout.expected}`;
    return row.status === 'no-match' && fanout.matched > 0 ? `${count} matched` : `${word} ${count}`;
  }
  if (fanout) return word;
  return row.attempts !== undefined && row.attempts > 1 ? `${word} ×${row.attempts}` : word;
}

/** A fan-out child row's status as a word, then `×N` when its invocation took more than one attempt. */
export function childStatusText(row: ChildRow): string {
  const word =
    row.status === 'waiting'
      ? 'waiting…'
      : row.status === 'did-not-run'
        ? 'did not run'
        : row.status === 'lambda-failed'
          ? row.lambdaError === 'timed-out'
            ? 'lambda timeout'
            : 'lambda error'
          : 'matched';
  return row.attempts !== undefined && row.attempts > 1 ? `${word} ×${row.attempts}` : word;
}

function statusWord(row: OpRow, barWidth: number): string {
  switch (row.status) {
    case 'sending':
      return 'sending…';
    case 'progress':
      return progressBar(row.progress?.loaded ?? 0, row.progress?.total, barWidth);
    case 'acked':
      return 'acked';
    case 'matched':
      return 'matched';
    case 'lambda-failed':
      return row.lambdaError === 'timed-out' ? 'lambda timeout' : 'lambda error';
    case 'failed':
      return row.result?.error?.code ? `✗ ${row.result.error.code}` : 'failed';
    case 'no-match':
      return 'no match yet';
  }
}

export function rowObjectKey(row: OpRow): string {
  const i = row.input;
  if (i.key) return i.key;
  return 'file' in i && i.file ? baseName(i.file) : '';
}

export function rowSize(row: OpRow): string {
  if (row.result?.bytes !== undefined) return formatBytes(row.result.bytes);
  if (row.progress?.total !== undefined) return formatBytes(row.progress.total);
  if (row.input.kind === 'multipart' && row.input.sizeMB) return formatBytes(row.input.sizeMB * 1024 * 1024);
  return '';
}

const graphemes = new Intl.Segmenter();

/**
 * Pads or cuts to exactly `width` terminal columns (CJK and emoji take two). Hand-written: cli-truncate
 * overshoots by a column when the cut lands on a wide character.
 */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const used = stringWidth(text);
  if (used <= width) return align === 'left' ? text + ' '.repeat(width - used) : ' '.repeat(width - used) + text;
  const room = width > 1 ? width - 1 : width;
  let kept = '';
  let taken = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = stringWidth(segment);
    if (taken + w > room) break;
    kept += segment;
    taken += w;
  }
  return `${kept}${width > 1 ? '…' : ''}${' '.repeat(room - taken)}`;
}

/**
 * The lines of one log message: Lambda joins a multi-line message with `\r` (every Python traceback), other
 * sources with `\n`; a trailing line break adds no empty line.
 */
export function messageLines(message: string): string[] {
  return message.replace(/(?:\r\n|\r|\n)$/, '').split(/\r\n|\r|\n/);
}

/** An error as one line a user can read: `Name: message`, line breaks folded, secrets removed (ops/errors.ts). */
export function errorLine(err: unknown): string {
  const name = err instanceof Error && err.name && err.name !== 'Error' ? err.name : undefined;
  const message = err instanceof Error ? err.message : String(err);
  const text = name && !message.startsWith(name) ? (message ? `${name}: ${message}` : name) : message;
  return oneLineText(text);
}

/** Text on one line: runs of line breaks and blanks become one space, other controls go; secrets removed. */
export function oneLineText(text: string): string {
  return scrub(text)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
}

/** Strips terminal control sequences and tabs a log message may carry. */
export function sanitize(text: string): string {
  return text
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/\t/g, '  ')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '');
}

// The Lambda runtimes' "<ISO time>\t<request id>\t<LEVEL>\t<text>" prefix repeats what the pane already shows.
const RUNTIME_PREFIX = /^\d{4}-\d\d-\d\dT[\d:.]+Z\t[0-9a-fA-F-]{8,}\t([A-Z]+)\t/;

/** The message with the runtime prefix folded: INFO dropped, other levels kept (`ERROR Invoke Error …`). */
export function foldRuntimePrefix(message: string): string {
  const match = RUNTIME_PREFIX.exec(message);
  return match ? `${match[1] === 'INFO' ? '' : `${match[1]} `}${message.slice(match[0].length)}` : message;
}

/** A log message as the pane shows it: runtime prefix folded (INFO dropped, other levels kept), controls removed. */
export function displayMessage(message: string): string {
  return sanitize(foldRuntimePrefix(message));
}
