/**
 * The Logs store's persistence: one append-only NDJSON journal of changes, replayed at start as a stream
 * (a fixed read buffer, never the whole file in memory) and compacted by an atomic rewrite.
 * Writes are synchronous and whole: a batch is on disk entirely or not at all (a short write is cut back
 * and the error thrown), so an acknowledged PutLogEvents (or a Lambda line, journaled within the event-loop turn
 * it was printed in and before any reader can see it) survives a crash of the sandbox and is never glued to the next one. Replay in file order reproduces the same ingestion
 * sequence; compacted records carry their sequence numbers, so event ids survive compaction too.
 */
import { closeSync, constants, fsyncSync, ftruncateSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** One event in a record: timestamp (ms), message, and in compacted records its sequence number. */
export type EventTuple = [timestamp: number, message: string, seq?: number];

export type JournalRecord =
  | { op: 'group'; name: string; t: number }
  | { op: 'stream'; group: string; name: string; t: number; li?: number }
  | { op: 'events'; group: string; stream: string; i: number; e: EventTuple[] }
  | { op: 'deleteGroup'; name: string }
  | { op: 'deleteStream'; group: string; name: string }
  /** PutRetentionPolicy (days) or DeleteRetentionPolicy (no days). */
  | { op: 'retention'; group: string; days?: number }
  /** Every event of the group at or before this position is gone (retention, size cap). */
  | { op: 'trim'; group: string; ts: number; seq: number }
  /** The next sequence number, so that ids are never reused after compaction. */
  | { op: 'seq'; next: number };

/** No record the store writes is longer (PutLogEvents bodies are at most 16 MiB); a longer line is junk. */
export const MAX_RECORD_BYTES = 32 * 1024 * 1024;
const DEFAULT_READ_BUFFER_BYTES = 1024 * 1024;
const WRITE_CHUNK_BYTES = 1024 * 1024;

export interface ReplayResult {
  /** Offset just after the last complete line: where appends continue. */
  end: number;
  /** Lines that could not be read as a record (skipped), plus a torn last line (cut off). */
  skipped: number;
}

/**
 * Calls `onRecord` for each record of the journal at `path` in file order, reading `readBufferBytes`
 * at a time. A corrupt or over-long line is skipped; a torn last line (crash mid-write) is cut off the
 * file so that appends start clean. A missing file is an empty journal.
 */
export function replayJournal(
  path: string,
  onRecord: (record: JournalRecord) => void,
  readBufferBytes = DEFAULT_READ_BUFFER_BYTES,
): ReplayResult {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { end: 0, skipped: 0 };
    throw err;
  }
  const buf = Buffer.allocUnsafe(readBufferBytes);
  let pieces: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  let skipped = 0;
  let end = 0;
  let pos = 0;
  const take = (line: Buffer) => {
    if (line.length === 0) return;
    const record = parseRecord(line);
    if (record) onRecord(record);
    else skipped++;
  };
  try {
    for (let n = readSync(fd, buf, 0, buf.length, pos); n > 0; pos += n, n = readSync(fd, buf, 0, buf.length, pos)) {
      const chunk = buf.subarray(0, n);
      let from = 0;
      for (let nl = chunk.indexOf(0x0a, from); nl !== -1; from = nl + 1, nl = chunk.indexOf(0x0a, from)) {
        if (overlong) skipped++;
        else take(pieces.length ? Buffer.concat([...pieces, chunk.subarray(from, nl)]) : chunk.subarray(from, nl));
        pieces = [];
        pendingBytes = 0;
        overlong = false;
        end = pos + nl + 1;
      }
      if (from < n && !overlong) {
        pendingBytes += n - from;
        if (pendingBytes > MAX_RECORD_BYTES) {
          overlong = true;
          pieces = [];
        } else pieces.push(Buffer.from(chunk.subarray(from)));
      }
    }
    if (end < pos) {
      ftruncateSync(fd, end);
      skipped++;
    }
  } finally {
    closeSync(fd);
  }
  return { end, skipped };
}

function parseRecord(line: Buffer): JournalRecord | undefined {
  try {
    const value: unknown = JSON.parse(line.toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isTuple = (v: unknown) =>
  Array.isArray(v) && isNumber(v[0]) && isString(v[1]) && (v.length === 2 || (v.length === 3 && isNumber(v[2])));

/** A line that parses but has not the shape the store wrote (a corrupt or foreign line) is no record. */
function isRecord(v: unknown): v is JournalRecord {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  switch (r.op) {
    case 'group':
      return isString(r.name) && isNumber(r.t);
    case 'stream':
      return isString(r.group) && isString(r.name) && isNumber(r.t) && (r.li === undefined || isNumber(r.li));
    case 'events':
      return isString(r.group) && isString(r.stream) && isNumber(r.i) && Array.isArray(r.e) && r.e.every(isTuple);
    case 'deleteGroup':
      return isString(r.name);
    case 'deleteStream':
      return isString(r.group) && isString(r.name);
    case 'retention':
      return isString(r.group) && (r.days === undefined || isNumber(r.days));
    case 'trim':
      return isString(r.group) && isNumber(r.ts) && isNumber(r.seq);
    case 'seq':
      return isNumber(r.next);
    default:
      return false;
  }
}

/** The journal open for appends at a known length. */
export class Journal {
  private fd: number | undefined;
  /** A failed write could not be cut back: the next append retries that first. */
  private dirty = false;

  private constructor(
    private readonly path: string,
    private length: number,
  ) {
    this.fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
  }

  /** Opens (creating) the journal at `path`, appending from `end` (see replayJournal). */
  static open(path: string, end: number): Journal {
    return new Journal(path, end);
  }

  /** Bytes of whole records in the file. */
  get size(): number {
    return this.length;
  }

  /** Writes the records as one write, whole; throws (file unchanged) when they cannot all be written. */
  append(records: readonly JournalRecord[]): void {
    if (this.fd === undefined || records.length === 0) return;
    if (this.dirty) {
      ftruncateSync(this.fd, this.length);
      this.dirty = false;
    }
    const buf = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    try {
      writeWhole(this.fd, buf, this.length);
    } catch (err) {
      try {
        ftruncateSync(this.fd, this.length);
      } catch {
        this.dirty = true;
      }
      throw err;
    }
    this.length += buf.length;
  }

  /**
   * Replaces the journal with `records` (the store's live state), crash-safe: written to a side file,
   * synced, then renamed over the journal. On failure the side file is removed and the journal is unchanged.
   */
  rewrite(records: Iterable<JournalRecord>): void {
    const side = sideFile(this.path);
    const fd = openSync(side, 'w', 0o600);
    let length = 0;
    try {
      let batch = '';
      const flush = () => {
        const buf = Buffer.from(batch);
        writeWhole(fd, buf, length);
        length += buf.length;
        batch = '';
      };
      for (const record of records) {
        batch += `${JSON.stringify(record)}\n`;
        if (batch.length >= WRITE_CHUNK_BYTES) flush();
      }
      flush();
      fsyncSync(fd);
      closeSync(fd);
      renameSync(side, this.path);
    } catch (err) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      rmSync(side, { force: true });
      throw err;
    }
    syncDirectory(dirname(this.path));
    this.close();
    this.fd = openSync(this.path, constants.O_RDWR);
    this.length = length;
    this.dirty = fstatSync(this.fd).size !== length;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  toString(): string {
    return `Journal(${this.path})`;
  }
}

/** Where a compaction is written before it replaces the journal; a leftover one (crash) is removed at open. */
export const sideFile = (path: string) => `${path}.compacting`;

function writeWhole(fd: number, buf: Buffer, position: number): void {
  for (let done = 0; done < buf.length; ) {
    const n = writeSync(fd, buf, done, buf.length - done, position + done);
    if (n <= 0) throw Object.assign(new Error('short write to the log journal'), { code: 'EIO' });
    done += n;
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every file system can sync a directory; the rename itself is atomic either way.
  }
}
