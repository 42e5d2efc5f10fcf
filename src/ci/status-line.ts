/**
 * CI's one status line on a terminal (multipart progress, "waiting for the invocation…"): rewritten in place on
 * stderr, and only when stderr is a TTY, so pipes, files and `--json` stdout never see it.
 */
import type { Writable } from 'node:stream';
import type { OpInput } from '../ops/types.js';
import { keyOf } from '../ops/index.js';
import { opDefinition } from '../ops/registry.js';

/** A stream that may be a terminal (process.stderr). */
export type MaybeTty = Writable & { isTTY?: boolean; columns?: number };

/** Carriage return, then ECMA-48 "erase in line" (whole line): the cursor is back at column 0 on an empty line. */
const ERASE = '\r\u001b[2K';
/** Redraws of the same kind of line at most this often (ms); a line of another kind is drawn at once. */
const MIN_REDRAW_MS = 100;

/**
 * The status line. `enabled` false (stderr not a TTY, `--quiet`) makes every method a no-op. Every other line
 * written to the terminal goes through `write()`, which takes the status line away first and puts it back after.
 */
export class StatusLine {
  private shown = '';
  private drawnAt = 0;

  constructor(
    private readonly stream: MaybeTty,
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Shows `text` in place of the current status (cut to the terminal's width); `force` skips the redraw limit. */
  show(text: string, force = false): void {
    if (!this.enabled) return;
    if (!force && this.shown !== '' && this.now() - this.drawnAt < MIN_REDRAW_MS) return;
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    const line = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    this.stream.write(`${ERASE}${line}`);
    this.shown = line;
    this.drawnAt = this.now();
  }

  /** Removes the status line (nothing when none is shown). */
  clear(): void {
    if (!this.enabled || this.shown === '') return;
    this.stream.write(ERASE);
    this.shown = '';
  }

  /** Writes other output without tearing the status line: clear, write, redraw. */
  write(out: () => void): void {
    const shown = this.shown;
    this.clear();
    out();
    if (shown) this.show(shown, true);
  }
}

const label = (input: OpInput) => `${opDefinition(input.kind).label} ${keyOf(input)}`;
const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
const seconds = (ms: number) => `${Math.floor(ms / 1000)}s`;

/** `MULTIPART bigfile.bin: 12.0 of 300.0 MiB (4%)`; bytes sent so far of the total when known. */
export function progressText(input: OpInput, loaded: number, total: number | undefined): string {
  if (!total) return `${label(input)}: ${mib(loaded)} MiB sent`;
  return `${label(input)}: ${mib(loaded)} of ${mib(total)} MiB (${Math.floor((loaded / total) * 100)}%)`;
}

/** How long an acknowledged operation has waited for its invocation, of --timeout; `retrying`: the Lambda failed and its retries are awaited. */
export function waitingText(input: OpInput, elapsedMs: number, timeoutMs: number, retrying = false): string {
  const what = retrying ? `Lambda failed; waiting for its retries (${label(input)})` : `Waiting for the invocation of ${label(input)}`;
  return `${what}: ${seconds(Math.min(Math.max(0, elapsedMs), timeoutMs))} of ${timeoutMs / 1000}s`;
}
