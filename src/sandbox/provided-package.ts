/**
 * `--handler` with a custom runtime: a `bootstrap` executable (any executable file without a handler extension,
 * e.g. a Go or Rust binary), or a directory holding one. The function runs as `provided.al2023`, its package is the
 * executable zipped as `bootstrap` (mode 0755), or the whole directory with each file's execute bit kept.
 */
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import type { Runtime } from '@aws-sdk/client-lambda';
import { usageError } from '../errors.js';
import { MAX_UNZIPPED_BYTES, zipPackage, type ZipFileWithMode } from './lambda/zip.js';

export const PROVIDED_DEFAULT_RUNTIME = 'provided.al2023';

/** Handler files of the managed runtimes: never taken for a custom runtime's executable. */
const HANDLER_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.py', '.rb']);

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const statOf = (path: string) => statSync(path, { throwIfNoEntry: false });

/**
 * What `--handler OPTION` means for a custom runtime: `{ bootstrap }` (the executable to zip), `{ dir }` (a folder
 * whose `bootstrap` is executable), a one-line problem for a `bootstrap` that cannot run, or undefined when the
 * option is not a custom runtime (a .js/.py/… handler, or nothing on disk).
 */
export function providedHandler(option: string): { bootstrap: string } | { dir: string } | { problem: string } | undefined {
  const st = statOf(option);
  if (!st) return undefined;
  if (st.isDirectory()) {
    const inside = join(option, 'bootstrap');
    if (!statOf(inside)?.isFile())
      return { problem: `--handler ${option}: the folder holds no bootstrap file (a custom runtime's executable)` };
    if (!isExecutable(inside)) return { problem: `--handler ${option}: ${inside} is not executable: chmod +x it` };
    return { dir: option };
  }
  if (!st.isFile() || HANDLER_EXTENSIONS.has(extname(option).toLowerCase())) return undefined;
  const named = basename(option) === 'bootstrap';
  if (isExecutable(option)) return { bootstrap: option };
  if (named) return { problem: `--handler ${option}: bootstrap is not executable: chmod +x it` };
  return undefined;
}

/** Every regular file under `dir` (relative path → bytes and mode), as a custom runtime's package. */
function folderFiles(dir: string): Record<string, ZipFileWithMode> {
  const files: Record<string, ZipFileWithMode> = {};
  let total = 0;
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const content = readFileSync(path);
        total += content.length;
        if (total > MAX_UNZIPPED_BYTES) throw usageError(`--handler ${dir}: the folder holds more than Lambda's 250 MB unzipped limit`);
        files[relative(dir, path).split('\\').join('/')] = { content, mode: isExecutable(path) ? 0o755 : 0o644 };
      }
    }
  };
  walk(dir);
  return files;
}

/** The package of a custom runtime handler (see providedHandler), or undefined when OPTION is not one. */
export function providedPackage(option: string): { runtime: Runtime; handler: string; zip: Uint8Array } | undefined {
  const found = providedHandler(option);
  if (!found) return undefined;
  if ('problem' in found) throw usageError(found.problem);
  const files = 'dir' in found ? folderFiles(found.dir) : { bootstrap: { content: readFileSync(found.bootstrap), mode: 0o755 } };
  return { runtime: PROVIDED_DEFAULT_RUNTIME as Runtime, handler: 'bootstrap', zip: zipPackage(files) };
}
