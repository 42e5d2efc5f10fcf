/**
 * Event source mappings on disk: one JSON file, `<dataDir>/lambda/event-source-mappings.json` (next to the function
 * folders; no function name has a dot), rewritten whole through a temp file and a rename. Loaded at start-up.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { StoredMapping } from './config.js';

export class MappingStore {
  private readonly mappings = new Map<string, StoredMapping>();

  /** Reads `file` when present; a file that cannot be read as mappings is reported through `log` and left as it is. */
  constructor(
    readonly file: string,
    log: (line: string) => void,
  ) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return; // none yet
    }
    try {
      const list = JSON.parse(text) as StoredMapping[];
      if (!Array.isArray(list)) throw new Error('not a list');
      for (const m of list) if (m && typeof m.UUID === 'string') this.mappings.set(m.UUID, m);
    } catch (err) {
      log(`lambda: could not read event source mappings from ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  get(uuid: string): StoredMapping | undefined {
    return this.mappings.get(uuid);
  }

  /** In creation order. */
  list(): StoredMapping[] {
    return [...this.mappings.values()];
  }

  put(mapping: StoredMapping): void {
    this.mappings.set(mapping.UUID, mapping);
    this.save();
  }

  delete(uuid: string): void {
    this.mappings.delete(uuid);
    this.save();
  }

  private save(): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.list(), null, 2));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
