/** Building blocks of the input checks (no SDK import): a problem value and the local-file check. */
import { access, constants, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Why an input cannot be sent: an error code and one line naming what to fix. */
export interface InputProblem {
  code: string;
  message: string;
}

/** A problem value. */
export const problem = (code: string, message: string): InputProblem => ({ code, message });

/** A finite number above zero. */
export const positive = (n: number): boolean => Number.isFinite(n) && n > 0;

/** Why `path` (given with `flag`) cannot be uploaded: missing, not a regular file, unreadable. */
export async function fileProblem(path: string, flag: string): Promise<InputProblem | undefined> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return problem('FileUnreadable', `${flag} ${path}: not a regular file`);
    await access(path, constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') return problem('FileNotFound', `${flag} ${path}: file not found`);
    if (code === 'ENOTDIR')
      return problem('FileNotFound', `${flag} ${path}: ${(await fileInPath(path)) ?? 'a part of the path'} is a file, not a directory`);
    if (code === 'EACCES') return problem('FileUnreadable', `${flag} ${path}: permission denied`);
    return problem('FileUnreadable', `${flag} ${path}: cannot read it (${code ?? 'error'})`);
  }
}

/** The first part of `path` that is a file, when a later part needs it to be a directory (ENOTDIR). */
async function fileInPath(path: string): Promise<string | undefined> {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    const s = await stat(dir).catch(() => undefined);
    if (s?.isFile()) return dir;
  }
  return undefined;
}
