/** COPY: one CopyObject into the bucket. */
import type { OpDefinition } from './definition.js';
import { missingField } from './definition.js';
import { problem } from './problems.js';
import { oneLine } from '../errors.js';
import { bucketNameProblem } from '../aws/bucket-name.js';
import {
  describeUploadOptions,
  UPLOAD_FORM_FIELDS,
  uploadFormValues,
  uploadOptionsFromForm,
  uploadOptionsOf,
  uploadOptionsProblem,
  type UploadOptions,
} from './upload-options.js';

/** COPY `sourceBucket/sourceKey` to `key` in `bucket`; the upload options replace the source's (tags: TaggingDirective REPLACE). */
export interface CopyInput extends UploadOptions {
  kind: 'copy';
  bucket: string;
  sourceBucket: string;
  sourceKey: string;
  key: string;
}

/** The TUI's COPY parameters; undefined fields follow the session (the last created key). */
export interface CopyParams extends UploadOptions {
  sourceBucket?: string;
  sourceKey?: string;
  key?: string;
}

/** `dir/a.txt` -> `dir/copy_a.txt`, the blog's naming. */
export function copyKeyFor(sourceKey: string): string {
  const slash = sourceKey.lastIndexOf('/');
  return `${sourceKey.slice(0, slash + 1)}copy_${sourceKey.slice(slash + 1)}`;
}

/** The COPY operation. */
export const copy: OpDefinition<'copy', CopyParams, 'copy'> = {
  kind: 'copy',
  label: 'COPY',
  eventNames: ['ObjectCreated:Copy'],
  keyOf: (input) => input.key,
  keys: (input) => [
    { key: input.sourceKey, flag: '--copy SRC_KEY' },
    { key: input.key, flag: '--copy DEST_KEY' },
  ],
  problem(input) {
    const why = bucketNameProblem(input.sourceBucket);
    if (why) return problem('InvalidBucketName', `invalid bucket name '${oneLine(input.sourceBucket)}': ${why}`);
    if (!input.sourceKey || !input.key) return problem('Usage', '--copy needs SRC_BUCKET SRC_KEY DEST_KEY, none empty');
    return uploadOptionsProblem(input);
  },
  run: async (ctx, input, startedAt) => (await import('./simple.js')).copyObject(ctx, input, startedAt),
  cli: {
    flag: 'copy',
    metavars: ['SRC_BUCKET', 'SRC_KEY', 'DEST_KEY'],
    describe: 'COPY SRC_BUCKET SRC_KEY DEST_KEY into --bucket',
    order: 2,
    input: ([sourceBucket = '', sourceKey = '', key = ''], f) => ({
      kind: 'copy',
      bucket: f.bucket,
      sourceBucket,
      sourceKey,
      key,
      ...uploadOptionsOf(f),
    }),
    startLine: (input) =>
      `COPY object ${input.sourceKey} from ${input.sourceBucket} to ${input.key} in ${input.bucket}${describeUploadOptions(input)}`,
    modifiers: ['storage-class', 'acl', 'tagging'],
  },
  tui: {
    fireKey: 'c',
    editKey: 'C',
    fireHelp: 'COPY the last created key now',
    footer: 'copy',
    fields: [
      { name: 'sourceBucket', label: 'Source bucket' },
      { name: 'sourceKey', label: 'Source key' },
      { name: 'key', label: 'Destination key' },
      ...UPLOAD_FORM_FIELDS,
    ],
    initial: (d) => (d.copy ? { ...d.copy } : {}),
    current(p, ctx) {
      const sourceKey = p.sourceKey ?? ctx.lastCreated ?? ctx.keyFor('put') ?? '';
      return {
        kind: 'copy',
        bucket: ctx.bucket,
        sourceBucket: p.sourceBucket ?? ctx.bucket,
        sourceKey,
        key: p.key ?? copyKeyFor(sourceKey),
        ...uploadOptionsOf(p),
      };
    },
    describe: (i) => `${i.sourceBucket === i.bucket ? '' : `${i.sourceBucket}/`}${i.sourceKey} -> ${i.key}${describeUploadOptions(i)}`,
    formValues: (p, now, bucket) => ({
      sourceBucket: now ? now.sourceBucket : bucket,
      sourceKey: now?.sourceKey,
      key: now?.key,
      ...uploadFormValues(p),
    }),
    fromForm(v, bucket) {
      const options = missingField(v, ['sourceBucket', 'sourceKey', 'key']) ?? uploadOptionsFromForm(v);
      if ('error' in options) return options;
      return { kind: 'copy', bucket, sourceBucket: v('sourceBucket'), sourceKey: v('sourceKey'), key: v('key'), ...options };
    },
    // An edit applies to that one firing: COPY keeps following the session (its upload options are kept).
    save(v, p) {
      const options = uploadOptionsFromForm(v);
      const { storageClass: _s, acl: _a, tagging: _t, ...rest } = p;
      return { ...rest, ...('error' in options ? uploadOptionsOf(p) : options) };
    },
  },
};
