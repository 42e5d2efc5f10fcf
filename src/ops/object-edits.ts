/** PUT-TAGGING, DELETE-TAGGING, PUT-ACL and RESTORE: one SDK call each (their definitions import this when they run). */
import { DeleteObjectTaggingCommand, PutObjectAclCommand, PutObjectTaggingCommand, RestoreObjectCommand } from '@aws-sdk/client-s3';
import type { OpInput, OpResult } from './types.js';
import { succeeded, type OpContext } from './context.js';
import { parseTagSet } from './tagging.js';
import { parseCannedAcl } from './acl.js';
import { parseTier } from './restore.js';

export async function putObjectTagging(
  ctx: OpContext,
  input: Extract<OpInput, { kind: 'put-tagging' }>,
  startedAt: number,
): Promise<OpResult> {
  const parsed = parseTagSet(input.tags);
  if ('problem' in parsed) throw Object.assign(new Error(parsed.problem), { name: 'InvalidTag' });
  const out = await ctx.s3.send(new PutObjectTaggingCommand({ Bucket: input.bucket, Key: input.key, Tagging: { TagSet: parsed.tags } }), {
    abortSignal: ctx.signal,
  });
  return succeeded(ctx, {
    op: 'put-tagging',
    bucket: input.bucket,
    key: input.key,
    startedAt,
    versionId: out.VersionId,
    requestId: out.$metadata.requestId,
  });
}

export async function deleteObjectTagging(
  ctx: OpContext,
  input: Extract<OpInput, { kind: 'delete-tagging' }>,
  startedAt: number,
): Promise<OpResult> {
  const out = await ctx.s3.send(new DeleteObjectTaggingCommand({ Bucket: input.bucket, Key: input.key }), { abortSignal: ctx.signal });
  return succeeded(ctx, {
    op: 'delete-tagging',
    bucket: input.bucket,
    key: input.key,
    startedAt,
    versionId: out.VersionId,
    requestId: out.$metadata.requestId,
  });
}

export async function putObjectAcl(ctx: OpContext, input: Extract<OpInput, { kind: 'put-acl' }>, startedAt: number): Promise<OpResult> {
  const parsed = parseCannedAcl(input.acl);
  if ('problem' in parsed) throw Object.assign(new Error(parsed.problem), { name: 'InvalidArgument' });
  const out = await ctx.s3.send(new PutObjectAclCommand({ Bucket: input.bucket, Key: input.key, ACL: parsed.acl }), {
    abortSignal: ctx.signal,
  });
  return succeeded(ctx, { op: 'put-acl', bucket: input.bucket, key: input.key, startedAt, requestId: out.$metadata.requestId });
}

/** RestoreObject with Days and GlacierJobParameters.Tier; S3 answers 202 (started) or 200 (already restored: extended). */
export async function restoreObject(ctx: OpContext, input: Extract<OpInput, { kind: 'restore' }>, startedAt: number): Promise<OpResult> {
  const tier = parseTier(input.tier);
  if ('problem' in tier) throw Object.assign(new Error(tier.problem), { name: 'Usage' });
  const out = await ctx.s3.send(
    new RestoreObjectCommand({
      Bucket: input.bucket,
      Key: input.key,
      RestoreRequest: { Days: input.days, GlacierJobParameters: { Tier: tier.tier } },
    }),
    { abortSignal: ctx.signal },
  );
  return succeeded(ctx, { op: 'restore', bucket: input.bucket, key: input.key, startedAt, requestId: out.$metadata.requestId });
}
