import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { startLogsFixture } from './helpers.js';

test('groups, streams, events and their ids survive a sandbox restart', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'logs-persist-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const now = Date.now();

  const first = await startLogsFixture({ dataDir });
  await first.logs.send(new CreateLogGroupCommand({ logGroupName: 'api-group' }));
  await first.logs.send(new CreateLogStreamCommand({ logGroupName: 'api-group', logStreamName: 's' }));
  await first.logs.send(
    new PutLogEventsCommand({ logGroupName: 'api-group', logStreamName: 's', logEvents: [{ timestamp: now, message: 'from the API' }] }),
  );
  first.sandbox.context.logs.append('/aws/lambda/fn', '2025/01/01/[$LATEST]abc', [
    { timestamp: now, message: 'START RequestId: r Version: $LATEST' },
    { timestamp: now + 1, message: 'END RequestId: r' },
  ]);
  const before = await first.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn' }));
  const streamsBefore = await first.logs.send(new DescribeLogStreamsCommand({ logGroupName: 'api-group' }));
  await first.close();

  const second = await startLogsFixture({ dataDir });
  try {
    const after = await second.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn' }));
    assert.deepEqual(after.events, before.events);
    assert.equal(after.events?.length, 2);
    const streamsAfter = await second.logs.send(new DescribeLogStreamsCommand({ logGroupName: 'api-group' }));
    assert.deepEqual(streamsAfter.logStreams, streamsBefore.logStreams);
    const api = await second.logs.send(new FilterLogEventsCommand({ logGroupName: 'api-group' }));
    assert.deepEqual(
      api.events?.map((e) => e.message),
      ['from the API'],
    );
  } finally {
    await second.close();
  }
});

test('without --data the Logs store writes no journal (the temp dir is never reloaded), with it every event is journaled', async (t) => {
  const ephemeral = await startLogsFixture();
  t.after(() => ephemeral.close());
  await ephemeral.logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
  await ephemeral.logs.send(new CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 's' }));
  await ephemeral.logs.send(
    new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'm' }] }),
  );
  const events = await ephemeral.logs.send(new FilterLogEventsCommand({ logGroupName: 'g' }));
  assert.deepEqual(
    events.events?.map((e) => e.message),
    ['m'],
  );
  assert.equal(existsSync(join(ephemeral.sandbox.context.dataDir, 'logs', 'journal.ndjson')), false);

  const dataDir = mkdtempSync(join(tmpdir(), 'logs-persist-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const durable = await startLogsFixture({ dataDir });
  await durable.logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
  await durable.close();
  assert.equal(existsSync(join(dataDir, 'logs', 'journal.ndjson')), true);
});
