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
  /** The object's storage class when S3 knows it (restores): EventBridge's `source-storage-class`, not a record field. */
  storageClass?: string;
  destination: { kind: 'lambda' | 'queue' | 'topic'; arn: string; configurationId: string } | { kind: 'eventbridge' };
  /**
   * The `X-Amzn-Trace-Id` header of the write that caused the event (a handler's SDK sends its `_X_AMZN_TRACE_ID`),
   * carried to the invocation for Lambda's recursive loop detection; internal, not a field of the record.
   */
  traceHeader?: string;
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
  /**
   * Queues an asynchronous (`Event`) invocation; returns its request id. `traceHeader`: the trace header the event
   * carries (recursive loop detection counts the chain's invocations by it; absent: a new chain).
   */
  invokeAsync(name: string, payload: string, options?: { traceHeader?: string }): string;
  /** Whether the function's resource policy lets `principal` (`s3.amazonaws.com`, `sns.amazonaws.com`…) invoke it for `sourceArn`. */
  allowsInvoke(arnOrName: string, principal: string, sourceArn: string): boolean;
}

/** An SQS message attribute as SendMessage takes it (AWS JSON names; binary values as bytes). */
export interface QueueMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

/** One message handed to a consumer inside the sandbox, in the shape of a record of Lambda's SQS event (AWS: "Using Lambda with Amazon SQS"). */
export interface ReceivedQueueMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** ApproximateReceiveCount, SentTimestamp (ms, as a string), SenderId, ApproximateFirstReceiveTimestamp; plus FIFO ones when present. */
  attributes: Record<string, string>;
  /** Lambda's spelling: `{ stringValue, binaryValue (base64), stringListValues: [], binaryListValues: [], dataType }`. */
  messageAttributes: Record<
    string,
    { stringValue?: string; binaryValue?: string; stringListValues: string[]; binaryListValues: string[]; dataType: string }
  >;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
}

/**
 * What the others need of SQS: S3, SNS and EventBridge send; Lambda's event source mappings receive.
 * Queues are named by ARN (`arn:aws:sqs:<region>:<account>:<name>`). Errors: `send`/`receive` on a missing queue throw.
 */
export interface QueueRegistry {
  exists(arn: string): boolean;
  /**
   * SendMessage: returns the new message's id. `senderId` is the SenderId attribute (default the account id);
   * `traceHeader` becomes the AWSTraceHeader system attribute, as SQS stores a sender's X-Amzn-Trace-Id.
   */
  send(
    arn: string,
    body: string,
    options?: { messageAttributes?: Record<string, QueueMessageAttribute>; senderId?: string; traceHeader?: string },
  ): { messageId: string };
  /** ReceiveMessage without waiting: up to `max` (1-10) visible messages, hidden for `visibilityTimeoutSeconds` (the queue's when absent). */
  receive(arn: string, options: { max: number; visibilityTimeoutSeconds?: number }): ReceivedQueueMessage[];
  /** Resolves when the queue may have a visible message, or after `ms` (long polling for pollers), or when `signal` aborts. */
  waitForMessages(arn: string, ms: number, signal?: AbortSignal): Promise<void>;
  /** DeleteMessage: false when the receipt handle is unknown or stale. */
  delete(arn: string, receiptHandle: string): boolean;
  /** ChangeMessageVisibility (0 makes it visible at once). */
  changeVisibility(arn: string, receiptHandle: string, seconds: number): void;
  /** The queue's VisibilityTimeout in seconds; undefined when the queue does not exist. */
  visibilityTimeoutOf(arn: string): number | undefined;
  /** Whether the queue policy allows `principal` (e.g. `s3.amazonaws.com`) to `sqs:SendMessage` for `sourceArn` (checked under --strict). */
  allowsSend(arn: string, principal: string, sourceArn: string): boolean;
}

/** What the others need of SNS: S3 (and later Lambda destinations) publish. Topics are named by ARN. */
export interface TopicRegistry {
  exists(arn: string): boolean;
  /** Publish: delivers to every subscription as SNS does; returns the MessageId. Throws when the topic does not exist. */
  publish(
    arn: string,
    message: { message: string; subject?: string; messageAttributes?: Record<string, QueueMessageAttribute>; traceHeader?: string },
  ): { messageId: string };
  /** Whether the topic policy allows `principal` to `SNS:Publish` for `sourceArn` (checked under --strict). */
  allowsPublish(arn: string, principal: string, sourceArn: string): boolean;
}

/** What the others need of EventBridge: S3 puts its events on the default bus. */
export interface EventBusRegistry {
  /** PutEvents of one entry on the default bus: matched against every enabled rule, delivered to their targets; returns the event id. */
  put(entry: { source: string; detailType: string; detail: string; resources?: string[]; time?: Date }): { eventId: string };
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
  /**
   * `--strict`: enforce AWS's permission checks along the event chain (Lambda invoke permissions for S3/SNS/EventBridge,
   * queue and topic policies); by default the sandbox accepts what AWS would refuse and logs one line naming the fix.
   */
  strict: boolean;
  s3Events: Bus<S3Notification>;
  logs: LogsSink;
  functions: FunctionRegistry;
  queues: QueueRegistry;
  topics: TopicRegistry;
  eventBus: EventBusRegistry;
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
