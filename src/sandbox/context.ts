/**
 * What the sandbox's services share. Each service lives in its own folder (s3/, lambda/, logs/)
 * and reaches the others only through these interfaces.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { S3EventRecord } from 'aws-lambda';
import type { Bus } from './bus.js';

export const SANDBOX_ACCOUNT = '000000000000';

/** One S3 event record on its way to one matching destination. */
export interface S3Notification {
  record: S3EventRecord;
  destination:
    | { kind: 'lambda' | 'queue' | 'topic'; arn: string; configurationId: string }
    | { kind: 'eventbridge' };
}

/** Write side of the CloudWatch Logs store, used by the Lambda runner. */
export interface LogsSink {
  /** Creates group and stream when missing, then appends; ingestionTime is set on append. */
  append(group: string, stream: string, events: { timestamp: number; message: string }[]): void;
}

/** What S3 needs to know about Lambda (destination validation). */
export interface FunctionRegistry {
  exists(arnOrName: string): boolean;
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
  /** One line to the sandbox's own log (stderr in `s3trigger sandbox`). */
  log(line: string): void;
  s3Events: Bus<S3Notification>;
  logs: LogsSink;
  functions: FunctionRegistry;
}

export interface SandboxService {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}
