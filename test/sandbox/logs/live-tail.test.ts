import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  InvalidParameterException,
  PutLogEventsCommand,
  ResourceNotFoundException,
  StartLiveTailCommand,
  type LiveTailSessionLogEvent,
  type StartLiveTailCommandInput,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { startLogsFixture, type LogsFixture } from './helpers.js';

let fx: LogsFixture;
const group = '/aws/lambda/tail-fn';

before(async () => {
  fx = await startLogsFixture();
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  for (const s of ['2025/01/01/[$LATEST]one', 'other'])
    await fx.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));
});
after(() => fx.close());

/** Opens a session and returns an iterator over its frames plus a way to stop it. */
async function openTail(input: StartLiveTailCommandInput) {
  const abort = new AbortController();
  const response = await fx.logs.send(new StartLiveTailCommand(input), { abortSignal: abort.signal });
  const frames = response.responseStream![Symbol.asyncIterator]();
  return { frames, stop: () => abort.abort() };
}

async function nextResults(frames: AsyncIterator<StartLiveTailResponseStream>): Promise<LiveTailSessionLogEvent[]> {
  const { value, done } = await frames.next();
  assert.ok(!done, 'stream ended early');
  assert.ok(value.sessionUpdate, `expected sessionUpdate, got ${JSON.stringify(value)}`);
  assert.deepEqual(value.sessionUpdate.sessionMetadata, { sampled: false });
  return value.sessionUpdate.sessionResults ?? [];
}

const put = (logStreamName: string, ...messages: string[]) =>
  fx.logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName,
      logEvents: messages.map((message) => ({ timestamp: Date.now(), message })),
    }),
  );

test('StartLiveTail sends sessionStart, then each appended batch as one sessionUpdate', async () => {
  const arn = `arn:aws:logs:${fx.sandbox.region}:000000000000:log-group:${group}`;
  const { frames, stop } = await openTail({ logGroupIdentifiers: [arn] });
  const first = await frames.next();
  assert.ok(first.value?.sessionStart);
  assert.deepEqual(first.value.sessionStart.logGroupIdentifiers, [arn]);
  assert.ok(first.value.sessionStart.sessionId);
  assert.ok(first.value.sessionStart.requestId);

  await put('other', 'hello', 'world');
  const results = await nextResults(frames);
  assert.deepEqual(
    results.map((r) => r.message),
    ['hello', 'world'],
  );
  assert.equal(results[0]!.logStreamName, 'other');
  assert.equal(results[0]!.logGroupIdentifier, arn);
  assert.equal(typeof results[0]!.timestamp, 'number');
  assert.equal(typeof results[0]!.ingestionTime, 'number');

  // The Lambda runner's write path reaches the session too.
  fx.sandbox.context.logs.append(group, '2025/01/01/[$LATEST]one', [
    { timestamp: Date.now(), message: 'START RequestId: x Version: $LATEST' },
  ]);
  assert.deepEqual(
    (await nextResults(frames)).map((r) => r.message),
    ['START RequestId: x Version: $LATEST'],
  );
  stop();
});

test('StartLiveTail honours stream prefixes and the filter pattern', async () => {
  const { frames, stop } = await openTail({
    logGroupIdentifiers: [group],
    logStreamNamePrefixes: ['2025/'],
    logEventFilterPattern: 'ERROR -ignore',
  });
  const start = await frames.next();
  assert.deepEqual(start.value?.sessionStart?.logStreamNamePrefixes, ['2025/']);
  assert.equal(start.value?.sessionStart?.logEventFilterPattern, 'ERROR -ignore');

  await put('other', 'ERROR in other stream');
  await put('2025/01/01/[$LATEST]one', 'INFO fine', 'ERROR ignore me', 'ERROR real');
  const results = await nextResults(frames);
  assert.deepEqual(
    results.map((r) => r.message),
    ['ERROR real'],
  );
  assert.equal(results[0]!.logGroupIdentifier, group);
  stop();
});

test('StartLiveTail honours exact stream names', async () => {
  const { frames, stop } = await openTail({ logGroupIdentifiers: [group], logStreamNames: ['other'] });
  await frames.next();
  await put('2025/01/01/[$LATEST]one', 'not me');
  await put('other', 'me');
  assert.deepEqual(
    (await nextResults(frames)).map((r) => r.message),
    ['me'],
  );
  stop();
});

test('StartLiveTail on a missing group is a ResourceNotFoundException; bad filters are InvalidParameterException', async () => {
  await assert.rejects(fx.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: ['/aws/lambda/not-yet'] })), ResourceNotFoundException);
  await assert.rejects(
    fx.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [group, '/other'], logStreamNames: ['x'] })),
    InvalidParameterException,
  );
  await assert.rejects(
    fx.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [group], logStreamNames: ['x'], logStreamNamePrefixes: ['y'] })),
    InvalidParameterException,
  );
});

test('a closing sandbox ends open sessions cleanly', async () => {
  const own = await startLogsFixture();
  await own.logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
  const response = await own.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: ['g'] }));
  const frames = response.responseStream![Symbol.asyncIterator]();
  assert.ok((await frames.next()).value?.sessionStart);
  const closing = own.close();
  const end = await frames.next().then(
    (r) => r.done,
    () => true,
  );
  assert.equal(end, true);
  await closing;
});
