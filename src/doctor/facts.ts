/**
 * What `s3trigger doctor` reads about one bucket's event chain, as plain data: gather.ts fills it from the target's
 * APIs, verdict.ts judges it without any I/O. A read that failed keeps its reason, so that a check that cannot be made
 * shows `?` instead of guessing.
 */
import type { MappingInfo, NotificationConfig, SubscriptionInfo } from '../observe/chain.js';

/** One read: its value, or why it failed (`missing`: the resource does not exist, as NoSuchBucket / ResourceNotFound say). */
export type Got<T> = { ok: true; value: T } | { ok: false; reason: string; missing?: boolean };

export const got = <T>(value: T): Got<T> => ({ ok: true, value });
export const failed = <T>(reason: string, missing = false): Got<T> => ({ ok: false, reason, ...(missing ? { missing } : {}) });

/** A Lambda function (GetFunction), its resource policy (GetPolicy; undefined: the function has none) and log group. */
export interface FunctionFacts {
  /** The function's ARN from GetFunction. */
  exists: Got<{ arn: string }>;
  policy: Got<string | undefined>;
  /** Whether `/aws/lambda/NAME` exists (DescribeLogGroups). */
  logGroup: Got<boolean>;
}

/** A queue: its attributes (GetQueueUrl + GetQueueAttributes Policy) and event source mappings. */
export interface QueueFacts {
  attributes: Got<{ policy?: string }>;
  mappings: Got<MappingInfo[]>;
}

/** A topic: its attributes (GetTopicAttributes Policy) and subscriptions with their filter policies. */
export interface TopicFacts {
  attributes: Got<{ policy?: string }>;
  subscriptions: Got<SubscriptionInfo[]>;
}

/** One rule of the default bus and its targets. */
export interface RuleFacts {
  name: string;
  arn?: string;
  eventPattern?: string;
  state?: string;
  targets: Got<{ arn: string; id?: string }[]>;
}

/** Whether live tail (StartLiveTail) answers on this target, or why the tool falls back to polling FilterLogEvents. */
export type TailFacts = { live: true } | { live: false; why: string };

/** Everything the verdict needs. Maps are keyed by function name (functionNameOf), topic ARN and queue ARN. */
export interface DoctorFacts {
  bucket: string;
  /** The raw key to judge; absent: list which keys each configuration accepts. */
  key?: string;
  /** Without `s3:`, e.g. `ObjectCreated:Put`. */
  eventName: string;
  /** The region the target's clients use. */
  region: string;
  /** The AWS CLI fixes carry `--endpoint-url` when the target has one. */
  endpoint?: string;
  isRealAws: boolean;
  /** The embedded sandbox without --strict: it delivers where AWS would refuse for lack of permission. */
  laxSandbox?: boolean;
  bucketRegion: Got<string>;
  notification: Got<NotificationConfig>;
  functions: ReadonlyMap<string, FunctionFacts>;
  topics: ReadonlyMap<string, TopicFacts>;
  queues: ReadonlyMap<string, QueueFacts>;
  /** The default bus's rules (read whether or not the bucket sends to EventBridge, to spot rules waiting in vain). */
  rules: Got<RuleFacts[]>;
  /** How the tool would tail the first function found; undefined when no function's log group exists. */
  tail?: Got<TailFacts>;
  /** S3 keys of this bucket the functions' recent invocations logged, by function (the recursion check reads them). */
  recentKeys: ReadonlyMap<string, Got<string[]>>;
}
