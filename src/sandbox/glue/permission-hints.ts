/**
 * What AWS would refuse along S3's event chain, said in one log line with the command that fixes it: the
 * sandbox accepts such destinations by default (as LocalStack does, so walkthroughs without the permission
 * step keep working) and refuses them only under --strict. Also the resource policies that grant S3 access,
 * shared with the demo topologies. Pure.
 */

/** A destination whose resource policy does not let S3 deliver this bucket's events. */
export interface PermissionGap {
  kind: 'lambda' | 'queue' | 'topic';
  arn: string;
  bucket: string;
}

/** Where the fix runs: the sandbox's endpoint (the commands then carry `--endpoint-url`) and its region. */
export interface HintTarget {
  endpoint?: string;
  region: string;
}

const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

/** A queue policy letting S3 send this bucket's events (S3 User Guide, "Granting permissions to publish event notification messages"). */
export function s3SendPolicy(queueArn: string, bucket: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: `s3-${bucket}`,
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnLike: { 'aws:SourceArn': bucketArn(bucket) } },
      },
    ],
  };
}

/** A topic policy letting S3 publish this bucket's events. */
export function s3PublishPolicy(topicArn: string, bucket: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: `s3-${bucket}`,
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'SNS:Publish',
        Resource: topicArn,
        Condition: { ArnLike: { 'aws:SourceArn': bucketArn(bucket) } },
      },
    ],
  };
}

/** The resource part of an ARN (`fn`, `fn:live`, `queue-name`). */
const resourceOf = (arn: string, kind: PermissionGap['kind']) =>
  kind === 'lambda' ? arn.split(':').slice(6).join(':') : arn.split(':').slice(5).join(':');

/** `aws` with the sandbox's endpoint when there is one. */
const awsCli = (t: HintTarget) => (t.endpoint ? `aws --endpoint-url ${t.endpoint}` : 'aws');

/** The queue URL SQS answers for an ARN: the sandbox's `<endpoint>/<account>/<name>`, or AWS's. */
export function queueUrlOf(queueArn: string, t: HintTarget): string {
  const [, , , region, account, name] = queueArn.split(':');
  return `${t.endpoint ?? `https://sqs.${region ?? t.region}.amazonaws.com`}/${account}/${name}`;
}

/** The one command that grants S3 what the gap lacks (policies are JSON inside single quotes, for a POSIX shell). */
export function permissionFix(gap: PermissionGap, t: HintTarget): string {
  switch (gap.kind) {
    case 'lambda':
      return (
        `${awsCli(t)} lambda add-permission --function-name ${resourceOf(gap.arn, 'lambda')} --statement-id s3invoke` +
        ` --action lambda:InvokeFunction --principal s3.amazonaws.com --source-arn ${bucketArn(gap.bucket)}`
      );
    case 'queue': {
      const attributes = JSON.stringify({ Policy: JSON.stringify(s3SendPolicy(gap.arn, gap.bucket)) });
      return `${awsCli(t)} sqs set-queue-attributes --queue-url ${queueUrlOf(gap.arn, t)} --attributes '${attributes}'`;
    }
    case 'topic':
      return (
        `${awsCli(t)} sns set-topic-attributes --topic-arn ${gap.arn} --attribute-name Policy` +
        ` --attribute-value '${JSON.stringify(s3PublishPolicy(gap.arn, gap.bucket))}'`
      );
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
