/**
 * MULTIPART: a multipart upload of a file or of generated random data (parts read from the file and sent by
 * multipart-parts.ts). Cancelling aborts the upload on S3 (no orphaned parts) and the temp file is always removed.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { randomFill, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  S3Client,
  UploadPartCommand,
  type CompleteMultipartUploadCommandOutput,
} from '@aws-sdk/client-s3';
import type { OpInput, OpResult } from './types.js';
import { succeeded, type OpContext } from './context.js';
import { stripQuotes } from './simple.js';
import { tempFileMessage } from './temp-file.js';
import { scrubCredentialsOf } from './errors.js';
import { DEFAULT_CONCURRENCY, DEFAULT_PART_SIZE_MB, DEFAULT_SIZE_MB, MIB } from './limits.js';
import { uploadParams, type UploadOptions } from './upload-options.js';
import { signPartsUnsigned, uploadFileInParts } from './multipart-parts.js';

const fillRandom = promisify(randomFill);

async function writeRandomFile(bytes: number, signal?: AbortSignal): Promise<string> {
  const path = join(tmpdir(), `s3trigger-${randomUUID()}.bin`);
  const handle = await open(path, 'w', 0o600);
  try {
    const chunk = Buffer.allocUnsafe(Math.min(bytes, 8 * MIB));
    for (let written = 0; written < bytes; ) {
      signal?.throwIfAborted();
      const n = Math.min(chunk.length, bytes - written);
      await fillRandom(chunk.subarray(0, n));
      // A full disk can first show as a short write: count what landed, so the next write reports ENOSPC.
      const { bytesWritten } = await handle.write(chunk, 0, n);
      if (bytesWritten === 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      written += bytesWritten;
    }
  } catch (err) {
    await handle.close();
    await rm(path, { force: true });
    throw err;
  }
  await handle.close();
  return path;
}

/** Records the UploadId of every CreateMultipartUpload the client sends, so a cancel can abort them all. */
function trackUploads(client: S3Client) {
  const ids = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'CreateMultipartUploadCommand') return next(args);
      const sent = next(args);
      inFlight.add(sent);
      try {
        const out = await sent;
        const id = (out.output as { UploadId?: string }).UploadId;
        if (id) ids.add(id);
        return out;
      } finally {
        inFlight.delete(sent);
      }
    },
    { step: 'initialize', name: 's3triggerTrackUploads' },
  );
  return {
    async abortAll(bucket: string, key: string, since: number) {
      await Promise.allSettled([...inFlight]);
      // A Create cancelled in flight may still have been created on the server: find it by key and start time.
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key })).catch(() => undefined);
      for (const u of listed?.Uploads ?? []) {
        if (u.Key === key && u.UploadId && (u.Initiated?.getTime() ?? 0) >= since - 1000) ids.add(u.UploadId);
      }
      for (const id of ids) {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id })).catch(() => {});
      }
    },
  };
}

/** Data that fits one part: one UploadPart of the whole file (the op promises a CompleteMultipartUpload event, never a PutObject). */
async function singlePartUpload(client: S3Client, bucket: string, key: string, file: string, options: UploadOptions, signal: AbortSignal) {
  const body = await readFile(file);
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...uploadParams(options, 'multipart') }),
    {
      abortSignal: signal,
    },
  );
  const part = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: body }), {
    abortSignal: signal,
  });
  return client.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId,
      MultipartUpload: {
        Parts: [{ PartNumber: 1, ETag: part.ETag, ...(part.ChecksumCRC32 ? { ChecksumCRC32: part.ChecksumCRC32 } : {}) }],
      },
    }),
    { abortSignal: signal },
  );
}

export async function multipartUpload(
  ctx: OpContext,
  input: Extract<OpInput, { kind: 'multipart' }>,
  startedAt: number,
): Promise<OpResult> {
  const partSize = Math.round((input.partSizeMB ?? DEFAULT_PART_SIZE_MB) * MIB);
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal?.aborted) controller.abort();
  let temp: string | undefined;
  // No per-part CRC32 in JS (TLS and S3's part ETags cover transport): ~10% more throughput, as the AWS CLI v2 and boto3 do by default.
  const client = new S3Client({ ...ctx.s3Config, requestChecksumCalculation: 'WHEN_REQUIRED' });
  scrubCredentialsOf(client);
  signPartsUnsigned(client);
  const tracker = trackUploads(client);
  try {
    if (!input.file) {
      temp = await writeRandomFile(Math.round((input.sizeMB ?? DEFAULT_SIZE_MB) * MIB), controller.signal).catch((err: unknown) => {
        if (controller.signal.aborted) throw err;
        // Nothing was sent yet: a disk that fills up here is the TMPDIR's fault, said in its terms.
        throw Object.assign(new Error(tempFileMessage(err)), { name: 'TempFileUnwritable' });
      });
    }
    const file = input.file ?? temp!;
    const bytes = (await stat(file)).size;
    ctx.onProgress?.(0, bytes);
    let out: CompleteMultipartUploadCommandOutput;
    try {
      if (bytes <= partSize) {
        out = await singlePartUpload(client, input.bucket, input.key, file, input, controller.signal);
      } else {
        out = await uploadFileInParts(client, {
          bucket: input.bucket,
          key: input.key,
          file,
          bytes,
          partSize,
          concurrency: input.concurrency ?? DEFAULT_CONCURRENCY,
          createParams: uploadParams(input, 'multipart'),
          signal: controller.signal,
          onProgress: (loaded, total) => ctx.onProgress?.(loaded, total),
        });
      }
    } catch (err) {
      await tracker.abortAll(input.bucket, input.key, startedAt);
      throw err;
    }
    ctx.onProgress?.(bytes, bytes);
    return succeeded(ctx, {
      op: 'multipart',
      bucket: input.bucket,
      key: input.key,
      startedAt,
      bytes,
      etag: stripQuotes(out.ETag),
      versionId: out.VersionId,
      requestId: out.$metadata?.requestId,
    });
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
    client.destroy();
    if (temp) await rm(temp, { force: true });
  }
}
