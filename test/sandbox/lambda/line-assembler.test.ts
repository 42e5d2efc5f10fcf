import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineAssembler } from '../../../src/sandbox/lambda/line-assembler.js';

test('lines split on \\n across chunks, markers found, partial lines before a marker kept', () => {
  const cases: { chunks: (string | Buffer)[]; expected: unknown[] }[] = [
    { chunks: ['a\nb', 'c\n'], expected: [{ line: 'a' }, { line: 'bc' }] },
    { chunks: ['\n\n'], expected: [{ line: '' }, { line: '' }] },
    { chunks: ['no newline\x1eREQ\x1e\n'], expected: [{ line: 'no newline' }, { marker: 'REQ' }] },
    { chunks: ['\x1eREQ', '\x1e\nafter\n'], expected: [{ marker: 'REQ' }, { line: 'after' }] },
    {
      chunks: [Buffer.from('é').subarray(0, 1), Buffer.concat([Buffer.from('é').subarray(1), Buffer.from('\n')])],
      expected: [{ line: 'é' }],
    },
  ];
  for (const { chunks, expected } of cases) {
    const a = new LineAssembler(100);
    const got = chunks.flatMap((c) => a.push(c));
    assert.deepEqual([...got, ...a.end()], expected, JSON.stringify(chunks));
  }
});

test('a long line without newline is emitted in pieces no larger than the limit; end() flushes the rest', () => {
  const a = new LineAssembler(10);
  const got = [...a.push('x'.repeat(25)), ...a.push('y\n'), ...a.end()];
  const text = got.map((i) => ('line' in i ? i.line : '')).join('');
  assert.equal(text, `${'x'.repeat(25)}y`);
  assert.ok(got.every((i) => 'line' in i && i.line.length <= 10));
  const b = new LineAssembler(10);
  assert.deepEqual([...b.push('tail'), ...b.end()], [{ line: 'tail' }]);
});

test('flush() emits the partial line and keeps the stream going (an invocation ended without a marker)', () => {
  const a = new LineAssembler(100);
  assert.deepEqual(a.push('done\npart'), [{ line: 'done' }]);
  assert.deepEqual(a.flush(), [{ line: 'part' }]);
  assert.deepEqual(a.flush(), [], 'nothing pending');
  // A split UTF-8 character stays in the decoder across a flush.
  assert.deepEqual(a.push(Buffer.from('é').subarray(0, 1)), []);
  assert.deepEqual(a.push(Buffer.concat([Buffer.from('é').subarray(1), Buffer.from('\n')])), [{ line: 'é' }]);
});
