/**
 * The engine against moto_server as the endpoint: S3 and CloudWatch Logs there, no live tail, no Lambda that runs
 * (moto cannot invoke one without Docker), and event records whose request ids moto invents. The test writes each
 * invocation through moto's Logs API in the shape Lambda writes it; every op must match its own.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { createSession } from '../src/session.js';
import type { SessionEvent } from '../src/events.js';
import type { OpInput, OpResult } from '../src/ops/types.js';
import { createGroup, hasMoto, logsClient, put, startMoto } from './observe/helpers.js';

const REGION = 'eu-west-1';
const BUCKET = 'moto-bucket';
const FUNCTION = 'peer-handler';
const GROUP = `/aws/lambda/${FUNCTION}`;
const STREAM = '2026/11/30/[$LATEST]0123456789abcdef0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 's3trigger-moto-'));
const file = join(dir, 'test.txt');
writeFileSync(file, 'S3 events trigger demo file.\n');

let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
let logs: CloudWatchLogsClient;
const env = { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };

before(async () => {
  if (!hasMoto) return;
  moto = await startMoto();
  const s3 = new S3Client({
    region: REGION,
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  const arn = `arn:aws:lambda:${REGION}:123456789012:function:${FUNCTION}`;
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: BUCKET,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [{ LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] }],
      },
    }),
  );
  s3.destroy();
  logs = logsClient(moto.endpoint, REGION);
  await createGroup(logs, GROUP, [STREAM]);
});
after(() => {
  logs?.destroy();
  moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What a node handler that prints its event writes, for the record moto would build (its own request id in it). */
async function writeInvocation(result: OpResult, eventName: string): Promise<string> {
  const id = randomUUID();
  const t = Date.now();
  const record = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: REGION,
        eventName,
        responseElements: { 'x-amz-request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(), 'x-amz-id-2': 'moto' },
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` },
          object: { key: encodeURIComponent(result.key).replace(/%20/g, '+') },
        },
      },
    ],
  };
  await put(logs, GROUP, STREAM, [
    { timestamp: t, message: `START RequestId: ${id} Version: $LATEST\n` },
    { timestamp: t + 1, message: `${new Date(t + 1).toISOString()}\t${id}\tINFO\tEVENT ${JSON.stringify(record)}\n` },
    { timestamp: t + 2, message: `END RequestId: ${id}\n` },
    {
      timestamp: t + 2,
      message: `REPORT RequestId: ${id}\tDuration: 2.10 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n`,
    },
  ]);
  return id;
}

test('moto_server as the endpoint: PUT, COPY and a versioned DELETE (DeleteMarkerCreated) each match their own invocation', async (t) => {
  if (!moto) return t.skip('moto_server not found on PATH');
  const session = await createSession({ endpointUrl: moto.endpoint, region: REGION, env, matchTimeoutMs: 15_000 });
  try {
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    const discovery = await session.selectBucket(BUCKET);
    assert.deepEqual(discovery.logGroups, [GROUP]);
    const ops: [OpInput, string][] = [
      [{ kind: 'put', bucket: BUCKET, file, key: 'moto test.txt' }, 'ObjectCreated:Put'],
      [{ kind: 'copy', bucket: BUCKET, sourceBucket: BUCKET, sourceKey: 'moto test.txt', key: 'copy_moto.txt' }, 'ObjectCreated:Copy'],
      [{ kind: 'delete', bucket: BUCKET, key: 'copy_moto.txt' }, 'ObjectRemoved:DeleteMarkerCreated'],
    ];
    for (const [input, eventName] of ops) {
      const fired = session.fire(input);
      const acked = await new Promise<OpResult>((resolve) => {
        const seen = events.find((e) => e.type === 'OpAcked' && e.opId === fired.opId);
        if (seen?.type === 'OpAcked') return resolve(seen.result);
        const off = session.on((e) => {
          if (e.type === 'OpAcked' && e.opId === fired.opId) {
            off();
            resolve(e.result);
          }
          if (e.type === 'OpFailed' && e.opId === fired.opId) throw new Error(`${input.kind} failed: ${e.result.error?.message}`);
        });
      });
      const id = await writeInvocation(acked, eventName);
      const state = await fired.settled;
      assert.equal(state.status, 'matched', `${input.kind}: ${state.status}`);
      assert.deepEqual(
        state.matches.map((m) => [m.requestId, m.confidence]),
        [[id, 'key']],
        input.kind,
      );
    }
    assert.ok(
      events.some((e) => e.type === 'TailState' && e.state.mode === 'polling'),
      'moto has no live tail: polling',
    );
  } finally {
    await session.close();
  }
});
