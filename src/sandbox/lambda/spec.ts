/** What an execution environment is given: the function, the host machine, one invocation; and the child's env. */
import type { LogsSink } from '../context.js';
import type { HandlerError } from './log-format.js';
import { loggingEnvironment, logSettingsOf, type LogSettings } from './logging-config.js';
import type { RubyInterpreter } from './ruby.js';

export interface FunctionSpec {
  name: string;
  /** A published version's number (versions/); absent for $LATEST. */
  version?: string;
  arn: string;
  runtime: string;
  handler: string;
  codeDir: string;
  timeoutSeconds: number;
  memorySizeMB: number;
  environment: Record<string, string>;
  /** The function's LoggingConfig as applied (logging-config.ts); absent: Text to /aws/lambda/NAME. */
  logging?: LogSettings;
}

export interface RuntimeHost {
  region: string;
  logs: LogsSink;
  /** The sandbox's own URL, handed to handlers as AWS_ENDPOINT_URL; unknown until the server listens. */
  endpoint(): string | undefined;
  nodeBootstrap: string;
  pythonBootstrap: string;
  pythonExecutable(): string;
  rubyBootstrap: string;
  /** The machine's ruby (resolved once), undefined when there is none: ruby3.x invocations then fail. */
  ruby(): RubyInterpreter | undefined;
  /** node_modules holding the AWS SDK, for handlers that import it (the real runtime ships it too). */
  sdkNodeModules?: string;
  /** Output kept per invocation; the rest is dropped with one notice line. */
  maxOutputBytes: number;
}

export interface InvocationRequest {
  requestId: string;
  payload: string;
  clientContext?: string;
  /** `_X_AMZN_TRACE_ID` for this invocation (`Root=…;Parent=…;Sampled=0;Lineage=…`, recursion/trace-header.ts). */
  traceId?: string;
  /** Keep the invocation's log for `logTail` (Invoke with `LogType: Tail`); without it `logTail` is empty. */
  tail?: boolean;
}

export interface InvocationOutcome {
  requestId: string;
  status: 'success' | 'error' | 'timeout';
  /** Response body: the handler's JSON result, or the error payload. */
  payload: string;
  error?: HandlerError;
  durationMs: number;
  initDurationMs?: number;
  /** The invocation's log (START..REPORT), last 4 KB, for `LogType: Tail`; empty unless the request asked (`tail`). */
  logTail: string;
}

export function childEnvironment(spec: FunctionSpec, host: RuntimeHost, logStream: string): NodeJS.ProcessEnv {
  const endpoint = host.endpoint();
  const env: NodeJS.ProcessEnv = {
    ...spec.environment,
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: spec.codeDir,
    _HANDLER: spec.handler,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_VERSION: spec.version ?? '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySizeMB),
    ...loggingEnvironment(spec.logging ?? logSettingsOf(spec.name, undefined)),
    AWS_LAMBDA_LOG_STREAM_NAME: logStream,
    AWS_REGION: host.region,
    AWS_DEFAULT_REGION: host.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Keep the developer's ~/.aws profiles (regions, endpoints) out of the handler, as on Lambda.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  // OS-only runtimes (provided.*) have no AWS_EXECUTION_ENV on Lambda ("Defined runtime environment variables").
  if (!spec.runtime.startsWith('provided')) env.AWS_EXECUTION_ENV = `AWS_Lambda_${spec.runtime}`;
  if (endpoint && !spec.environment.AWS_ENDPOINT_URL) env.AWS_ENDPOINT_URL = endpoint;
  if (host.sdkNodeModules && spec.runtime.startsWith('nodejs')) env.NODE_PATH = host.sdkNodeModules;
  return env;
}
