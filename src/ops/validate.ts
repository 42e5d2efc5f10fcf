/** Checks an operation's input before any request: the bucket name, then the kind's own rules and local files. */
import type { OpInput } from './types.js';
import { bucketNameProblem } from '../aws/bucket-name.js';
import { opDefinition } from './registry.js';
import { problem, type InputProblem } from './problems.js';
import { oneLine } from '../errors.js';

export type { InputProblem } from './problems.js';

/** S3's limit on an object key: 1024 bytes of UTF-8 (AWS answers KeyTooLongError). */
export const MAX_KEY_BYTES = 1024;

export function inputProblem(input: OpInput): InputProblem | undefined {
  const why = bucketNameProblem(input.bucket);
  if (why) return problem('InvalidBucketName', `invalid bucket name '${oneLine(input.bucket)}': ${why}`);
  const definition = opDefinition(input.kind);
  for (const { key, flag } of definition.keys(input)) {
    const bytes = Buffer.byteLength(key, 'utf8');
    if (bytes > MAX_KEY_BYTES)
      return problem('KeyTooLong', `${flag}: the key is ${bytes} bytes in UTF-8; S3 allows at most ${MAX_KEY_BYTES}`);
  }
  return definition.problem(input);
}

/** The pure rules, then the local files (exist, readable) and room for generated data. */
export async function checkInput(input: OpInput): Promise<InputProblem | undefined> {
  return inputProblem(input) ?? (await opDefinition(input.kind).localProblem?.(input));
}
