/** Complete and Abort of one upload, raced with real SDK calls (--data): never a torn object. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startS3 } from './helpers.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const BUCKET = 'race-bucket';

/** An upload with one part large enough to get a body file of its own (small ones share a pack file). */
async function preparedUpload(s3: S3Client, key: string, body: Buffer) {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
  const { ETag } = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: body }));
  const complete = () =>
    s3.send(
      new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }),
    );
  const abort = () => s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId }));
  return { complete, abort };
}

const statusOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'fulfilled' ? 200 : ((r.reason as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1);

async function assertWhole(s3: S3Client, expected: Map<string, string>, label: string) {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  assert.deepEqual(new Set(listed.Contents?.map((c) => c.Key) ?? []), new Set(expected.keys()), `${label}: listed objects`);
  for (const [key, sum] of expected) {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    assert.equal(md5(await got.Body!.transformToByteArray()), sum, `${label}: ${key} torn`);
  }
}

test('Complete racing Abort: Complete wins whole or gets NoSuchUpload; Abort answers 204; objects survive a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-race-'));
  let h = await startS3({ dataDir });
  try {
    await h.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const expected = new Map<string, string>();
    const outcomes = { completed: 0, aborted: 0 };
    for (let round = 0; round < 40; round++) {
      const key = `race-${round}`;
      const body = randomBytes(100 * 1024 + round);
      const upload = await preparedUpload(h.s3, key, body);
      // The second call leaves 0-5 ms after the first: it lands before, during or after the first one's commit.
      const later = <T>(send: () => Promise<T>) => new Promise((r) => setTimeout(r, round % 6)).then(send);
      const [completed, aborted] =
        round % 2
          ? await Promise.allSettled([upload.complete(), later(upload.abort)])
          : (await Promise.allSettled([upload.abort(), later(upload.complete)])).reverse();
      assert.equal(statusOf(aborted!), 200, `round ${round}: Abort answers 204 whichever came first`);
      if (statusOf(completed!) === 200) {
        expected.set(key, md5(body));
        outcomes.completed++;
      } else {
        assert.equal((completed as PromiseRejectedResult).reason.name, 'NoSuchUpload', `round ${round}`);
        outcomes.aborted++;
      }
    }
    assert.ok(outcomes.completed > 0 && outcomes.aborted > 0, `both outcomes seen: ${JSON.stringify(outcomes)}`);
    await assertWhole(h.s3, expected, 'before restart');
    await h.close();
    h = await startS3({ dataDir });
    await assertWhole(h.s3, expected, 'after restart');
  } finally {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('Complete twice (sequential and concurrent) -> 200 with the same result; Abort after Complete -> 204; Complete after Abort -> 404', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-race-'));
  const h = await startS3({ dataDir });
  try {
    await h.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const body = randomBytes(80 * 1024);
    const a = await preparedUpload(h.s3, 'twice', body);
    const first = await a.complete();
    const again = await a.complete();
    assert.equal(again.ETag, first.ETag);
    assert.equal(again.Key, 'twice');
    await a.abort();
    const b = await preparedUpload(h.s3, 'together', body);
    const [x, y] = await Promise.all([b.complete(), b.complete()]);
    assert.equal(x.ETag, y.ETag);
    const c = await preparedUpload(h.s3, 'aborted', body);
    await c.abort();
    await assert.rejects(c.complete(), { name: 'NoSuchUpload' });
    await assertWhole(
      h.s3,
      new Map([
        ['twice', md5(body)],
        ['together', md5(body)],
      ]),
      'after',
    );
  } finally {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
