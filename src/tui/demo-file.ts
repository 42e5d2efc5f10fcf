/** The small file PUT and POST upload when the user named none; removed on quit. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEMO_FILE_NAME = 'test.txt';
/** The blog's demo file: 29 bytes with the newline. */
export const DEMO_FILE_TEXT = 'S3 events trigger demo file.\n';

export interface DemoFile {
  path: string;
  remove(): Promise<void>;
}

export async function createDemoFile(): Promise<DemoFile> {
  const dir = await mkdtemp(join(tmpdir(), 's3trigger-tui-'));
  const path = join(dir, DEMO_FILE_NAME);
  await writeFile(path, DEMO_FILE_TEXT);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
