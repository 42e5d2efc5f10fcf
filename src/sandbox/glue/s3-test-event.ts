/**
 * After a notification configuration is saved, S3 sends `s3:TestEvent` to each SQS and SNS destination (not to
 * Lambda), in AWS's shape (S3 User Guide, "Event message structure": `{"Service":"Amazon S3","Event":
 * "s3:TestEvent","Time":…,"Bucket":…,"RequestId":…,"HostId":…}`). Gaps accepted without --strict are logged here too.
 */
import type { SandboxContext } from '../context.js';
import { permissionGapLine, type PermissionGap } from './permission-hints.js';
import { S3_SNS_SUBJECT } from './s3-to-sns.js';
import { S3_SENDER_ID } from './s3-to-sqs.js';

/** The TestEvent body for one saved configuration: time in ISO-8601 with milliseconds; ids of the Put request. */
export function s3TestEvent(input: { bucket: string; requestId: string; hostId: string; time: Date }): string {
  return JSON.stringify({
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: input.time.toISOString(),
    Bucket: input.bucket,
    RequestId: input.requestId,
    HostId: input.hostId,
  });
}

/** A queue or topic the configuration sends to. */
export interface MessagingDestination {
  kind: 'lambda' | 'queue' | 'topic';
  arn: string;
}

/**
 * Logs each gap (one line) and sends one TestEvent to each distinct queue and topic of the saved configuration.
 * A TestEvent that cannot be delivered is logged, never thrown: the configuration is saved already.
 */
export function announceNotificationConfig(
  ctx: Pick<SandboxContext, 'queues' | 'topics' | 'log' | 'endpoint' | 'region'>,
  input: { bucket: string; requestId: string; hostId: string; destinations: MessagingDestination[]; gaps: PermissionGap[] },
): void {
  for (const gap of input.gaps)
    ctx.log(permissionGapLine(gap, { ...(ctx.endpoint ? { endpoint: ctx.endpoint } : {}), region: ctx.region }));
  const body = s3TestEvent({ bucket: input.bucket, requestId: input.requestId, hostId: input.hostId, time: new Date() });
  const sent = new Set<string>();
  for (const d of input.destinations) {
    if (d.kind === 'lambda' || sent.has(d.arn)) continue;
    sent.add(d.arn);
    try {
      if (d.kind === 'queue') ctx.queues.send(d.arn, body, { senderId: S3_SENDER_ID });
      else ctx.topics.publish(d.arn, { message: body, subject: S3_SNS_SUBJECT });
    } catch (err) {
      ctx.log(
        `s3 -> ${d.kind === 'queue' ? 'sqs' : 'sns'}: s3:TestEvent of bucket ${input.bucket} not delivered to ${d.arn}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}
