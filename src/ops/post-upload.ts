/** Browser-style upload: a presigned POST policy for exactly this key and size, sent as multipart/form-data. */
import { basename } from 'node:path';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { XMLParser } from 'fast-xml-parser';
import type { OpInput, OpResult } from './types.js';
import { succeeded, type OpContext } from './context.js';
import { stripQuotes } from './simple.js';
import { keyForFile } from './put.js';
import { scrub } from './errors.js';
import { postFields } from './upload-options.js';
import { bodyOf } from './held-bodies.js';

const POLICY_SECONDS = 300;

/** The S3 error an unsuccessful POST answered with, as an error the op result can carry. */
export function postFailure(status: number, body: string, requestId: string | undefined): Error {
  let code = `HTTP${status}`;
  let message = `POST upload failed with HTTP ${status}`;
  try {
    const parsed = new XMLParser().parse(body) as { Error?: { Code?: string; Message?: string } };
    if (parsed.Error?.Code) code = String(parsed.Error.Code);
    if (parsed.Error?.Message) message = scrub(String(parsed.Error.Message));
  } catch {
    // not XML: keep the status
  }
  return Object.assign(new Error(message), { name: code, $metadata: { httpStatusCode: status, requestId } });
}

export async function postObject(ctx: OpContext, input: Extract<OpInput, { kind: 'post' }>, startedAt: number): Promise<OpResult> {
  const key = keyForFile(input.file, input.key);
  const body = await bodyOf(input.file);
  const { url, fields } = await createPresignedPost(ctx.s3, {
    Bucket: input.bucket,
    Key: key,
    Conditions: [['content-length-range', body.length, body.length]],
    // Each field is also signed into the policy as an exact match (createPresignedPost does so).
    Fields: postFields(input),
    Expires: POLICY_SECONDS,
  });
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([body]), basename(input.file)); // S3 ignores fields after `file`: it goes last
  const res = await fetch(url, { method: 'POST', body: form, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  const requestId = res.headers.get('x-amz-request-id') ?? undefined;
  const text = await res.text();
  if (res.status !== 204 && res.status !== 200 && res.status !== 201) throw postFailure(res.status, text, requestId);
  return succeeded(ctx, {
    op: 'post',
    bucket: input.bucket,
    key,
    startedAt,
    bytes: body.length,
    etag: stripQuotes(res.headers.get('etag') ?? undefined),
    versionId: res.headers.get('x-amz-version-id') ?? undefined,
    requestId,
  });
}
