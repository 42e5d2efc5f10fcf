/** A clean close writes an index the next start loads instead of reading every object file; a stale one is ignored. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Store } from '../../../src/sandbox/s3/store.js';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startS3 } from './helpers.js';

test('restart after a clean close loads the index (consumed at start); a crash or a stale index means a rescan', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-index-'));
  const indexFile = join(dataDir, 's3', 'index.json');
  try {
    let h = await startS3({ dataDir });
    await h.s3.send(new CreateBucketCommand({ Bucket: 'index-bucket' }));
    for (let i = 0; i < 20; i++) await h.s3.send(new PutObjectCommand({ Bucket: 'index-bucket', Key: `k${i}`, Body: `body ${i}` }));
    await h.close();
    assert.ok(existsSync(indexFile), 'a clean close writes the index');
    copyFileSync(indexFile, `${indexFile}.old`);

    h = await startS3({ dataDir });
    assert.ok(!existsSync(indexFile), 'the index is consumed at start: a crash later cannot leave a stale one');
    const got = await h.s3.send(new GetObjectCommand({ Bucket: 'index-bucket', Key: 'k7' }));
    assert.equal(await got.Body!.transformToString(), 'body 7');
    await h.s3.send(new PutObjectCommand({ Bucket: 'index-bucket', Key: 'late', Body: 'late body' }));
    await h.close();

    // An index older than the data (as an older version running in between would leave it): ignored.
    copyFileSync(`${indexFile}.old`, indexFile);
    rmSync(`${indexFile}.old`);
    const store = await S3Store.open(join(dataDir, 's3'), true);
    assert.equal(store.getObject('index-bucket', 'late')?.size, 9, 'objects written after the index are found by the rescan');
    assert.equal(store.sortedKeys('index-bucket').length, 21);
    await store.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
