/**
 * Turns a child's stdout/stderr byte stream into log lines: UTF-8 safe, one line per "\n",
 * lines over CloudWatch's event limit cut into pieces, and the end-of-invocation marker found.
 */
import { StringDecoder } from 'node:string_decoder';
import { MAX_EVENT_BYTES, splitForCloudWatch } from './log-format.js';

// The bootstraps write `\x1e<requestId>\x1e\n` after each invocation (never valid handler text).

export type AssembledItem = { line: string } | { marker: string };

export class LineAssembler {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Lines get their "\n" back when logged, hence one byte less than CloudWatch's limit. */
  constructor(private readonly maxBytes = MAX_EVENT_BYTES - 1) {}

  push(chunk: Buffer | string): AssembledItem[] {
    const out: AssembledItem[] = [];
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    for (let nl = this.pending.indexOf('\n'); nl !== -1; nl = this.pending.indexOf('\n')) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.emitLine(line, out);
    }
    // Keep a partial line bounded: a handler printing 10 MB without a newline must not grow it.
    if (this.pending.length > this.maxBytes) {
      const pieces = splitForCloudWatch(this.pending, this.maxBytes);
      this.pending = pieces.pop() ?? '';
      for (const p of pieces) out.push({ line: p });
    }
    return out;
  }

  /** The partial line so far as a line of its own (the stream goes on: an invocation ended without an end marker). */
  flush(): AssembledItem[] {
    const out: AssembledItem[] = [];
    if (this.pending) this.emitLine(this.pending, out);
    this.pending = '';
    return out;
  }

  /** What is left when the stream ends. */
  end(): AssembledItem[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    const out: AssembledItem[] = [];
    if (rest) this.emitLine(rest, out);
    return out;
  }

  private emitLine(line: string, out: AssembledItem[]): void {
    const m = /\x1e([^\x1e]*)\x1e$/.exec(line);
    if (m) {
      const before = line.slice(0, m.index);
      if (before) for (const p of splitForCloudWatch(before, this.maxBytes)) out.push({ line: p });
      out.push({ marker: m[1]! });
      return;
    }
    for (const p of splitForCloudWatch(line, this.maxBytes)) out.push({ line: p });
  }
}
