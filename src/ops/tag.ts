/** TAG (scratch experiment): one PutObjectTagging on a key. */
import type { OpDefinition } from './definition.js';
import { problem } from './problems.js';

export interface TagInput {
  kind: 'tag';
  bucket: string;
  key: string;
  tags: string;
}

/** The TUI's TAG parameters. */
export interface TagParams {
  key?: string;
  tags: string;
}

const tagSet = (tags: string) => tags.split('&').filter(Boolean).map((kv) => {
  const [Key = '', Value = ''] = kv.split('=');
  return { Key, Value };
});

export const tag: OpDefinition<'tag', TagParams, 'tag'> = {
  kind: 'tag',
  label: 'TAG',
  eventNames: ['ObjectTagging:Put'],
  keyOf: (input) => input.key,
  problem: (input) => (input.key ? undefined : problem('Usage', '--tag needs a KEY')),
  async run(ctx, input, startedAt) {
    const { PutObjectTaggingCommand } = await import('@aws-sdk/client-s3');
    const { succeeded } = await import('./context.js');
    const out = await ctx.s3.send(new PutObjectTaggingCommand({ Bucket: input.bucket, Key: input.key, Tagging: { TagSet: tagSet(input.tags) } }), { abortSignal: ctx.signal });
    return succeeded(ctx, { op: 'tag', bucket: input.bucket, key: input.key, startedAt, versionId: out.VersionId, requestId: out.$metadata.requestId });
  },
  cli: {
    flag: 'tag',
    metavars: ['KEY'],
    describe: 'TAG this KEY with s3trigger=1',
    order: 6,
    input: ([key = ''], f) => ({ kind: 'tag', bucket: f.bucket, key, tags: 's3trigger=1' }),
    startLine: (input) => `TAG object ${input.key} in bucket ${input.bucket}`,
  },
  tui: {
    fireKey: 't',
    editKey: 'T',
    fireHelp: 'TAG the last created key now',
    footer: 'tag',
    fields: [
      { name: 'key', label: 'Key' },
      { name: 'tags', label: 'Tags (k=v&k=v)' },
    ],
    initial: () => ({ tags: 's3trigger=1' }),
    current(p, ctx) {
      const key = p.key ?? ctx.lastCreated;
      return key ? { kind: 'tag', bucket: ctx.bucket, key, tags: p.tags } : { error: 'nothing created this session to tag: press T to name a key' };
    },
    describe: (input) => `${input.key} <- ${input.tags}`,
    formValues: (p, now) => ({ key: now?.key, tags: p.tags }),
    fromForm: (v, bucket) => (v('key') ? { kind: 'tag', bucket, key: v('key'), tags: v('tags') } : { error: 'key is required' }),
    save: (v, p) => ({ ...p, tags: v('tags') || p.tags }),
  },
};
