/** CI flags -> the operations to fire, in the blog scripts' order: put, copy, delete, post, multipart. */
import type { OpInput } from '../ops/types.js';

export interface OpFlags {
  bucket: string;
  put?: string;
  copy?: string[];
  delkey?: string;
  post?: string;
  multipart?: string;
  size?: number;
  file?: string;
  key?: string;
  partSize?: number;
  concurrency?: number;
}

export function hasOpFlags(f: Partial<OpFlags>): boolean {
  return [f.put, f.copy, f.delkey, f.post, f.multipart].some((v) => v !== undefined);
}

export function planOps(f: OpFlags): OpInput[] {
  const ops: OpInput[] = [];
  const key = f.key !== undefined ? { key: f.key } : {};
  if (f.put !== undefined) ops.push({ kind: 'put', bucket: f.bucket, file: f.put, ...key });
  if (f.copy !== undefined) {
    const [sourceBucket = '', sourceKey = '', destKey = ''] = f.copy;
    ops.push({ kind: 'copy', bucket: f.bucket, sourceBucket, sourceKey, key: destKey });
  }
  if (f.delkey !== undefined) ops.push({ kind: 'delete', bucket: f.bucket, key: f.delkey });
  if (f.post !== undefined) ops.push({ kind: 'post', bucket: f.bucket, file: f.post, ...key });
  if (f.multipart !== undefined) {
    ops.push({
      kind: 'multipart',
      bucket: f.bucket,
      key: f.multipart,
      ...(f.file !== undefined ? { file: f.file } : {}),
      ...(f.size !== undefined ? { sizeMB: f.size } : {}),
      ...(f.partSize !== undefined ? { partSizeMB: f.partSize } : {}),
      ...(f.concurrency !== undefined ? { concurrency: f.concurrency } : {}),
    });
  }
  return ops;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest --timeout: timers past 2^31-1 ms (24.8 days) fire at once, and a day is already generous. */
export const MAX_TIMEOUT_MS = 24 * UNIT_MS.h!;

/** "30s", "500ms", "2m", "1h", or a bare number of seconds -> ms; undefined when unreadable or not positive. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 's']!;
  return ms > 0 ? Math.round(ms) : undefined;
}

/** --timeout TEXT -> ms, or a one-line usage message naming what to fix (negative, zero, unreadable, over 24 h). */
export function parseTimeout(text: string): { ms: number } | { problem: string } {
  const ms = parseDuration(text);
  if (ms === undefined) {
    const negative = /^\s*-/.test(text) || /^\s*0*(\.0*)?\s*(ms|s|m|h)?\s*$/.test(text);
    return { problem: `--timeout '${text}' is not ${negative ? 'a positive duration' : 'a duration'}: use e.g. 30s, 2m or 500ms` };
  }
  if (ms > MAX_TIMEOUT_MS) return { problem: `--timeout '${text}' is longer than 24h: use at most 24h` };
  return { ms };
}
