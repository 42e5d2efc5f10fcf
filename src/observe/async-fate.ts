/**
 * Where a function's failed asynchronous events go, inferred from its settings (GetFunctionEventInvokeConfig,
 * GetFunctionConfiguration's DeadLetterConfig): how many times Lambda runs an event, and the on-failure destination
 * or dead-letter queue that receives it once retries are exhausted. The engine never reads the user's queues: it
 * says where the event went, not what arrived there.
 */
import type { ChainClientConfig } from './chain-read.js';

/** One function's asynchronous settings as the engine uses them. */
export interface AsyncFate {
  /** MaximumRetryAttempts (Lambda's default 2). */
  maximumRetryAttempts: number;
  /** OnFailure / OnSuccess destination ARNs and the DeadLetterConfig target, when set. */
  onFailure?: string;
  onSuccess?: string;
  deadLetter?: string;
}

/** Lambda's default: the first attempt and two retries. */
export const DEFAULT_FATE: AsyncFate = { maximumRetryAttempts: 2 };

/** What an event invoke config and a dead-letter target say. Pure. */
export function fateFrom(
  config:
    | { MaximumRetryAttempts?: number; DestinationConfig?: { OnFailure?: { Destination?: string }; OnSuccess?: { Destination?: string } } }
    | undefined,
  deadLetter: string | undefined,
): AsyncFate {
  return {
    maximumRetryAttempts: config?.MaximumRetryAttempts ?? DEFAULT_FATE.maximumRetryAttempts,
    ...(config?.DestinationConfig?.OnFailure?.Destination ? { onFailure: config.DestinationConfig.OnFailure.Destination } : {}),
    ...(config?.DestinationConfig?.OnSuccess?.Destination ? { onSuccess: config.DestinationConfig.OnSuccess.Destination } : {}),
    ...(deadLetter ? { deadLetter } : {}),
  };
}

/** `queue q-failed`, `topic alerts`, `function fn`, `event bus default`; another ARN as it is. Pure. */
export function destinationText(arn: string): string {
  const m = /^arn:[^:]+:(sqs|sns|lambda|events):[^:]*:[^:]*:(.+)$/.exec(arn);
  if (!m) return arn;
  const [, service, resource] = m;
  if (service === 'sqs') return `queue ${resource}`;
  if (service === 'sns') return `topic ${resource}`;
  if (service === 'lambda') return `function ${resource!.replace(/^function:/, '')}`;
  return `event bus ${resource!.replace(/^event-bus\//, '')}`;
}

/**
 * Where an event that failed every attempt went: `retries exhausted → OnFailure queue q-failed` (and/or the
 * dead-letter queue), or `retries exhausted → discarded (no on-failure destination or dead-letter queue)`. Pure.
 */
export function failedToText(fate: AsyncFate): string {
  const to = [
    ...(fate.onFailure ? [`OnFailure ${destinationText(fate.onFailure)}`] : []),
    ...(fate.deadLetter ? [`dead-letter ${destinationText(fate.deadLetter)}`] : []),
  ];
  return `retries exhausted → ${to.length ? to.join(', ') : 'discarded (no on-failure destination or dead-letter queue)'}`;
}

/**
 * Reads each function's asynchronous settings with the target's credentials; a function whose settings cannot be read
 * (no permission, no such API) is left out, so its events are described with Lambda's defaults nowhere. Never throws.
 */
export async function readAsyncFates(config: ChainClientConfig, functions: readonly string[]): Promise<Record<string, AsyncFate>> {
  if (!functions.length) return {};
  const { LambdaClient, GetFunctionEventInvokeConfigCommand, GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  const lambda = new LambdaClient({ ...config, maxAttempts: 2 });
  const opts = () => ({ abortSignal: AbortSignal.timeout(5000) });
  const out: Record<string, AsyncFate> = {};
  try {
    await Promise.all(
      functions.map(async (name) => {
        try {
          const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }), opts());
          let eic: Parameters<typeof fateFrom>[0];
          try {
            eic = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name }), opts());
          } catch (err) {
            if ((err as { name?: string }).name !== 'ResourceNotFoundException') return;
          }
          out[name] = fateFrom(eic, fn.DeadLetterConfig?.TargetArn);
        } catch {
          /* settings unreadable: nothing said about this function */
        }
      }),
    );
  } finally {
    lambda.destroy();
  }
  return out;
}
