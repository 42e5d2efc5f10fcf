/**
 * A body file's bytes held in memory while a burst sends it N times: PUT reads its file on every send (a single PUT
 * must see the file as it is now), which for a 1000-op burst is 1000 open/read/close round trips on the thread pool
 * for the same bytes (~6% of the tool's CPU per op). The burst pins its body file once; PUT takes the pinned bytes.
 */
import { readFile } from 'node:fs/promises';

const pinned = new Map<string, { body: Buffer; holders: number }>();

/** Reads `file` once and serves it to PUTs of that path until the returned release is called (counted per pin). */
export async function pinBody(file: string): Promise<() => void> {
  const held = pinned.get(file);
  if (held) held.holders += 1;
  else pinned.set(file, { body: await readFile(file), holders: 1 });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const entry = pinned.get(file);
    if (entry && --entry.holders === 0) pinned.delete(file);
  };
}

/** The body of `file`: the pinned bytes while a burst holds them, else the file read now. */
export function bodyOf(file: string): Buffer | Promise<Buffer> {
  return pinned.get(file)?.body ?? readFile(file);
}
