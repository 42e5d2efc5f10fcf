import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilterPattern } from '../../../src/sandbox/logs/filter-pattern.js';

const cases: { pattern: string | undefined; matches: string[]; rejects: string[] }[] = [
  { pattern: undefined, matches: ['anything', ''], rejects: [] },
  { pattern: '   ', matches: ['anything'], rejects: [] },
  { pattern: 'ERROR', matches: ['an ERROR here', 'ERRORS'], rejects: ['error', 'WARN'] },
  { pattern: 'ERROR timeout', matches: ['ERROR: timeout after 3s', 'timeout ERROR'], rejects: ['ERROR only', 'timeout only'] },
  { pattern: '"S3 Event Detected"', matches: ['[x] S3 Event Detected!'], rejects: ['S3 Event', 'Detected S3 Event'] },
  { pattern: '?ERROR ?WARN', matches: ['ERROR', 'a WARN'], rejects: ['INFO'] },
  { pattern: '?"Task timed out" ?Exception', matches: ['Task timed out after 3.00 seconds', 'Exception: x'], rejects: ['Task ok'] },
  { pattern: 'REPORT ?Init ?Timeout', matches: ['REPORT Init Duration', 'REPORT Timeout'], rejects: ['REPORT Duration', 'Init Duration'] },
  { pattern: '-DEBUG', matches: ['INFO x'], rejects: ['DEBUG x'] },
  { pattern: 'ERROR -Exiting -"known issue"', matches: ['ERROR bad'], rejects: ['ERROR Exiting', 'ERROR a known issue', 'INFO'] },
  { pattern: '"say \\"hi\\""', matches: ['they say "hi" there'], rejects: ['say hi'] },
  { pattern: 'RequestId: abc', matches: ['END RequestId: abc'], rejects: ['RequestId: def'] },
  { pattern: '%^START RequestId%', matches: ['START RequestId: 1'], rejects: [' START RequestId: 1'] },
  { pattern: '%[Ee]rror|[Ff]ail%', matches: ['error', 'Failed'], rejects: ['ok'] },
];

for (const { pattern, matches, rejects } of cases) {
  test(`filter pattern ${JSON.stringify(pattern)}`, () => {
    const parsed = parseFilterPattern(pattern);
    assert.ok(parsed.ok);
    for (const m of matches) assert.equal(parsed.matches(m), true, `should match ${JSON.stringify(m)}`);
    for (const m of rejects) assert.equal(parsed.matches(m), false, `should not match ${JSON.stringify(m)}`);
  });
}

const invalid: { pattern: string; message: RegExp }[] = [
  { pattern: '{ $.level = "error" }', message: /JSON and space-delimited patterns are not supported/ },
  { pattern: '[ip, user, status = 404]', message: /JSON and space-delimited patterns are not supported/ },
  { pattern: '"unterminated', message: /unterminated quoted phrase/ },
  { pattern: 'ERROR ?', message: /empty term/ },
  { pattern: '%(unclosed%', message: /Invalid regular expression/ },
];

for (const { pattern, message } of invalid) {
  test(`filter pattern ${JSON.stringify(pattern)} is refused`, () => {
    const parsed = parseFilterPattern(pattern);
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.match(parsed.message, message);
  });
}
