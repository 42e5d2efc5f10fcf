/**
 * The AWS CLI commands doctor prints as fixes, beyond the grants of aws/grants.ts. Pure; POSIX shell quoting (JSON in
 * single quotes). With an endpoint (sandbox, LocalStack, moto) each command carries `--endpoint-url`.
 */

/** `aws` with the target's endpoint, if any. */
export const awsCli = (endpoint: string | undefined) => (endpoint ? `aws --endpoint-url ${endpoint}` : 'aws');

const quote = (json: unknown) => `'${JSON.stringify(json).replace(/'/g, "'\\''")}'`;

/** A notification configuration sending `event` events of the bucket to a function (FUNCTION_ARN left for the user). */
export function putLambdaConfigCommand(endpoint: string | undefined, bucket: string, eventName: string): string {
  const config = { LambdaFunctionConfigurations: [{ LambdaFunctionArn: 'FUNCTION_ARN', Events: [`s3:${categoryOf(eventName)}:*`] }] };
  return `${awsCli(endpoint)} s3api put-bucket-notification-configuration --bucket ${bucket} --notification-configuration ${quote(config)}`;
}

/** Turns EventBridge on (PutBucketNotificationConfiguration replaces the whole configuration: merge in the current one). */
export function enableEventBridgeCommand(endpoint: string | undefined, bucket: string): string {
  return (
    `${awsCli(endpoint)} s3api put-bucket-notification-configuration --bucket ${bucket} ` +
    `--notification-configuration '{"EventBridgeConfiguration":{}}' (merge it with the current configuration: this call replaces it)`
  );
}

/** `ObjectCreated:Put` -> `ObjectCreated`. */
export const categoryOf = (eventName: string) => eventName.split(':')[0] ?? eventName;

/** A rule on the default bus for S3 events of the bucket with this detail-type. */
export function putRuleCommand(endpoint: string | undefined, bucket: string, detailType: string): string {
  const pattern = { source: ['aws.s3'], 'detail-type': [detailType], detail: { bucket: { name: [bucket] } } };
  return `${awsCli(endpoint)} events put-rule --name ${bucket}-s3-events --event-pattern ${quote(pattern)}`;
}

export const putTargetsCommand = (endpoint: string | undefined, rule: string) =>
  `${awsCli(endpoint)} events put-targets --rule ${rule} --targets Id=1,Arn=FUNCTION_ARN`;

export const enableRuleCommand = (endpoint: string | undefined, rule: string) => `${awsCli(endpoint)} events enable-rule --name ${rule}`;

export const subscribeCommand = (endpoint: string | undefined, topicArn: string) =>
  `${awsCli(endpoint)} sns subscribe --topic-arn ${topicArn} --protocol lambda --notification-endpoint FUNCTION_ARN`;

export const createMappingCommand = (endpoint: string | undefined, queueArn: string) =>
  `${awsCli(endpoint)} lambda create-event-source-mapping --function-name FUNCTION --event-source-arn ${queueArn}`;

export const enableMappingCommand = (endpoint: string | undefined, uuid: string) =>
  `${awsCli(endpoint)} lambda update-event-source-mapping --uuid ${uuid} --enabled`;

export const confirmSubscriptionHint = (topicArn: string) =>
  `confirm it (the endpoint got a SubscriptionConfirmation with a token: aws sns confirm-subscription --topic-arn ${topicArn} --token TOKEN)`;
