/** PUT-TAGGING: one PutObjectTagging, replacing the object's tag set (S3 event ObjectTagging:Put). */
import type { OpDefinition } from './definition.js';
import { problem } from './problems.js';
import { parseTagSet } from './tagging.js';

/** Set the tags of `key` in `bucket` to `tags`, in the `x-amz-tagging` form (`env=dev&team=a`). */
export interface PutTaggingInput {
  kind: 'put-tagging';
  bucket: string;
  key: string;
  tags: string;
}

/** The TUI's PUT-TAGGING parameters; without a key it tags the last key created this session. */
export interface PutTaggingParams {
  key?: string;
  tags: string;
}

/** Tags the TUI starts with. */
export const DEFAULT_TAGS = 'env=dev';

const tagsProblem = (tags: string): string | undefined => {
  const parsed = parseTagSet(tags);
  return 'problem' in parsed ? parsed.problem : undefined;
};

/** The PUT-TAGGING operation. */
export const putTagging: OpDefinition<'put-tagging', PutTaggingParams, 'put-tagging'> = {
  kind: 'put-tagging',
  label: 'PUT-TAGGING',
  eventNames: ['ObjectTagging:Put'],
  keyOf: (input) => input.key,
  keys: (input) => [{ key: input.key, flag: '--put-tagging KEY' }],
  problem(input) {
    if (!input.key) return problem('Usage', '--put-tagging needs a KEY and TAGS');
    const why = tagsProblem(input.tags);
    return why ? problem('InvalidTag', `--put-tagging TAGS: ${why}`) : undefined;
  },
  run: async (ctx, input, startedAt) => (await import('./object-edits.js')).putObjectTagging(ctx, input, startedAt),
  cli: {
    flag: 'put-tagging',
    metavars: ['KEY', 'TAGS'],
    describe: 'Set the tags of KEY to TAGS (env=dev&team=a, URL-encoded values allowed)',
    order: 6,
    input: ([key = '', tags = ''], f) => ({ kind: 'put-tagging', bucket: f.bucket, key, tags }),
    startLine: (input) => `PUT tagging ${input.tags} on object ${input.key} in bucket ${input.bucket}`,
  },
  tui: {
    fireKey: 't',
    editKey: 'T',
    fireHelp: 'PUT-TAGGING: tag the last created key now',
    footer: 'tag',
    fields: [
      { name: 'key', label: 'Key' },
      { name: 'tags', label: 'Tags' },
    ],
    initial: () => ({ tags: DEFAULT_TAGS }),
    current(p, ctx) {
      const key = p.key ?? ctx.lastCreated;
      if (!key) return { error: 'nothing created this session to tag: press T to name a key' };
      return { kind: 'put-tagging', bucket: ctx.bucket, key, tags: p.tags };
    },
    describe: (input) => `${input.key} ${input.tags}`,
    formValues: (p, now) => ({ key: now?.key, tags: p.tags }),
    fromForm(v, bucket) {
      if (!v('key')) return { error: 'key is required' };
      const why = tagsProblem(v('tags'));
      return why ? { error: `tags: ${why}` } : { kind: 'put-tagging', bucket, key: v('key'), tags: v('tags') };
    },
    // The tags are kept; the key keeps following the session, as DELETE's does.
    save: (v, p) => ({ ...p, tags: v('tags') }),
    confirmOnAws: (input) => `Replace the tags of s3://${input.bucket}/${input.key} with ${input.tags} on AWS?`,
  },
};
