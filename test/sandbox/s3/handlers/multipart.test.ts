import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MIN_PART_SIZE, multipartEtag, selectParts } from '../../../../src/sandbox/s3/handlers/multipart.js';
import type { PartMeta } from '../../../../src/sandbox/s3/store.js';

test('multipartEtag: md5 of the binary part md5s, then -N (AWS-recorded value)', () => {
  const partMd5 = createHash('md5').update('1'.repeat(6144)).digest('hex');
  assert.equal(multipartEtag([partMd5]), '8eabe9d6b43316e840b079170916c079-1');
});

const part = (n: number, size: number, etag = `e${n}`): PartMeta => ({ partNumber: n, size, etag, lastModified: '', blob: `b${n}` });

test('selectParts: AWS checks at Complete', () => {
  const stored = new Map([1, 2, 3].map((n) => [n, part(n, n === 3 ? 10 : MIN_PART_SIZE)]));
  const small = new Map([
    [1, part(1, 10)],
    [2, part(2, 10)],
  ]);
  const cases: [Map<number, PartMeta>, { partNumber: number; etag: string }[], string | number[]][] = [
    [stored, [], 'InvalidRequest'],
    [
      stored,
      [
        { partNumber: 2, etag: 'e2' },
        { partNumber: 1, etag: 'e1' },
      ],
      'InvalidPartOrder',
    ],
    [
      stored,
      [
        { partNumber: 1, etag: 'e1' },
        { partNumber: 1, etag: 'e1' },
      ],
      'InvalidPartOrder',
    ],
    [stored, [{ partNumber: 4, etag: 'e4' }], 'InvalidPart'],
    [stored, [{ partNumber: 1, etag: 'wrong' }], 'InvalidPart'],
    [
      small,
      [
        { partNumber: 1, etag: 'e1' },
        { partNumber: 2, etag: 'e2' },
      ],
      'EntityTooSmall',
    ],
    [small, [{ partNumber: 2, etag: 'e2' }], [2]],
    [
      stored,
      [
        { partNumber: 1, etag: 'e1' },
        { partNumber: 3, etag: 'e3' },
      ],
      [1, 3],
    ],
  ];
  for (const [parts, requested, expected] of cases) {
    if (typeof expected === 'string') assert.throws(() => selectParts(requested, parts), { code: expected }, JSON.stringify(requested));
    else
      assert.deepEqual(
        selectParts(requested, parts).map((p) => p.partNumber),
        expected,
      );
  }
});
