/**
 * The sandbox's Lambda service: REST-JSON API, local execution environments (node / python3 child
 * processes) and logs into CloudWatch Logs through ctx.logs. It offers asynchronous invokes to the glue (ctx.functions),
 * and polls SQS queues (through ctx.queues) for its event source mappings.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FunctionRegistry, SandboxContext, SandboxService } from '../context.js';
import { handleLambdaRequest } from './api.js';
import { handleAsyncRequest } from './async/api.js';
import { DEFAULT_EVENT_AGE_SECONDS, DEFAULT_RETRY_ATTEMPTS, EventInvokeConfigStore } from './async/config.js';
import { createAsyncDelivery } from './async/destinations.js';
import { throttleRetryMs } from './async/backoff.js';
import { ConcurrencyStore } from './concurrency.js';
import { EventSourceMappings } from './event-source-mappings/mappings.js';
import type { PollerTiming } from './event-source-mappings/poller.js';
import { MappingStore } from './event-source-mappings/store.js';
import { LambdaFunctions } from './functions.js';
import { Runner, type RunnerOptions } from './runner.js';
import { createRuntimeHost } from './runtime-host.js';
import { isRubyRuntime, rubyNotice } from './ruby.js';
import { handleRecursionRequest } from './recursion/api.js';
import { RecursionConfigStore } from './recursion/config.js';
import { RecursionGuard, sqsTraceHeaderOf } from './recursion/guard.js';
import { FunctionStore } from './store.js';
import { splitRunnerKey } from './versions/rules.js';

/**
 * How an event stopped by recursive loop detection ends for the async delivery: AWS documents that it goes to the
 * function's DLQ / on-failure destination but no record condition of its own, so it is `RetriesExhausted` with
 * approximateInvokeCount 0 and no responseContext (the function never ran); the DLQ message's ErrorCode / ErrorMessage
 * are those of RecursiveInvocationException (HTTP 400) as the Invoke API answers them.
 */
export const RECURSION_STOP_RECORD = {
  condition: 'RetriesExhausted',
  attempts: 0,
  stopped: {
    errorCode: '400',
    errorMessage:
      "RecursiveInvocationException: Lambda has detected your function being invoked in a recursive loop with other AWS resources and stopped your function's invocation.",
  },
} as const;

export interface LambdaServiceOptions {
  maxEnvironments?: number;
  retryDelaysMs?: [number, number];
  idleTimeoutMs?: number;
  maxOutputBytes?: number;
  /** Event source mapping pollers' waits (tests shorten them). */
  pollerTiming?: PollerTiming;
}

export type LambdaService = SandboxService & {
  registry: FunctionRegistry;
  functions: LambdaFunctions;
  runner: Runner;
  mappings: EventSourceMappings;
  eventInvokeConfigs: EventInvokeConfigStore;
  concurrency: ConcurrencyStore;
};

export async function createLambdaService(ctx: SandboxContext, options: LambdaServiceOptions = {}): Promise<LambdaService> {
  const endpoint = () => ctx.endpoint;

  const root = join(ctx.dataDir, 'lambda');
  const store = new FunctionStore(root);
  const host = createRuntimeHost({
    dir: join(root, '.runtime'),
    region: ctx.region,
    logs: () => ctx.logs,
    endpoint,
    maxOutputBytes: options.maxOutputBytes,
  });
  const eventInvokeConfigs = new EventInvokeConfigStore((name) => store.functionDir(name));
  const concurrency = new ConcurrencyStore((name) => store.functionDir(name));
  const delivery = createAsyncDelivery(
    ctx,
    eventInvokeConfigs,
    (name) => store.get(name)?.configuration.DeadLetterConfig?.TargetArn || undefined,
  );
  const runnerOptions: RunnerOptions = {
    maxEnvironments: options.maxEnvironments ?? 10,
    // AWS waits about 1 and 2 minutes: one of AWS's long waits (a second per minute, times --timing-scale).
    retryDelaysMs: options.retryDelaysMs ?? [ctx.timing.awsWaitMs(60_000), ctx.timing.awsWaitMs(120_000)],
    idleTimeoutMs: options.idleTimeoutMs ?? 15 * 60_000,
    log: (line) => ctx.log(line),
    async: {
      // The runner's keys name versions too (`name:N`): these settings are the function's.
      policy: (key) => {
        const c = eventInvokeConfigs.get(splitRunnerKey(key).name);
        return {
          maximumRetryAttempts: c?.MaximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS,
          // Up to 6 hours on AWS: one of AWS's long waits too.
          maximumEventAgeMs: ctx.timing.awsWaitMs((c?.MaximumEventAgeInSeconds ?? DEFAULT_EVENT_AGE_SECONDS) * 1000),
        };
      },
      reserved: (key) => concurrency.get(splitRunnerKey(key).name),
      throttleWaitMs: (n) => ctx.timing.awsWaitMs(throttleRetryMs(n)),
      ended: (key, end) => delivery(splitRunnerKey(key).name, end),
    },
  };
  let functions!: LambdaFunctions;
  const recursionConfigs = new RecursionConfigStore((name) => store.functionDir(name));
  const recursion = new RecursionGuard({
    arnOf: (name) => functions.arnOf(name),
    recursiveLoop: (name) => recursionConfigs.get(name),
    logs: () => ctx.logs,
    log: (line) => ctx.log(line),
    // A stopped event goes where a failed asynchronous event goes (the OnFailure destination and the DLQ), as on AWS.
    onRecursionStopped: (name, stopped) => {
      const onFailure = eventInvokeConfigs.get(name)?.DestinationConfig?.OnFailure?.Destination;
      const dlq = store.get(name)?.configuration.DeadLetterConfig?.TargetArn || undefined;
      if (!onFailure && !dlq) return undefined;
      runnerOptions.async!.ended(name, {
        requestId: randomUUID(),
        payload: stopped.payload,
        ...RECURSION_STOP_RECORD,
      });
      return [onFailure ? `on-failure destination ${onFailure}` : '', dlq ? `dead-letter queue ${dlq}` : ''].filter(Boolean).join(' and ');
    },
  });
  const runner = new Runner(host, (name) => functions.specOf(name), runnerOptions);
  functions = new LambdaFunctions(store, runner, {
    region: ctx.region,
    accountId: ctx.accountId,
    sdkNodeModules: host.sdkNodeModules,
    endpoint,
    runtimeChosen: (name, runtime) => {
      const notice = isRubyRuntime(runtime) ? rubyNotice(name, runtime, host.ruby()) : undefined;
      if (notice) ctx.log(notice);
    },
    concurrency,
    forget: (name) => {
      eventInvokeConfigs.forget(name);
      concurrency.forget(name);
      recursionConfigs.forget(name);
    },
  });
  const mappings = new EventSourceMappings(new MappingStore(join(root, 'event-source-mappings.json'), ctx.log), {
    functions,
    traceFor: (name, payload) => {
      const admitted = recursion.admit(name, payload, sqsTraceHeaderOf(payload), 'sqs');
      if (!admitted.ok) throw new Error(admitted.line);
      return admitted.traceId;
    },
    queues: () => ctx.queues,
    region: ctx.region,
    accountId: ctx.accountId,
    log: (line) => ctx.log(line),
    ...(options.pollerTiming ? { timing: options.pollerTiming } : {}),
  });
  mappings.start();
  return {
    registry: {
      exists: (arnOrName) => functions.resolve(arnOrName) !== undefined,
      // `name` or `name:qualifier` (a version or alias, resolved at each invoke).
      functionFor: (arnOrName) => functions.refOf(arnOrName),
      invokeAsync: (name, payload, options) => {
        const admitted = recursion.admit(name, payload, options?.traceHeader, 'async');
        return admitted.ok ? functions.invokeAsync(name, payload, admitted.traceId) : randomUUID();
      },
      allowsInvoke: (ref, principal, sourceArn) => functions.allowsInvoke(ref, principal, sourceArn),
    },
    functions,
    runner,
    mappings,
    eventInvokeConfigs,
    concurrency,
    async handle(req, res) {
      if (await handleAsyncRequest({ functions, configs: eventInvokeConfigs, concurrency }, req, res)) return;
      if (await handleRecursionRequest({ functions, configs: recursionConfigs }, req, res)) return;
      await handleLambdaRequest(functions, req, res, mappings);
    },
    async close() {
      // Pollers stop taking messages; killing the environments settles the batches in flight.
      mappings.stop();
      await runner.close();
      await mappings.stopped();
    },
  };
}
