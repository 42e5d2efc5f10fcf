/** DELETE-TAGGING: one DeleteObjectTagging, removing the object's whole tag set (S3 event ObjectTagging:Delete). */
import type { OpDefinition } from './definition.js';
import { problem } from './problems.js';

/** Remove every tag of `key` in `bucket`. */
export interface DeleteTaggingInput {
  kind: 'delete-tagging';
  bucket: string;
  key: string;
}

/** The TUI's DELETE-TAGGING parameters; without a key it untags the last key created this session. */
export interface DeleteTaggingParams {
  key?: string;
}

/** The DELETE-TAGGING operation. */
export const deleteTagging: OpDefinition<'delete-tagging', DeleteTaggingParams, 'delete-tagging'> = {
  kind: 'delete-tagging',
  label: 'DELETE-TAGGING',
  eventNames: ['ObjectTagging:Delete'],
  keyOf: (input) => input.key,
  keys: (input) => [{ key: input.key, flag: '--delete-tagging' }],
  problem: (input) => (input.key ? undefined : problem('Usage', '--delete-tagging needs a KEY')),
  run: async (ctx, input, startedAt) => (await import('./object-edits.js')).deleteObjectTagging(ctx, input, startedAt),
  cli: {
    flag: 'delete-tagging',
    metavars: ['KEY'],
    describe: 'Remove every tag of KEY',
    order: 7,
    input: ([key = ''], f) => ({ kind: 'delete-tagging', bucket: f.bucket, key }),
    startLine: (input) => `DELETE tagging of object ${input.key} in bucket ${input.bucket}`,
  },
  tui: {
    fireKey: 'u',
    editKey: 'U',
    fireHelp: 'DELETE-TAGGING: untag the last created key now',
    footer: 'untag',
    fields: [{ name: 'key', label: 'Key' }],
    initial: () => ({}),
    current(p, ctx) {
      const key = p.key ?? ctx.lastCreated;
      if (!key) return { error: 'nothing created this session to untag: press U to name a key' };
      return { kind: 'delete-tagging', bucket: ctx.bucket, key };
    },
    describe: (input) => input.key,
    formValues: (_p, now) => ({ key: now?.key }),
    fromForm: (v, bucket) => (v('key') ? { kind: 'delete-tagging', bucket, key: v('key') } : { error: 'key is required' }),
    save: (_v, p) => p,
    confirmOnAws: (input) => `Delete every tag of s3://${input.bucket}/${input.key} on AWS?`,
  },
};
