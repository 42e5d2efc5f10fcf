import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listPage } from '../../../src/sandbox/s3/list.js';

const keys = ['a.txt', 'dir/a', 'dir/b', 'dir/sub/c', 'dir2/x', 'z'].sort();

test('listPage: prefix, delimiter, marker, max-keys', () => {
  const cases: [Partial<Parameters<typeof listPage>[0]>, { keys: string[]; commonPrefixes: string[]; isTruncated: boolean }][] = [
    [{}, { keys, commonPrefixes: [], isTruncated: false }],
    [{ delimiter: '/' }, { keys: ['a.txt', 'z'], commonPrefixes: ['dir/', 'dir2/'], isTruncated: false }],
    [
      { prefix: 'dir/', delimiter: '/' },
      { keys: ['dir/a', 'dir/b'], commonPrefixes: ['dir/sub/'], isTruncated: false },
    ],
    [{ prefix: 'dir' }, { keys: ['dir/a', 'dir/b', 'dir/sub/c', 'dir2/x'], commonPrefixes: [], isTruncated: false }],
    [{ maxKeys: 2 }, { keys: ['a.txt', 'dir/a'], commonPrefixes: [], isTruncated: true }],
    [{ after: 'dir/b' }, { keys: ['dir/sub/c', 'dir2/x', 'z'], commonPrefixes: [], isTruncated: false }],
    [
      { delimiter: '/', after: 'dir/' },
      { keys: ['z'], commonPrefixes: ['dir2/'], isTruncated: false },
    ],
    [
      { delimiter: '/', maxKeys: 2 },
      { keys: ['a.txt'], commonPrefixes: ['dir/'], isTruncated: true },
    ],
    [{ prefix: 'nope' }, { keys: [], commonPrefixes: [], isTruncated: false }],
    [{ maxKeys: 0 }, { keys: [], commonPrefixes: [], isTruncated: false }],
  ];
  for (const [input, expected] of cases) {
    const page = listPage({ keys, prefix: '', delimiter: '', after: '', maxKeys: 1000, ...input });
    assert.deepEqual(
      { keys: page.keys, commonPrefixes: page.commonPrefixes, isTruncated: page.isTruncated },
      expected,
      JSON.stringify(input),
    );
  }
});

test('listPage: paging by the last entry visits every key once', () => {
  const many = Array.from({ length: 25 }, (_, i) => `k/${String(i).padStart(3, '0')}`);
  const seen: string[] = [];
  let after = '';
  for (;;) {
    const page = listPage({ keys: many, prefix: 'k/', delimiter: '', after, maxKeys: 7 });
    seen.push(...page.keys);
    if (!page.isTruncated) break;
    after = page.last!;
  }
  assert.deepEqual(seen, many);
});
