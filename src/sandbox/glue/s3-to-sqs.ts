/**
 * S3 -> SQS: a notification for a queue destination becomes one SendMessage of `{"Records":[record]}`, sent as
 * S3 sends it (SenderId S3's own principal). Under --strict a queue whose policy no longer lets S3 send is
 * refused at delivery, as AWS's delivery fails; either way a failure is one log line.
 */
import type { QueueRegistry, S3Notification } from '../context.js';
import { s3EventPayload, describe } from './s3-to-lambda.js';

/**
 * The SenderId attribute of messages S3 sends: the same id in every S3 -> SQS record published by AWS users
 * (e.g. the Lambda SQS events quoted in aws-powertools' S3SqsEventNotification docs and several test fixtures).
 */
export const S3_SENDER_ID = 'AIDAJHIPRHEMV73VRJEBU';

/** Sends the record to its queue; logs (never throws) when the queue is gone or, under --strict, refuses S3. */
export function notifyQueue(
  n: S3Notification,
  queues: Pick<QueueRegistry, 'exists' | 'send' | 'allowsSend'>,
  options: { strict: boolean; log(line: string): void },
): void {
  if (n.destination.kind !== 'queue') return;
  const arn = n.destination.arn;
  if (!queues.exists(arn)) {
    options.log(`s3 -> sqs: dropped ${describe(n)}: queue ${arn} does not exist`);
    return;
  }
  if (options.strict && !queues.allowsSend(arn, 's3.amazonaws.com', n.record.s3.bucket.arn)) {
    options.log(`s3 -> sqs: dropped ${describe(n)}: the policy of queue ${arn} does not let s3.amazonaws.com send (--strict)`);
    return;
  }
  try {
    queues.send(arn, s3EventPayload(n), { senderId: S3_SENDER_ID, ...(n.traceHeader ? { traceHeader: n.traceHeader } : {}) });
  } catch (err) {
    options.log(`s3 -> sqs: dropped ${describe(n)} for ${arn}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
