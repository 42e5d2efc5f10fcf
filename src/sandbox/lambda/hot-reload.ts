/**
 * Hot reload for `--handler FILE` on the embedded sandbox: a saved change under the handler's folder (an imported
 * module, a rebuilt `bootstrap`) re-packages the function and updates its code as UpdateFunctionCode does (a new
 * CodeSha256; environments running the old code are retired, runner.ts), so the next invocation runs the new code.
 *
 * node:fs.watch on the folder and, with `recursive: true` (Linux since Node 20, macOS, Windows), on each subfolder
 * whose files are packaged (a subfolder made after the start is not followed until the next run); a burst of events (an editor's
 * write-then-rename, a compiler writing a binary in chunks) is debounced into one reload. Changes under
 * `node_modules`, `.git`, `__pycache__` and other dot folders, and editor scratch files (`*.swp`, `*~`, `4913`, `.#*`)
 * are ignored: the package holds none of them (demo.ts), so they cannot change what runs.
 */
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { parseHandlerOption } from '../demo.js';
import { providedHandler } from '../provided-package.js';

/**
 * How long a folder must stay quiet before a reload (ms): an editor's save (write, or write-then-rename) and a
 * `writeFileSync` are a few events within 1-2 ms; a change arriving later reloads again (reloads never overlap).
 */
export const RELOAD_DEBOUNCE_MS = 10;

/** Folders whose contents never reach the package. */
const IGNORED_DIRS = new Set(['node_modules', '__pycache__']);

/** The folder watched for `--handler OPTION`: the handler file's, a `bootstrap`'s, or the custom runtime's folder itself. */
export function handlerRoot(option: string): string {
  const custom = providedHandler(option);
  if (custom && 'dir' in custom) return resolve(custom.dir);
  if (custom && 'bootstrap' in custom) return dirname(resolve(custom.bootstrap));
  return dirname(resolve(parseHandlerOption(option).file));
}

/** Whether a change to `relativePath` (as fs.watch names it, under the handler's folder) can change the package. Pure. */
export function isRelevantChange(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/).filter((p) => p !== '');
  if (parts.length === 0) return false;
  const dirs = parts.slice(0, -1);
  if (dirs.some((d) => d.startsWith('.') || IGNORED_DIRS.has(d))) return false;
  const name = parts[parts.length - 1]!;
  if (IGNORED_DIRS.has(name) || name === '.git') return false;
  if (name.startsWith('.#') || name.endsWith('~') || /\.sw[a-p]$/.test(name) || name === '4913') return false;
  return true;
}

/** Debounces a stream of changed paths into batches: `flush` gets the distinct paths once `ms` pass without a new one. */
export class ChangeBatcher {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly flush: (paths: string[]) => void,
  ) {}

  add(path: string): void {
    this.pending.add(path);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const paths = [...this.pending].sort();
      this.pending = new Set();
      this.flush(paths);
    }, this.ms);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.pending.clear();
  }
}

/** One reload, as the session reports it (`HandlerReloaded`). */
export interface HandlerReload {
  /** When the new code was installed (ms since the epoch). */
  at: number;
  /** The changed paths, relative to the handler's folder. */
  files: string[];
}

export interface HandlerWatcherOptions {
  /** Re-packages and updates the function(s); resolves to false when the package did not change (same CodeSha256). */
  reload(files: string[]): Promise<boolean>;
  /** After a reload that changed the code. */
  reloaded(reload: HandlerReload): void;
  /** A reload that failed (the file does not parse as a package, a bootstrap lost its execute bit…): one line. */
  failed(message: string): void;
  debounceMs?: number;
}

export interface HandlerWatcher {
  /** The folder watched. */
  readonly root: string;
  close(): void;
}

/**
 * Watches the handler's folder and reloads after each quiet batch of relevant changes; reloads never overlap (a change
 * during one reloads again after it). Throws when the folder cannot be watched.
 */
export function watchHandler(option: string, options: HandlerWatcherOptions): HandlerWatcher {
  const root = handlerRoot(option);
  let running: Promise<void> | undefined;
  let again: string[] | undefined;
  let closed = false;
  const run = (files: string[]): void => {
    if (closed) return;
    if (running) {
      again = [...new Set([...(again ?? []), ...files])];
      return;
    }
    running = (async () => {
      try {
        if (await options.reload(files)) options.reloaded({ at: Date.now(), files });
      } catch (err) {
        options.failed(`handler not reloaded: ${err instanceof Error ? err.message : String(err)}`);
      }
    })().finally(() => {
      running = undefined;
      const next = again;
      again = undefined;
      if (next) run(next);
    });
  };
  const batcher = new ChangeBatcher(options.debounceMs ?? RELOAD_DEBOUNCE_MS, run);
  const onChange = (prefix: string) => (_event: string, name: string | Buffer | null) => {
    const relative = `${prefix}${name ? String(name) : ''}`;
    if (isRelevantChange(relative)) batcher.add(relative.split(sep).join('/'));
  };
  // The folder itself, then each subfolder recursively but node_modules, .git and the like: a recursive watch of the
  // root would put an inotify watch on every folder of node_modules (Linux), thousands in a real project.
  const watchers: FSWatcher[] = [watch(root, { persistent: false }, onChange(''))];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || !isRelevantChange(`${entry.name}/x`)) continue;
    try {
      watchers.push(watch(join(root, entry.name), { recursive: true, persistent: false }, onChange(`${entry.name}/`)));
    } catch {
      /* removed meanwhile, or unreadable: its files are not packaged either */
    }
  }
  for (const w of watchers) w.on('error', (err) => options.failed(`handler folder no longer watched: ${err.message}`));
  return {
    root,
    close() {
      closed = true;
      batcher.cancel();
      for (const w of watchers) w.close();
    },
  };
}
