/** Checks an operation's input before any request: the bucket name, then the kind's own rules and local files. */
import type { OpInput } from './types.js';
import { bucketNameError, keyLengthError } from '../aws/s3-input.js';
import { opDefinition } from './registry.js';
import { problem, type InputProblem } from './problems.js';

export type { InputProblem } from './problems.js';

export function inputProblem(input: OpInput): InputProblem | undefined {
  const badName = bucketNameError(input.bucket);
  if (badName) return problem('InvalidBucketName', badName);
  const definition = opDefinition(input.kind);
  for (const { key, flag } of definition.keys(input)) {
    const tooLong = keyLengthError(key, flag);
    if (tooLong) return problem('KeyTooLong', tooLong);
  }
  return definition.problem(input);
}

/** The pure rules, then the local files (exist, readable) and room for generated data. */
export async function checkInput(input: OpInput): Promise<InputProblem | undefined> {
  return inputProblem(input) ?? (await opDefinition(input.kind).localProblem?.(input));
}
