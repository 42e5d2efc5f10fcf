/**
 * RESTORE through the engine on the embedded sandbox (issue #12): there --wait waits for two invocations per
 * function, ObjectRestore:Post and then ObjectRestore:Completed (on AWS only the Post, unless --wait-restore). The
 * part after the ack needs RestoreObject in the sandbox (another branch): it skips while the sandbox answers 501.
 */
import { testTiming } from './observe/helpers.js';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createSession } from '../src/session.js';
import type { SessionEvent } from '../src/events.js';

const dir = mkdtempSync(join(tmpdir(), 's3trigger-session-restore-'));
const file = join(dir, 'cold.txt');
writeFileSync(file, 'archived\n');
after(() => rmSync(dir, { recursive: true, force: true }));

const env = { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };
const BUCKET = 'restore-bucket';

test('RESTORE on the sandbox: awaits Post and Completed, settles matched at the second invocation', async (t) => {
  const session = await createSession({ ...testTiming(), local: true, bucket: BUCKET, env, matchTimeoutMs: 60_000 });
  const s3 = new S3Client({
    endpoint: session.target.endpoint!,
    region: session.target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    const existing = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: BUCKET }));
    const functionArn = existing.LambdaFunctionConfigurations?.[0]?.LambdaFunctionArn;
    assert.ok(functionArn, 'the demo bucket notifies the demo function');
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: BUCKET,
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            ...(existing.LambdaFunctionConfigurations ?? []),
            { Id: 'restore', LambdaFunctionArn: functionArn, Events: ['s3:ObjectRestore:*'] },
          ],
        },
      }),
    );
    await session.selectBucket(BUCKET);
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    const archived = await s3
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cold.txt', Body: 'archived\n', StorageClass: 'GLACIER' }))
      .then(() => true);
    assert.ok(archived);
    const { opId, settled } = session.fire({ kind: 'restore', bucket: BUCKET, key: 'cold.txt', days: 1, tier: 'Expedited' });
    const started = events.find((e) => e.type === 'OpStarted' && e.opId === opId);
    assert.ok(started?.type === 'OpStarted');
    assert.equal(started.eventsPerFunction, 2, 'the sandbox: Post, then Completed');
    assert.deepEqual(started.warnings, [], 'the bucket notifies ObjectRestore:*');
    const state = await settled;
    const code = state.result?.error?.code;
    if (code === 'NotImplemented') return t.skip('sandbox lacks RestoreObject');
    if (code === 'InvalidObjectState') return t.skip('sandbox lacks archived storage classes');
    assert.equal(state.status, 'matched', JSON.stringify(state.result));
    assert.equal(state.matches.length, 2);
    const names = state.matches.map((m) => /ObjectRestore:(Post|Completed)/.exec(m.invocation.lines.map((l) => l.message).join('\n'))?.[0]);
    assert.deepEqual(names, ['ObjectRestore:Post', 'ObjectRestore:Completed']);
  } finally {
    s3.destroy();
    await session.close();
  }
});
