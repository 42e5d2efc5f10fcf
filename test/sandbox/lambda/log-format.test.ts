import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  billedDuration,
  endLine,
  errorPayload,
  initStartLine,
  logStreamName,
  nodeConsoleLine,
  nodeErrorLine,
  pythonErrorLine,
  reportLine,
  splitForCloudWatch,
  startLine,
  timeoutLine,
} from '../../../src/sandbox/lambda/log-format.js';

const ID = '4ce9340a-b765-490f-ad8a-02ab3415e2bf';
const T = Date.UTC(2019, 5, 5, 19, 30, 3, 173);

test('platform lines', () => {
  assert.equal(startLine(ID), `START RequestId: ${ID} Version: $LATEST\n`);
  assert.equal(endLine(ID), `END RequestId: ${ID}\n`);
  assert.equal(
    initStartLine('nodejs20.x'),
    'INIT_START Runtime Version: nodejs:20.v1\tRuntime Version ARN: s3trigger-sandbox:nodejs20.x\n',
  );
  assert.equal(
    initStartLine('python3.12'),
    'INIT_START Runtime Version: python:3.12.v1\tRuntime Version ARN: s3trigger-sandbox:python3.12\n',
  );
});

test('REPORT: tabs, two decimals, ceil billing (init included), Init Duration and Status only when given', () => {
  const cases: [Parameters<typeof reportLine>[0], string][] = [
    [
      { requestId: ID, durationMs: 26.731, memorySizeMB: 128, maxMemoryUsedMB: 75 },
      `REPORT RequestId: ${ID}\tDuration: 26.73 ms\tBilled Duration: 27 ms\tMemory Size: 128 MB\tMax Memory Used: 75 MB\t\n`,
    ],
    [
      { requestId: ID, durationMs: 12.34, memorySizeMB: 128, maxMemoryUsedMB: 57, initDurationMs: 150.123 },
      `REPORT RequestId: ${ID}\tDuration: 12.34 ms\tBilled Duration: 163 ms\tMemory Size: 128 MB\tMax Memory Used: 57 MB\tInit Duration: 150.12 ms\t\n`,
    ],
    [
      { requestId: ID, durationMs: 3000.4, memorySizeMB: 256, maxMemoryUsedMB: 40, status: 'timeout' },
      `REPORT RequestId: ${ID}\tDuration: 3000.40 ms\tBilled Duration: 3001 ms\tMemory Size: 256 MB\tMax Memory Used: 40 MB\tStatus: timeout\n`,
    ],
    [
      { requestId: ID, durationMs: 1, memorySizeMB: 128, maxMemoryUsedMB: 40, status: 'error', errorType: 'Runtime.ExitError' },
      `REPORT RequestId: ${ID}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: error\tError Type: Runtime.ExitError\n`,
    ],
  ];
  for (const [input, expected] of cases) assert.equal(reportLine(input), expected);
  for (const [ms, billed] of [
    [0.01, 1],
    [1, 1],
    [1.001, 2],
    [99.5, 100],
  ] as const)
    assert.equal(billedDuration(ms), billed);
  // A cold start bills its INIT phase too (AWS since August 2025): 5000 ms + 578.07 ms init -> 5579 ms.
  assert.equal(billedDuration(5000, 578.07), 5579);
});

test('node console lines: ISO time, request id (or undefined in init), level, newlines as \\r', () => {
  assert.equal(
    nodeConsoleLine(T, ID, 'INFO', 'EVENT\n{\n  "key": "value"\n}'),
    `2019-06-05T19:30:03.173Z\t${ID}\tINFO\tEVENT\r{\r  "key": "value"\r}\n`,
  );
  assert.equal(nodeConsoleLine(T, undefined, 'WARN', 'loading'), '2019-06-05T19:30:03.173Z\tundefined\tWARN\tloading\n');
});

test('errors: node Invoke Error / Uncaught Exception, python [ERROR] with traceback, payloads', () => {
  const err = { errorType: 'Error', errorMessage: 'boom', trace: ['Error: boom', '    at handler (file:///x/index.mjs:1:7)'] };
  assert.equal(
    nodeErrorLine(T, ID, err, 'invoke'),
    `2019-06-05T19:30:03.173Z\t${ID}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom","stack":["Error: boom","    at handler (file:///x/index.mjs:1:7)"]}\n`,
  );
  assert.match(nodeErrorLine(T, undefined, err, 'init'), /\tundefined\tERROR\tUncaught Exception \t\{/);
  const py = {
    errorType: 'Exception',
    errorMessage: 'boom',
    trace: ['  File "/var/task/f.py", line 2, in handler\n    raise Exception("boom")\n'],
  };
  assert.equal(
    pythonErrorLine(py),
    '[ERROR] Exception: boom\rTraceback (most recent call last):\r  File "/var/task/f.py", line 2, in handler\r    raise Exception("boom")\n',
  );
  assert.equal(pythonErrorLine({ ...py, trace: [] }), '[ERROR] Exception: boom\n');
  assert.deepEqual(errorPayload('python3.12', py, ID), {
    errorMessage: 'boom',
    errorType: 'Exception',
    requestId: ID,
    stackTrace: py.trace,
  });
  assert.deepEqual(errorPayload('nodejs20.x', err, ID), { errorType: 'Error', errorMessage: 'boom', trace: err.trace });
});

test('timeout line as Lambda prints it', () => {
  assert.equal(timeoutLine(T, ID, 3), `2019-06-05T19:30:03.173Z ${ID} Task timed out after 3.00 seconds\n`);
});

test('log stream names: UTC creation day, [$LATEST], 32 lowercase hex', () => {
  assert.equal(logStreamName(new Date(Date.UTC(2025, 10, 7, 23, 59)), 'a'.repeat(32)), `2025/11/07/[$LATEST]${'a'.repeat(32)}`);
  assert.match(logStreamName(new Date()), /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
});

test('splitForCloudWatch keeps every piece within the byte limit and loses nothing', () => {
  const cases = ['short', 'x'.repeat(25), 'é'.repeat(20), '😀'.repeat(9), 'a'.repeat(10) + '😀'.repeat(5)];
  for (const text of cases) {
    const pieces = splitForCloudWatch(text, 10);
    assert.equal(pieces.join(''), text);
    assert.ok(
      pieces.every((p) => Buffer.byteLength(p) <= 10 && p.length > 0),
      JSON.stringify(pieces),
    );
  }
});
