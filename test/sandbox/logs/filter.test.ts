import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  InvalidParameterException,
  PutLogEventsCommand,
  ResourceNotFoundException,
  paginateFilterLogEvents,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { startLogsFixture, type LogsFixture } from './helpers.js';

let fx: LogsFixture;
const group = '/aws/lambda/filter-fn';
const base = Date.now() - 3_600_000;

before(async () => {
  fx = await startLogsFixture();
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  for (const stream of ['2025/01/01/[$LATEST]aaa', '2025/01/01/[$LATEST]bbb', 'other']) {
    await fx.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
  }
  // 1500 events per stream, interleaved in time: stream i writes at base + 3*n + i.
  const streams = ['2025/01/01/[$LATEST]aaa', '2025/01/01/[$LATEST]bbb', 'other'];
  for (const [i, logStreamName] of streams.entries()) {
    const logEvents = Array.from({ length: 1500 }, (_, n) => ({
      timestamp: base + 3 * n + i,
      message: `${n % 10 === 0 ? 'ERROR' : 'INFO'} event ${n} from ${i}`,
    }));
    await fx.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName, logEvents }));
  }
});
after(() => fx.close());

async function filterAll(input: Omit<ConstructorParameters<typeof FilterLogEventsCommand>[0], 'logGroupName'>, pageSize?: number) {
  const events: FilteredLogEvent[] = [];
  let pages = 0;
  for await (const page of paginateFilterLogEvents({ client: fx.logs, pageSize }, { logGroupName: group, ...input })) {
    events.push(...(page.events ?? []));
    pages++;
  }
  return { events, pages };
}

test('FilterLogEvents pages with limit and nextToken, interleaved in time order', async () => {
  const { events, pages } = await filterAll({}, 1000);
  assert.equal(events.length, 4500);
  assert.equal(pages, 5);
  for (let i = 1; i < events.length; i++) assert.ok(events[i - 1]!.timestamp! <= events[i]!.timestamp!);
  assert.equal(new Set(events.map((e) => e.eventId)).size, 4500);
  for (const e of events.slice(0, 5)) {
    assert.match(e.eventId!, /^\d{56}$/);
    assert.equal(typeof e.ingestionTime, 'number');
    assert.ok(e.logStreamName);
  }
  const last = await fx.logs.send(new FilterLogEventsCommand({ logGroupName: group, startTime: base + 4400, limit: 10000 }));
  assert.equal(last.nextToken, undefined);
  assert.deepEqual(last.searchedLogStreams?.map((s) => s.logStreamName).sort(), [
    '2025/01/01/[$LATEST]aaa',
    '2025/01/01/[$LATEST]bbb',
    'other',
  ]);
});

test('FilterLogEvents eventIds are stable between calls', async () => {
  const a = await fx.logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 50 }));
  const b = await fx.logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 50 }));
  assert.deepEqual(
    a.events?.map((e) => e.eventId),
    b.events?.map((e) => e.eventId),
  );
});

test('FilterLogEvents startTime and endTime are both inclusive', async () => {
  const r = await fx.logs.send(new FilterLogEventsCommand({ logGroupName: group, startTime: base + 3, endTime: base + 6 }));
  assert.deepEqual(
    r.events?.map((e) => e.timestamp! - base),
    [3, 4, 5, 6],
  );
});

test('FilterLogEvents by stream names, by prefix, and by ARN identifier', async () => {
  const byName = await filterAll({ logStreamNames: ['other'] });
  assert.equal(byName.events.length, 1500);
  assert.ok(byName.events.every((e) => e.logStreamName === 'other'));
  const byPrefix = await filterAll({ logStreamNamePrefix: '2025/' });
  assert.equal(byPrefix.events.length, 3000);
  const arn = `arn:aws:logs:${fx.sandbox.region}:000000000000:log-group:${group}`;
  const byArn = await fx.logs.send(new FilterLogEventsCommand({ logGroupIdentifier: arn, limit: 3 }));
  assert.equal(byArn.events?.length, 3);
  const byArnStar = await fx.logs.send(new FilterLogEventsCommand({ logGroupIdentifier: `${arn}:*`, limit: 3 }));
  assert.equal(byArnStar.events?.length, 3);
});

test('FilterLogEvents refuses bad combinations and missing groups', async () => {
  await assert.rejects(
    fx.logs.send(new FilterLogEventsCommand({ logGroupName: group, logStreamNames: ['other'], logStreamNamePrefix: 'o' })),
    InvalidParameterException,
  );
  await assert.rejects(fx.logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 10001 })), InvalidParameterException);
  await assert.rejects(fx.logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken: 'bogus' })), InvalidParameterException);
  await assert.rejects(fx.logs.send(new FilterLogEventsCommand({ logGroupName: 'nope' })), ResourceNotFoundException);
  await assert.rejects(
    fx.logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '{ $.level = "error" }' })),
    (err: Error) => err instanceof InvalidParameterException && /JSON and space-delimited patterns are not supported/.test(err.message),
  );
});

const patternCases: { pattern: string; count: number; check?: (m: string) => boolean }[] = [
  { pattern: 'ERROR', count: 450, check: (m) => m.startsWith('ERROR') },
  { pattern: 'ERROR "from 2"', count: 150, check: (m) => m.startsWith('ERROR') && m.endsWith('from 2') },
  { pattern: '?ERROR ?"event 1 "', count: 453 },
  { pattern: '-ERROR', count: 4050, check: (m) => m.startsWith('INFO') },
  { pattern: 'INFO -"from 0" -"from 1"', count: 1350, check: (m) => m.startsWith('INFO') && m.endsWith('from 2') },
  { pattern: '%event 14[0-9]9 %', count: 30 },
  { pattern: 'error', count: 0 },
];

for (const { pattern, count, check } of patternCases) {
  test(`FilterLogEvents filterPattern ${pattern}`, async () => {
    const { events } = await filterAll({ filterPattern: pattern }, 500);
    assert.equal(events.length, count);
    if (check) for (const e of events) assert.ok(check(e.message!), e.message);
  });
}
