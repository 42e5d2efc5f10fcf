/**
 * SQS persistence: one snapshot file, `<dataDir>/sqs/state.json` (queues, attributes, tags and every message with
 * its visibility, receive count and latest receipt), rewritten whole — written to a temp file, then renamed over
 * the old one, so a crash leaves the old or the new snapshot, never a torn one. A change schedules a rewrite after
 * a short debounce (SNAPSHOT_DEBOUNCE_MS): the send/receive path only marks the state dirty and never touches the
 * disk, so a burst of operations costs one write. `close()` writes what is pending. The price: a `kill -9` loses
 * the changes of the last debounce window. An ephemeral sandbox (no `--data`) writes nothing.
 */
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Queue, SqsEngine, StoredMessage } from './engine.js';

export const SNAPSHOT_DEBOUNCE_MS = 100;

interface QueueSnapshot {
  name: string;
  createdAt: number;
  lastModifiedAt: number;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  messages: StoredMessage[];
}

interface Snapshot {
  version: 1;
  queues: QueueSnapshot[];
}

/** Loads `<dir>/state.json` into the engine (nothing when absent; a file that does not parse is set aside and logged). */
export function loadSnapshot(dir: string, engine: SqsEngine, log: (line: string) => void): void {
  const file = join(dir, 'state.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  try {
    const snapshot = JSON.parse(text) as Snapshot;
    for (const q of snapshot.queues) {
      const queue: Queue = {
        name: q.name,
        arn: engine.arnOf(q.name),
        createdAt: q.createdAt,
        lastModifiedAt: q.lastModifiedAt,
        attributes: q.attributes,
        tags: q.tags ?? {},
        messages: new Map(q.messages.map((m) => [m.id, m])),
        waiters: new Set(),
      };
      engine.queues.set(q.name, queue);
    }
  } catch (err) {
    const aside = `${file}.unreadable-${Date.now()}`;
    renameSync(file, aside);
    log(`sqs: ${file} could not be read (${(err as Error).message}); moved to ${aside}, starting with no queues`);
  }
}

function snapshotOf(engine: SqsEngine): Snapshot {
  return {
    version: 1,
    queues: [...engine.queues.values()].map((q) => ({
      name: q.name,
      createdAt: q.createdAt,
      lastModifiedAt: q.lastModifiedAt,
      attributes: q.attributes,
      tags: q.tags,
      messages: [...q.messages.values()],
    })),
  };
}

/** Debounced atomic snapshots of one engine's state (see the module comment). */
export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private engine: SqsEngine | undefined;

  constructor(
    private readonly dir: string,
    private readonly log: (line: string) => void,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  attach(engine: SqsEngine): void {
    this.engine = engine;
  }

  /** Marks the state changed; a write follows within the debounce. */
  changed(): void {
    this.dirty = true;
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, SNAPSHOT_DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Writes what is pending now and waits for it (the sandbox closes). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    if (this.dirty) await this.write();
  }

  private write(): Promise<void> {
    if (!this.engine) return Promise.resolve();
    this.dirty = false;
    const file = join(this.dir, 'state.json');
    const temp = `${file}.tmp`;
    const body = JSON.stringify(snapshotOf(this.engine));
    this.writing = (async () => {
      let failed = false;
      try {
        await writeFile(temp, body);
        await rename(temp, file);
      } catch (err) {
        failed = true;
        this.dirty = true;
        this.log(`sqs: could not write ${file}: ${(err as Error).message}; queues and messages since are kept in memory only`);
      } finally {
        this.writing = undefined;
      }
      // After a failure the next change retries, rather than a loop against a full disk.
      if (this.dirty && !failed) this.changed();
    })();
    return this.writing;
  }
}
