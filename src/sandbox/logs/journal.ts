/**
 * The Logs store's persistence: one append-only NDJSON journal of changes, replayed at start.
 * Writes are synchronous so an acknowledged PutLogEvents (or a Lambda line) survives a crash of the
 * sandbox, and replay in file order reproduces the same ingestion sequence, hence the same event ids.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type JournalRecord =
  | { op: 'group'; name: string; t: number }
  | { op: 'stream'; group: string; name: string; t: number }
  | { op: 'events'; group: string; stream: string; i: number; e: [timestamp: number, message: string][] }
  | { op: 'deleteGroup'; name: string }
  | { op: 'deleteStream'; group: string; name: string };

export class Journal {
  private fd: number | undefined;

  private constructor(private readonly path: string) {}

  /** Opens (creating) the journal and returns it with the records already in it. */
  static open(path: string): { journal: Journal; records: JournalRecord[] } {
    mkdirSync(dirname(path), { recursive: true });
    const records = existsSync(path) ? readRecords(path) : [];
    const journal = new Journal(path);
    journal.fd = openSync(path, 'a');
    return { journal, records };
  }

  append(record: JournalRecord): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, JSON.stringify(record) + '\n');
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

/** Reads every complete line; a torn last line (crash mid-write) is cut off so appends start clean. */
function readRecords(path: string): JournalRecord[] {
  const buf = readFileSync(path);
  const end = buf.lastIndexOf(0x0a) + 1;
  if (end < buf.length) truncateSync(path, end);
  const records: JournalRecord[] = [];
  for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
    if (line === '') continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // A corrupt line is skipped rather than refusing to start; the rest of the history stays readable.
    }
  }
  return records;
}
