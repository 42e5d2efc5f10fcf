/**
 * The multipart client (src/ops/multipart-parts.ts) against the real sandbox: parts read from the file land
 * as S3 stores them (content, part count, per-part MD5 ETags, the "-N" object ETag), UploadPart is signed
 * UNSIGNED-PAYLOAD while other requests keep their payload hash, and a failing part stops the upload with
 * its own error.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListMultipartUploadsCommand, ListPartsCommand, type S3Client } from '@aws-sdk/client-s3';
import { signPartsUnsigned, uploadFileInParts } from '../../src/ops/multipart-parts.js';
import { sdkClient, startS3, type S3Harness } from '../sandbox/s3/helpers.js';

const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 's3trigger-mp-parts-'));
const data = randomBytes(11 * MIB + 123);
const file = join(dir, 'data.bin');
writeFileSync(file, data);
let h: S3Harness;
before(async () => {
  h = await startS3();
  await h.s3.send(new CreateBucketCommand({ Bucket: 'parts' }));
});
after(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A client that records each request's x-amz-content-sha256 by command. */
function recordingClient(): { client: S3Client; seen: [string, string | undefined][] } {
  const client = sdkClient(h.sandbox, { requestChecksumCalculation: 'WHEN_REQUIRED' });
  signPartsUnsigned(client);
  const seen: [string, string | undefined][] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      seen.push([context.commandName ?? '', (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256']]);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordPayloadHash', priority: 'low' },
  );
  return { client, seen };
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

test('parts of 5 MiB, 2 at a time: the object is the file, 3 parts with their MD5 ETags, ETag "<md5 of md5s>-3"', async () => {
  const { client, seen } = recordingClient();
  const progress: number[] = [];
  try {
    const out = await uploadFileInParts(client, {
      bucket: 'parts',
      key: 'k.bin',
      file,
      bytes: data.length,
      partSize: 5 * MIB,
      concurrency: 2,
      signal: new AbortController().signal,
      onProgress: (loaded) => progress.push(loaded),
    });
    const slices = [data.subarray(0, 5 * MIB), data.subarray(5 * MIB, 10 * MIB), data.subarray(10 * MIB)];
    const partMd5s = Buffer.concat(slices.map((s) => createHash('md5').update(s).digest()));
    assert.equal(out.ETag, `"${md5(partMd5s)}-3"`);
    const got = await h.s3.send(new GetObjectCommand({ Bucket: 'parts', Key: 'k.bin' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data));
    assert.deepEqual(progress.sort((a, b) => a - b).at(-1), data.length);
    assert.equal(progress.length, 3);
    const uploads = seen.filter(([c]) => c === 'UploadPartCommand');
    assert.equal(uploads.length, 3);
    for (const [, hash] of uploads) assert.equal(hash, 'UNSIGNED-PAYLOAD');
    const complete = seen.find(([c]) => c === 'CompleteMultipartUploadCommand');
    assert.match(complete?.[1] ?? '', /^[0-9a-f]{64}$/);
  } finally {
    client.destroy();
  }
});

test('a file shorter than the size given: the upload fails naming the offset, its parts stay listable for the caller to abort', async () => {
  const { client } = recordingClient();
  try {
    await assert.rejects(
      uploadFileInParts(client, {
        bucket: 'parts',
        key: 'short.bin',
        file,
        bytes: data.length + 6 * MIB,
        partSize: 5 * MIB,
        concurrency: 2,
        signal: new AbortController().signal,
      }),
      (err: Error) => /the file ended at \d+ bytes while it was being uploaded/.test(err.message),
    );
    const listed = await h.s3.send(new ListMultipartUploadsCommand({ Bucket: 'parts', Prefix: 'short.bin' }));
    assert.equal(listed.Uploads?.length, 1);
    const parts = await h.s3.send(new ListPartsCommand({ Bucket: 'parts', Key: 'short.bin', UploadId: listed.Uploads![0]!.UploadId }));
    assert.ok((parts.Parts ?? []).every((p) => p.Size === 5 * MIB || p.Size === data.length - 10 * MIB));
  } finally {
    client.destroy();
  }
});
