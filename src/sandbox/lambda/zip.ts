/** Deployment packages: AWS's size limits, unzip into a code folder safely, zip for the demo, CodeSha256. */
import { createHash } from 'node:crypto';
import { closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { inflateEntry, inflateEntrySync, readCentralDirectory, ZipFormatError, type ZipEntry } from './zip-reader.js';

export { ZipFormatError } from './zip-reader.js';

/** Largest zip accepted as a direct upload (ZipFile), as on AWS: 50 MB. */
export const MAX_ZIPPED_BYTES = 52_428_800;
/** Largest unzipped package, as on AWS: 250 MB, counted over every file's bytes. */
export const MAX_UNZIPPED_BYTES = 262_144_000;
/** Longest file or folder name most file systems take (Linux NAME_MAX), in bytes. */
const MAX_NAME_BYTES = 255;

/** The package unpacks to more than the limit; raised while unpacking, before the limit is passed. */
export class UnzippedTooLargeError extends Error {
  override readonly name = 'UnzippedTooLargeError';
  constructor(readonly limit: number) {
    super(`Unzipped size must be smaller than ${limit} bytes`);
  }
}

/** A zip entry name as a safe relative path, or undefined for directories and escapes (zip-slip). */
export function safeEntryPath(name: string): string | undefined {
  const normalized = name.replaceAll('\\', '/');
  if (normalized.endsWith('/') || normalized.startsWith('/') || /^[a-zA-Z]:/.test(normalized)) return undefined;
  const parts = normalized.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}

/**
 * Where each file of the archive goes (relative path -> entry; a later duplicate wins). Throws
 * ZipFormatError when the tree cannot exist on disk: a name used both as a file and as a folder
 * (`a` + `a/b`, a symlink entry `lnk` + `lnk/x`), a name over 255 bytes, a NUL in a name; and
 * UnzippedTooLargeError when the declared sizes already pass `limit`.
 */
export function planPackage(entries: ZipEntry[], limit = MAX_UNZIPPED_BYTES): Map<string, ZipEntry> {
  const files = new Map<string, ZipEntry>();
  const folders = new Set<string>();
  for (const entry of entries) {
    const normalized = entry.name.replaceAll('\\', '/');
    if (normalized.includes('\0')) throw new ZipFormatError('NUL in an entry name');
    const path = safeEntryPath(normalized);
    const folder = path === undefined && normalized.endsWith('/') ? safeEntryPath(normalized.slice(0, -1)) : undefined;
    const parts = (path ?? folder)?.split('/') ?? [];
    if (parts.some((p) => Buffer.byteLength(p) > MAX_NAME_BYTES)) throw new ZipFormatError(`${entry.name}: name too long`);
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    if (folder) folders.add(folder);
    if (path) files.set(path, entry);
  }
  let declared = 0;
  for (const [path, entry] of files) {
    if (folders.has(path)) throw new ZipFormatError(`${path} is both a file and a folder`);
    declared += entry.size;
  }
  if (declared > limit) throw new UnzippedTooLargeError(limit);
  return files;
}

/**
 * The permission bits an unpacked file gets: 0755 when the archive lets everyone execute it (Lambda runs code as
 * a user that owns none of the files, so only the "others" execute bit counts), else 0644. An archive without Unix
 * modes (made on Windows) gives no file the execute bit, as on AWS, where such a `bootstrap` fails with
 * "permission denied".
 */
export function unpackedFileMode(entry: Pick<ZipEntry, 'unixMode'>): number {
  return entry.unixMode !== undefined && (entry.unixMode & 0o001) !== 0 ? 0o755 : 0o644;
}

/**
 * Unpacks a deployment package into `dir` (created; the caller removes it on failure), streaming each
 * entry to disk. Rejects with ZipFormatError or UnzippedTooLargeError, the latter before more than
 * `limit` bytes are written, whatever the archive declares.
 */
export async function extractPackage(zip: Uint8Array, dir: string, limit = MAX_UNZIPPED_BYTES): Promise<void> {
  const plan = planPackage(readCentralDirectory(zip), limit);
  mkdirSync(dir, { recursive: true });
  let total = 0;
  for (const [path, entry] of plan) {
    const fd = openFile(join(dir, path));
    try {
      fchmodSync(fd, unpackedFileMode(entry));
      for await (const chunk of inflateEntry(zip, entry)) {
        total += chunk.length;
        if (total > limit) throw new UnzippedTooLargeError(limit);
        writeSync(fd, chunk);
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** Opens a file for writing; a path the file system refuses (too long) is the archive's fault. */
function openFile(target: string): number {
  try {
    mkdirSync(dirname(target), { recursive: true });
    return openSync(target, 'w');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENAMETOOLONG' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST')
      throw new ZipFormatError(`${target}: ${code}`);
    throw err;
  }
}

export type UnzipResult = { ok: true; files: Map<string, Uint8Array> } | { ok: false; message: string };

/** The package's files in memory (relative path -> bytes), under the same rules and limit as extractPackage. */
export function unzipPackage(zip: Uint8Array, limit = MAX_UNZIPPED_BYTES): UnzipResult {
  try {
    const files = new Map<string, Uint8Array>();
    for (const [path, entry] of planPackage(readCentralDirectory(zip), limit)) files.set(path, inflateEntrySync(zip, entry));
    return { ok: true, files };
  } catch (err) {
    if (err instanceof ZipFormatError || err instanceof UnzippedTooLargeError) return { ok: false, message: err.message };
    throw err;
  }
}

/** A file of zipPackage with its Unix permission bits (e.g. 0o755 for a `bootstrap`). */
export interface ZipFileWithMode {
  content: string | Uint8Array;
  mode: number;
}

export function zipPackage(files: Record<string, string | Uint8Array | ZipFileWithMode>): Uint8Array {
  const entries: Record<string, Uint8Array | [Uint8Array, { os: number; attrs: number }]> = {};
  const bytes = (content: string | Uint8Array) => (typeof content === 'string' ? strToU8(content) : content);
  for (const [name, file] of Object.entries(files)) {
    entries[name] =
      typeof file === 'string' || file instanceof Uint8Array
        ? bytes(file)
        : [bytes(file.content), { os: 3, attrs: ((0o100000 | file.mode) << 16) >>> 0 }];
  }
  // A fixed mtime keeps the zip (and so CodeSha256) stable across runs.
  return zipSync(entries, { mtime: new Date(2020, 0, 1) });
}

export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}
