/** PUT-ACL: one PutObjectAcl with a canned ACL (S3 event ObjectAcl:Put). */
import type { OpDefinition } from './definition.js';
import { problem } from './problems.js';
import { parseCannedAcl } from './acl.js';

/** Set the ACL of `key` in `bucket` to the canned ACL `acl` (checked against CANNED_ACLS before sending). */
export interface PutAclInput {
  kind: 'put-acl';
  bucket: string;
  key: string;
  acl: string;
}

/** The TUI's PUT-ACL parameters; without a key it acts on the last key created this session. */
export interface PutAclParams {
  key?: string;
  acl: string;
}

/** The canned ACL the TUI starts with. */
export const DEFAULT_ACL = 'public-read';

const aclProblem = (acl: string): string | undefined => {
  const parsed = parseCannedAcl(acl);
  return 'problem' in parsed ? parsed.problem : undefined;
};

/** The PUT-ACL operation. */
export const putAcl: OpDefinition<'put-acl', PutAclParams, 'put-acl'> = {
  kind: 'put-acl',
  label: 'PUT-ACL',
  eventNames: ['ObjectAcl:Put'],
  keyOf: (input) => input.key,
  keys: (input) => [{ key: input.key, flag: '--put-acl KEY' }],
  problem(input) {
    if (!input.key) return problem('Usage', '--put-acl needs a KEY and a CANNED_ACL');
    const why = aclProblem(input.acl);
    return why ? problem('InvalidArgument', `--put-acl CANNED_ACL: ${why}`) : undefined;
  },
  run: async (ctx, input, startedAt) => (await import('./object-edits.js')).putObjectAcl(ctx, input, startedAt),
  cli: {
    flag: 'put-acl',
    metavars: ['KEY', 'CANNED_ACL'],
    describe: 'Set the ACL of KEY to CANNED_ACL (private, public-read...)',
    order: 8,
    input: ([key = '', acl = ''], f) => ({ kind: 'put-acl', bucket: f.bucket, key, acl }),
    startLine: (input) => `PUT ACL ${input.acl} on object ${input.key} in bucket ${input.bucket}`,
  },
  tui: {
    fireKey: 'a',
    editKey: 'A',
    fireHelp: 'PUT-ACL: set the canned ACL of the last created key now',
    footer: 'acl',
    fields: [
      { name: 'key', label: 'Key' },
      { name: 'acl', label: 'Canned ACL' },
    ],
    initial: () => ({ acl: DEFAULT_ACL }),
    current(p, ctx) {
      const key = p.key ?? ctx.lastCreated;
      if (!key) return { error: 'nothing created this session to set an ACL on: press A to name a key' };
      return { kind: 'put-acl', bucket: ctx.bucket, key, acl: p.acl };
    },
    describe: (input) => `${input.key} ${input.acl}`,
    formValues: (p, now) => ({ key: now?.key, acl: p.acl }),
    fromForm(v, bucket) {
      if (!v('key')) return { error: 'key is required' };
      const why = aclProblem(v('acl'));
      return why ? { error: `acl: ${why}` } : { kind: 'put-acl', bucket, key: v('key'), acl: v('acl') };
    },
    save: (v, p) => ({ ...p, acl: v('acl') }),
    confirmOnAws: (input) => `Set the ACL of s3://${input.bucket}/${input.key} to ${input.acl} on AWS?`,
  },
};
