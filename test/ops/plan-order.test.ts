import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planOps } from '../../src/ci/plan.js';

const base = { bucket: 'test-bucket' };

for (const [name, flags, kinds] of [
  [
    'the issue’s run: put, then put-tagging, then put-acl',
    { 'put-acl': ['f.txt', 'public-read'], 'put-tagging': ['f.txt', 'env=dev'], put: 'f.txt' },
    ['put', 'put-tagging', 'put-acl'],
  ],
  [
    'all eight: the five script operations, then put-tagging, delete-tagging, put-acl',
    {
      'put-acl': ['k', 'private'],
      'delete-tagging': 'k',
      'put-tagging': ['k', 'a=1'],
      multipart: 'm',
      post: 'p',
      delkey: 'c',
      copy: ['s', 'a', 'c'],
      put: 'f',
    },
    ['put', 'copy', 'delete', 'post', 'multipart', 'put-tagging', 'delete-tagging', 'put-acl'],
  ],
  ['delete-tagging before put-acl', { 'put-acl': ['k', 'private'], 'delete-tagging': 'k' }, ['delete-tagging', 'put-acl']],
] as const) {
  test(`planOps order: ${name}`, () =>
    assert.deepEqual(
      planOps({ ...base, ...flags } as never).map((o) => o.kind),
      kinds,
    ));
}

test('planOps: the flags’ values become the inputs', () =>
  assert.deepEqual(
    planOps({ ...base, 'put-tagging': ['f.txt', 'env=dev&team=a%20b'], 'delete-tagging': 'g.txt', 'put-acl': ['h.txt', 'private'] }),
    [
      { kind: 'put-tagging', bucket: 'test-bucket', key: 'f.txt', tags: 'env=dev&team=a%20b' },
      { kind: 'delete-tagging', bucket: 'test-bucket', key: 'g.txt' },
      { kind: 'put-acl', bucket: 'test-bucket', key: 'h.txt', acl: 'private' },
    ],
  ));

test('--key does not apply to the tagging and ACL ops (they name their KEY)', () =>
  assert.deepEqual(planOps({ ...base, key: 'other', 'put-tagging': ['f.txt', 'a=1'] }), [
    { kind: 'put-tagging', bucket: 'test-bucket', key: 'f.txt', tags: 'a=1' },
  ]));
