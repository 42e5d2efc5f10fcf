/**
 * S3 -> Lambda: a notification for a Lambda destination becomes one asynchronous invocation with
 * `{"Records":[record]}`, as AWS delivers it. The bus delivers in commit order and the runner starts queued
 * events in order, so per-key order holds.
 */
import type { FunctionRegistry, S3Notification } from '../context.js';

/** The event a function receives for one S3 notification. */
export function s3EventPayload(n: Pick<S3Notification, 'record'>): string {
  return JSON.stringify({ Records: [n.record] });
}

/**
 * Invokes the destination function asynchronously; a function that no longer exists, or under --strict one whose
 * policy does not let s3.amazonaws.com invoke it for this bucket (AWS's delivery fails then), is logged and dropped.
 */
export function notifyLambda(
  n: S3Notification,
  functions: Pick<FunctionRegistry, 'functionFor' | 'invokeAsync'> & Partial<Pick<FunctionRegistry, 'allowsInvoke'>>,
  log: (line: string) => void,
  strict = false,
): void {
  if (n.destination.kind !== 'lambda') return;
  const name = functions.functionFor(n.destination.arn);
  if (!name) {
    log(`s3 -> lambda: dropped ${describe(n)}: function ${n.destination.arn} does not exist`);
    return;
  }
  if (strict && functions.allowsInvoke?.(n.destination.arn, 's3.amazonaws.com', n.record.s3.bucket.arn) === false) {
    log(`s3 -> lambda: dropped ${describe(n)}: function ${n.destination.arn} does not let s3.amazonaws.com invoke it (--strict)`);
    return;
  }
  functions.invokeAsync(name, s3EventPayload(n), n.traceHeader ? { traceHeader: n.traceHeader } : undefined);
}

/** `ObjectCreated:Put s3://bucket/key`, for log lines. */
export function describe(n: S3Notification): string {
  return `${n.record.eventName} s3://${n.record.s3.bucket.name}/${n.record.s3.object.key}`;
}
