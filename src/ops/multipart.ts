/** MULTIPART: a multipart upload of a file or of generated random data (the SDK's multipart code loads only when it runs). */
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { OpDefinition } from './definition.js';
import { baseName } from './definition.js';
import { fileProblem, positive, problem } from './problems.js';
import { tempDirProblem } from './temp-file.js';
import type { OpInput, OpResult } from './types.js';
import {
  describeUploadOptions,
  UPLOAD_FORM_FIELDS,
  uploadFormValues,
  uploadOptionsFromForm,
  uploadOptionsOf,
  uploadOptionsProblem,
  type UploadOptions,
} from './upload-options.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_PART_SIZE_MB,
  DEFAULT_SIZE_MB,
  MAX_CONCURRENCY,
  MAX_OBJECT_MB,
  MAX_PART_MB,
  MAX_PARTS,
  MIB,
  MIN_PART_MB,
} from './limits.js';

/** A multipart upload to `key`, with the upload options given (CreateMultipartUpload's parameters). */
export interface MultipartInput extends UploadOptions {
  kind: 'multipart';
  bucket: string;
  key: string;
  /** Upload this file; otherwise generate `sizeMB` of random data in a temp file. */
  file?: string;
  sizeMB?: number;
  partSizeMB?: number;
  concurrency?: number;
}

/** The TUI's MULTIPART parameters. */
export interface MultipartParams extends UploadOptions {
  key: string;
  sizeMB: number;
  file?: string;
  /** From `--part-size` and `--concurrency`; the form keeps them. */
  partSizeMB?: number;
  concurrency?: number;
}

/** The MULTIPART input with the upload settings of `p` (--part-size, --concurrency), or what is wrong with them. */
function withUploadSettings(
  input: MultipartInput,
  p: Pick<MultipartParams, 'partSizeMB' | 'concurrency'> | undefined,
): MultipartInput | { error: string } {
  const full: MultipartInput = {
    ...input,
    ...(p?.partSizeMB !== undefined ? { partSizeMB: p.partSizeMB } : {}),
    ...(p?.concurrency !== undefined ? { concurrency: p.concurrency } : {}),
  };
  const wrong = multipart.problem(full);
  return wrong ? { error: wrong.message } : full;
}

/** The TUI's MULTIPART key unless one is given. */
export const DEFAULT_MULTIPART_KEY = 'bigfile.bin';

/** Parts of a multipart upload: from the ETag's "-N" suffix, else from the sizes. */
export function partCount(input: OpInput, result: OpResult): number {
  const fromEtag = /-(\d+)$/.exec(result.etag ?? '')?.[1];
  if (fromEtag) return Number(fromEtag);
  const partSize = (input.kind === 'multipart' ? (input.partSizeMB ?? DEFAULT_PART_SIZE_MB) : DEFAULT_PART_SIZE_MB) * MIB;
  return Math.max(1, Math.ceil((result.bytes ?? 0) / partSize));
}

/** The MULTIPART operation. */
export const multipart: OpDefinition<'multipart', MultipartParams, 'multipart'> = {
  kind: 'multipart',
  label: 'MULTIPART',
  eventNames: ['ObjectCreated:CompleteMultipartUpload'],
  keyOf: (input) => input.key,
  keys: (input) => [{ key: input.key, flag: '--multipart' }],
  problem(input) {
    if (!input.key) return problem('Usage', '--multipart needs a KEY');
    const sizeMB = input.sizeMB ?? DEFAULT_SIZE_MB;
    const partMB = input.partSizeMB ?? DEFAULT_PART_SIZE_MB;
    if (input.file === undefined && !positive(sizeMB)) return problem('Usage', `--size must be a positive number of MB, got ${sizeMB}`);
    if (input.file === undefined && sizeMB > MAX_OBJECT_MB)
      return problem('Usage', `--size ${sizeMB} MB is larger than S3's 5 TiB object limit`);
    if (!positive(partMB) || partMB < MIN_PART_MB || partMB > MAX_PART_MB) {
      return problem('Usage', `--part-size must be between ${MIN_PART_MB} and ${MAX_PART_MB} MiB, got ${partMB}`);
    }
    if (input.file === undefined && Math.ceil(sizeMB / partMB) > MAX_PARTS) {
      return problem(
        'Usage',
        `--size ${sizeMB} MB needs ${Math.ceil(sizeMB / partMB)} parts of ${partMB} MiB (S3 allows ${MAX_PARTS}): raise --part-size`,
      );
    }
    if (
      input.concurrency !== undefined &&
      (!Number.isInteger(input.concurrency) || input.concurrency < 1 || input.concurrency > MAX_CONCURRENCY)
    ) {
      return problem('Usage', `--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${input.concurrency}`);
    }
    return uploadOptionsProblem(input);
  },
  async localProblem(input) {
    if (input.file !== undefined) return fileProblem(input.file, '--file');
    const bytes = (input.sizeMB ?? DEFAULT_SIZE_MB) * MIB;
    const unwritable = await tempDirProblem();
    if (unwritable) return unwritable;
    const fs = await statfs(tmpdir()).catch(() => undefined);
    if (fs && fs.bavail * fs.bsize < bytes) {
      return problem(
        'Usage',
        `--size ${input.sizeMB ?? DEFAULT_SIZE_MB} MB does not fit in ${tmpdir()} (${Math.floor((fs.bavail * fs.bsize) / MIB)} MB free): lower --size or pass --file`,
      );
    }
    return undefined;
  },
  run: async (ctx, input, startedAt) => (await import('./multipart-upload.js')).multipartUpload(ctx, input, startedAt),
  cli: {
    flag: 'multipart',
    metavars: ['KEY'],
    describe: 'MULTIPART upload to this KEY',
    order: 5,
    input: ([key = ''], f) => ({
      kind: 'multipart',
      bucket: f.bucket,
      key,
      ...(f.file !== undefined ? { file: f.file } : {}),
      ...(f.size !== undefined ? { sizeMB: f.size } : {}),
      ...(f.partSize !== undefined ? { partSizeMB: f.partSize } : {}),
      ...(f.concurrency !== undefined ? { concurrency: f.concurrency } : {}),
      ...uploadOptionsOf(f),
    }),
    startLine: (input) => `MULTIPART upload ${input.key} to bucket ${input.bucket}${describeUploadOptions(input)}`,
    modifiers: ['storage-class', 'acl', 'tagging'],
    doneLine(input, result) {
      const n = partCount(input, result);
      return `Done. Upload completed with ${n} part${n === 1 ? '' : 's'}.`;
    },
  },
  tui: {
    fireKey: 'm',
    editKey: 'M',
    fireHelp: 'MULTIPART upload now',
    footer: 'multipart',
    fields: [
      { name: 'key', label: 'Key' },
      { name: 'sizeMB', label: 'Size (MB)' },
      { name: 'file', label: 'File (empty: generate)', path: true },
      ...UPLOAD_FORM_FIELDS,
    ],
    initial: (d) => ({
      key: d.multipartKey ?? DEFAULT_MULTIPART_KEY,
      sizeMB: d.sizeMB ?? DEFAULT_SIZE_MB,
      ...(d.partSizeMB !== undefined ? { partSizeMB: d.partSizeMB } : {}),
      ...(d.concurrency !== undefined ? { concurrency: d.concurrency } : {}),
    }),
    current: (p, ctx) =>
      withUploadSettings(
        p.file
          ? { kind: 'multipart', bucket: ctx.bucket, key: p.key, file: p.file, ...uploadOptionsOf(p) }
          : { kind: 'multipart', bucket: ctx.bucket, key: p.key, sizeMB: p.sizeMB, ...uploadOptionsOf(p) },
        p,
      ),
    describe(i) {
      const what = `${i.file ? `${baseName(i.file)} -> ${i.key}` : `${i.sizeMB} MB generated -> ${i.key}`}${describeUploadOptions(i)}`;
      if (i.partSizeMB === undefined && i.concurrency === undefined) return what;
      return `${what} (${i.partSizeMB ?? DEFAULT_PART_SIZE_MB} MiB parts, ${i.concurrency ?? DEFAULT_CONCURRENCY} at a time)`;
    },
    formValues: (p) => ({ key: p.key, sizeMB: p.sizeMB, file: p.file, ...uploadFormValues(p) }),
    fromForm(v, bucket, p) {
      if (!v('key')) return { error: 'key is required' };
      const options = uploadOptionsFromForm(v);
      if ('error' in options) return options;
      if (v('file')) return withUploadSettings({ kind: 'multipart', bucket, key: v('key'), file: v('file'), ...options }, p);
      const sizeMB = Number(v('sizeMB'));
      if (!Number.isFinite(sizeMB) || sizeMB <= 0) return { error: 'size must be a positive number of MB' };
      return withUploadSettings({ kind: 'multipart', bucket, key: v('key'), sizeMB, ...options }, p);
    },
    save(v, p) {
      const sizeMB = Number(v('sizeMB'));
      const options = uploadOptionsFromForm(v);
      const { storageClass: _s, acl: _a, tagging: _t, ...rest } = p;
      return {
        ...rest,
        key: v('key'),
        sizeMB: Number.isFinite(sizeMB) && sizeMB > 0 ? sizeMB : p.sizeMB,
        file: v('file') || undefined,
        ...('error' in options ? uploadOptionsOf(p) : options),
      };
    },
  },
};
