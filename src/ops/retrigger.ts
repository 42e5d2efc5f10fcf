/** RETRIGGER: re-fire an existing object's ObjectCreated event by copying it onto itself (issue #14, item 4). */
import type { OpDefinition } from './definition.js';
import { problem } from './problems.js';

/** Copy `key` in `bucket` onto itself, keeping its content type, metadata and storage class. */
export interface RetriggerInput {
  kind: 'retrigger';
  bucket: string;
  key: string;
}

/** The TUI's RETRIGGER parameters; without a key it re-fires the last key created this session. */
export interface RetriggerParams {
  key?: string;
}

/** The RETRIGGER operation: S3 sends ObjectCreated:Copy (not :Put), which is why the preview warns first. */
export const retrigger: OpDefinition<'retrigger', RetriggerParams, 'retrigger'> = {
  kind: 'retrigger',
  label: 'RETRIGGER',
  eventNames: ['ObjectCreated:Copy'],
  keyOf: (input) => input.key,
  keys: (input) => [{ key: input.key, flag: '--retrigger KEY' }],
  problem: (input) => (input.key ? undefined : problem('Usage', '--retrigger needs the KEY of an existing object')),
  run: async (ctx, input, startedAt) => (await import('./retrigger-run.js')).copyOntoItself(ctx, input, startedAt),
  cli: {
    flag: 'retrigger',
    metavars: ['KEY'],
    describe: 'Re-fire the ObjectCreated event of existing object KEY (copies it onto itself: ObjectCreated:Copy)',
    order: 20,
    input: ([key = ''], f) => ({ kind: 'retrigger', bucket: f.bucket, key }),
    startLine: (input) => `Re-triggering object ${input.key} in bucket ${input.bucket} (copy onto itself)`,
  },
  tui: {
    fireKey: 'e',
    editKey: 'E',
    fireHelp: 'RETRIGGER: copy the last created key onto itself now (ObjectCreated:Copy)',
    footer: 're-fire',
    fields: [{ name: 'key', label: 'Key' }],
    initial: () => ({}),
    current(p, ctx) {
      const key = p.key ?? ctx.lastCreated;
      if (!key) return { error: 'nothing created this session to re-fire: press E to name a key' };
      return { kind: 'retrigger', bucket: ctx.bucket, key };
    },
    describe: (input) => input.key,
    formValues: (_p, now) => ({ key: now?.key }),
    fromForm: (v, bucket) => (v('key') ? { kind: 'retrigger', bucket, key: v('key') } : { error: 'key is required' }),
    save: (v, p) => ({ ...p, key: v('key') }),
    confirmOnAws: (input) => `Copy s3://${input.bucket}/${input.key} onto itself on AWS (a new version on a versioned bucket)?`,
  },
};
