/**
 * File bodies held in memory while a burst runs. A burst sends the same file N times: it reads the file once
 * (holdBody) and PUT and POST take the bytes from here instead of opening, reading and closing the file per operation
 * (a tenth of the CLI's CPU in a 1,000-PUT burst). A held file is sent as it was when held: a file changed during a
 * burst does not change the burst's body. Keyed by the path exactly as the operations name it.
 */
import { readFile } from 'node:fs/promises';

const held = new Map<string, { bytes: NonSharedBuffer; holders: number }>();

/**
 * Reads `path` once and keeps its bytes until the returned release is called (holds nest: the bytes are dropped at
 * the last release). Rejects as readFile does (the caller may go on without holding: each operation then reads).
 */
export async function holdBody(path: string): Promise<() => void> {
  const known = held.get(path);
  if (known) known.holders++;
  else held.set(path, { bytes: await readFile(path), holders: 1 });
  let released = false;
  return () => {
    const entry = held.get(path);
    if (released || !entry) return;
    released = true;
    if (--entry.holders === 0) held.delete(path);
  };
}

/** The body of `path`: the held bytes when a burst holds them, else the file as read now. */
export function bodyOf(path: string): Promise<NonSharedBuffer> {
  const bytes = held.get(path)?.bytes;
  return bytes ? Promise.resolve(bytes) : readFile(path);
}
