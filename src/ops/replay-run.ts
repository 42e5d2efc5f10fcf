/** REPLAY's requests: one asynchronous Invoke per function, with the event unchanged as the payload. */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { OpInput, OpResult } from './types.js';
import { succeeded, type OpContext } from './context.js';
import { replayFunctions } from './replay.js';

/**
 * Invokes each function with InvocationType `Event`, as S3 does; Lambda answers 202 with the invocation's request id,
 * which the START line carries (the match's evidence). Throws Lambda's error (ResourceNotFoundException...) or
 * NoFunction when nothing names a function.
 */
export async function invokeWithEvent(ctx: OpContext, input: Extract<OpInput, { kind: 'replay' }>, startedAt: number): Promise<OpResult> {
  const functions = ctx.functions ?? replayFunctions(input, []);
  if (functions.length === 0) {
    throw Object.assign(new Error(`no function receives bucket ${input.bucket}'s events: give --function NAME`), { name: 'NoFunction' });
  }
  const { region, endpoint, credentials } = ctx.s3Config;
  const lambda = new LambdaClient({ region, endpoint, credentials });
  try {
    const ids: string[] = [];
    for (const name of functions) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(input.event) }), {
        abortSignal: ctx.signal,
      });
      if (out.$metadata.requestId) ids.push(out.$metadata.requestId);
    }
    return succeeded(ctx, { op: 'replay', bucket: input.bucket, key: input.key, startedAt, invocationRequestIds: ids });
  } finally {
    lambda.destroy();
  }
}
