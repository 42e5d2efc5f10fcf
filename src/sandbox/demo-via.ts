/**
 * `--via sns|sqs|eventbridge`: the demo bucket's events reach the demo functions the way the frameworks route
 * them, wired through the sandbox's own APIs with the real SDK clients, exactly as a user would against AWS:
 *
 * - sns: topic `<bucket>-events` (policy letting the bucket publish) with two subscribed functions,
 *   `event-handler` and `event-indexer` (Ruby on Jets' shape), each letting sns.amazonaws.com invoke it;
 * - sqs: queue `<bucket>-events` (policy letting the bucket send) and an event source mapping to `event-handler`
 *   (batch size 10, batching window 1 s);
 * - eventbridge: EventBridgeConfiguration on the bucket and a rule on the default bus matching the bucket's
 *   events, its target `event-handler` (which lets events.amazonaws.com invoke it).
 *
 * Idempotent: a second run updates what exists. The bucket's configuration keeps other configurations and
 * replaces the demo's own (ids `s3trigger-demo-*`), so a run with another `--via` rewires the bucket.
 */
import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  S3Client,
  type NotificationConfiguration,
} from '@aws-sdk/client-s3';
import {
  AddPermissionCommand,
  CreateEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { DemoVia } from '../cli-flags.js';
import { demoPackage, ensureBucket, ensureFunction, isError, type DemoFunction, type DemoOptions, type DemoSetup } from './demo.js';
import { viaDemoPackage } from './demo-via-handler.js';
import { s3PublishPolicy, s3SendPolicy } from './glue/permission-hints.js';
import { DEMO_FUNCTION_NAME } from './lambda/demo-handler.js';
import { logGroupFor } from './lambda/log-format.js';
import type { Sandbox } from './server.js';

/** The second function of the SNS fan-out. */
export const DEMO_INDEXER_NAME = 'event-indexer';
/** The events the demo routes (as the direct demo's two configurations). */
const EVENTS = ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] as const;
/** Configuration ids the demo owns on the bucket; replaced on every run. */
const DEMO_ID_PREFIX = 's3trigger-demo-';

/** `<bucket>-events`: the topic or queue of the demo (bucket names are at most 63 characters, queue names 80). */
export const viaResourceName = (bucket: string) => `${bucket}-events`;
/** The demo's rule on the default bus (rule names are at most 64 characters). */
export const viaRuleName = (bucket: string) => `${bucket}-events`.slice(0, 64);

/** EventBridge pattern of the demo rule: every S3 event of this bucket. */
export const viaRulePattern = (bucket: string) => ({ source: ['aws.s3'], detail: { bucket: { name: [bucket] } } });

/**
 * The bucket's configuration with the demo's own entries (ids `s3trigger-demo-*`, and the direct demo's Lambda
 * configurations) replaced by `add`; others kept as they are. Pure.
 */
export function withDemoDestination(current: NotificationConfiguration, add: NotificationConfiguration): NotificationConfiguration {
  const ours = (id: string | undefined) => id?.startsWith(DEMO_ID_PREFIX) === true;
  return {
    TopicConfigurations: [...(current.TopicConfigurations ?? []).filter((c) => !ours(c.Id)), ...(add.TopicConfigurations ?? [])],
    QueueConfigurations: [...(current.QueueConfigurations ?? []).filter((c) => !ours(c.Id)), ...(add.QueueConfigurations ?? [])],
    LambdaFunctionConfigurations: (current.LambdaFunctionConfigurations ?? []).filter((c) => !ours(c.Id)),
    ...(add.EventBridgeConfiguration || current.EventBridgeConfiguration
      ? { EventBridgeConfiguration: add.EventBridgeConfiguration ?? current.EventBridgeConfiguration }
      : {}),
  };
}

interface Clients {
  s3: S3Client;
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
  sns: SNSClient;
  sqs: SQSClient;
  events: EventBridgeClient;
}

/** Grants `principal` the right to invoke `name` for `sourceArn`; an existing grant of that id is kept. */
async function allowInvoke(lambda: LambdaClient, name: string, statementId: string, principal: string, sourceArn: string): Promise<void> {
  try {
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: name,
        StatementId: statementId,
        Action: 'lambda:InvokeFunction',
        Principal: principal,
        SourceArn: sourceArn,
      }),
    );
  } catch (err) {
    if (!isError(err, 'ResourceConflictException')) throw err;
  }
}

async function configureBucket(s3: S3Client, bucket: string, add: NotificationConfiguration): Promise<void> {
  const current = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: withDemoDestination(current, add) }),
  );
}

/** SNS: topic with a policy for the bucket, both functions subscribed, the bucket's TopicConfiguration. */
async function viaSns(c: Clients, bucket: string, fns: DemoFunction[]): Promise<string> {
  const topicArn = (await c.sns.send(new CreateTopicCommand({ Name: viaResourceName(bucket) }))).TopicArn!;
  await c.sns.send(
    new SetTopicAttributesCommand({
      TopicArn: topicArn,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify(s3PublishPolicy(topicArn, bucket)),
    }),
  );
  for (const fn of fns) {
    await allowInvoke(c.lambda, fn.functionName, `sns-${viaResourceName(bucket)}`, 'sns.amazonaws.com', topicArn);
    await c.sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'lambda', Endpoint: fn.functionArn, ReturnSubscriptionArn: true }),
    );
  }
  await configureBucket(c.s3, bucket, { TopicConfigurations: [{ Id: `${DEMO_ID_PREFIX}sns`, TopicArn: topicArn, Events: [...EVENTS] }] });
  return `SNS ${viaResourceName(bucket)}`;
}

/** SQS: queue with a policy for the bucket, an event source mapping (10, 1 s) to the function, the QueueConfiguration. */
async function viaSqs(c: Clients, bucket: string, fn: DemoFunction): Promise<string> {
  const queueUrl = (await c.sqs.send(new CreateQueueCommand({ QueueName: viaResourceName(bucket) }))).QueueUrl!;
  const attributes = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = attributes.Attributes!.QueueArn!;
  await c.sqs.send(
    new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(s3SendPolicy(queueArn, bucket)) } }),
  );
  const mapping = { BatchSize: 10, MaximumBatchingWindowInSeconds: 1, Enabled: true };
  const existing = await c.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: fn.functionName, EventSourceArn: queueArn }));
  const uuid = existing.EventSourceMappings?.[0]?.UUID;
  if (uuid) await c.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, FunctionName: fn.functionName, ...mapping }));
  else await c.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn.functionName, EventSourceArn: queueArn, ...mapping }));
  await configureBucket(c.s3, bucket, { QueueConfigurations: [{ Id: `${DEMO_ID_PREFIX}sqs`, QueueArn: queueArn, Events: [...EVENTS] }] });
  return `SQS ${viaResourceName(bucket)}`;
}

/** EventBridge: the bucket sends to the default bus; a rule for the bucket targets the function. */
async function viaEventBridge(c: Clients, bucket: string, fn: DemoFunction): Promise<string> {
  await configureBucket(c.s3, bucket, { EventBridgeConfiguration: {} });
  const rule = viaRuleName(bucket);
  const { RuleArn } = await c.events.send(
    new PutRuleCommand({
      Name: rule,
      EventPattern: JSON.stringify(viaRulePattern(bucket)),
      State: 'ENABLED',
      Description: `s3trigger demo: S3 events of ${bucket} to ${fn.functionName}`,
    }),
  );
  await allowInvoke(c.lambda, fn.functionName, `events-${rule}`, 'events.amazonaws.com', RuleArn!);
  const put = await c.events.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: fn.functionName, Arn: fn.functionArn }] }));
  if (put.FailedEntryCount) throw new Error(`PutTargets on rule ${rule}: ${put.FailedEntries?.[0]?.ErrorMessage ?? 'failed'}`);
  return `EventBridge rule ${rule}`;
}

/** Sets up the `--via` topology (see the file's docstring) and returns its functions and chain. */
export async function setupDemoVia(sandbox: Sandbox, options: DemoOptions & { via: Exclude<DemoVia, 'direct'> }): Promise<DemoSetup> {
  const pkg = options.handler ? demoPackage(options.handler) : viaDemoPackage();
  const config = { endpoint: sandbox.endpoint, region: sandbox.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const c: Clients = {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    lambda: new LambdaClient(config),
    logs: new CloudWatchLogsClient(config),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    events: new EventBridgeClient(config),
  };
  try {
    await ensureBucket(c.s3, options.bucket, sandbox.region);
    const names = options.via === 'sns' ? [DEMO_FUNCTION_NAME, DEMO_INDEXER_NAME] : [DEMO_FUNCTION_NAME];
    const functions: DemoFunction[] = [];
    for (const name of names) {
      functions.push({ functionName: name, functionArn: await ensureFunction(c.lambda, pkg, name), logGroup: logGroupFor(name) });
    }
    const first = functions[0]!;
    const hop =
      options.via === 'sns'
        ? await viaSns(c, options.bucket, functions)
        : options.via === 'sqs'
          ? await viaSqs(c, options.bucket, first)
          : await viaEventBridge(c, options.bucket, first);
    for (const fn of functions) {
      // AWS creates the group at the first invocation; creating it now lets a tail go live before the first op.
      try {
        await c.logs.send(new CreateLogGroupCommand({ logGroupName: fn.logGroup }));
      } catch (err) {
        if (!isError(err, 'ResourceAlreadyExistsException')) throw err;
      }
    }
    return { ...first, functions, chain: `${options.bucket} → ${hop} → ${functions.map((f) => f.functionName).join(', ')}` };
  } finally {
    for (const client of Object.values(c)) client.destroy();
  }
}
