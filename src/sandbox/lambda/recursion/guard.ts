/**
 * Lambda's recursive loop detection, as AWS tracks it: each invocation's trace header carries, per function, how many
 * times the chain of events has invoked it (`Lineage`, trace-header.ts); the SDK in the handler sends the header with
 * its writes, S3 / SQS carry it into the events those writes cause, and here the count of the function about to run
 * is raised. Past MAX_RECURSIVE_INVOCATIONS (AWS: "after approximately 16 invocations") a function set to
 * `Terminate` (the default) is not invoked: the event goes to `onRecursionStopped` (the DLQ / on-failure destination)
 * and one line is logged. AWS: "Use Lambda recursive loop detection to prevent infinite loops".
 *
 * AWS tells the account through the `RecursiveInvocationsDropped` metric and an email; the sandbox writes one JSON
 * record per chain that turns recursive and per stopped event into its own log group, RECURSION_LOG_GROUP (never the
 * function's), where s3trigger's engine reads which operation started the loop (observe/recursion.ts).
 */
import type { LogsSink } from '../../context.js';
import type { RecursiveLoop } from './config.js';
import { formatTraceHeader, lineageCount, lineageHash, nextInvocationHeader, parseTraceHeader, type TraceHeader } from './trace-header.js';

/** Invocations one chain may make of one function: the next one is stopped. */
export const MAX_RECURSIVE_INVOCATIONS = 16;

/** The sandbox-only log group of recursion records (not an AWS name: AWS has a metric and an email instead). */
export const RECURSION_LOG_GROUP = '/s3trigger/sandbox/recursion';
export const RECURSION_LOG_STREAM = 'loops';

/** The S3 object whose event a payload carries (directly, in an SQS body, an SNS message or an EventBridge detail). */
export interface EventObject {
  bucket: string;
  /** Decoded (the record's key is URL-encoded, `+` for spaces). */
  key: string;
  eventName?: string;
}

/** What the engine reads from RECURSION_LOG_GROUP, one JSON object per log event. */
export interface RecursionRecord {
  /** `RecursiveInvocationDetected`: a chain invoked the function a second time; `RecursiveInvocationDropped`: stopped. */
  type: 'RecursiveInvocationDetected' | 'RecursiveInvocationDropped';
  functionName: string;
  functionArn: string;
  recursiveLoop: RecursiveLoop;
  /** The chain's trace root (`1-…-…`). */
  traceRoot: string;
  /** Times the chain has invoked the function (the dropped one not counted). */
  invocations: number;
  /** The object whose event started the chain, when it was an S3 event. */
  origin?: EventObject;
  /** The object of the event at hand (dropped, or the second invocation). */
  event?: EventObject;
  /** Dropped only: where the event went (`dead-letter queue arn:…`), absent when it went nowhere. */
  sentTo?: string;
}

/** An event not invoked, for the DLQ / on-failure destination. */
export interface StoppedEvent {
  payload: string;
  traceId: string;
  /** `async`: S3 / SNS notification (asynchronous invoke); `sqs`: an event source mapping's batch. */
  source: 'async' | 'sqs';
  record: RecursionRecord;
}

export interface RecursionGuardOptions {
  arnOf(name: string): string;
  recursiveLoop(name: string): RecursiveLoop;
  logs(): LogsSink | undefined;
  log(line: string): void;
  /**
   * Where a stopped asynchronous event goes: the function's DLQ / on-failure destination (async/ on branch wip-async
   * wires it). Returns a short description of the destination (`OnFailure queue q-failed`), undefined when none.
   */
  onRecursionStopped?(functionName: string, event: StoppedEvent): string | undefined;
}

export type Admission = { ok: true; traceId: string } | { ok: false; line: string; record: RecursionRecord };

const MAX_CHAINS = 2000;

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

/** The parts of an S3 record, an EventBridge event, an SQS record and an SNS record looked at here. */
interface WrappedRecord {
  eventName?: string;
  s3?: { bucket?: { name?: string }; object?: { key?: unknown } };
  detail?: { bucket?: { name?: string }; object?: { key?: unknown } };
  'detail-type'?: string;
  body?: unknown;
  Sns?: { Message?: unknown };
}

function objectOfRecord(r: unknown, depth: number): EventObject | undefined {
  if (!r || typeof r !== 'object' || depth > 3) return undefined;
  const rec = r as WrappedRecord;
  if (rec.s3?.bucket?.name && typeof rec.s3.object?.key === 'string') {
    return { bucket: rec.s3.bucket.name, key: decodeKey(rec.s3.object.key), ...(rec.eventName ? { eventName: rec.eventName } : {}) };
  }
  if (rec.detail?.bucket?.name && typeof rec.detail.object?.key === 'string') {
    return { bucket: rec.detail.bucket.name, key: rec.detail.object.key, ...(rec['detail-type'] ? { eventName: rec['detail-type'] } : {}) };
  }
  const inner = typeof rec.body === 'string' ? rec.body : typeof rec.Sns?.Message === 'string' ? rec.Sns.Message : undefined;
  if (inner === undefined) return undefined;
  try {
    return objectOfPayload(JSON.parse(inner), depth + 1);
  } catch {
    return undefined;
  }
}

function objectOfPayload(event: unknown, depth: number): EventObject | undefined {
  if (!event || typeof event !== 'object') return undefined;
  const records = (event as { Records?: unknown }).Records;
  if (Array.isArray(records)) return objectOfRecord(records[0], depth);
  return objectOfRecord(event, depth);
}

/** The S3 object a payload's (first) record is about, through SQS / SNS / EventBridge wrapping. Pure. */
export function eventObjectOf(payload: string): EventObject | undefined {
  try {
    return objectOfPayload(JSON.parse(payload), 0);
  } catch {
    return undefined;
  }
}

/** The trace header of an SQS event's records (Lambda reads the AWSTraceHeader system attribute): the first one present. */
export function sqsTraceHeaderOf(payload: string): string | undefined {
  try {
    const records = (JSON.parse(payload) as { Records?: { attributes?: { AWSTraceHeader?: unknown } }[] }).Records ?? [];
    for (const r of records) if (typeof r.attributes?.AWSTraceHeader === 'string') return r.attributes.AWSTraceHeader;
  } catch {
    /* not JSON: no header */
  }
  return undefined;
}

const describe = (o: EventObject | undefined) => (o ? `${o.eventName ? `${o.eventName} ` : ''}s3://${o.bucket}/${o.key}` : 'an event');

/** A chain's first payload up to this size is kept as it is and read only if the chain turns recursive (most never do). */
const LAZY_ORIGIN_CHARS = 4096;

export class RecursionGuard {
  /**
   * Trace root -> the object whose event started the chain (bounded, oldest forgotten first): a small payload is kept
   * unread until a record needs it, a larger one is read at once so no big payload is held.
   */
  private readonly origins = new Map<string, EventObject | string | undefined>();
  /** `root fn` pairs already reported as recursive. */
  private readonly detected = new Set<string>();

  constructor(private readonly options: RecursionGuardOptions) {}

  /**
   * Decides one invocation of `functionName` for an event that arrived with `traceHeader` (undefined: a new chain):
   * its `_X_AMZN_TRACE_ID`, or the stop (recorded, handed to onRecursionStopped for `async`; logged for `async`,
   * while an event source mapping logs `line` itself).
   */
  admit(functionName: string, payload: string, traceHeader: string | undefined, source: 'async' | 'sqs'): Admission {
    const incoming: TraceHeader | undefined = parseTraceHeader(traceHeader);
    const functionArn = this.options.arnOf(functionName);
    const hash = lineageHash(functionArn);
    const next = nextInvocationHeader(incoming, hash);
    const root = next.root!;
    const count = lineageCount(next, hash)!;
    if (!incoming?.root) this.remember(root, payload.length <= LAZY_ORIGIN_CHARS ? payload : eventObjectOf(payload));
    const detect = count === 1 && !this.detected.has(`${root} ${functionName}`);
    // The common case (a chain's first invocation of the function): nothing to record, no setting or payload to read.
    if (!detect && count < MAX_RECURSIVE_INVOCATIONS) return { ok: true, traceId: formatTraceHeader(next) };
    const recursiveLoop = this.options.recursiveLoop(functionName);
    if (!detect && recursiveLoop === 'Allow') return { ok: true, traceId: formatTraceHeader(next) };
    const event = eventObjectOf(payload);
    const origin = this.originOf(root);
    const base = { functionName, functionArn, recursiveLoop, traceRoot: root, ...(origin ? { origin } : {}), ...(event ? { event } : {}) };
    if (detect) {
      this.detected.add(`${root} ${functionName}`);
      this.record({ type: 'RecursiveInvocationDetected', ...base, invocations: 1 });
    }
    if (count < MAX_RECURSIVE_INVOCATIONS || recursiveLoop === 'Allow') return { ok: true, traceId: formatTraceHeader(next) };
    const record: RecursionRecord = { type: 'RecursiveInvocationDropped', ...base, invocations: count };
    const traceId = formatTraceHeader(next);
    const sentTo = source === 'async' ? this.options.onRecursionStopped?.(functionName, { payload, traceId, source, record }) : undefined;
    if (sentTo) record.sentTo = sentTo;
    const fate =
      source === 'sqs'
        ? 'its message returns to the queue (redrive policy)'
        : sentTo
          ? `sent to ${sentTo}`
          : this.options.onRecursionStopped
            ? 'dropped (no dead-letter queue or on-failure destination)'
            : 'dropped (this build hands stopped events to no dead-letter queue or on-failure destination yet)';
    const line =
      `loop stopped by Lambda recursion detection: ${functionName} was invoked ${count} times by one chain of events ` +
      `(trace Root=${root}${origin ? `, started by ${describe(origin)}` : ''}); ${describe(event)} was not delivered to it, ${fate}. ` +
      `PutFunctionRecursionConfig RecursiveLoop=Allow lets it run`;
    this.record(record);
    if (source === 'async') this.options.log(`lambda: ${line}`);
    return { ok: false, line, record };
  }

  /** The chain's origin, its kept payload read on first use. */
  private originOf(root: string): EventObject | undefined {
    const kept = this.origins.get(root);
    if (typeof kept !== 'string') return kept;
    const origin = eventObjectOf(kept);
    this.origins.set(root, origin); // an existing key keeps its place in the eviction order
    return origin;
  }

  private remember(root: string, origin: EventObject | string | undefined): void {
    this.origins.set(root, origin);
    if (this.origins.size > MAX_CHAINS) {
      const oldest = this.origins.keys().next().value as string;
      this.origins.delete(oldest);
      for (const k of this.detected) if (k.startsWith(`${oldest} `)) this.detected.delete(k);
    }
  }

  private record(record: RecursionRecord): void {
    try {
      this.options.logs()?.append(RECURSION_LOG_GROUP, RECURSION_LOG_STREAM, [{ timestamp: Date.now(), message: JSON.stringify(record) }]);
    } catch {
      /* the log line still says it */
    }
  }
}
