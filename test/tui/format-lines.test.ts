/** Multi-line log messages (Lambda joins them with \r) and error text as one scrubbed line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorLine, messageLines } from '../../src/tui/format.js';
import { LogStore } from '../../src/tui/state/log-store.js';
import { logLine } from './fake-session.js';

test('a message splits into its lines on \\r, \\r\\n and \\n; a trailing newline adds none', () => {
  const cases: [string, string[]][] = [
    ['one', ['one']],
    ['line one\rline two', ['line one', 'line two']],
    ['a\r\nb\nc\n', ['a', 'b', 'c']],
    [
      '[ERROR] boom\rTraceback (most recent call last):\r  File "x.py"\r',
      ['[ERROR] boom', 'Traceback (most recent call last):', '  File "x.py"'],
    ],
    ['', ['']],
  ];
  for (const [message, lines] of cases) assert.deepEqual(messageLines(message), lines, JSON.stringify(message));
});

test('the log store keeps every \\r-joined part as its own line', () => {
  const store = new LogStore({ flushMs: 1000 });
  store.push(logLine('line one\rline two', 'app'));
  store.flush();
  assert.deepEqual(
    store.getSnapshot().lines.map((l) => l.line.message),
    ['line one', 'line two'],
  );
  store.dispose();
});

test('an error becomes one scrubbed line', () => {
  const cases: [unknown, RegExp, RegExp?][] = [
    [
      new Error('AccessDeniedException: refused\n<Error>\n  <Message>no</Message>\n</Error>'),
      /^AccessDeniedException: refused .*no/,
      /\n|\r/,
    ],
    [new Error('bad X-Amz-Signature=abcdef0123 here'), /X-Amz-Signature=\[redacted\]/, /abcdef0123/],
    ['plain text', /^plain text$/],
    [Object.assign(new Error(''), { name: 'ThrottlingException' }), /ThrottlingException/],
  ];
  for (const [err, ok, not] of cases) {
    const text = errorLine(err);
    assert.match(text, ok);
    if (not) assert.doesNotMatch(text, not);
    assert.ok(!text.includes('\n') && !text.includes('\r'));
  }
});
