import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyFilterAccepts } from '../../src/aws/s3-events.js';

test('keyFilterAccepts compares prefix and suffix with the key as S3 encodes it in events (special characters URL-encoded)', () => {
  const cases: [string, { Name: string; Value: string }[], boolean][] = [
    ['in/a.txt', [{ Name: 'prefix', Value: 'in/' }], true],
    ['in/a.txt', [{ Name: 'Suffix', Value: '.txt' }], true],
    ['my photos/a.jpg', [{ Name: 'prefix', Value: 'my+photos/' }], true],
    ['my photos/a.jpg', [{ Name: 'prefix', Value: 'my photos/' }], false],
    ['a=b/x', [{ Name: 'prefix', Value: 'a%3Db/' }], true],
    ['a=b/x', [{ Name: 'prefix', Value: 'a=b/' }], false],
    ['x', [], true],
    [
      'in/a.txt',
      [
        { Name: 'prefix', Value: 'in/' },
        { Name: 'suffix', Value: '.jpg' },
      ],
      false,
    ],
  ];
  for (const [key, rules, want] of cases) assert.equal(keyFilterAccepts(rules, key), want, `${key} ${JSON.stringify(rules)}`);
});
