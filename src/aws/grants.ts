/**
 * The grants AWS asks for along an event chain, as resource policies and as the one AWS CLI command that sets each:
 * a Lambda function's invoke permission (`lambda add-permission`), a queue's policy (`sqs set-queue-attributes`), a
 * topic's policy (`sns set-topic-attributes`), each for one service principal (`s3.amazonaws.com`,
 * `sns.amazonaws.com`, `events.amazonaws.com`) and one source ARN (S3 User Guide, "Granting permissions to publish
 * event notification messages to a destination"; SNS and EventBridge developer guides, likewise). Pure: the sandbox's
 * log lines and its demo topologies share them.
 */

/** Where a command runs: the sandbox's endpoint (commands then carry `--endpoint-url`), or AWS in `region`. */
export interface GrantTarget {
  endpoint?: string;
  region: string;
}

/** A resource policy with one statement letting `principal` do `action` on `resourceArn` for events from `sourceArn`. */
export function servicePolicy(
  resourceArn: string,
  principal: string,
  action: string,
  sourceArn: string,
  sid: string,
): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: sid,
        Effect: 'Allow',
        Principal: { Service: principal },
        Action: action,
        Resource: resourceArn,
        Condition: { ArnLike: { 'aws:SourceArn': sourceArn } },
      },
    ],
  };
}

/** `aws`, with the sandbox's endpoint when there is one. */
const awsCli = (t: GrantTarget) => (t.endpoint ? `aws --endpoint-url ${t.endpoint}` : 'aws');

/** The resource name at the end of an ARN (`b`, `uploads`, `rule/x` -> `x`), without characters a statement id cannot hold. */
const idOf = (arn: string) => (arn.split(/[:/]/).at(-1) ?? arn).replace(/[^A-Za-z0-9_-]/g, '-');

/** The queue URL SQS answers for a queue ARN: the sandbox's `<endpoint>/<account>/<name>`, or AWS's. */
export function queueUrlOf(queueArn: string, t: GrantTarget): string {
  const [, , , region, account, name] = queueArn.split(':');
  return `${t.endpoint ?? `https://sqs.${region || t.region}.amazonaws.com`}/${account}/${name}`;
}

/** `aws lambda add-permission` letting `principal` invoke the function (name, `name:qualifier` or ARN) for `sourceArn`. */
export function lambdaGrantCommand(
  functionArnOrName: string,
  principal: string,
  sourceArn: string,
  t: GrantTarget,
  statementId = `${principal.split('.')[0]}-${idOf(sourceArn)}`,
): string {
  const fn = functionArnOrName.startsWith('arn:') ? functionArnOrName.split(':').slice(6).join(':') : functionArnOrName;
  return (
    `${awsCli(t)} lambda add-permission --function-name ${fn} --statement-id ${statementId}` +
    ` --action lambda:InvokeFunction --principal ${principal} --source-arn ${sourceArn}`
  );
}

/** `aws sqs set-queue-attributes` with a policy letting `principal` send to the queue for `sourceArn` (JSON in single quotes, POSIX shell). */
export function queueGrantCommand(queueArn: string, principal: string, sourceArn: string, t: GrantTarget): string {
  const policy = servicePolicy(queueArn, principal, 'sqs:SendMessage', sourceArn, `${principal.split('.')[0]}-${idOf(sourceArn)}`);
  return `${awsCli(t)} sqs set-queue-attributes --queue-url ${queueUrlOf(queueArn, t)} --attributes '${JSON.stringify({ Policy: JSON.stringify(policy) })}'`;
}

/** `aws sns set-topic-attributes` with a policy letting `principal` publish to the topic for `sourceArn`. */
export function topicGrantCommand(topicArn: string, principal: string, sourceArn: string, t: GrantTarget): string {
  const policy = servicePolicy(topicArn, principal, 'SNS:Publish', sourceArn, `${principal.split('.')[0]}-${idOf(sourceArn)}`);
  return `${awsCli(t)} sns set-topic-attributes --topic-arn ${topicArn} --attribute-name Policy --attribute-value '${JSON.stringify(policy)}'`;
}
