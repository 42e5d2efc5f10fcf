/** Runs any operation; never throws: failures come back as an OpResult with `error`. */
import type { OpInput, OpResult } from './types.js';
import { failed, type OpContext } from './context.js';
import { opDefinition } from './registry.js';
import { inputProblem } from './validate.js';

export type { OpContext } from './context.js';

/** The object key the operation acts on. */
export function keyOf(input: OpInput): string {
  return opDefinition(input.kind).keyOf(input);
}

/** Validates, then sends the operation its definition describes. */
export async function runOp(ctx: OpContext, input: OpInput): Promise<OpResult> {
  const startedAt = ctx.now();
  const base = { op: input.kind, bucket: input.bucket, key: keyOf(input), startedAt };
  const problem = inputProblem(input);
  if (problem) return failed(ctx, base, Object.assign(new Error(problem.message), { name: problem.code }));
  try {
    return await opDefinition(input.kind).run(ctx, input, startedAt);
  } catch (err) {
    return failed(ctx, base, err);
  }
}
