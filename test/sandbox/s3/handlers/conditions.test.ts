import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preconditionOutcome } from '../../../../src/sandbox/s3/handlers/conditions.js';

test('preconditionOutcome: If-Match / If-None-Match / dates', () => {
  const modified = new Date('2025-01-02T03:04:05Z');
  const before = 'Wed, 01 Jan 2025 00:00:00 GMT';
  const after = 'Fri, 03 Jan 2025 00:00:00 GMT';
  const cases: [Record<string, string>, 304 | 412 | undefined][] = [
    [{}, undefined],
    [{ 'if-match': '"abc"' }, undefined],
    [{ 'if-match': '"other", "abc"' }, undefined],
    [{ 'if-match': '*' }, undefined],
    [{ 'if-match': '"nope"' }, 412],
    [{ 'if-none-match': '"abc"' }, 304],
    [{ 'if-none-match': '"nope"' }, undefined],
    [{ 'if-modified-since': after }, 304],
    [{ 'if-modified-since': before }, undefined],
    [{ 'if-unmodified-since': before }, 412],
    [{ 'if-unmodified-since': after }, undefined],
    [{ 'if-match': '"abc"', 'if-unmodified-since': before }, undefined],
  ];
  for (const [headers, expected] of cases) assert.equal(preconditionOutcome(headers, 'abc', modified), expected, JSON.stringify(headers));
});
