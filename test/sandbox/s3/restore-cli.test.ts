/**
 * Issue #12: archiving and restoring with the AWS CLI (v1 and v2) and boto3 against a sandbox with a tiny
 * --timing-scale: put-object --storage-class GLACIER, get-object refused (403), restore-object, head-object's
 * Restore, and the ObjectRestore:Post / :Completed records.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { S3Notification } from '../../../src/sandbox/context.js';
import { SANDBOX_OWNER_ID } from '../../../src/sandbox/s3/event-record.js';
import { AWS_CLIS, findCli } from '../../aws-cli.js';
import { cliEnv, FN_ARN, putNotification, startS3, type S3Harness } from './helpers.js';

const run = promisify(execFile);
/** boto3 runs in one process: DEEP_ARCHIVE Standard takes 1.44 s and a restored day 2.88 s at this scale. */
const SCALE = 0.002;
/** Each CLI call is a process start (seconds on a busy machine): a restored day lasts 144 s here, Expedited 0.5 s. */
const CLI_SCALE = 0.1;

async function restoreEvents(h: S3Harness, bucket: string): Promise<void> {
  const xml =
    `<NotificationConfiguration><CloudFunctionConfiguration><Id>restores</Id><CloudFunction>${FN_ARN}</CloudFunction>` +
    '<Event>s3:ObjectRestore:*</Event></CloudFunctionConfiguration></NotificationConfiguration>';
  assert.equal((await putNotification(h.sandbox, bucket, xml)).status, 200);
}

async function waitFor(events: S3Notification[], eventName: string): Promise<S3Notification> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const hit = events.find((e) => e.record.eventName === eventName);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no ${eventName} event`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const [label, candidate, major] of AWS_CLIS) {
  test(`AWS CLI ${label}: put-object --storage-class GLACIER, get-object 403, restore-object, head-object Restore, get-object`, async (t) => {
    const cli = await findCli(candidate, major);
    if (!cli) {
      t.skip(`aws CLI ${label} not found (${candidate})`);
      return;
    }
    const h = await startS3({ timing: { scale: CLI_SCALE } });
    const dir = mkdtempSync(join(tmpdir(), 's3trigger-restore-cli-'));
    try {
      const env = cliEnv(h.sandbox);
      const aws = async (...args: string[]) => (await run(cli, ['--endpoint-url', h.sandbox.endpoint, ...args], { env })).stdout;
      const json = async (...args: string[]) => JSON.parse(await aws(...args));
      const bucket = `restore-cli-${label}`;
      const file = join(dir, 'archive.tar');
      writeFileSync(file, 'archived bytes');
      await aws('s3api', 'create-bucket', '--bucket', bucket);
      await restoreEvents(h, bucket);
      await aws('s3api', 'put-object', '--bucket', bucket, '--key', 'archive.tar', '--body', file, '--storage-class', 'GLACIER');
      assert.equal((await json('s3api', 'head-object', '--bucket', bucket, '--key', 'archive.tar')).StorageClass, 'GLACIER');
      assert.deepEqual(
        (await json('s3api', 'list-objects-v2', '--bucket', bucket)).Contents.map((o: { StorageClass: string }) => o.StorageClass),
        ['GLACIER'],
      );
      const out = join(dir, 'out.tar');
      const refused = await aws('s3api', 'get-object', '--bucket', bucket, '--key', 'archive.tar', out).then(
        () => '',
        (err: { stderr: string }) => err.stderr,
      );
      assert.match(
        refused,
        /\(InvalidObjectState\) when calling the GetObject operation: The operation is not valid for the object's storage class/,
      );

      await aws(
        's3api',
        'restore-object',
        '--bucket',
        bucket,
        '--key',
        'archive.tar',
        '--restore-request',
        'Days=1,GlacierJobParameters={Tier=Expedited}',
      );
      const post = (await waitFor(h.events, 'ObjectRestore:Post')).record;
      assert.deepEqual(post.s3.object, { key: 'archive.tar', size: 14, eTag: post.s3.object.eTag, sequencer: post.s3.object.sequencer });
      const completed = (await waitFor(h.events, 'ObjectRestore:Completed')).record as typeof post & {
        glacierEventData: { restoreEventData: { lifecycleRestorationExpiryTime: string; lifecycleRestoreStorageClass: string } };
      };
      assert.equal(completed.userIdentity.principalId, `AmazonCustomer:${SANDBOX_OWNER_ID}`);
      const expiry = completed.glacierEventData.restoreEventData.lifecycleRestorationExpiryTime;
      assert.equal(completed.glacierEventData.restoreEventData.lifecycleRestoreStorageClass, 'GLACIER');

      const head = await json('s3api', 'head-object', '--bucket', bucket, '--key', 'archive.tar');
      assert.equal(head.Restore, `ongoing-request="false", expiry-date="${new Date(expiry).toUTCString()}"`);
      await aws('s3api', 'get-object', '--bucket', bucket, '--key', 'archive.tar', out);
      assert.equal(readFileSync(out, 'utf8'), 'archived bytes');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await h.close();
    }
  });
}

const BOTO_SCRIPT = `
import sys, json, time
import boto3
from botocore.exceptions import ClientError
endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='eu-west-1', aws_access_key_id='test', aws_secret_access_key='test')
s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
s3.put_object(Bucket=bucket, Key='cold.bin', Body=b'cold', StorageClass='DEEP_ARCHIVE')
out = {}
try:
    s3.get_object(Bucket=bucket, Key='cold.bin')
except ClientError as e:
    out['get'] = [e.response['Error']['Code'], e.response['Error'].get('StorageClass'), e.response['ResponseMetadata']['HTTPStatusCode']]
out['restore'] = s3.restore_object(Bucket=bucket, Key='cold.bin', RestoreRequest={'Days': 1, 'GlacierJobParameters': {'Tier': 'Standard'}})['ResponseMetadata']['HTTPStatusCode']
out['ongoing'] = s3.head_object(Bucket=bucket, Key='cold.bin').get('Restore')
try:
    s3.restore_object(Bucket=bucket, Key='cold.bin', RestoreRequest={'Days': 1})
except ClientError as e:
    out['again'] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
for _ in range(400):
    restore = s3.head_object(Bucket=bucket, Key='cold.bin').get('Restore', '')
    if restore.startswith('ongoing-request="false"'):
        break
    time.sleep(0.05)
out['restored'] = restore
out['body'] = s3.get_object(Bucket=bucket, Key='cold.bin')['Body'].read().decode()
print(json.dumps(out))
`;

test('boto3: DEEP_ARCHIVE put, get refused with the class, restore 202, ongoing, 409 on a second request, restored, readable', async (t) => {
  try {
    await run('python3', ['-c', 'import boto3'], { env: { PATH: process.env.PATH } });
  } catch {
    t.skip('python3 with boto3 not found');
    return;
  }
  const h = await startS3({ timing: { scale: SCALE } });
  try {
    const bucket = 'restore-boto3';
    const out = JSON.parse((await run('python3', ['-c', BOTO_SCRIPT, h.sandbox.endpoint, bucket], { env: cliEnv(h.sandbox) })).stdout);
    assert.deepEqual(out.get, ['InvalidObjectState', 'DEEP_ARCHIVE', 403]);
    assert.equal(out.restore, 202);
    assert.equal(out.ongoing, 'ongoing-request="true"');
    assert.deepEqual(out.again, ['RestoreAlreadyInProgress', 409]);
    assert.match(out.restored, /^ongoing-request="false", expiry-date="\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT"$/);
    assert.equal(out.body, 'cold');
  } finally {
    await h.close();
  }
});
