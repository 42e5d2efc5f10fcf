import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeUploadOptions,
  parseStorageClass,
  postFields,
  taggingHeader,
  taggingXml,
  uploadOptionsProblem,
  uploadParams,
} from '../../src/ops/upload-options.js';
import { STORAGE_CLASSES } from '../../src/aws/storage-classes.js';
import { StorageClass } from '@aws-sdk/client-s3';
import { inputProblem } from '../../src/ops/validate.js';

test("STORAGE_CLASSES: AWS's list, each one the SDK knows", () => {
  assert.deepEqual(
    [...STORAGE_CLASSES],
    [
      'STANDARD',
      'REDUCED_REDUNDANCY',
      'STANDARD_IA',
      'ONEZONE_IA',
      'INTELLIGENT_TIERING',
      'GLACIER',
      'DEEP_ARCHIVE',
      'OUTPOSTS',
      'GLACIER_IR',
      'SNOW',
      'EXPRESS_ONEZONE',
    ],
  );
  for (const c of STORAGE_CLASSES) assert.ok(Object.values(StorageClass).includes(c), c);
});

for (const [text, want] of [
  ['GLACIER', { storageClass: 'GLACIER' }],
  ['DEEP_ARCHIVE', { storageClass: 'DEEP_ARCHIVE' }],
  ['glacier_ir', { hint: 'GLACIER_IR' }],
  ['deep-archive', { hint: 'DEEP_ARCHIVE' }],
  ['COLD', { hint: undefined }],
  ['', { hint: undefined }],
] as const) {
  test(`parseStorageClass('${text}')`, () => {
    const out = parseStorageClass(text);
    if ('storageClass' in want) return assert.deepEqual(out, want);
    assert.ok('problem' in out);
    assert.match(out.problem, /is not a storage class/);
    assert.match(out.problem, /use one of STANDARD, REDUCED_REDUNDANCY, .*EXPRESS_ONEZONE$/);
    if (want.hint) assert.ok(out.problem.includes(`(did you mean ${want.hint}?)`), out.problem);
    else assert.ok(!out.problem.includes('did you mean'), out.problem);
  });
}

const cases: [string, Parameters<typeof uploadOptionsProblem>[0], string | undefined][] = [
  ['none', {}, undefined],
  ['all valid', { storageClass: 'GLACIER_IR', acl: 'public-read', tagging: 'env=dev&team=a%20b' }, undefined],
  ['bad class', { storageClass: 'ICE' }, "--storage-class: 'ICE' is not a storage class"],
  ['bad acl', { acl: 'log-delivery-write' }, "--acl: 'log-delivery-write' is not a canned ACL"],
  ['bad tags', { tagging: 'env' }, "--tagging: 'env' is not key=value"],
  ['aws: tag', { tagging: 'aws:x=1' }, "--tagging: tag key 'aws:x': the aws: prefix is reserved for AWS"],
  [
    'eleven tags',
    { tagging: Array.from({ length: 11 }, (_, i) => `k${i}=v`).join('&') },
    '--tagging: 11 tags: S3 allows at most 10 per object',
  ],
];
for (const [name, options, want] of cases) {
  test(`uploadOptionsProblem: ${name}`, () => {
    const p = uploadOptionsProblem(options);
    if (want === undefined) return assert.equal(p, undefined);
    assert.ok(p?.message.startsWith(want), p?.message);
  });
}

test('each upload operation checks its options before any request (exit 2 in CI)', () => {
  const inputs = [
    { kind: 'put', bucket: 'bkt', file: 'f', storageClass: 'ICE' },
    { kind: 'post', bucket: 'bkt', file: 'f', storageClass: 'ICE' },
    { kind: 'copy', bucket: 'bkt', sourceBucket: 'bkt', sourceKey: 'a', key: 'c', storageClass: 'ICE' },
    { kind: 'multipart', bucket: 'bkt', key: 'k', storageClass: 'ICE' },
  ] as const;
  for (const input of inputs) assert.equal(inputProblem(input)?.code, 'InvalidStorageClass', input.kind);
});

test('uploadParams: the SDK parameters; COPY with tags replaces the source tags', () => {
  const o = { storageClass: 'GLACIER', acl: 'private', tagging: 'team=a b&x=%26' };
  assert.deepEqual(uploadParams(o, 'put'), { StorageClass: 'GLACIER', ACL: 'private', Tagging: 'team=a%20b&x=%26' });
  assert.deepEqual(uploadParams(o, 'copy'), {
    StorageClass: 'GLACIER',
    ACL: 'private',
    Tagging: 'team=a%20b&x=%26',
    TaggingDirective: 'REPLACE',
  });
  assert.deepEqual(uploadParams({ acl: 'private' }, 'copy'), { ACL: 'private' }, 'no tags: S3 copies the source tags');
  assert.deepEqual(uploadParams({}, 'multipart'), {});
});

test("postFields: AWS's POST form fields, tags as a <Tagging> document", () => {
  assert.deepEqual(postFields({ storageClass: 'DEEP_ARCHIVE', acl: 'public-read', tagging: 'a=1&b=<x>%26' }), {
    'x-amz-storage-class': 'DEEP_ARCHIVE',
    acl: 'public-read',
    tagging:
      '<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>&lt;x&gt;&amp;</Value></Tag></TagSet></Tagging>',
  });
  assert.deepEqual(postFields({}), {});
});

test('taggingHeader and taggingXml of an empty value', () => {
  assert.equal(taggingHeader([{ Key: 'k', Value: '' }]), 'k=');
  assert.equal(taggingXml([{ Key: 'k', Value: '' }]), '<Tagging><TagSet><Tag><Key>k</Key><Value></Value></Tag></TagSet></Tagging>');
});

test('describeUploadOptions', () => {
  assert.equal(describeUploadOptions({}), '');
  assert.equal(describeUploadOptions({ storageClass: 'GLACIER', tagging: 'a=1' }), ' [GLACIER, tags a=1]');
});
