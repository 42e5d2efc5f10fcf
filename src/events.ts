/**
 * The typed events of the one engine (session.ts). The TUI and the CI sinks consume
 * these and nothing else; neither knows how AWS is called.
 */
import type { OpInput, OpResult } from './ops/types.js';
import type { Invocation, Latency, LogLine, MatchConfidence, TailState } from './observe/types.js';
import type { OpState } from './op-state.js';
import type { AsyncFate } from './observe/async-fate.js';

export interface TargetInfo {
  kind: 'aws' | 'endpoint' | 'sandbox';
  region: string;
  /** AWS account id when known (real AWS: from STS; sandbox: 000000000000). */
  account?: string;
  profile?: string;
  endpoint?: string;
  /** Where CloudWatch Logs is reached when that is not AWS (differs from `endpoint` only on a mixed target). */
  logsEndpoint?: string;
  /** One line for headers and CI output, e.g. "local sandbox http://127.0.0.1:40123". */
  label: string;
  /** Why the sandbox was chosen, when it was a fallback. */
  note?: string;
}

/** One hop between the bucket and a function: an SNS topic, an SQS queue (read by an event source mapping), an EventBridge rule. */
export type ChainHop =
  | { kind: 'sns'; arn: string; name: string }
  | { kind: 'sqs'; arn: string; name: string }
  | { kind: 'eventbridge'; rule: string; bus: string };

/** One way S3's events reach a function: the hops in order (none: the bucket notifies the function directly). */
export interface ChainRoute {
  hops: ChainHop[];
  function: string;
  /** The S3 event names (with `*` wildcards) and key filters on the bucket's side of this route; EventBridge routes: the rule's pattern instead. */
  events?: string[];
  filterRules?: { Name: string; Value: string }[];
  /** The EventBridge rule's event pattern (JSON), for routes through EventBridge. */
  eventPattern?: string;
  /** The SNS subscription's FilterPolicy (JSON) and its FilterPolicyScope, for routes through a filtered subscription. */
  filterPolicy?: { policy: string; scope: 'MessageAttributes' | 'MessageBody' };
}

/** Where the bucket's events go, as discovery followed them. */
export interface Chain {
  routes: ChainRoute[];
  /** Links discovery could not follow, one line each (no permission to read, a queue with no event source mapping, a rule with a non-Lambda target). */
  unfollowed: string[];
  /** One line, e.g. `test-bucket → SNS uploads → fn-resize, fn-index`. */
  summary: string;
}

export interface Discovery {
  bucket: string;
  /** Lambda function names from the bucket's notification configuration (or --function). */
  functions: string[];
  /** Log groups being tailed. */
  logGroups: string[];
  /** Each function's log group where its LoggingConfig names another than `/aws/lambda/NAME` (discover.ts). */
  logGroupByFunction?: Record<string, string>;
  /** Non-Lambda destinations, e.g. "events go to SNS topic arn:...". */
  destinations: string[];
  warnings: string[];
  /** The routes to functions, when discovery followed the bucket's destinations (absent with --function/--log-group overrides only). */
  chain?: Chain;
  /** Per function: its asynchronous retries and where failed events go (GetFunctionEventInvokeConfig); absent when unread. */
  asyncFates?: Record<string, AsyncFate>;
}

export type SessionEvent =
  | { type: 'TargetResolved'; target: TargetInfo }
  | { type: 'Discovered'; discovery: Discovery }
  | {
      type: 'OpStarted';
      opId: number;
      input: OpInput;
      startedAt: number;
      warnings: string[];
      /** Whether an invocation is awaited (false: the op settles at its ack). Default true. */
      awaitsInvocation?: boolean;
      /** Matches that settle the op (default 1). */
      expectedMatches?: number;
      /** The functions its event reaches (fan-out, from the chain): each must run for it; absent: any `expectedMatches` invocations. */
      expectedFunctions?: string[];
      /** Invocations each function gets for it (RESTORE on the sandbox: Post, then Completed). Default 1. */
      eventsPerFunction?: number;
    }
  | { type: 'OpProgress'; opId: number; loaded: number; total?: number }
  | { type: 'OpAcked'; opId: number; result: OpResult }
  | { type: 'OpFailed'; opId: number; result: OpResult }
  /** Never fired: an earlier operation of the run failed (CI runs stop at the first failure). */
  | { type: 'OpSkipped'; opId: number }
  /** The op's final state (once per op): its status no longer changes. */
  | { type: 'OpSettled'; opId: number; state: OpState }
  | { type: 'LogLine'; line: LogLine }
  | { type: 'InvocationUpdated'; invocation: Invocation }
  /** The invocation is the op's; emitted again for the same invocation when better evidence raises its confidence. */
  | { type: 'Matched'; opId: number; invocation: Invocation; confidence: MatchConfidence; latency: Latency }
  | { type: 'Foreign'; invocation: Invocation }
  | { type: 'MatchTimeout'; opId: number }
  | { type: 'TailState'; state: TailState }
  /** `--handler` on the embedded sandbox: a saved change was packaged and deployed; the next invocation runs it. */
  | { type: 'HandlerReloaded'; at: number; files: string[] }
  /** `opId`: the operation it is about (a loop its event started, stopped by Lambda's recursion detection). */
  | { type: 'Warning'; message: string; opId?: number };

export type SessionListener = (event: SessionEvent) => void;

/** What `fire()` returns. */
export interface FiredOp {
  opId: number;
  settled: Promise<OpState>;
}

/** What a face may ask of the engine. */
export interface SessionApi {
  readonly target: TargetInfo;
  on(listener: SessionListener): () => void;
  listBuckets(): Promise<string[]>;
  /** Keys under `prefix` in key order (ListObjectsV2, every page), at most `limit` (default MAX_LISTED_KEYS). */
  listKeys(bucket: string, prefix: string, limit?: number): Promise<string[]>;
  /** Creates the bucket when missing; resolves to true when it created one. */
  ensureBucket(bucket: string): Promise<boolean>;
  /** Switches the observed bucket: discovery + tail restart. */
  selectBucket(bucket: string): Promise<Discovery>;
  /**
   * Fires an operation: its id at once, and `settled`, which resolves (never rejects) with the op's final
   * state — failed, acked when no invocation is awaited, every expected invocation matched, or the timeout.
   * Progress arrives as events meanwhile.
   */
  fire(input: OpInput): FiredOp;
  /**
   * Why the operation would notify nothing, before it is fired: no notification of the selected bucket covers its
   * event name on its key (filters compared with the URL-encoded key, as AWS does); undefined when one does or
   * when the bucket's configuration is not known (another bucket, or it could not be read).
   */
  previewWarning(input: OpInput): string | undefined;
  /**
   * The functions an op that invokes Lambda itself (REPLAY) would invoke, before it is fired ([] when none);
   * undefined for an op S3 delivers.
   */
  directFunctions?(input: OpInput): string[] | undefined;
  /** Announces an op that will not be fired (an earlier one failed); it settles as `skipped`. */
  skip(input: OpInput): FiredOp;
  /** Aborts an in-flight operation (multipart: AbortMultipartUpload, temp file removed). */
  cancel(opId: number): Promise<void>;
  /**
   * From now on, runs fired operations on a firing thread (ops/firing-thread.ts) holding `files` in memory, so that
   * the live tail and matching keep the main thread to themselves (bursts). Resolves with the function that ends it
   * (it waits for the operations the thread runs), or undefined where operations stay on the main thread. A call while
   * a thread is starting or running gets that one (a face may start it early, while the bucket is being discovered).
   */
  offloadFiring?(files: string[]): Promise<(() => Promise<void>) | undefined>;
  /**
   * Waits at most `maxMs` for the recursive loops the ops started to be stopped by Lambda's recursion detection
   * (each reported as a Warning on its op); sandbox targets only, at once elsewhere.
   */
  awaitLoops?(maxMs: number): Promise<void>;
  /** Stops the tail, aborts in-flight ops, closes an embedded sandbox. Idempotent. */
  close(): Promise<void>;
}
