/** DELETE: one DeleteObject (on a versioned bucket S3 adds a delete marker instead). */
import type { OpDefinition } from './definition.js';
import { problem } from './problems.js';

/** DELETE `key` from `bucket`. */
export interface DeleteInput {
  kind: 'delete';
  bucket: string;
  key: string;
}

/** The TUI's DELETE parameters; without a key it deletes the last key created this session. */
export interface DeleteParams {
  key?: string;
}

/** The DELETE operation (`delete` is a reserved word). */
export const del: OpDefinition<'delete', DeleteParams, 'delkey'> = {
  kind: 'delete',
  label: 'DELETE',
  eventNames: ['ObjectRemoved:Delete', 'ObjectRemoved:DeleteMarkerCreated'],
  keyOf: (input) => input.key,
  keys: (input) => [{ key: input.key, flag: '--delkey' }],
  problem: (input) => (input.key ? undefined : problem('Usage', '--delkey needs a KEY')),
  run: async (ctx, input, startedAt) => (await import('./simple.js')).deleteObject(ctx, input, startedAt),
  cli: {
    flag: 'delkey',
    metavars: ['KEY'],
    describe: 'DELETE this KEY',
    order: 3,
    input: ([key = ''], f) => ({ kind: 'delete', bucket: f.bucket, key }),
    startLine: (input) => `DELETE object ${input.key} from bucket ${input.bucket}`,
  },
  tui: {
    fireKey: 'd',
    editKey: 'D',
    fireHelp: 'DELETE the last created key now',
    footer: 'delete',
    fields: [{ name: 'key', label: 'Key' }],
    initial: (d) => (d.deleteKey ? { key: d.deleteKey } : {}),
    current(p, ctx) {
      const key = p.key ?? ctx.lastCreated;
      if (!key) return { error: 'nothing created this session to delete: press D to name a key' };
      return { kind: 'delete', bucket: ctx.bucket, key };
    },
    describe: (input) => input.key,
    formValues: (_p, now) => ({ key: now?.key }),
    fromForm: (v, bucket) => (v('key') ? { kind: 'delete', bucket, key: v('key') } : { error: 'key is required' }),
    // An edit applies to that one firing: DELETE keeps following the session.
    save: (_v, p) => p,
    confirmOnAws: (input) => `Delete s3://${input.bucket}/${input.key} on AWS?`,
  },
};
