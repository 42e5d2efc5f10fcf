/** DELETE: one DeleteObject (on a versioned bucket S3 adds a delete marker instead). */
import type { OpDefinition } from './definition.js';
import { problem } from './problems.js';

/** DELETE `key` from `bucket`; with `versionId`, that version for good (S3 DeleteObject's VersionId). */
export interface DeleteInput {
  kind: 'delete';
  bucket: string;
  key: string;
  versionId?: string;
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
  problem(input) {
    if (!input.key) return problem('Usage', '--delkey needs a KEY');
    if (input.versionId === '') return problem('Usage', '--version-id must not be empty: give the version id S3 returned');
    return undefined;
  },
  // A plain DELETE on a versioned bucket adds a delete marker (DeleteMarkerCreated); deleting a version removes it for good.
  awaits: (input) => ({ eventNames: input.versionId !== undefined ? ['ObjectRemoved:Delete'] : del.eventNames, perFunction: 1 }),
  run: async (ctx, input, startedAt) => (await import('./simple.js')).deleteObject(ctx, input, startedAt),
  cli: {
    flag: 'delkey',
    metavars: ['KEY'],
    describe: 'DELETE this KEY',
    order: 3,
    input: ([key = ''], f) => ({ kind: 'delete', bucket: f.bucket, key, ...(f.versionId !== undefined ? { versionId: f.versionId } : {}) }),
    startLine: (input) =>
      `DELETE object ${input.key}${input.versionId !== undefined ? ` version ${input.versionId}` : ''} from bucket ${input.bucket}`,
    modifiers: ['version-id'],
  },
  tui: {
    fireKey: 'd',
    editKey: 'D',
    fireHelp: 'DELETE the last created key now',
    footer: 'delete',
    fields: [
      { name: 'key', label: 'Key' },
      { name: 'versionId', label: 'Version id (optional)' },
    ],
    initial: (d) => (d.deleteKey ? { key: d.deleteKey } : {}),
    current(p, ctx) {
      const key = p.key ?? ctx.lastCreated;
      if (!key) return { error: 'nothing created this session to delete: press D to name a key' };
      return { kind: 'delete', bucket: ctx.bucket, key };
    },
    describe: (input) => `${input.key}${input.versionId !== undefined ? ` version ${input.versionId}` : ''}`,
    formValues: (_p, now) => ({ key: now?.key, versionId: now?.versionId }),
    fromForm: (v, bucket) =>
      v('key')
        ? { kind: 'delete', bucket, key: v('key'), ...(v('versionId') ? { versionId: v('versionId') } : {}) }
        : { error: 'key is required' },
    // An edit applies to that one firing: DELETE keeps following the session.
    save: (_v, p) => p,
    confirmOnAws: (input) =>
      input.versionId !== undefined
        ? `Delete version ${input.versionId} of s3://${input.bucket}/${input.key} for good on AWS?`
        : `Delete s3://${input.bucket}/${input.key} on AWS?`,
  },
};
