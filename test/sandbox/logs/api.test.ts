import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  InvalidParameterException,
} from '@aws-sdk/client-cloudwatch-logs';
import { startLogsFixture, type LogsFixture } from './helpers.js';

let fx: LogsFixture;
before(async () => {
  fx = await startLogsFixture();
});
after(() => fx.close());

test('CreateLogGroup / DescribeLogGroups / DeleteLogGroup', async () => {
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/alpha' }));
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/beta' }));
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName: 'other' }));
  await assert.rejects(fx.logs.send(new CreateLogGroupCommand({ logGroupName: 'other' })), ResourceAlreadyExistsException);

  const all = await fx.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
  assert.deepEqual(
    all.logGroups?.map((g) => g.logGroupName),
    ['/aws/lambda/alpha', '/aws/lambda/beta'],
  );
  const alpha = all.logGroups![0]!;
  assert.equal(alpha.arn, `arn:aws:logs:${fx.sandbox.region}:000000000000:log-group:/aws/lambda/alpha:*`);
  assert.equal(alpha.logGroupArn, `arn:aws:logs:${fx.sandbox.region}:000000000000:log-group:/aws/lambda/alpha`);
  assert.equal(typeof alpha.creationTime, 'number');
  assert.equal(alpha.storedBytes, 0);

  const page1 = await fx.logs.send(new DescribeLogGroupsCommand({ limit: 2 }));
  assert.equal(page1.logGroups?.length, 2);
  assert.ok(page1.nextToken);
  const page2 = await fx.logs.send(new DescribeLogGroupsCommand({ limit: 2, nextToken: page1.nextToken }));
  assert.deepEqual(
    page2.logGroups?.map((g) => g.logGroupName),
    ['other'],
  );
  assert.equal(page2.nextToken, undefined);

  await fx.logs.send(new DeleteLogGroupCommand({ logGroupName: 'other' }));
  await assert.rejects(fx.logs.send(new DeleteLogGroupCommand({ logGroupName: 'other' })), (err: Error) => {
    assert.ok(err instanceof ResourceNotFoundException);
    assert.equal(err.message, 'The specified log group does not exist.');
    return true;
  });
});

test('CreateLogStream / DescribeLogStreams ordered by name and by LastEventTime', async () => {
  const logGroupName = 'streams-group';
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName }));
  for (const name of ['b', 'a', 'c']) await fx.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: name }));
  await assert.rejects(fx.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 'a' })), ResourceAlreadyExistsException);
  await assert.rejects(
    fx.logs.send(new CreateLogStreamCommand({ logGroupName: 'missing', logStreamName: 'a' })),
    ResourceNotFoundException,
  );
  const now = Date.now();
  const put = (logStreamName: string, timestamp: number) =>
    fx.logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: [{ timestamp, message: `in ${logStreamName}` }] }));
  await put('a', now - 1000);
  await put('b', now - 3000);
  await put('c', now - 2000);

  const byName = await fx.logs.send(new DescribeLogStreamsCommand({ logGroupName }));
  assert.deepEqual(
    byName.logStreams?.map((s) => s.logStreamName),
    ['a', 'b', 'c'],
  );
  const a = byName.logStreams![0]!;
  assert.equal(a.firstEventTimestamp, now - 1000);
  assert.equal(a.lastEventTimestamp, now - 1000);
  assert.equal(typeof a.lastIngestionTime, 'number');
  assert.equal(a.arn, `arn:aws:logs:${fx.sandbox.region}:000000000000:log-group:${logGroupName}:log-stream:a`);

  const newest = await fx.logs.send(new DescribeLogStreamsCommand({ logGroupName, orderBy: 'LastEventTime', descending: true, limit: 2 }));
  assert.deepEqual(
    newest.logStreams?.map((s) => s.logStreamName),
    ['a', 'c'],
  );
  const rest = await fx.logs.send(
    new DescribeLogStreamsCommand({ logGroupName, orderBy: 'LastEventTime', descending: true, limit: 2, nextToken: newest.nextToken }),
  );
  assert.deepEqual(
    rest.logStreams?.map((s) => s.logStreamName),
    ['b'],
  );
  assert.equal(rest.nextToken, undefined);

  const prefixed = await fx.logs.send(
    new DescribeLogStreamsCommand({
      logGroupIdentifier: `arn:aws:logs:${fx.sandbox.region}:000000000000:log-group:${logGroupName}`,
      logStreamNamePrefix: 'b',
    }),
  );
  assert.deepEqual(
    prefixed.logStreams?.map((s) => s.logStreamName),
    ['b'],
  );
  await assert.rejects(
    fx.logs.send(new DescribeLogStreamsCommand({ logGroupName, orderBy: 'LastEventTime', logStreamNamePrefix: 'b' })),
    InvalidParameterException,
  );

  await fx.logs.send(new DeleteLogStreamCommand({ logGroupName, logStreamName: 'b' }));
  const after = await fx.logs.send(new DescribeLogStreamsCommand({ logGroupName }));
  assert.deepEqual(
    after.logStreams?.map((s) => s.logStreamName),
    ['a', 'c'],
  );
});

test('PutLogEvents validates order, existence and the accepted time window', async () => {
  const logGroupName = 'put-group';
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName }));
  await fx.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 's' }));
  const now = Date.now();
  const ok = await fx.logs.send(
    new PutLogEventsCommand({ logGroupName, logStreamName: 's', logEvents: [{ timestamp: now, message: 'one' }] }),
  );
  assert.match(ok.nextSequenceToken ?? '', /^\d{56}$/);
  assert.equal(ok.rejectedLogEventsInfo, undefined);

  await assert.rejects(
    fx.logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 's',
        logEvents: [
          { timestamp: now, message: 'b' },
          { timestamp: now - 1, message: 'a' },
        ],
      }),
    ),
    /chronological order/,
  );
  await assert.rejects(
    fx.logs.send(new PutLogEventsCommand({ logGroupName, logStreamName: 'nope', logEvents: [{ timestamp: now, message: 'x' }] })),
    (err: Error) => err instanceof ResourceNotFoundException && err.message === 'The specified log stream does not exist.',
  );
  const tooOld = now - 15 * 24 * 3_600_000;
  const rejected = await fx.logs.send(
    new PutLogEventsCommand({ logGroupName, logStreamName: 's', logEvents: [{ timestamp: tooOld, message: 'old' }] }),
  );
  assert.deepEqual(rejected.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 1 });

  const got = await fx.logs.send(new GetLogEventsCommand({ logGroupName, logStreamName: 's', startFromHead: true }));
  assert.deepEqual(
    got.events?.map((e) => e.message),
    ['one'],
  );
});

test('GetLogEvents pages forward and backward with f/ and b/ tokens that repeat at the end', async () => {
  const logGroupName = 'get-group';
  const logStreamName = 'stream';
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName }));
  await fx.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  const base = Date.now() - 60_000;
  const logEvents = Array.from({ length: 25 }, (_, i) => ({ timestamp: base + i, message: `m${i}` }));
  await fx.logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents }));

  // Forward from the head, 10 at a time, until the token repeats (how SDK paginators stop).
  const seen: string[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const page = await fx.logs.send(
      new GetLogEventsCommand({ logGroupName, logStreamName, limit: 10, startFromHead: true, nextToken: token }),
    );
    assert.match(page.nextForwardToken!, /^f\/\d{56}$/);
    assert.match(page.nextBackwardToken!, /^b\/\d{56}$/);
    seen.push(...page.events!.map((e) => e.message!));
    for (const e of page.events!) assert.equal(typeof e.ingestionTime, 'number');
    if (page.nextForwardToken === token) break;
    token = page.nextForwardToken;
  }
  assert.deepEqual(
    seen,
    logEvents.map((e) => e.message),
  );

  // Default (no token, startFromHead false): the newest `limit` events, then backwards.
  const tail = await fx.logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, limit: 10 }));
  assert.deepEqual(
    tail.events?.map((e) => e.message),
    logEvents.slice(15).map((e) => e.message),
  );
  const before = await fx.logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, limit: 10, nextToken: tail.nextBackwardToken }));
  assert.deepEqual(
    before.events?.map((e) => e.message),
    logEvents.slice(5, 15).map((e) => e.message),
  );
  const first = await fx.logs.send(
    new GetLogEventsCommand({ logGroupName, logStreamName, limit: 10, nextToken: before.nextBackwardToken }),
  );
  assert.deepEqual(
    first.events?.map((e) => e.message),
    logEvents.slice(0, 5).map((e) => e.message),
  );
  const none = await fx.logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, limit: 10, nextToken: first.nextBackwardToken }));
  assert.deepEqual(none.events, []);
  assert.equal(none.nextBackwardToken, first.nextBackwardToken);

  // A forward token picks up events appended later.
  await fx.logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: [{ timestamp: base + 100, message: 'late' }] }));
  const more = await fx.logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, nextToken: tail.nextForwardToken }));
  assert.deepEqual(
    more.events?.map((e) => e.message),
    ['late'],
  );

  // startTime inclusive, endTime exclusive.
  const window = await fx.logs.send(
    new GetLogEventsCommand({ logGroupName, logStreamName, startTime: base + 3, endTime: base + 6, startFromHead: true }),
  );
  assert.deepEqual(
    window.events?.map((e) => e.message),
    ['m3', 'm4', 'm5'],
  );
  await assert.rejects(
    fx.logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, nextToken: 'garbage' })),
    InvalidParameterException,
  );
});
