/** Runs any operation; never throws: failures come back as an OpResult with `error`. */
import type { OpInput, OpResult } from './types.js';
import { failed, type OpContext } from './context.js';
import { copyObject, deleteObject, keyForFile, putObject } from './simple.js';
import { inputProblem } from './validate.js';

export type { OpContext } from './context.js';

export function keyOf(input: OpInput): string {
  return input.kind === 'put' || input.kind === 'post' ? keyForFile(input.file, input.key) : input.key;
}

export async function runOp(ctx: OpContext, input: OpInput): Promise<OpResult> {
  const startedAt = ctx.now();
  const base = { op: input.kind, bucket: input.bucket, key: keyOf(input), startedAt };
  const problem = inputProblem(input);
  if (problem) return failed(ctx, base, Object.assign(new Error(problem.message), { name: problem.code }));
  try {
    switch (input.kind) {
      case 'put':
        return await putObject(ctx, input, startedAt);
      case 'copy':
        return await copyObject(ctx, input, startedAt);
      case 'post': // presigned-post and the XML parser load only when used
        return await (await import('./post.js')).postObject(ctx, input, startedAt);
      case 'delete':
        return await deleteObject(ctx, input, startedAt);
      case 'multipart':
        return await (await import('./multipart.js')).multipartUpload(ctx, input, startedAt);
    }
  } catch (err) {
    return failed(ctx, base, err);
  }
}
