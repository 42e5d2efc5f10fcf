import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLambdaMessage, parseReportMetrics, toLogLine, type ParsedLambdaLine } from '../../src/observe/lambda-log.js';

const ID = '4ce9340a-b765-490f-ad8a-02ab3415e2bf';

const cases: { name: string; message: string; expect: Partial<ParsedLambdaLine> }[] = [
  { name: 'START', message: `START RequestId: ${ID} Version: $LATEST\n`, expect: { kind: 'start', requestId: ID } },
  { name: 'END', message: `END RequestId: ${ID}\n`, expect: { kind: 'end', requestId: ID } },
  {
    name: 'REPORT warm',
    message: `REPORT RequestId: ${ID}\tDuration: 26.73 ms\tBilled Duration: 27 ms\tMemory Size: 128 MB\tMax Memory Used: 75 MB\t\n`,
    expect: {
      kind: 'report',
      requestId: ID,
      report: { durationMs: 26.73, billedDurationMs: 27, memorySizeMB: 128, maxMemoryUsedMB: 75 },
    },
  },
  {
    name: 'REPORT cold',
    message: `REPORT RequestId: ${ID}\tDuration: 2.5 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\tInit Duration: 166.62 ms\t\n`,
    expect: {
      kind: 'report',
      report: { durationMs: 2.5, billedDurationMs: 3, memorySizeMB: 128, maxMemoryUsedMB: 67, initDurationMs: 166.62 },
    },
  },
  {
    name: 'REPORT with Status: timeout',
    message: `REPORT RequestId: ${ID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout\n`,
    expect: { kind: 'report', outcome: 'timed-out' },
  },
  {
    name: 'REPORT with Status: error',
    message: `REPORT RequestId: ${ID}\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: error\tError Type: Runtime.ExitError\n`,
    expect: { kind: 'report', outcome: 'failed' },
  },
  {
    name: 'node INFO',
    message: `2019-06-05T19:30:03.173Z\t${ID}\tINFO\tEVENT\r{\r  "key": "value"\r}\n`,
    expect: { kind: 'app', requestId: ID, level: 'INFO', text: 'EVENT\r{\r  "key": "value"\r}' },
  },
  {
    name: 'node ERROR (console.error is not a failure)',
    message: `2019-06-05T19:30:03.173Z\t${ID}\tERROR\tsomething odd\n`,
    expect: { kind: 'error', requestId: ID, level: 'ERROR', outcome: undefined },
  },
  {
    name: 'node Invoke Error',
    message: `2019-06-05T19:30:03.173Z\t${ID}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom"}\n`,
    expect: { kind: 'error', requestId: ID, outcome: 'failed' },
  },
  {
    name: 'node init error with undefined id',
    message: `2019-06-05T19:30:03.173Z\tundefined\tERROR\tUncaught Exception \t{}\n`,
    expect: { kind: 'error', requestId: undefined, outcome: 'failed' },
  },
  {
    name: 'python logging',
    message: `[INFO]\t2019-06-05T19:30:03.173Z\t${ID}\thello from logging\n`,
    expect: { kind: 'app', requestId: ID, level: 'INFO', text: 'hello from logging' },
  },
  {
    name: 'python logging ERROR',
    message: `[ERROR]\t2019-06-05T19:30:03.173Z\t${ID}\tbad thing\n`,
    expect: { kind: 'error', requestId: ID, level: 'ERROR' },
  },
  {
    name: 'python unhandled exception',
    message: `[ERROR] KeyError: 'Records'\rTraceback (most recent call last):\r  File "/var/task/h.py", line 3\n`,
    expect: { kind: 'error', requestId: undefined, outcome: 'failed' },
  },
  { name: 'python print', message: '2025-11-07T09:41:24 S3 Event Detected\n', expect: { kind: 'app', requestId: undefined } },
  { name: 'python print of [ERROR] text is not a failure', message: '[ERROR] no colon here\n', expect: { kind: 'app' } },
  {
    name: 'task timed out (with time and id)',
    message: `2023-01-01T00:00:03.000Z ${ID} Task timed out after 3.00 seconds\n`,
    expect: { kind: 'timeout', requestId: ID, outcome: 'timed-out' },
  },
  {
    name: 'task timed out (bare)',
    message: 'Task timed out after 3.01 seconds\n',
    expect: { kind: 'timeout', requestId: undefined, outcome: 'timed-out' },
  },
  {
    name: 'task timed out (tab-separated time and id)',
    message: `2023-01-01T00:00:03.000Z\t${ID}\tTask timed out after 900.00 seconds\n`,
    expect: { kind: 'timeout', requestId: ID, outcome: 'timed-out' },
  },
  {
    name: 'an application line quoting the timeout text is not a timeout',
    message: `2023-01-01T00:00:03.000Z\t${ID}\tINFO\tTask timed out after 3.00 seconds, said the test\n`,
    expect: { kind: 'app', requestId: ID },
  },
  {
    name: 'JSON platform.start',
    message: `{"time":"2024-01-01T00:00:00.000Z","type":"platform.start","record":{"requestId":"${ID}","version":"$LATEST"}}`,
    expect: { kind: 'start', requestId: ID },
  },
  {
    name: 'JSON platform.report cold',
    message: `{"time":"2024-01-01T00:00:00.100Z","type":"platform.report","record":{"requestId":"${ID}","metrics":{"durationMs":11.642,"billedDurationMs":12,"memorySizeMB":128,"maxMemoryUsedMB":67,"initDurationMs":174.055},"status":"success"}}`,
    expect: {
      kind: 'report',
      requestId: ID,
      report: { durationMs: 11.642, billedDurationMs: 12, memorySizeMB: 128, maxMemoryUsedMB: 67, initDurationMs: 174.055 },
    },
  },
  {
    name: 'JSON platform.report timeout',
    message: `{"time":"x","type":"platform.report","record":{"requestId":"${ID}","metrics":{"durationMs":3000},"status":"timeout"}}`,
    expect: { kind: 'report', outcome: 'timed-out' },
  },
  {
    name: 'JSON platform.runtimeDone',
    message: `{"time":"x","type":"platform.runtimeDone","record":{"requestId":"${ID}","status":"success"}}`,
    expect: { kind: 'end', requestId: ID },
  },
  {
    name: 'JSON app log',
    message: `{"timestamp":"2024-01-01T00:00:00.050Z","level":"INFO","requestId":"${ID}","message":"hello"}`,
    expect: { kind: 'app', requestId: ID, level: 'INFO', text: 'hello' },
  },
  {
    name: 'JSON app error',
    message: `{"timestamp":"x","level":"ERROR","requestId":"${ID}","message":"bad","errorType":"Error"}`,
    expect: { kind: 'error', requestId: ID, outcome: 'failed' },
  },
  { name: 'a JSON object the handler printed', message: '{"Records":[]}', expect: { kind: 'app', requestId: undefined } },
  { name: 'broken JSON', message: '{"Records":', expect: { kind: 'app' } },
  { name: 'empty', message: '', expect: { kind: 'app' } },
];

for (const c of cases) {
  test(`parseLambdaMessage: ${c.name}`, () => {
    const parsed = parseLambdaMessage(c.message);
    for (const [k, v] of Object.entries(c.expect)) {
      assert.deepEqual(parsed[k as keyof ParsedLambdaLine], v, `${k} of ${JSON.stringify(c.message)}`);
    }
  });
}

test('parseReportMetrics: no Duration -> undefined', () => {
  assert.equal(parseReportMetrics('REPORT RequestId: x'), undefined);
});

test('toLogLine copies the raw event, sets seenAt, requestId and kind', () => {
  const { line } = toLogLine(
    { logGroup: 'g', logStream: 's', timestamp: 5, ingestionTime: 6, eventId: 'e1', message: `START RequestId: ${ID} Version: $LATEST\n` },
    99,
  );
  assert.deepEqual(line, {
    logGroup: 'g',
    logStream: 's',
    timestamp: 5,
    ingestionTime: 6,
    eventId: 'e1',
    message: `START RequestId: ${ID} Version: $LATEST\n`,
    seenAt: 99,
    requestId: ID,
    kind: 'start',
  });
});
