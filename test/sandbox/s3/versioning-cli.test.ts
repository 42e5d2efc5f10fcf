/**
 * Issue #12, versioning and lifecycle from the AWS CLI v2 (`/usr/bin/aws s3api`) and boto3 against a real
 * sandbox: put-bucket-versioning, list-object-versions (every page with --max-items 1 and the CLI's paginator),
 * delete-object --version-id, put/get-bucket-lifecycle-configuration, with the records they fire.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findCli } from '../../aws-cli.js';
import { cliEnv, lambdaEverything, putNotification, startS3 } from './helpers.js';

const run = promisify(execFile);

test('AWS CLI v2: put-bucket-versioning, versions on put/delete, list-object-versions paging, delete-object --version-id, lifecycle', async (t) => {
  const cli = await findCli('/usr/bin/aws', '2');
  if (!cli) {
    t.skip('AWS CLI v2 not found (/usr/bin/aws)');
    return;
  }
  const h = await startS3({ timing: { scale: 0.05 } });
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-ver-cli-'));
  try {
    const env = cliEnv(h.sandbox);
    const aws = async (...args: string[]) =>
      (await run(cli, ['--endpoint-url', h.sandbox.endpoint, ...args], { env, maxBuffer: 1 << 24 })).stdout;
    const json = async (...args: string[]) => {
      const out = await aws(...args);
      return out.trim() ? JSON.parse(out) : {};
    };
    const bucket = 'ver-cli';
    const file = join(dir, 'body.txt');
    writeFileSync(file, 'hello');
    await aws('s3api', 'create-bucket', '--bucket', bucket);
    assert.equal(
      (await putNotification(h.sandbox, bucket, lambdaEverything('cli', '<Event>s3:LifecycleExpiration:*</Event>'))).status,
      200,
    );
    await aws('s3api', 'put-bucket-versioning', '--bucket', bucket, '--versioning-configuration', 'Status=Enabled');
    assert.deepEqual(await json('s3api', 'get-bucket-versioning', '--bucket', bucket), { Status: 'Enabled' });

    h.events.length = 0;
    const ids: string[] = [];
    for (let i = 0; i < 2; i++)
      ids.push((await json('s3api', 'put-object', '--bucket', bucket, '--key', 'notes/a.txt', '--body', file)).VersionId);
    assert.equal(new Set(ids).size, 2);
    assert.deepEqual(
      h.events.map((e) => e.record.s3.object.versionId),
      ids,
    );
    const marker = await json('s3api', 'delete-object', '--bucket', bucket, '--key', 'notes/a.txt');
    assert.equal(marker.DeleteMarker, true);
    assert.equal(h.events.at(-1)!.record.eventName, 'ObjectRemoved:DeleteMarkerCreated');
    assert.equal(h.events.at(-1)!.record.s3.object.versionId, marker.VersionId);

    // The CLI's paginator with one entry a page (max-keys=1) walks every version and marker by their markers.
    const all = await json('s3api', 'list-object-versions', '--bucket', bucket, '--page-size', '1');
    assert.deepEqual(
      all.Versions.map((v: { VersionId: string; IsLatest: boolean }) => [v.VersionId, v.IsLatest]),
      [
        [ids[1], false],
        [ids[0], false],
      ],
    );
    assert.deepEqual(
      all.DeleteMarkers.map((m: { VersionId: string; IsLatest: boolean }) => [m.VersionId, m.IsLatest]),
      [[marker.VersionId, true]],
    );
    h.events.length = 0;
    const del = await json('s3api', 'delete-object', '--bucket', bucket, '--key', 'notes/a.txt', '--version-id', ids[0]!);
    assert.equal(del.VersionId, ids[0]);
    assert.deepEqual(
      h.events.map((e) => [e.record.eventName, e.record.s3.object.versionId]),
      [['ObjectRemoved:Delete', ids[0]]],
    );
    // Lifecycle: a noncurrent version goes a lifecycle day after it became noncurrent (1 s x 0.05 here).
    const config = join(dir, 'lifecycle.json');
    writeFileSync(
      config,
      JSON.stringify({
        Rules: [{ ID: 'old', Filter: { Prefix: 'notes/' }, Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 1 } }],
      }),
    );
    await aws('s3api', 'put-bucket-lifecycle-configuration', '--bucket', bucket, '--lifecycle-configuration', `file://${config}`);
    assert.deepEqual((await json('s3api', 'get-bucket-lifecycle-configuration', '--bucket', bucket)).Rules, [
      { ID: 'old', Filter: { Prefix: 'notes/' }, Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
    ]);
    for (let i = 0; i < 400 && h.events.filter((e) => e.record.eventName === 'LifecycleExpiration:Delete').length < 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(
      h.events
        .filter((e) => e.record.eventName === 'LifecycleExpiration:Delete')
        .map((e) => e.record.s3.object.versionId)
        .sort(),
      [ids[1]],
    );
    const left = await json('s3api', 'list-object-versions', '--bucket', bucket);
    assert.equal(left.Versions, undefined);
    await aws('s3api', 'delete-bucket-lifecycle', '--bucket', bucket);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await h.close();
  }
});

const BOTO_SCRIPT = `
import sys, json, boto3
endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='eu-west-1', aws_access_key_id='test', aws_secret_access_key='test')
s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={'Status': 'Enabled'})
ids = [s3.put_object(Bucket=bucket, Key='k%d' % (i % 2), Body=b'x' * i)['VersionId'] for i in range(5)]
seen = []
for page in s3.get_paginator('list_object_versions').paginate(Bucket=bucket, PaginationConfig={'PageSize': 1}):
    seen += [(v['Key'], v['VersionId'], v['IsLatest']) for v in page.get('Versions', [])]
marker = s3.delete_object(Bucket=bucket, Key='k0')
try:
    s3.get_object(Bucket=bucket, Key='k0')
    got = 'found'
except s3.exceptions.NoSuchKey as e:
    got = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPHeaders'].get('x-amz-delete-marker')]
print(json.dumps({'ids': ids, 'seen': seen, 'marker': [marker.get('DeleteMarker'), marker.get('VersionId')], 'got': got}))
`;

test('boto3: list_object_versions paginator with PageSize 1, delete marker and NoSuchKey with x-amz-delete-marker', async (t) => {
  try {
    await run('python3', ['-c', 'import boto3'], { env: { PATH: process.env.PATH } });
  } catch {
    t.skip('python3 with boto3 not found');
    return;
  }
  const h = await startS3();
  try {
    const { stdout } = await run('python3', ['-c', BOTO_SCRIPT, h.sandbox.endpoint, 'ver-boto'], { env: cliEnv(h.sandbox) });
    const out = JSON.parse(stdout) as { ids: string[]; seen: [string, string, boolean][]; marker: [boolean, string]; got: unknown };
    const [a0, a1, a2, a3, a4] = out.ids;
    assert.deepEqual(out.seen, [
      ['k0', a4, true],
      ['k0', a2, false],
      ['k0', a0, false],
      ['k1', a3, true],
      ['k1', a1, false],
    ]);
    assert.equal(out.marker[0], true);
    assert.match(out.marker[1], /^[A-Za-z0-9._]{32}$/);
    assert.deepEqual(out.got, ['NoSuchKey', 'true']);
  } finally {
    await h.close();
  }
});
