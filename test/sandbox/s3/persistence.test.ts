/** State survives a restart with a data dir, and a kill -9 never leaves a torn object. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { lambdaEverything, putNotification, startS3 } from './helpers.js';
import { startSandbox } from '../../../src/sandbox/server.js';

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

test('buckets, objects, multipart objects, uploads in progress and notification configs survive a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-persist-'));
  const first = await startS3({ dataDir });
  await first.s3.send(new CreateBucketCommand({ Bucket: 'keep-bucket', CreateBucketConfiguration: { LocationConstraint: 'ap-south-1' } }));
  await putNotification(first.sandbox, 'keep-bucket', lambdaEverything('persisted'));
  await first.s3.send(new PutObjectCommand({ Bucket: 'keep-bucket', Key: 'a/b.txt', Body: 'persisted body', Metadata: { m: 'v' } }));
  await first.s3.send(new PutObjectCommand({ Bucket: 'keep-bucket', Key: 'over', Body: 'old' }));
  await first.s3.send(new PutObjectCommand({ Bucket: 'keep-bucket', Key: 'over', Body: 'new' }));
  const big = Buffer.alloc(6 * 1024 * 1024, 3);
  const mpu = await new Upload({
    client: first.s3,
    params: { Bucket: 'keep-bucket', Key: 'mpu.bin', Body: big },
    partSize: 5 * 1024 * 1024,
  }).done();
  const { UploadId } = await first.s3.send(new CreateMultipartUploadCommand({ Bucket: 'keep-bucket', Key: 'pending' }));
  await first.s3.send(new UploadPartCommand({ Bucket: 'keep-bucket', Key: 'pending', UploadId, PartNumber: 1, Body: 'part' }));
  await first.close();

  const second = await startS3({ dataDir });
  try {
    const head = await second.s3.send(new HeadBucketCommand({ Bucket: 'keep-bucket' }));
    assert.equal(head.BucketRegion, 'ap-south-1');
    const got = await second.s3.send(new GetObjectCommand({ Bucket: 'keep-bucket', Key: 'a/b.txt' }));
    assert.equal(await got.Body!.transformToString(), 'persisted body');
    assert.deepEqual(got.Metadata, { m: 'v' });
    assert.equal(
      await (await second.s3.send(new GetObjectCommand({ Bucket: 'keep-bucket', Key: 'over' }))).Body!.transformToString(),
      'new',
    );
    const mpuGet = await second.s3.send(new GetObjectCommand({ Bucket: 'keep-bucket', Key: 'mpu.bin' }));
    assert.equal(mpuGet.ETag, mpu.ETag);
    assert.equal(md5(Buffer.from(await mpuGet.Body!.transformToByteArray())), md5(big));
    const cfg = await second.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'keep-bucket' }));
    assert.equal(cfg.LambdaFunctionConfigurations![0]!.Id, 'persisted');
    const uploads = await second.s3.send(new ListMultipartUploadsCommand({ Bucket: 'keep-bucket' }));
    assert.deepEqual(
      uploads.Uploads!.map((u) => u.UploadId),
      [UploadId],
    );
    // Bodies on disk: the 2 large parts of mpu.bin in files of their own; the small bodies in one pack.
    const files = readdirSync(join(dataDir, 's3', 'blobs'));
    assert.equal(files.filter((f) => !f.startsWith('pack-')).length, 2);
    assert.equal(files.filter((f) => f.startsWith('pack-')).length, 1);
  } finally {
    await second.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function startChild(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'sandbox-child.ts'), dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
  return { child, endpoint: (JSON.parse(line) as { endpoint: string }).endpoint };
}

test('kill -9 during writes: every acknowledged object is complete after restart, no torn ones', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-kill-'));
  const { child, endpoint } = await startChild(dataDir);
  const s3 = new S3Client({
    endpoint,
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'kill-bucket' }));
  await assert.rejects(startSandbox({ port: 0, dataDir }), { code: 'SandboxDataInUse' }, 'a second sandbox on a live data dir');
  const acked = new Map<string, string>();
  // Odd writes are large (a file each), even ones small (appended to a pack file).
  const bodyFor = (i: number) => {
    const length = i % 2 ? 64 * 1024 + i : 1000 + i;
    return Buffer.alloc(length, length % 251);
  };
  let stop = false;
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let i = w; !stop; i += 4) {
      const key = `obj-${i % 40}`;
      const body = bodyFor(i);
      try {
        await s3.send(new PutObjectCommand({ Bucket: 'kill-bucket', Key: key, Body: body }));
        acked.set(key, md5(body));
      } catch {
        return;
      }
    }
  });
  while (acked.size < 20) await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGKILL');
  stop = true;
  await Promise.all(writers);
  s3.destroy();
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));

  const after = await startS3({ dataDir });
  try {
    const listed = await after.s3.send(new ListObjectsV2Command({ Bucket: 'kill-bucket' }));
    const present = new Set(listed.Contents!.map((c) => c.Key!));
    for (const key of acked.keys()) assert.ok(present.has(key), `${key} acknowledged but missing`);
    for (const c of listed.Contents!) {
      const got = await after.s3.send(new GetObjectCommand({ Bucket: 'kill-bucket', Key: c.Key! }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      assert.equal(body.length, c.Size, `${c.Key} size`);
      assert.equal(`"${md5(body)}"`, got.ETag, `${c.Key} torn`);
      // The body is one this key was written with (the last acknowledged one or a later, unacknowledged one).
      assert.equal(body[0], body.length % 251, `${c.Key} content`);
    }
    const large = listed.Contents!.filter((c) => c.Size! > 64 * 1024).length;
    const files = readdirSync(join(dataDir, 's3', 'blobs')).filter((f) => !f.startsWith('pack-'));
    assert.equal(files.length, large, 'orphan bodies swept');
  } finally {
    await after.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
