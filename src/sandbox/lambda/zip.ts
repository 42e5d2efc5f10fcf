/** Deployment packages: unzip (fflate) into a code folder safely, zip for the demo, CodeSha256. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';

/** A zip entry name as a safe relative path, or undefined for directories and escapes (zip-slip). */
export function safeEntryPath(name: string): string | undefined {
  const normalized = name.replaceAll('\\', '/');
  if (normalized.endsWith('/') || normalized.startsWith('/') || /^[a-zA-Z]:/.test(normalized)) return undefined;
  const parts = normalized.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}

export type UnzipResult = { ok: true; files: Map<string, Uint8Array> } | { ok: false; message: string };

export function unzipPackage(zip: Uint8Array): UnzipResult {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  const files = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) {
    const path = safeEntryPath(name);
    if (path) files.set(path, data);
  }
  return { ok: true, files };
}

export function writePackage(files: Map<string, Uint8Array>, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [path, data] of files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
}

export function zipPackage(files: Record<string, string | Uint8Array>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(files)) entries[name] = typeof content === 'string' ? strToU8(content) : content;
  // A fixed mtime keeps the zip (and so CodeSha256) stable across runs.
  return zipSync(entries, { mtime: new Date(2020, 0, 1) });
}

export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}
