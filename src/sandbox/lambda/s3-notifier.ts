/**
 * S3 -> Lambda glue: every notification for a Lambda destination becomes one asynchronous invocation
 * with `{"Records":[record]}`. The bus delivers in commit order and the runner starts queued events
 * in order, so per-key order holds. Destinations the sandbox does not have are logged and dropped.
 */
import type { S3Notification, SandboxContext } from '../context.js';

export interface AsyncInvoker {
  /** The function's name when the ARN refers to an existing function. */
  functionFor(arn: string): string | undefined;
  invokeAsync(name: string, payload: string): string;
}

export function s3EventPayload(n: S3Notification): string {
  return JSON.stringify({ Records: [n.record] });
}

export function deliverS3Notification(n: S3Notification, invoker: AsyncInvoker, log: (line: string) => void): void {
  const { record, destination } = n;
  const what = `${record.eventName} s3://${record.s3.bucket.name}/${record.s3.object.key}`;
  switch (destination.kind) {
    case 'lambda': {
      const name = invoker.functionFor(destination.arn);
      if (!name) {
        log(`s3 -> lambda: dropped ${what}: function ${destination.arn} does not exist`);
        return;
      }
      invoker.invokeAsync(name, s3EventPayload(n));
      return;
    }
    case 'queue':
      log(`s3 -> sqs: dropped ${what} for ${destination.arn}: the sandbox has no SQS`);
      return;
    case 'topic':
      log(`s3 -> sns: dropped ${what} for ${destination.arn}: the sandbox has no SNS`);
      return;
    case 'eventbridge':
      log(`s3 -> eventbridge: dropped ${what}: the sandbox has no EventBridge`);
      return;
  }
}

export function attachS3Notifier(ctx: Pick<SandboxContext, 's3Events' | 'log'>, invoker: AsyncInvoker): () => void {
  return ctx.s3Events.subscribe((n) => {
    try {
      deliverS3Notification(n, invoker, ctx.log);
    } catch (err) {
      ctx.log(`s3 -> lambda: delivery failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}
