import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TAGS, parseTagSet } from '../../src/ops/tagging.js';
import { CANNED_ACLS, parseCannedAcl } from '../../src/ops/acl.js';
import { inputProblem } from '../../src/ops/validate.js';

const tenTags = Array.from({ length: MAX_TAGS }, (_, i) => `k${i}=v`).join('&');

for (const [name, text, tags] of [
  ['one tag', 'env=dev', [{ Key: 'env', Value: 'dev' }]],
  [
    'two tags, order kept',
    'env=dev&team=a',
    [
      { Key: 'env', Value: 'dev' },
      { Key: 'team', Value: 'a' },
    ],
  ],
  ['empty value', 'env=', [{ Key: 'env', Value: '' }]],
  ['%-encoded value', 'team=a%20b%26c', [{ Key: 'team', Value: 'a b&c' }]],
  ['+ is a space, as in a query string', 'note=a+b', [{ Key: 'note', Value: 'a b' }]],
  ['%2B is a plus', 'note=a%2Bb', [{ Key: 'note', Value: 'a+b' }]],
  ['= inside the value', 'expr=a%3Db', [{ Key: 'expr', Value: 'a=b' }]],
  ['a second = stays in the value', 'expr=a=b', [{ Key: 'expr', Value: 'a=b' }]],
  ['UTF-8 %-escapes', 'city=M%C3%BCnchen', [{ Key: 'city', Value: 'München' }]],
  [
    'keys are case-sensitive',
    'Env=a&env=b',
    [
      { Key: 'Env', Value: 'a' },
      { Key: 'env', Value: 'b' },
    ],
  ],
  ['key of 128 characters', `${'k'.repeat(128)}=v`, [{ Key: 'k'.repeat(128), Value: 'v' }]],
  ['value of 256 characters', `k=${'v'.repeat(256)}`, [{ Key: 'k', Value: 'v'.repeat(256) }]],
] as const) {
  test(`parseTagSet: ${name}`, () => assert.deepEqual(parseTagSet(text), { tags }));
}

test('parseTagSet: ten tags is the most', () => assert.equal((parseTagSet(tenTags) as { tags: unknown[] }).tags.length, 10));

for (const [name, text, problem] of [
  ['empty', '', 'no tags given: use key=value pairs joined by &, e.g. env=dev&team=a'],
  ['no =', 'env', "'env' is not key=value: use e.g. env=dev&team=a"],
  ['trailing &', 'env=dev&', "'' is not key=value: use e.g. env=dev&team=a"],
  ['empty key', '=dev', "'=dev' has an empty key: a tag key is 1 to 128 characters"],
  ['bad escape', 'env=%zz', "'env=%zz' has a malformed %-escape: use %XX with two hex digits"],
  ['eleven tags', `${tenTags}&k10=v`, '11 tags: S3 allows at most 10 per object'],
  ['key of 129', `${'k'.repeat(129)}=v`, `tag key '${'k'.repeat(37)}...' is 129 characters: S3 allows at most 128`],
  ['value of 257', `k=${'v'.repeat(257)}`, "the value of tag 'k' is 257 characters: S3 allows at most 256"],
  // S3 counts UTF-16 code units: 65 emoji are 130.
  ['key of 65 emoji (130 UTF-16 units)', `${'😀'.repeat(65)}=v`, 'characters: S3 allows at most 128'],
  ['duplicate key', 'env=dev&env=prod', "tag key 'env' is given twice: keys must be unique"],
  ['duplicate after decoding', 'a%20b=1&a+b=2', "tag key 'a b' is given twice: keys must be unique"],
  ['aws: prefix', 'aws:owner=me', "tag key 'aws:owner': the aws: prefix is reserved for AWS"],
] as const) {
  test(`parseTagSet rejects: ${name}`, () => {
    const out = parseTagSet(text);
    assert.ok('problem' in out, JSON.stringify(out));
    if (name.includes('emoji')) assert.ok(out.problem.endsWith(problem), out.problem);
    else assert.equal(out.problem, problem);
    assert.ok(!out.problem.includes('\n'));
  });
}

for (const acl of CANNED_ACLS) test(`parseCannedAcl(${acl})`, () => assert.deepEqual(parseCannedAcl(acl), { acl }));

test('the canned ACLs are the seven S3 takes for an object', () =>
  assert.deepEqual(CANNED_ACLS, [
    'private',
    'public-read',
    'public-read-write',
    'authenticated-read',
    'aws-exec-read',
    'bucket-owner-read',
    'bucket-owner-full-control',
  ]));

const allowed = CANNED_ACLS.join(', ');
for (const [text, problem] of [
  ['public', `'public' is not a canned ACL: use one of ${allowed}`],
  ['Public-Read', `'Public-Read' is not a canned ACL (did you mean public-read?): use one of ${allowed}`],
  ['log-delivery-write', `'log-delivery-write' is not a canned ACL: use one of ${allowed}`],
  ['', `'' is not a canned ACL: use one of ${allowed}`],
] as const) {
  test(`parseCannedAcl rejects '${text}'`, () => assert.deepEqual(parseCannedAcl(text), { problem }));
}

for (const [name, input, code, message] of [
  [
    'bad tags',
    { kind: 'put-tagging', bucket: 'test-bucket', key: 'k', tags: 'env' },
    'InvalidTag',
    "--put-tagging TAGS: 'env' is not key=value",
  ],
  ['no key to tag', { kind: 'put-tagging', bucket: 'test-bucket', key: '', tags: 'a=1' }, 'Usage', '--put-tagging needs a KEY and TAGS'],
  ['no key to untag', { kind: 'delete-tagging', bucket: 'test-bucket', key: '' }, 'Usage', '--delete-tagging needs a KEY'],
  [
    'bad ACL',
    { kind: 'put-acl', bucket: 'test-bucket', key: 'k', acl: 'open' },
    'InvalidArgument',
    "--put-acl CANNED_ACL: 'open' is not a canned ACL",
  ],
  [
    'long key',
    { kind: 'put-acl', bucket: 'test-bucket', key: 'k'.repeat(1025), acl: 'private' },
    'KeyTooLong',
    '--put-acl KEY: the key is 1025 bytes',
  ],
] as const) {
  test(`inputProblem: ${name}`, () => {
    const p = inputProblem(input);
    assert.equal(p?.code, code);
    assert.ok(p?.message.startsWith(message), p?.message);
  });
}

for (const input of [
  { kind: 'put-tagging', bucket: 'test-bucket', key: 'k', tags: 'env=dev&team=a' },
  { kind: 'delete-tagging', bucket: 'test-bucket', key: 'k' },
  { kind: 'put-acl', bucket: 'test-bucket', key: 'k', acl: 'bucket-owner-full-control' },
] as const) {
  test(`inputProblem accepts ${input.kind}`, () => assert.equal(inputProblem(input), undefined));
}
