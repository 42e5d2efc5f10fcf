/** Checks an operation's input before any request: the bucket name, then the kind's own rules and local files. */
import type { OpInput } from './types.js';
import { bucketNameProblem } from './bucket-name.js';
import { opDefinition } from './registry.js';
import { problem, type InputProblem } from './problems.js';

export type { InputProblem } from './problems.js';

export function inputProblem(input: OpInput): InputProblem | undefined {
  const why = bucketNameProblem(input.bucket);
  if (why) return problem('InvalidBucketName', `invalid bucket name '${input.bucket}': ${why}`);
  return opDefinition(input.kind).problem(input);
}

/** The pure rules, then the local files (exist, readable) and room for generated data. */
export async function checkInput(input: OpInput): Promise<InputProblem | undefined> {
  return inputProblem(input) ?? (await opDefinition(input.kind).localProblem?.(input));
}
