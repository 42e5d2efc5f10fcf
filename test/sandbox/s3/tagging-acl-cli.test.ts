/**
 * Issue #12: the AWS CLI's s3api tagging and ACL commands against a real sandbox (the walkthrough a
 * user runs), with the events they fire; and tags, ACLs and an upload's pending tags surviving restarts
 * with a data dir (both the clean-close index and the rescan after a crash).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketAclCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AWS_CLIS, findCli } from '../../aws-cli.js';
import { SANDBOX_OWNER_ID } from '../../../src/sandbox/s3/event-record.js';
import { cliEnv, lambdaEverything, putNotification, startS3 } from './helpers.js';

const run = promisify(execFile);
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const OWNER_GRANT = { Grantee: { Type: 'CanonicalUser', ID: SANDBOX_OWNER_ID, DisplayName: 'sandbox' }, Permission: 'FULL_CONTROL' };

for (const [label, candidate, major] of AWS_CLIS) {
  test(`AWS CLI ${label}: s3api put/get/delete-object-tagging, put/get-object-acl, get-bucket-acl, and their events`, async (t) => {
    const cli = await findCli(candidate, major);
    if (!cli) {
      t.skip(`aws CLI ${label} not found (${candidate})`);
      return;
    }
    const h = await startS3();
    const dir = mkdtempSync(join(tmpdir(), 's3trigger-tag-cli-'));
    try {
      const env = cliEnv(h.sandbox);
      const aws = async (...args: string[]) =>
        (await run(cli, ['--endpoint-url', h.sandbox.endpoint, ...args], { env, maxBuffer: 1 << 24 })).stdout;
      const json = async (...args: string[]) => JSON.parse(await aws(...args));
      const bucket = `tag-cli-${label}`;
      const file = join(dir, 'report.csv');
      writeFileSync(file, 'a,b\n');
      await aws('s3api', 'create-bucket', '--bucket', bucket);
      const events = '<Event>s3:ObjectTagging:*</Event><Event>s3:ObjectAcl:Put</Event>';
      assert.equal((await putNotification(h.sandbox, bucket, lambdaEverything('cli', events))).status, 200);
      await aws('s3api', 'put-object', '--bucket', bucket, '--key', 'report.csv', '--body', file, '--tagging', 'stage=raw');
      assert.deepEqual(await json('s3api', 'get-object-tagging', '--bucket', bucket, '--key', 'report.csv'), {
        TagSet: [{ Key: 'stage', Value: 'raw' }],
      });

      h.events.length = 0;
      await aws(
        's3api',
        'put-object-tagging',
        '--bucket',
        bucket,
        '--key',
        'report.csv',
        '--tagging',
        'TagSet=[{Key=stage,Value=clean},{Key=owner,Value=data team}]',
      );
      assert.deepEqual(await json('s3api', 'get-object-tagging', '--bucket', bucket, '--key', 'report.csv'), {
        TagSet: [
          { Key: 'owner', Value: 'data team' },
          { Key: 'stage', Value: 'clean' },
        ],
      });
      // GetObject's TagCount (x-amz-tagging-count): the CLI v2 of Debian has no TagCount in its HeadObject model.
      assert.equal((await json('s3api', 'get-object', '--bucket', bucket, '--key', 'report.csv', join(dir, 'out'))).TagCount, 2);
      await aws('s3api', 'delete-object-tagging', '--bucket', bucket, '--key', 'report.csv');
      assert.deepEqual(await json('s3api', 'get-object-tagging', '--bucket', bucket, '--key', 'report.csv'), { TagSet: [] });

      await aws('s3api', 'put-object-acl', '--bucket', bucket, '--key', 'report.csv', '--acl', 'public-read');
      const acl = await json('s3api', 'get-object-acl', '--bucket', bucket, '--key', 'report.csv');
      assert.deepEqual(acl.Owner, { ID: SANDBOX_OWNER_ID, DisplayName: 'sandbox' });
      assert.deepEqual(acl.Grants, [OWNER_GRANT, { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' }]);
      await aws('s3api', 'put-object-acl', '--bucket', bucket, '--key', 'report.csv', '--grant-read', `uri=${ALL_USERS}`);
      assert.deepEqual((await json('s3api', 'get-object-acl', '--bucket', bucket, '--key', 'report.csv')).Grants, [
        { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
      ]);
      assert.deepEqual((await json('s3api', 'get-bucket-acl', '--bucket', bucket)).Grants, [OWNER_GRANT]);

      assert.deepEqual(
        h.events.map((e) => [e.record.eventName, e.record.eventVersion, e.record.s3.object.key]),
        [
          ['ObjectTagging:Put', '2.3', 'report.csv'],
          ['ObjectTagging:Delete', '2.3', 'report.csv'],
          ['ObjectAcl:Put', '2.3', 'report.csv'],
          ['ObjectAcl:Put', '2.3', 'report.csv'],
        ],
      );
      const etag = (await json('s3api', 'head-object', '--bucket', bucket, '--key', 'report.csv')).ETag.replace(/"/g, '');
      for (const e of h.events) assert.deepEqual(e.record.s3.object, { key: 'report.csv', eTag: etag });

      const tooMany = Array.from({ length: 11 }, (_, i) => `{Key=k${i},Value=v}`).join(',');
      await assert.rejects(
        aws('s3api', 'put-object-tagging', '--bucket', bucket, '--key', 'report.csv', '--tagging', `TagSet=[${tooMany}]`),
        /BadRequest.*Object tags cannot be greater than 10/s,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await h.close();
    }
  });
}

test('tags, ACLs and an upload in progress with its tags survive restarts (clean close and rescan)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-tag-persist-'));
  const Bucket = 'keep-tags';
  try {
    const first = await startS3({ dataDir });
    await first.s3.send(new CreateBucketCommand({ Bucket }));
    await first.s3.send(new PutObjectCommand({ Bucket, Key: 'put', Body: 'x', Tagging: 'a=1', ACL: 'authenticated-read' }));
    await first.s3.send(new PutObjectCommand({ Bucket, Key: 'later', Body: 'y' }));
    await first.s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'later', Tagging: { TagSet: [{ Key: 'b', Value: '2' }] } }));
    await first.s3.send(new PutObjectAclCommand({ Bucket, Key: 'later', ACL: 'public-read' }));
    await first.s3.send(new PutBucketAclCommand({ Bucket, ACL: 'public-read' }));
    const { UploadId } = await first.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mpu', Tagging: 'c=3', ACL: 'public-read' }));
    const part = await first.s3.send(new UploadPartCommand({ Bucket, Key: 'mpu', UploadId, PartNumber: 1, Body: 'part' }));
    await first.close();

    const check = async (h: Awaited<ReturnType<typeof startS3>>) => {
      const tags = async (Key: string) => (await h.s3.send(new GetObjectTaggingCommand({ Bucket, Key }))).TagSet;
      const grants = async (Key: string) =>
        (await h.s3.send(new GetObjectAclCommand({ Bucket, Key }))).Grants!.map((g) => g.Grantee!.URI ?? g.Grantee!.ID);
      assert.deepEqual(await tags('put'), [{ Key: 'a', Value: '1' }]);
      assert.deepEqual(await tags('later'), [{ Key: 'b', Value: '2' }]);
      assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'later' }))).TagCount, 1);
      assert.deepEqual(await grants('put'), [SANDBOX_OWNER_ID, 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers']);
      assert.deepEqual(await grants('later'), [SANDBOX_OWNER_ID, ALL_USERS]);
      assert.equal((await h.s3.send(new GetBucketAclCommand({ Bucket }))).Grants!.length, 2);
    };

    const second = await startS3({ dataDir });
    try {
      await check(second);
    } finally {
      await second.close();
    }
    // A crash leaves no index: the next start rescans the metadata files.
    rmSync(join(dataDir, 's3', 'index.json'), { force: true });
    const third = await startS3({ dataDir });
    try {
      await check(third);
      await third.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'mpu',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        }),
      );
      assert.deepEqual((await third.s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'mpu' }))).TagSet, [{ Key: 'c', Value: '3' }]);
      assert.equal((await third.s3.send(new GetObjectAclCommand({ Bucket, Key: 'mpu' }))).Grants!.length, 2);
    } finally {
      await third.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
