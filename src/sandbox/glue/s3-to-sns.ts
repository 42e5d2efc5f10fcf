/**
 * S3 -> SNS: a notification for a topic destination becomes one Publish of `{"Records":[record]}` with the subject
 * S3 uses, "Amazon S3 Notification" (SNS then wraps it for each subscription). Under --strict a topic whose policy
 * no longer lets S3 publish is refused at delivery; every failure is one log line.
 */
import type { S3Notification, TopicRegistry } from '../context.js';
import { describe, s3EventPayload } from './s3-to-lambda.js';

/** The Subject of every message S3 publishes to a topic (events and s3:TestEvent alike). */
export const S3_SNS_SUBJECT = 'Amazon S3 Notification';

/** Publishes the record to its topic; logs (never throws) when the topic is gone or, under --strict, refuses S3. */
export function notifyTopic(
  n: S3Notification,
  topics: Pick<TopicRegistry, 'exists' | 'publish' | 'allowsPublish'>,
  options: { strict: boolean; log(line: string): void },
): void {
  if (n.destination.kind !== 'topic') return;
  const arn = n.destination.arn;
  if (!topics.exists(arn)) {
    options.log(`s3 -> sns: dropped ${describe(n)}: topic ${arn} does not exist`);
    return;
  }
  if (options.strict && !topics.allowsPublish(arn, 's3.amazonaws.com', n.record.s3.bucket.arn)) {
    options.log(`s3 -> sns: dropped ${describe(n)}: the policy of topic ${arn} does not let s3.amazonaws.com publish (--strict)`);
    return;
  }
  try {
    topics.publish(arn, { message: s3EventPayload(n), subject: S3_SNS_SUBJECT, ...(n.traceHeader ? { traceHeader: n.traceHeader } : {}) });
  } catch (err) {
    options.log(`s3 -> sns: dropped ${describe(n)} for ${arn}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
