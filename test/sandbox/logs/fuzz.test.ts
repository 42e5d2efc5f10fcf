/** A bounded, seeded fuzz of the Logs JSON API: random field values for every operation never get a 5xx. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startLogsFixture, type LogsFixture } from './helpers.js';
import { sigV4 } from '../raw-http.js';

let fx: LogsFixture;
before(async () => {
  fx = await startLogsFixture();
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
  await fx.logs.send(new CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 's' }));
  await fx.logs.send(
    new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'm' }] }),
  );
});
after(() => fx.close());

/** mulberry32: a small seeded generator, so a failure is reproducible from its seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPERATIONS: Record<string, string[]> = {
  CreateLogGroup: ['logGroupName'],
  DeleteLogGroup: ['logGroupName'],
  CreateLogStream: ['logGroupName', 'logStreamName'],
  DeleteLogStream: ['logGroupName', 'logStreamName'],
  DescribeLogGroups: ['logGroupNamePrefix', 'logGroupNamePattern', 'logGroupIdentifiers', 'limit', 'nextToken'],
  DescribeLogStreams: ['logGroupName', 'logGroupIdentifier', 'logStreamNamePrefix', 'orderBy', 'descending', 'limit', 'nextToken'],
  PutLogEvents: ['logGroupName', 'logStreamName', 'logEvents', 'sequenceToken'],
  GetLogEvents: ['logGroupName', 'logGroupIdentifier', 'logStreamName', 'startTime', 'endTime', 'limit', 'startFromHead', 'nextToken'],
  FilterLogEvents: [
    'logGroupName',
    'logGroupIdentifier',
    'logStreamNames',
    'logStreamNamePrefix',
    'startTime',
    'endTime',
    'filterPattern',
    'limit',
    'nextToken',
  ],
  PutRetentionPolicy: ['logGroupName', 'retentionInDays'],
  DeleteRetentionPolicy: ['logGroupName'],
};

const now = Date.now();
const VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e300,
  -1e300,
  2 ** 53,
  now,
  now - 30 * 86_400_000,
  '',
  'g',
  's',
  'nope',
  'bad name!',
  'a:b*c',
  'x'.repeat(600),
  '\u0000',
  '\ud800',
  '%(%',
  '"unterminated',
  '{ $.x = 1 }',
  'f/00000000000000000000000000000000000000000000000000000000',
  'b/99999999999999999999999999999999999999999999999999999999',
  'eyJvIjotMX0',
  'eyJhZnRlciI6MX0',
  'LogStreamName',
  'LastEventTime',
  [],
  ['g'],
  [1],
  [null],
  [{}],
  [{ timestamp: now, message: 'ok' }],
  [{ timestamp: now, message: '' }],
  [{ timestamp: -5, message: 'x' }],
  [
    { timestamp: now + 1, message: 'b' },
    { timestamp: now, message: 'a' },
  ],
  [{ timestamp: 1e300, message: 'x' }],
  [{ timestamp: now, message: 'x'.repeat(300_000) }],
  {},
  { a: 1 },
  'arn:aws:logs:eu-west-1:000000000000:log-group:g:*',
  'arn:aws:logs:::log-group:',
  7,
  3653,
  2,
];

test('2000 seeded random requests over every operation: no 5xx, the server keeps serving', async () => {
  const rnd = random(15);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const failures: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const operation = pick(Object.keys(OPERATIONS));
    const body: Record<string, unknown> = {};
    for (const field of OPERATIONS[operation]!) if (rnd() < 0.6) body[field] = pick(VALUES);
    const text = JSON.stringify(body);
    const res = await fetch(`${fx.sandbox.endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `Logs_20140328.${operation}`,
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/eu-west-1/logs/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: text,
    });
    await res.arrayBuffer();
    if (res.status >= 500) failures.push(`#${i} ${operation} ${text.slice(0, 200)} -> ${res.status}`);
  }
  assert.deepEqual(failures, []);
  const alive = await fetch(`${fx.sandbox.endpoint}/`, {
    method: 'POST',
    headers: { 'x-amz-target': 'Logs_20140328.DescribeLogGroups', 'content-type': 'application/x-amz-json-1.1', ...sigV4('logs') },
    body: '{}',
  });
  assert.equal(alive.status, 200);
});
