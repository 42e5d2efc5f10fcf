/**
 * What AWS would refuse along S3's event chain, said in one log line with the command that fixes it: the
 * sandbox accepts such destinations by default (as LocalStack does, so walkthroughs without the permission
 * step keep working) and refuses them only under --strict. Also the resource policies that grant S3 access,
 * shared with the demo topologies. Pure.
 */
import { type GrantTarget, lambdaGrantCommand, queueGrantCommand, queueUrlOf, servicePolicy, topicGrantCommand } from '../../aws/grants.js';

/** A destination whose resource policy does not let S3 deliver this bucket's events. */
export interface PermissionGap {
  kind: 'lambda' | 'queue' | 'topic';
  arn: string;
  bucket: string;
}

/** Where the fix runs: the sandbox's endpoint (the commands then carry `--endpoint-url`) and its region. */
export type HintTarget = GrantTarget;

const S3_PRINCIPAL = 's3.amazonaws.com';

const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

/** A queue policy letting S3 send this bucket's events (S3 User Guide, "Granting permissions to publish event notification messages"). */
export const s3SendPolicy = (queueArn: string, bucket: string) =>
  servicePolicy(queueArn, S3_PRINCIPAL, 'sqs:SendMessage', bucketArn(bucket), `s3-${bucket}`);

/** A topic policy letting S3 publish this bucket's events. */
export const s3PublishPolicy = (topicArn: string, bucket: string) =>
  servicePolicy(topicArn, S3_PRINCIPAL, 'SNS:Publish', bucketArn(bucket), `s3-${bucket}`);

export { queueUrlOf };

/** The one command that grants S3 what the gap lacks (aws/grants.ts). */
export function permissionFix(gap: PermissionGap, t: HintTarget): string {
  switch (gap.kind) {
    case 'lambda':
      return lambdaGrantCommand(gap.arn, S3_PRINCIPAL, bucketArn(gap.bucket), t, 's3invoke');
    case 'queue':
      return queueGrantCommand(gap.arn, S3_PRINCIPAL, bucketArn(gap.bucket), t);
    case 'topic':
      return topicGrantCommand(gap.arn, S3_PRINCIPAL, bucketArn(gap.bucket), t);
  }
}

const REFUSAL: Record<PermissionGap['kind'], (gap: PermissionGap) => string> = {
  lambda: (g) => `function ${g.arn} has not granted lambda:InvokeFunction to s3.amazonaws.com for ${bucketArn(g.bucket)}`,
  queue: (g) => `the policy of queue ${g.arn} does not let s3.amazonaws.com send messages from ${bucketArn(g.bucket)}`,
  topic: (g) => `the policy of topic ${g.arn} does not let s3.amazonaws.com publish from ${bucketArn(g.bucket)}`,
};

/** The sandbox's one log line for a gap it accepted: what AWS would refuse, and the fix. */
export function permissionGapLine(gap: PermissionGap, t: HintTarget): string {
  return (
    `s3: notification configuration of bucket ${gap.bucket}: AWS would refuse it, as ${REFUSAL[gap.kind](gap)}` +
    ` (accepted here; s3trigger sandbox --strict refuses it). Fix: ${permissionFix(gap, t)}`
  );
}
