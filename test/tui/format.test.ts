import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventCells, keyColumnWidth } from '../../src/tui/event-cells.js';
import { cell, displayMessage, formatBytes, formatClock, formatMs, progressBar, sanitize } from '../../src/tui/format.js';
import { detailLines, loggedEvent, prettyJson } from '../../src/tui/details.js';
import type { OpRow } from '../../src/tui/state/types.js';
import { invocationLines, logLine } from './fake-session.js';

test('numbers and cells', () => {
  const cases: [string, string][] = [
    [formatBytes(29), '29 B'],
    [formatBytes(2048), '2.0 KB'],
    [formatBytes(6 * 1024 * 1024), '6.0 MB'],
    [formatBytes(undefined), ''],
    [formatMs(3.24), '3.2ms'],
    [formatMs(412.6), '413ms'],
    [formatMs(1234), '1.23s'],
    [formatMs(undefined), ''],
    [formatMs(0), '<1ms'],
    [formatClock(Date.UTC(2026, 0, 1, 9, 41, 24, 5)), '09:41:24.005'],
    [progressBar(3, 6, 4), '██░░  50%'],
    [cell('abcdef', 4), 'abc…'],
    [cell('ab', 4, 'right'), '  ab'],
    [cell('日本語のキー.txt', 7), '日本語…'],
    [cell('日本語', 4), '日… '],
    [cell('日本', 6, 'right'), '  日本'],
    [cell('🙂🙂🙂', 5), '🙂🙂…'],
    [cell('abc', 1), 'a'],
    [sanitize('a\tb\u001b[31mred\u001b[0m\u0007'), 'a  bred'],
    [displayMessage('2026-11-22T02:12:31.798Z\t6b2cfb5d-b306-4c62-8e7d-72ce518cdac5\tINFO\tS3 Event Detected'), 'S3 Event Detected'],
    [displayMessage('2026-11-22T02:12:31.798Z\t6b2cfb5d-b306-4c62-8e7d-72ce518cdac5\tERROR\tboom\tx'), 'ERROR boom  x'],
    [displayMessage('START RequestId: r Version: $LATEST'), 'START RequestId: r Version: $LATEST'],
  ];
  for (const [actual, expected] of cases) assert.equal(actual, expected);
  assert.equal(keyColumnWidth(80), 14);
});

const row = (over: Partial<OpRow>): OpRow => ({
  kind: 'op',
  opId: 7,
  input: { kind: 'multipart', bucket: 'b', key: 'bigfile.bin', sizeMB: 6 },
  startedAt: 1,
  status: 'sending',
  warnings: [],
  ...over,
});

test('event cells per status', () => {
  const cases: [Partial<OpRow>, Partial<ReturnType<typeof eventCells>>][] = [
    [{}, { num: '7', op: 'MULTIPART', key: 'bigfile.bin', size: '6.0 MB', status: 'sending…' }],
    [{ status: 'progress', progress: { loaded: 3, total: 6 } }, { status: '████░░░  50%' }],
    [{ status: 'acked' }, { status: 'acked' }],
    [
      {
        status: 'failed',
        result: { opId: 7, op: 'multipart', bucket: 'b', key: 'k', startedAt: 1, error: { code: 'AccessDenied', message: 'no' } },
      },
      { status: '✗ AccessDenied', tone: 'failed' },
    ],
    [{ status: 'no-match' }, { status: 'no match yet' }],
    [
      { status: 'matched', confidence: 'request-id', latency: { coldStart: true, triggerMs: 42, durationMs: 3.2 } },
      { status: 'matched', trigger: '42ms', duration: '3.2ms', cold: 'cold', match: 'req-id' },
    ],
  ];
  for (const [over, expected] of cases) {
    const cells = eventCells(row(over), {});
    for (const [k, v] of Object.entries(expected)) assert.equal(cells[k as keyof typeof cells], v, `${over.status} ${k}`);
  }
  const foreign = eventCells({ kind: 'foreign', requestId: 'abc', firstSeenAt: 1 }, {});
  assert.equal(foreign.op, 'foreign');
  assert.equal(foreign.key, 'abc');
});

test('details show request, response, the logged event as pretty JSON, lines, report and timings', () => {
  const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { object: { key: 'test.txt' } } }] };
  const lines = [...invocationLines('r1', 'test.txt', 5)];
  lines.splice(1, 0, { ...lines[1]!, message: `2026-01-01T00:00:00.000Z\tr1\tINFO\t${JSON.stringify(event)}` });
  const inv = {
    requestId: 'r1',
    logGroup: 'g',
    logStream: 's',
    status: 'succeeded' as const,
    lines,
    firstSeenAt: 9,
    report: { durationMs: 3.2, billedDurationMs: 4, memorySizeMB: 128, maxMemoryUsedMB: 40, initDurationMs: 100 },
  };
  assert.equal(loggedEvent(inv), JSON.stringify(event, null, 2));
  assert.equal(prettyJson('not json'), undefined);
  assert.equal(prettyJson('{broken'), undefined);
  const text = detailLines(
    row({
      status: 'matched',
      requestId: 'r1',
      result: {
        opId: 7,
        op: 'multipart',
        bucket: 'b',
        key: 'bigfile.bin',
        etag: '"e"',
        requestId: 'S3R',
        versionId: 'v1',
        startedAt: 1,
        ackedAt: 2,
      },
    }),
    { r1: inv },
  ).map((l) => l.text);
  for (const needle of [
    'Request',
    'S3 response',
    'request id    S3R',
    'ETag          "e"',
    'version       v1',
    '"eventName": "ObjectCreated:Put"',
    'S3 Event Detected',
    'init          100 ms (cold start)',
    'trigger',
    '(Lambda clock)',
    '(this machine)',
  ]) {
    assert.ok(
      text.some((t) => t.includes(needle)),
      needle,
    );
  }
});

test('the logged event is found after a label, and in an EventBridge shape', () => {
  const inv = (message: string) => ({
    requestId: 'r1',
    logGroup: 'g',
    logStream: 's',
    status: 'succeeded' as const,
    lines: [logLine(message, 'app')],
    firstSeenAt: 1,
  });
  const sns = { Records: [{ EventSource: 'aws:sns', Sns: { Message: '{"Records":[]}' } }] };
  const eb = { version: '0', 'detail-type': 'Object Created', source: 'aws.s3', detail: { object: { key: 'k' } } };
  assert.equal(loggedEvent(inv(`2026-01-01T00:00:00.000Z\tr1\tINFO\tEVENT ${JSON.stringify(sns)}`)), JSON.stringify(sns, null, 2));
  assert.equal(loggedEvent(inv(`2026-01-01T00:00:00.000Z\tr1\tINFO\t${JSON.stringify(eb)}`)), JSON.stringify(eb, null, 2));
  assert.equal(loggedEvent(inv('EVENT {not json')), undefined);
  assert.equal(loggedEvent(inv('{"other":1}')), undefined);
});
