/**
 * What the sandbox's services share. Each service lives in its own folder (s3/, lambda/, logs/)
 * and reaches the others only through these interfaces.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { S3EventRecord } from 'aws-lambda';
import type { Bus } from './bus.js';
import type { GuardRequest, RequestAccess } from './guard.js';
import type { Protocol } from './protocol/errors.js';
import type { SandboxTiming } from './timing/profile.js';

export const SANDBOX_ACCOUNT = '000000000000';

/** One S3 event record on its way to one matching destination. */
export interface S3Notification {
  record: S3EventRecord;
  destination: { kind: 'lambda' | 'queue' | 'topic'; arn: string; configurationId: string } | { kind: 'eventbridge' };
}

/** Write side of the CloudWatch Logs store, used by the Lambda runner. */
export interface LogsSink {
  /** Creates group and stream when missing, then appends; ingestionTime is set on append. */
  append(group: string, stream: string, events: { timestamp: number; message: string }[]): void;
}

/** What the others need of Lambda: destination validation (S3) and asynchronous invokes (glue/). */
export interface FunctionRegistry {
  exists(arnOrName: string): boolean;
  /** The function's name when the ARN (or name) refers to an existing function. */
  functionFor(arnOrName: string): string | undefined;
  /** Queues an asynchronous (`Event`) invocation; returns its request id. */
  invokeAsync(name: string, payload: string): string;
}

export interface SandboxContext {
  region: string;
  accountId: string;
  /** Root of persistent state; each service keeps its own sub-folder. */
  dataDir: string;
  /** http://host:port once listening; handlers get it as AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** True when dataDir is a temp dir removed at close. */
  ephemeral: boolean;
  /** Cap on CloudWatch Logs events kept, in MiB (`--logs-max-mb`); the Logs service's default when absent. */
  logsMaxMb?: number;
  /** One line to the sandbox's own log (stderr in `s3trigger sandbox`). */
  log(line: string): void;
  /** How the sandbox behaves in time (`--timing`): instant, or AWS's delays, duplicates, update rates and quotas. */
  timing: SandboxTiming;
  s3Events: Bus<S3Notification>;
  logs: LogsSink;
  functions: FunctionRegistry;
}

export interface SandboxService {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
  /** Whether the service's own rules (S3: the bucket's CORS configuration) allow this cross-origin request. */
  allowsCrossOrigin?(req: IncomingMessage, origin: string): boolean;
}

/**
 * One entry of the service list server.ts routes from: how the service's requests are recognised, what
 * the guard lets through, and how it starts (start order = list order; what it provides to the others,
 * it sets on the context).
 */
export interface ServiceDefinition {
  /** The SigV4 signing name: the service part of a credential scope (`s3`, `lambda`, `logs`). */
  signingName: string;
  protocol: Protocol;
  /** JSON protocols: the `X-Amz-Target` prefix of its operations (`Logs_20140328.`). */
  targetPrefix?: string;
  /** Paths of its operations: recognises unsigned requests, and a signed request elsewhere gets a 404. */
  paths?: RegExp;
  /** What the guard lets through for one request of this service. */
  access(req: GuardRequest): RequestAccess;
  start(ctx: SandboxContext): Promise<SandboxService>;
}
