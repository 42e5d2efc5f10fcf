/** PUT, COPY and DELETE: one SDK call each (their definitions import this when they run). */
import { CopyObjectCommand, DeleteObjectCommand, PutObjectCommand } from '../aws/clients-s3.js';
import type { OpInput, OpResult } from './types.js';
import { succeeded, type OpContext } from './context.js';
import { keyForFile } from './put.js';
import { uploadParams } from './upload-options.js';
import { bodyOf } from './held-bodies.js';
import { sendS3 } from '../aws/s3-send.js';

export { keyForFile } from './put.js';

/** CopySource is `bucket/key` with the key URL-encoded per segment (S3 decodes it; `+` stays `+`). */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export const stripQuotes = (etag: string | undefined): string | undefined => etag?.replace(/^"|"$/g, '');

export async function putObject(ctx: OpContext, input: Extract<OpInput, { kind: 'put' }>, startedAt: number): Promise<OpResult> {
  const key = keyForFile(input.file, input.key);
  const body = await bodyOf(input.file);
  const options = uploadParams(input, 'put');
  const plain = { Bucket: input.bucket, Key: key, Body: body };
  const out =
    (ctx.direct && Object.keys(options).length === 0 ? await ctx.direct.putObject(plain, ctx.signal) : undefined) ??
    (await sendS3(ctx.s3, new PutObjectCommand({ ...plain, ...options }), ctx.signal));
  return succeeded(ctx, {
    op: 'put',
    bucket: input.bucket,
    key,
    startedAt,
    bytes: body.length,
    etag: stripQuotes(out.ETag),
    versionId: out.VersionId,
    requestId: out.$metadata.requestId,
  });
}

export async function copyObject(ctx: OpContext, input: Extract<OpInput, { kind: 'copy' }>, startedAt: number): Promise<OpResult> {
  const out = await sendS3(
    ctx.s3,
    new CopyObjectCommand({
      Bucket: input.bucket,
      Key: input.key,
      CopySource: copySource(input.sourceBucket, input.sourceKey),
      ...uploadParams(input, 'copy'),
    }),
    ctx.signal,
  );
  return succeeded(ctx, {
    op: 'copy',
    bucket: input.bucket,
    key: input.key,
    startedAt,
    etag: stripQuotes(out.CopyObjectResult?.ETag),
    versionId: out.VersionId,
    requestId: out.$metadata.requestId,
  });
}

export async function deleteObject(ctx: OpContext, input: Extract<OpInput, { kind: 'delete' }>, startedAt: number): Promise<OpResult> {
  const params = { Bucket: input.bucket, Key: input.key, ...(input.versionId !== undefined ? { VersionId: input.versionId } : {}) };
  const out =
    (ctx.direct ? await ctx.direct.deleteObject(params, ctx.signal) : undefined) ??
    (await sendS3(ctx.s3, new DeleteObjectCommand(params), ctx.signal));
  return succeeded(ctx, {
    op: 'delete',
    bucket: input.bucket,
    key: input.key,
    startedAt,
    versionId: out.VersionId,
    ...(out.DeleteMarker !== undefined ? { deleteMarker: out.DeleteMarker } : {}),
    requestId: out.$metadata.requestId,
  });
}
