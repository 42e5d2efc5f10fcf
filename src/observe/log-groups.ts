/**
 * Where each function logs: GetFunctionConfiguration's LoggingConfig.LogGroup (a function may send its logs to a
 * group other than `/aws/lambda/NAME`). Never throws: a function that cannot be read keeps the default group.
 */
import type { ChainClientConfig } from './chain-read.js';

const READ_TIMEOUT_MS = 5000;

/** function name -> its LoggingConfig.LogGroup, for the functions whose configuration could be read. */
export async function readLogGroups(functions: string[], config: ChainClientConfig): Promise<Record<string, string>> {
  const { LambdaClient, GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  const lambda = new LambdaClient({ ...config, maxAttempts: 2 });
  try {
    const read = await Promise.all(
      functions.map(async (name) => {
        try {
          const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }), {
            abortSignal: AbortSignal.timeout(READ_TIMEOUT_MS),
          });
          return [name, out.LoggingConfig?.LogGroup] as const;
        } catch {
          return [name, undefined] as const;
        }
      }),
    );
    return Object.fromEntries(read.filter((r): r is readonly [string, string] => typeof r[1] === 'string' && r[1] !== ''));
  } finally {
    lambda.destroy();
  }
}
