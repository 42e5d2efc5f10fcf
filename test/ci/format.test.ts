import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as text from '../../src/ci/text.js';
import { outcomeRecord } from '../../src/ci/json.js';
import { exitCodeFor, invocationText, statusOf, type OpOutcome } from '../../src/ci/outcome.js';
import type { Invocation, Latency } from '../../src/observe/types.js';
import type { OpInput, OpResult } from '../../src/ops/types.js';
import type { TargetInfo } from '../../src/events.js';

const put: OpInput = { kind: 'put', bucket: 'test-bucket', file: './test.txt' };
const copy: OpInput = { kind: 'copy', bucket: 'test-bucket', sourceBucket: 'test-bucket', sourceKey: 'test.txt', key: 'copy_test.txt' };
const del: OpInput = { kind: 'delete', bucket: 'test-bucket', key: 'copy_test.txt' };
const post: OpInput = { kind: 'post', bucket: 'test-bucket', file: 'test.txt' };
const mp: OpInput = { kind: 'multipart', bucket: 'test-bucket', key: 'bigfile.bin' };
const target: TargetInfo = {
  kind: 'sandbox',
  region: 'eu-west-1',
  label: 'local sandbox http://127.0.0.1:4566 (region eu-west-1)',
  endpoint: 'http://127.0.0.1:4566',
};

const ok = (over: Partial<OpResult> = {}): OpResult => ({
  opId: 1,
  op: 'put',
  bucket: 'test-bucket',
  key: 'test.txt',
  startedAt: 1000,
  ackedAt: 1010,
  bytes: 29,
  etag: 'b72a',
  requestId: 'REQ1',
  ...over,
});

test('op lines read like the blog scripts', () => {
  assert.equal(text.opStartLine(put), 'PUT object test.txt to bucket test-bucket');
  assert.equal(text.opDoneLine(put, ok()), 'Done. Uploaded 29 bytes from file: ./test.txt');
  assert.equal(text.opStartLine(copy), 'COPY object test.txt from test-bucket to copy_test.txt in test-bucket');
  assert.equal(text.opDoneLine(copy, ok()), 'Done.');
  assert.equal(text.opStartLine(del), 'DELETE object copy_test.txt from bucket test-bucket');
  assert.equal(text.opStartLine(post), 'POST object test.txt to bucket test-bucket');
  assert.equal(text.opDoneLine(post, ok()), 'Upload successful. S3 POST trigger should fire.');
  assert.equal(text.opStartLine(mp), 'MULTIPART upload bigfile.bin to bucket test-bucket');
  assert.equal(
    text.opDoneLine(mp, ok({ etag: '8c3c902f7dbe017b83fe23b4a1de0f6b-2', bytes: 6291456 })),
    'Done. Upload completed with 2 parts.',
  );
  assert.equal(text.opDoneLine(mp, ok({ etag: undefined, bytes: 1024 })), 'Done. Upload completed with 1 part.');
  assert.deepEqual(text.targetLines({ ...target, note: 'fell back' }), [
    'Target: local sandbox http://127.0.0.1:4566 (region eu-west-1)',
    'Note: fell back',
  ]);
  assert.equal(text.bucketLine('b', true), 'Bucket b created.');
  assert.equal(text.bucketLine('b', false), "Bucket 'b' exists and is accessible.");
});

for (const [code, input, want] of [
  ['NoSuchKey', copy, /copy source s3:\/\/test-bucket\/test.txt does not exist \(NoSuchKey\): check --copy/],
  ['NoSuchBucket', put, /--create-bucket/],
  ['AccessDenied', put, /access denied \(AccessDenied\)/],
  ['ExpiredToken', put, /expired \(ExpiredToken\): refresh/],
  ['EndpointUnreachable', put, /at http:\/\/127\.0\.0\.1:4566: check --endpoint-url/],
  ['NoCredentials', put, /--local/],
  ['Weird', del, /^Error: DELETE s3:\/\/test-bucket\/copy_test.txt: boom \(Weird\)$/],
] as const) {
  test(`failureLine names what to fix: ${code}`, () => {
    assert.match(
      text.failureLine(
        input,
        { code, message: code === 'EndpointUnreachable' ? 'cannot reach the endpoint (connection refused)' : 'boom' },
        target,
      ),
      want,
    );
  });
}

test('failureLine: a COPY NoSuchBucket names the bucket S3 named, or both when the endpoint named none', () => {
  const fromElsewhere: OpInput = { ...copy, sourceBucket: 'src-bkt' };
  const line = (error: { code: string; message: string; bucketName?: string }) => text.failureLine(fromElsewhere, error, target);
  const gone = { code: 'NoSuchBucket', message: 'The specified bucket does not exist' };
  assert.equal(
    line({ ...gone, bucketName: 'src-bkt' }),
    'Error: copy source s3://src-bkt/test.txt: the bucket src-bkt does not exist (NoSuchBucket): check --copy SRC_BUCKET SRC_KEY',
  );
  assert.match(
    line({ ...gone, bucketName: 'test-bucket' }),
    /^Error: COPY s3:\/\/test-bucket\/copy_test.txt: the bucket does not exist .*--create-bucket/,
  );
  assert.equal(
    line(gone),
    'Error: COPY s3://test-bucket/copy_test.txt: a bucket does not exist (NoSuchBucket), the endpoint did not say which: the source src-bkt (check --copy SRC_BUCKET SRC_KEY) or the destination test-bucket (pass --create-bucket to create it)',
  );
  // One bucket both ways: it is the destination's message.
  assert.match(text.failureLine(copy, gone, target), /the bucket does not exist \(NoSuchBucket\): pass --create-bucket/);
});

const invocation: Invocation = {
  requestId: 'abc-123',
  logGroup: '/aws/lambda/event-handler',
  logStream: '2025/11/07/[$LATEST]x',
  status: 'succeeded',
  firstSeenAt: 1030,
  startedAt: 1020,
  reportedAt: 1050,
  report: { durationMs: 3.2, billedDurationMs: 4, memorySizeMB: 128, maxMemoryUsedMB: 40, initDurationMs: 120 },
  lines: [
    { logGroup: 'g', logStream: 's', timestamp: 1020, seenAt: 1030, message: 'START RequestId: abc-123 Version: $LATEST\n', kind: 'start' },
    {
      logGroup: 'g',
      logStream: 's',
      timestamp: 1021,
      seenAt: 1031,
      message: '\n2025-11-07T09:41:24 S3 Event Detected\n2025-11-07T09:41:24 Object:     test.txt\n',
      kind: 'app',
    },
    {
      logGroup: 'g',
      logStream: 's',
      timestamp: 1050,
      seenAt: 1060,
      message: 'REPORT RequestId: abc-123\tDuration: 3.20 ms',
      kind: 'report',
    },
  ],
};
const latency: Latency = { triggerMs: 10, endToEndMs: 40, durationMs: 3.2, initDurationMs: 120, coldStart: true, tailLagMs: 10 };

test('invocation block: header with confidence, every log line indented', () => {
  const lines = text.invocationLines(invocation, 'key', latency);
  assert.match(lines[0]!, /^Invocation abc-123 in \/aws\/lambda\/event-handler matched by key .*cold start/);
  assert.ok(lines.includes('  2025-11-07T09:41:24 S3 Event Detected'));
  assert.ok(lines.every((l, i) => i === 0 || l.startsWith('  ')));
});

test('latency line names the clock of every figure', () => {
  const line = text.latencyLine(latency);
  assert.match(line, /trigger 10 ms \(S3 ack, this machine -> START, Lambda clock\)/);
  assert.match(line, /end-to-end 40 ms/);
  assert.match(line, /duration 3\.2 ms \(Lambda's own\)/);
  assert.match(line, /init 120 ms/);
  assert.match(line, /tail lag 10 ms/);
  assert.equal(text.latencyLine({ coldStart: false }), 'Latency: not measurable (no START/REPORT seen)');
});

test('no-match and expect lines', () => {
  assert.equal(text.noMatchLine(put, 30_000, ['/aws/lambda/f']), 'No matching invocation for PUT test.txt within 30s in /aws/lambda/f');
  assert.match(text.noMatchLine(put, 1000, []), /--function/);
  assert.equal(
    text.noMatchLine(put, 5000, ['/aws/lambda/f'], new Map([['/aws/lambda/f', 'ECONNREFUSED']])),
    'No matching invocation for PUT test.txt within 5s in /aws/lambda/f (tail: /aws/lambda/f: ECONNREFUSED)',
  );
  assert.equal(text.expectFailedLine('Size: 1', invocation), 'Expect failed: /Size: 1/ not found in the log of invocation abc-123');
});

const outcomes: [string, OpOutcome, string][] = [
  ['acked', { input: put, warnings: [], result: ok() }, 'acked'],
  ['matched', { input: put, warnings: [], result: ok(), match: { invocation, confidence: 'request-id', latency } }, 'matched'],
  ['failed', { input: put, warnings: [], result: ok({ error: { code: 'AccessDenied', message: 'Access Denied' } }) }, 'failed'],
  ['no result', { input: put, warnings: [] }, 'failed'],
  ['timed out', { input: put, warnings: [], result: ok(), timedOut: true }, 'no-match'],
  [
    'expect failed',
    { input: put, warnings: [], result: ok(), match: { invocation, confidence: 'time', latency }, expect: { pattern: 'x', ok: false } },
    'expect-failed',
  ],
  ['cancelled', { input: mp, warnings: [], cancelled: true }, 'cancelled'],
];
for (const [name, o, status] of outcomes) test(`statusOf: ${name}`, () => assert.equal(statusOf(o), status));

test('exit codes: interrupted > failed > no match > ok', () => {
  const [acked, matched, failed, , timedOut, expectFailed] = outcomes.map((c) => c[1]);
  assert.equal(exitCodeFor([], false), 0);
  assert.equal(exitCodeFor([acked!, matched!], false), 0);
  assert.equal(exitCodeFor([matched!, timedOut!], false), 3);
  assert.equal(exitCodeFor([expectFailed!], false), 3);
  assert.equal(exitCodeFor([timedOut!, failed!], false), 1);
  assert.equal(exitCodeFor([failed!], true), 130);
  const unreachable: OpOutcome = {
    input: put,
    warnings: [],
    result: ok({ error: { code: 'EndpointUnreachable', message: 'cannot reach the endpoint' } }),
  };
  assert.equal(exitCodeFor([unreachable], false), 2);
  assert.equal(exitCodeFor([unreachable], true), 130);
  const noTempFile: OpOutcome = {
    input: mp,
    warnings: [],
    result: ok({ error: { code: 'TempFileUnwritable', message: 'cannot write the temp file' } }),
  };
  assert.equal(exitCodeFor([noTempFile], false), 2, 'nothing was sent: bad input');
});

test('NDJSON record carries result, match, latency and the log', () => {
  const record = outcomeRecord(
    {
      input: put,
      warnings: ['w'],
      result: ok(),
      match: { invocation, confidence: 'request-id', latency },
      expect: { pattern: 'S3 Event', ok: true },
    },
    target,
  );
  const parsed = JSON.parse(JSON.stringify(record));
  assert.equal(parsed.status, 'matched');
  assert.equal(parsed.key, 'test.txt');
  assert.equal(parsed.result.requestId, 'REQ1');
  assert.equal(parsed.error, null);
  assert.equal(parsed.match.confidence, 'request-id');
  assert.equal(parsed.match.requestId, 'abc-123');
  assert.equal(parsed.match.coldStart, true);
  assert.equal(parsed.match.report.initDurationMs, 120);
  assert.equal(parsed.latency.triggerMs, 10);
  assert.equal(parsed.log.length, 3);
  assert.equal(parsed.log[0].message, 'START RequestId: abc-123 Version: $LATEST');
  assert.deepEqual(parsed.expect, { pattern: 'S3 Event', ok: true });
  const failed = outcomeRecord({ input: put, warnings: [], result: ok({ error: { code: 'NoSuchBucket', message: 'gone' } }) }, target);
  assert.equal(failed.status, 'failed');
  assert.deepEqual(failed.error, { code: 'NoSuchBucket', message: 'gone' });
  assert.equal(failed.match, null);
  assert.equal(failed.latency, null);
});

test('invocationText (--expect) includes the evidence kept past the line cap, in time order', () => {
  const line = (timestamp: number, message: string) => ({
    logGroup: 'g',
    logStream: 's',
    timestamp,
    message,
    seenAt: timestamp,
    kind: 'app' as const,
  });
  const early = line(1, 'ObjectCreated:Put big.txt');
  const kept = [line(2, 'filler 2'), line(3, 'filler 3')];
  const inv = {
    requestId: 'r',
    logGroup: 'g',
    logStream: 's',
    status: 'succeeded' as const,
    firstSeenAt: 1,
    lines: kept,
    evidence: [early, kept[0]!],
  };
  assert.equal(invocationText(inv), 'ObjectCreated:Put big.txt\nfiller 2\nfiller 3');
});

const line = (message: string, kind: 'app' | 'error' | 'timeout' = 'app') => ({
  logGroup: 'g',
  logStream: 's',
  timestamp: 1030,
  seenAt: 1031,
  message,
  kind,
});

test('every \\r-joined part of a log message is a line of its own (a Python traceback)', () => {
  const traceback =
    '[ERROR] ValueError: bad input\rTraceback (most recent call last):\r  File "/var/task/h.py", line 3, in handler\r    raise ValueError("bad input")\n';
  const inv: Invocation = { ...invocation, status: 'failed', lines: [line('one\rtwo\r\nthree\n'), line(traceback, 'error')] };
  const lines = text.invocationLines(inv, 'key', latency);
  assert.deepEqual(lines.slice(1), [
    '  one',
    '  two',
    '  three',
    '  [ERROR] ValueError: bad input',
    '  Traceback (most recent call last):',
    '    File "/var/task/h.py", line 3, in handler',
    '      raise ValueError("bad input")',
  ]);
  assert.ok(lines.every((l) => !l.includes('\r')));
  const record = outcomeRecord(
    { input: put, warnings: [], result: ok(), match: { invocation: inv, confidence: 'key', latency }, lambdaFailed: true },
    target,
  );
  assert.equal(record.log[1]!.message, traceback.replace(/\n$/, ''), 'JSON keeps the raw message');
  assert.equal(record.status, 'lambda-failed');
  assert.deepEqual(record.match!.errors, [traceback.replace(/\n$/, '')]);
});

test('a failed or timed-out invocation: one line saying so, then its error lines', () => {
  const failed: Invocation = {
    ...invocation,
    status: 'failed',
    lines: [line('got test.txt'), line('2026-01-01T00:00:00.000Z\tabc-123\tERROR\tInvoke Error \t{"errorType":"Error"}\n', 'error')],
  };
  assert.deepEqual(text.lambdaFailedLines(failed), [
    'Lambda failed: invocation abc-123 in /aws/lambda/event-handler ended in an error',
    '  2026-01-01T00:00:00.000Z\tabc-123\tERROR\tInvoke Error \t{"errorType":"Error"}',
  ]);
  const timedOut: Invocation = {
    ...invocation,
    status: 'timed-out',
    lines: [line('2026-01-01T00:00:03.000Z abc-123 Task timed out after 3.00 seconds\n', 'timeout')],
  };
  assert.equal(text.lambdaFailedLines(timedOut)[0], 'Lambda failed: invocation abc-123 in /aws/lambda/event-handler timed out');
  assert.match(text.lambdaFailedLines(timedOut)[1]!, /Task timed out after 3\.00 seconds$/);
});

test('latency: 0 (a span clamped at zero) reads <1 ms; on one clock the clock is named', () => {
  const l: Latency = { triggerMs: 0, endToEndMs: 4, durationMs: 1.5, coldStart: false, tailLagMs: 0 };
  assert.equal(
    text.latencyLine(l, true),
    "Latency: trigger <1 ms (S3 ack -> START, one clock: this machine's), end-to-end 4 ms (S3 ack -> REPORT, one clock: this machine's), duration 1.5 ms (Lambda's own), tail lag <1 ms (START -> seen, one clock: this machine's)",
  );
  assert.match(text.latencyLine(l), /^Latency: trigger <1 ms \(S3 ack, this machine -> START, Lambda clock\)/);
  const record = outcomeRecord(
    { input: put, warnings: [], result: ok(), match: { invocation, confidence: 'key', latency: l } },
    target,
    true,
  );
  assert.equal(record.latency!.triggerMs, 0);
  assert.equal(record.latency!.oneClock, true);
});

test('skipped: the line names the operation, the record has no result and no error', () => {
  assert.equal(text.skippedLine(post), 'Skipped: POST s3://test-bucket/test.txt (an earlier operation failed)');
  const record = outcomeRecord({ input: del, warnings: [], skipped: true }, target);
  assert.equal(record.status, 'skipped');
  assert.equal(record.result, null);
  assert.equal(record.error, null);
});

test('opDoneLine names the version S3 gave (versioned buckets) and a delete marker', () => {
  const put = { kind: 'put', bucket: 'bkt', file: './test.txt' } as const;
  const del = { kind: 'delete', bucket: 'bkt', key: 'k' } as const;
  const base = { opId: 1, bucket: 'bkt', key: 'k', startedAt: 1, ackedAt: 2 } as const;
  assert.equal(
    text.opDoneLine(put, { ...base, op: 'put', bytes: 29, versionId: '3HL4kqtJ' }),
    'Done. Uploaded 29 bytes from file: ./test.txt (version id 3HL4kqtJ)',
  );
  assert.equal(
    text.opDoneLine(del, { ...base, op: 'delete', versionId: 'm1', deleteMarker: true }),
    'Done. (delete marker, version id m1)',
  );
  assert.equal(text.opDoneLine(del, { ...base, op: 'delete', deleteMarker: false }), 'Done.');
  const restore = { kind: 'restore', bucket: 'bkt', key: 'k', days: 1, tier: 'Standard' } as const;
  assert.equal(text.opDoneLine(restore, { ...base, op: 'restore' }), 'Done. S3 accepted the restore request.');
});
