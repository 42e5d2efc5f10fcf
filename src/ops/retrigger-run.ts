/** RETRIGGER's requests: HeadObject, then CopyObject onto itself, or UploadPartCopy above CopyObject's 5 GiB limit. */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { OpInput, OpResult } from './types.js';
import { succeeded, type OpContext } from './context.js';
import { copySource, stripQuotes } from './simple.js';

/** CopyObject copies at most 5 GiB (AWS: "Copy an object"); larger objects are copied part by part. */
export const COPY_OBJECT_MAX_BYTES = 5 * 1024 ** 3;
/** Part size of the part-by-part copy (at most 10,000 parts: 5 TiB objects fit). */
export const COPY_PART_BYTES = 512 * 1024 ** 2;

const ARCHIVED = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * Why the object cannot be copied now, or undefined: an archived object (GLACIER, DEEP_ARCHIVE) needs a finished
 * restore (`x-amz-restore: ongoing-request="false"`), as S3 answers InvalidObjectState otherwise.
 */
export function archivedProblem(key: string, head: Pick<HeadObjectCommandOutput, 'StorageClass' | 'Restore'>): string | undefined {
  if (!head.StorageClass || !ARCHIVED.has(head.StorageClass)) return undefined;
  if (head.Restore?.includes('ongoing-request="false"')) return undefined;
  const how = head.Restore?.includes('ongoing-request="true"')
    ? 'its restore is still in progress: wait for it'
    : `restore it first (--restore ${key})`;
  return `${key} is archived in ${head.StorageClass}: ${how}`;
}

/** What a copy onto itself must resend, since MetadataDirective REPLACE drops whatever is not given again. */
function replaced(head: HeadObjectCommandOutput) {
  return {
    MetadataDirective: 'REPLACE' as const,
    ContentType: head.ContentType,
    ContentEncoding: head.ContentEncoding,
    ContentDisposition: head.ContentDisposition,
    ContentLanguage: head.ContentLanguage,
    CacheControl: head.CacheControl,
    Expires: head.Expires,
    Metadata: head.Metadata,
    WebsiteRedirectLocation: head.WebsiteRedirectLocation,
    ...(head.StorageClass ? { StorageClass: head.StorageClass } : {}),
  };
}

/** HeadObject, then the copy; throws S3's error (NoSuchKey, AccessDenied) or InvalidObjectState for archived objects. */
export async function copyOntoItself(ctx: OpContext, input: Extract<OpInput, { kind: 'retrigger' }>, startedAt: number): Promise<OpResult> {
  const { bucket, key } = input;
  const head = await ctx.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: ctx.signal });
  const archived = archivedProblem(key, head);
  if (archived) throw Object.assign(new Error(archived), { name: 'InvalidObjectState' });
  const size = head.ContentLength ?? 0;
  const copied = size > COPY_OBJECT_MAX_BYTES ? await copyInParts(ctx, input, head, size) : await copyWhole(ctx, input, head);
  return succeeded(ctx, { op: 'retrigger', bucket, key, startedAt, bytes: size, ...copied });
}

async function copyWhole(ctx: OpContext, { bucket, key }: { bucket: string; key: string }, head: HeadObjectCommandOutput) {
  const out = await ctx.s3.send(
    new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: copySource(bucket, key), ...replaced(head) }),
    {
      abortSignal: ctx.signal,
    },
  );
  return { etag: stripQuotes(out.CopyObjectResult?.ETag), versionId: out.VersionId, requestId: out.$metadata.requestId };
}

/** UploadPartCopy of byte ranges; the upload is aborted when any part fails, so nothing is left behind. */
async function copyInParts(ctx: OpContext, { bucket, key }: { bucket: string; key: string }, head: HeadObjectCommandOutput, size: number) {
  const { MetadataDirective: _, ...headers } = replaced(head);
  const created = await ctx.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...headers }), {
    abortSignal: ctx.signal,
  });
  const uploadId = created.UploadId!;
  const source = copySource(bucket, key) + (head.VersionId ? `?versionId=${encodeURIComponent(head.VersionId)}` : '');
  try {
    const parts: { PartNumber: number; ETag?: string }[] = [];
    for (let start = 0, n = 1; start < size; start += COPY_PART_BYTES, n++) {
      const end = Math.min(size, start + COPY_PART_BYTES) - 1;
      const part = await ctx.s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: n,
          CopySource: source,
          CopySourceRange: `bytes=${start}-${end}`,
        }),
        { abortSignal: ctx.signal },
      );
      parts.push({ PartNumber: n, ETag: part.CopyPartResult?.ETag });
      ctx.onProgress?.(end + 1, size);
    }
    const done = await ctx.s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      { abortSignal: ctx.signal },
    );
    return { etag: stripQuotes(done.ETag), versionId: done.VersionId, requestId: done.$metadata.requestId };
  } catch (err) {
    await ctx.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw err;
  }
}
