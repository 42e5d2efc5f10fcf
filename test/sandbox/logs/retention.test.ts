/** PutRetentionPolicy / DeleteRetentionPolicy: AWS's values and errors, expiry in Get/FilterLogEvents and PutLogEvents, across restarts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { cliEnv, startLogsFixture } from './helpers.js';

const DAY = 86_400_000;
const run = promisify(execFile);

test('retention: expired events leave Get/FilterLogEvents, are rejected by PutLogEvents, and stay gone after DeleteRetentionPolicy and a restart', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'logs-retention-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const fx = await startLogsFixture({ dataDir });
  t.after(() => fx.close());
  const g = { logGroupName: 'kept-a-day' };
  await fx.logs.send(new CreateLogGroupCommand(g));
  await fx.logs.send(new CreateLogStreamCommand({ ...g, logStreamName: 's' }));
  const now = Date.now();
  for (const [timestamp, message] of [
    [now - 3 * DAY, 'three days old'],
    [now - 2 * DAY, 'two days old'],
    [now - 1000, 'fresh'],
  ] as const) {
    await fx.logs.send(new PutLogEventsCommand({ ...g, logStreamName: 's', logEvents: [{ timestamp, message }] }));
  }

  await fx.logs.send(new PutRetentionPolicyCommand({ ...g, retentionInDays: 1 }));
  const described = await fx.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g.logGroupName }));
  assert.equal(described.logGroups?.[0]?.retentionInDays, 1);
  const filtered = await fx.logs.send(new FilterLogEventsCommand(g));
  assert.deepEqual(
    filtered.events?.map((e) => e.message),
    ['fresh'],
  );
  const got = await fx.logs.send(new GetLogEventsCommand({ ...g, logStreamName: 's', startFromHead: true }));
  assert.deepEqual(
    got.events?.map((e) => e.message),
    ['fresh'],
  );

  const put = await fx.logs.send(
    new PutLogEventsCommand({
      ...g,
      logStreamName: 's',
      logEvents: [
        { timestamp: now - DAY - 60_000, message: 'expired on arrival' },
        { timestamp: now - 120_000, message: 'accepted' },
      ],
    }),
  );
  assert.deepEqual(put.rejectedLogEventsInfo, { expiredLogEventEndIndex: 1 });

  await fx.logs.send(new DeleteRetentionPolicyCommand(g));
  const after = await fx.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g.logGroupName }));
  assert.equal(after.logGroups?.[0]?.retentionInDays, undefined);
  await fx.close();

  const second = await startLogsFixture({ dataDir });
  t.after(() => second.close());
  const replayed = await second.logs.send(new FilterLogEventsCommand(g));
  assert.deepEqual(
    replayed.events?.map((e) => e.message),
    ['accepted', 'fresh'],
  );
});

test("retention: AWS's errors for a value not in the list, a missing value and a missing group", async (t) => {
  const fx = await startLogsFixture();
  t.after(() => fx.close());
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
  await assert.rejects(fx.logs.send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 2 })), (err: Error) => {
    assert.equal(err.name, 'InvalidParameterException');
    assert.match(
      err.message,
      /^1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: \[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653\]$/,
    );
    return true;
  });
  await assert.rejects(fx.logs.send(new PutRetentionPolicyCommand({ logGroupName: 'g' } as never)), { name: 'InvalidParameterException' });
  await assert.rejects(fx.logs.send(new PutRetentionPolicyCommand({ logGroupName: 'nope', retentionInDays: 7 })), {
    name: 'ResourceNotFoundException',
    message: 'The specified log group does not exist.',
  });
  await assert.rejects(fx.logs.send(new DeleteRetentionPolicyCommand({ logGroupName: 'nope' })), { name: 'ResourceNotFoundException' });
});

test('aws CLI v1: put-retention-policy, describe-log-groups, delete-retention-policy', async (t) => {
  const version = await run('aws', ['--version']).then(
    (r) => r.stdout + r.stderr,
    () => '',
  );
  if (!/aws-cli\/1\./.test(version)) return t.skip('aws CLI v1 not found on PATH');
  const fx = await startLogsFixture();
  const scratch = mkdtempSync(join(tmpdir(), 'logs-retention-cli-'));
  t.after(async () => {
    await fx.close();
    rmSync(scratch, { recursive: true, force: true });
  });
  writeFileSync(join(scratch, 'empty'), '');
  const env = cliEnv(fx.sandbox, join(scratch, 'empty'));
  const aws = (...args: string[]) =>
    run('aws', ['--endpoint-url', fx.sandbox.endpoint, '--output', 'json', 'logs', ...args], { env, timeout: 60_000 });

  await aws('create-log-group', '--log-group-name', '/aws/lambda/cli-fn');
  await aws('put-retention-policy', '--log-group-name', '/aws/lambda/cli-fn', '--retention-in-days', '14');
  const groups = JSON.parse((await aws('describe-log-groups', '--log-group-name-prefix', '/aws/lambda/cli-fn')).stdout);
  assert.equal(groups.logGroups[0].retentionInDays, 14);
  await assert.rejects(
    aws('put-retention-policy', '--log-group-name', '/aws/lambda/cli-fn', '--retention-in-days', '10'),
    (err: { stderr: string }) => {
      assert.match(err.stderr, /InvalidParameterException.*Value '10' at 'retentionInDays'/);
      return true;
    },
  );
  await aws('delete-retention-policy', '--log-group-name', '/aws/lambda/cli-fn');
  const after = JSON.parse((await aws('describe-log-groups', '--log-group-name-prefix', '/aws/lambda/cli-fn')).stdout);
  assert.equal(after.logGroups[0].retentionInDays, undefined);
});
