import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bucketNameProblem } from '../../src/ops/bucket.js';
import { checkInput, inputProblem } from '../../src/ops/validate.js';
import { copySource, keyForFile } from '../../src/ops/simple.js';
import type { OpInput } from '../../src/ops/types.js';

for (const [name, ok] of [
  ['test-bucket', true],
  ['a.b-c1', true],
  ['abc', true],
  ['ab', false],
  ['a'.repeat(64), false],
  ['Test-Bucket', false],
  ['test_bucket', false],
  ['-test', false],
  ['test-', false],
  ['a..b', false],
  ['192.168.1.1', false],
  ['xn--bucket', false],
  ['sthree-bucket', false],
  ['bucket-s3alias', false],
  ['bucket--ol-s3', false],
] as const) {
  test(`bucketNameProblem(${name}) ${ok ? 'accepts' : 'rejects'}`, () => assert.equal(bucketNameProblem(name) === undefined, ok));
}

for (const [file, key, want] of [
  ['test.txt', undefined, 'test.txt'],
  ['./test.txt', undefined, 'test.txt'],
  ['././dir/a.txt', undefined, 'dir/a.txt'],
  ['/tmp/a.txt', undefined, 'tmp/a.txt'],
  ['dir/a.txt', 'custom/key', 'custom/key'],
  ['a.txt', '', 'a.txt'],
] as const) {
  test(`keyForFile(${file}, ${key})`, () => assert.equal(keyForFile(file, key), want));
}

test('copySource encodes the key per segment and keeps "+" literal', () => {
  assert.equal(copySource('b', 'dir/a b+c.txt'), 'b/dir/a%20b%2Bc.txt');
  assert.equal(copySource('b', 'test.txt'), 'b/test.txt');
});

const cases: [string, OpInput, string | undefined][] = [
  ['valid put', { kind: 'put', bucket: 'b-1', file: 'x' }, undefined],
  ['bad bucket', { kind: 'put', bucket: 'B', file: 'x' }, 'InvalidBucketName'],
  ['bad copy source bucket', { kind: 'copy', bucket: 'dest', sourceBucket: 'Bad_Src', sourceKey: 'k', key: 'k2' }, 'InvalidBucketName'],
  ['copy with empty key', { kind: 'copy', bucket: 'dest', sourceBucket: 'src', sourceKey: '', key: 'k2' }, 'Usage'],
  ['delete without key', { kind: 'delete', bucket: 'dest', key: '' }, 'Usage'],
  ['multipart defaults', { kind: 'multipart', bucket: 'dest', key: 'k' }, undefined],
  ['size 0', { kind: 'multipart', bucket: 'dest', key: 'k', sizeMB: 0 }, 'Usage'],
  ['size negative', { kind: 'multipart', bucket: 'dest', key: 'k', sizeMB: -3 }, 'Usage'],
  ['size NaN', { kind: 'multipart', bucket: 'dest', key: 'k', sizeMB: NaN }, 'Usage'],
  ['size over 5 TiB', { kind: 'multipart', bucket: 'dest', key: 'k', sizeMB: 6 * 1024 * 1024 }, 'Usage'],
  ['too many parts', { kind: 'multipart', bucket: 'dest', key: 'k', sizeMB: 60_000 }, 'Usage'],
  ['bigger parts make it fit', { kind: 'multipart', bucket: 'dest', key: 'k', sizeMB: 60_000, partSizeMB: 10 }, undefined],
  ['part size below 5 MiB', { kind: 'multipart', bucket: 'dest', key: 'k', partSizeMB: 4 }, 'Usage'],
  ['concurrency 0', { kind: 'multipart', bucket: 'dest', key: 'k', concurrency: 0 }, 'Usage'],
  ['concurrency 2.5', { kind: 'multipart', bucket: 'dest', key: 'k', concurrency: 2.5 }, 'Usage'],
  ['with --file the size does not matter', { kind: 'multipart', bucket: 'dest', key: 'k', file: 'f', sizeMB: -1 }, undefined],
];
for (const [name, input, code] of cases) {
  test(`inputProblem: ${name}`, () => assert.equal(inputProblem(input)?.code, code));
}

test('checkInput looks at the file system', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-validate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'a.txt');
  writeFileSync(file, 'hi');
  assert.equal(await checkInput({ kind: 'put', bucket: 'bkt', file }), undefined);
  assert.equal((await checkInput({ kind: 'put', bucket: 'bkt', file: join(dir, 'missing') }))?.code, 'FileNotFound');
  assert.equal((await checkInput({ kind: 'post', bucket: 'bkt', file: dir }))?.code, 'FileUnreadable');
  assert.equal((await checkInput({ kind: 'multipart', bucket: 'bkt', key: 'k', file: join(dir, 'missing') }))?.code, 'FileNotFound');
  if (process.getuid?.() !== 0) {
    chmodSync(file, 0o000);
    assert.equal((await checkInput({ kind: 'put', bucket: 'bkt', file }))?.code, 'FileUnreadable');
  }
});

for (const [name, input, want] of [
  ['a 1024-byte key', { kind: 'delete', bucket: 'b1c', key: 'é'.repeat(512) }, undefined],
  [
    'a 1025-byte key (UTF-8 counts bytes)',
    { kind: 'delete', bucket: 'b1c', key: `a${'é'.repeat(512)}` },
    '--delkey: the key is 1025 bytes in UTF-8; S3 allows at most 1024',
  ],
  [
    '--key too long',
    { kind: 'put', bucket: 'b1c', file: 'f', key: 'k'.repeat(1025) },
    '--key: the key is 1025 bytes in UTF-8; S3 allows at most 1024',
  ],
  [
    'a file path too long as a key',
    { kind: 'post', bucket: 'b1c', file: `./${'d/'.repeat(600)}f` },
    '--post FILE (the key is the path): the key is 1201 bytes in UTF-8; S3 allows at most 1024',
  ],
  [
    'copy source key',
    { kind: 'copy', bucket: 'b1c', sourceBucket: 'b1c', sourceKey: 'k'.repeat(2000), key: 'd' },
    '--copy SRC_KEY: the key is 2000 bytes in UTF-8; S3 allows at most 1024',
  ],
  [
    'copy destination key',
    { kind: 'copy', bucket: 'b1c', sourceBucket: 'b1c', sourceKey: 's', key: 'k'.repeat(1025) },
    '--copy DEST_KEY: the key is 1025 bytes in UTF-8; S3 allows at most 1024',
  ],
  [
    'multipart key',
    { kind: 'multipart', bucket: 'b1c', key: 'k'.repeat(1025) },
    '--multipart: the key is 1025 bytes in UTF-8; S3 allows at most 1024',
  ],
  [
    'a bucket name with a newline stays one line',
    { kind: 'delete', bucket: 'ab\nc', key: 'k' },
    "invalid bucket name 'ab\\nc': may contain only lowercase letters, digits, dots and hyphens",
  ],
] as [string, OpInput, string | undefined][]) {
  test(`inputProblem: ${name}`, () => assert.equal(inputProblem(input)?.message, want));
}
