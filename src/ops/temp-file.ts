/** The multipart temp file's directory (TMPDIR): checked before any request, and named when it fills up. */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { problem, type InputProblem } from './problems.js';

/** A missing, read-only or inode-full TMPDIR is bad input (exit 2), found by creating a probe file there. */
export async function tempDirProblem(): Promise<InputProblem | undefined> {
  const probe = join(tmpdir(), `s3trigger-probe-${randomUUID()}`);
  try {
    await writeFile(probe, '', { flag: 'wx', mode: 0o600 });
    await rm(probe, { force: true });
    return undefined;
  } catch (err) {
    return problem('TempFileUnwritable', tempFileMessage(err));
  }
}

/** One line for a temp file that cannot be written (also used when the disk fills while writing it). */
export function tempFileMessage(err: unknown): string {
  const code = (err as { code?: string }).code ?? 'error';
  const why = code === 'ENOSPC' ? 'no space left (ENOSPC)' : code === 'ENOENT' ? 'no such directory (ENOENT)' : code;
  return `--multipart: cannot write the temp file for --size data in ${tmpdir()} (TMPDIR): ${why}: free space there, set TMPDIR, or pass --file`;
}
