/** Checks an operation's input before any request: pure rules, plus the file-system checks. */
import { access, constants, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpInput } from './types.js';
import { bucketNameProblem } from './bucket.js';
import { keyForFile } from './simple.js';
import { oneLine } from '../errors.js';
import { DEFAULT_PART_SIZE_MB, DEFAULT_SIZE_MB, MAX_CONCURRENCY, MAX_OBJECT_MB, MAX_PART_MB, MAX_PARTS, MIB, MIN_PART_MB } from './limits.js';

export interface InputProblem {
  code: string;
  message: string;
}


const problem = (code: string, message: string): InputProblem => ({ code, message });
const positive = (n: number) => Number.isFinite(n) && n > 0;

/** S3's limit on an object key: 1024 bytes of UTF-8 (AWS answers KeyTooLongError). */
export const MAX_KEY_BYTES = 1024;

function keyProblem(key: string, flag: string): InputProblem | undefined {
  const bytes = Buffer.byteLength(key, 'utf8');
  return bytes > MAX_KEY_BYTES ? problem('KeyTooLong', `${flag}: the key is ${bytes} bytes in UTF-8; S3 allows at most ${MAX_KEY_BYTES}`) : undefined;
}

/** The key rules of one operation, each problem naming the flag that gave the key. */
function keysProblem(input: OpInput): InputProblem | undefined {
  switch (input.kind) {
    case 'put':
    case 'post':
      return keyProblem(keyForFile(input.file, input.key), input.key ? '--key' : `--${input.kind} FILE (the key is the path)`);
    case 'copy':
      return keyProblem(input.sourceKey, '--copy SRC_KEY') ?? keyProblem(input.key, '--copy DEST_KEY');
    case 'delete':
      return keyProblem(input.key, '--delkey');
    case 'multipart':
      return keyProblem(input.key, '--multipart');
  }
}

export function inputProblem(input: OpInput): InputProblem | undefined {
  const buckets = input.kind === 'copy' ? [input.bucket, input.sourceBucket] : [input.bucket];
  for (const b of buckets) {
    const why = bucketNameProblem(b);
    if (why) return problem('InvalidBucketName', `invalid bucket name '${oneLine(b)}': ${why}`);
  }
  const tooLong = keysProblem(input);
  if (tooLong) return tooLong;
  switch (input.kind) {
    case 'put':
    case 'post':
      if (!input.file) return problem('Usage', `--${input.kind} needs a FILE`);
      if (input.key === '') return problem('Usage', '--key must not be empty');
      return undefined;
    case 'copy':
      if (!input.sourceKey || !input.key) return problem('Usage', '--copy needs SRC_BUCKET SRC_KEY DEST_KEY, none empty');
      return undefined;
    case 'delete':
      if (!input.key) return problem('Usage', '--delkey needs a KEY');
      return undefined;
    case 'multipart': {
      if (!input.key) return problem('Usage', '--multipart needs a KEY');
      const sizeMB = input.sizeMB ?? DEFAULT_SIZE_MB;
      const partMB = input.partSizeMB ?? DEFAULT_PART_SIZE_MB;
      if (input.file === undefined && !positive(sizeMB)) return problem('Usage', `--size must be a positive number of MB, got ${sizeMB}`);
      if (input.file === undefined && sizeMB > MAX_OBJECT_MB) return problem('Usage', `--size ${sizeMB} MB is larger than S3's 5 TiB object limit`);
      if (!positive(partMB) || partMB < MIN_PART_MB || partMB > MAX_PART_MB) {
        return problem('Usage', `--part-size must be between ${MIN_PART_MB} and ${MAX_PART_MB} MiB, got ${partMB}`);
      }
      if (input.file === undefined && Math.ceil(sizeMB / partMB) > MAX_PARTS) {
        return problem('Usage', `--size ${sizeMB} MB needs ${Math.ceil(sizeMB / partMB)} parts of ${partMB} MiB (S3 allows ${MAX_PARTS}): raise --part-size`);
      }
      if (input.concurrency !== undefined && (!Number.isInteger(input.concurrency) || input.concurrency < 1 || input.concurrency > MAX_CONCURRENCY)) {
        return problem('Usage', `--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${input.concurrency}`);
      }
      return undefined;
    }
  }
}

async function fileProblem(path: string, flag: string): Promise<InputProblem | undefined> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return problem('FileUnreadable', `${flag} ${path}: not a regular file`);
    await access(path, constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') return problem('FileNotFound', `${flag} ${path}: file not found`);
    return problem('FileUnreadable', `${flag} ${path}: cannot read it (${code ?? 'error'})`);
  }
}

/** The pure rules, then the local files (exist, readable) and room for generated data. */
export async function checkInput(input: OpInput): Promise<InputProblem | undefined> {
  const pure = inputProblem(input);
  if (pure) return pure;
  if (input.kind === 'put' || input.kind === 'post') return fileProblem(input.file, `--${input.kind}`);
  if (input.kind === 'multipart') {
    if (input.file !== undefined) return fileProblem(input.file, '--file');
    const bytes = (input.sizeMB ?? DEFAULT_SIZE_MB) * MIB;
    const unwritable = await tempDirProblem();
    if (unwritable) return unwritable;
    const fs = await statfs(tmpdir()).catch(() => undefined);
    if (fs && fs.bavail * fs.bsize < bytes) {
      return problem('Usage', `--size ${input.sizeMB ?? DEFAULT_SIZE_MB} MB does not fit in ${tmpdir()} (${Math.floor((fs.bavail * fs.bsize) / MIB)} MB free): lower --size or pass --file`);
    }
  }
  return undefined;
}

/** The multipart temp file must be creatable: a missing, read-only or inode-full TMPDIR is bad input, found before any request. */
async function tempDirProblem(): Promise<InputProblem | undefined> {
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
