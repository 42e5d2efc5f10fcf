/**
 * Discovery: the bucket's notification configuration -> Lambda functions -> log groups,
 * non-Lambda destinations by name, and whether a given key/event notifies anything.
 */
import type { GetBucketNotificationConfigurationCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { GetBucketNotificationConfigurationCommand } from '../aws/clients-s3.js';
import type { Chain, Discovery } from '../events.js';
import { eventNameMatches, keyFilterAccepts } from '../aws/s3-events.js';
import { buildChain, chainFunctions } from './chain.js';
import type { ChainClientConfig } from './chain-read.js';

type NotificationConfig = Omit<GetBucketNotificationConfigurationCommandOutput, '$metadata'>;
interface EventConfig {
  Events?: string[];
  Filter?: { Key?: { FilterRules?: { Name?: string; Value?: string }[] } };
}

/** "my-fn", "arn:aws:lambda:eu-west-1:123:function:my-fn[:alias]" -> "my-fn". */
export function functionNameOf(nameOrArn: string): string {
  const m = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}

/** The default log group of a function; discovery reads the function's LoggingConfig.LogGroup where it can. */
export function logGroupOf(functionName: string, logGroups?: Record<string, string>): string {
  return logGroups?.[functionName] ?? `/aws/lambda/${functionName}`;
}

/**
 * The discovery with each function's default group replaced by the one its LoggingConfig names (`logGroups`:
 * function -> group, from readLogGroups); `logGroupByFunction` keeps the mapping for the session.
 */
export function withLogGroups(discovery: Discovery, logGroups: Record<string, string>): Discovery {
  const moved = new Map(discovery.functions.filter((f) => logGroups[f]).map((f) => [logGroupOf(f), logGroups[f]!]));
  if (moved.size === 0) return discovery;
  return {
    ...discovery,
    logGroups: [...new Set(discovery.logGroups.map((g) => moved.get(g) ?? g))],
    logGroupByFunction: Object.fromEntries(discovery.functions.map((f) => [f, logGroupOf(f, logGroups)])),
  };
}

function regionOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]+:([^:]*):/.exec(arn)?.[1] || undefined;
}

function configsOf(config: NotificationConfig): EventConfig[] {
  return [...(config.LambdaFunctionConfigurations ?? []), ...(config.QueueConfigurations ?? []), ...(config.TopicConfigurations ?? [])];
}

/** Whether firing `eventName` on `key` notifies any destination (EventBridge gets everything). */
export function notifiesFor(config: NotificationConfig, eventName: string, key: string): boolean {
  if (config.EventBridgeConfiguration) return true;
  return configsOf(config).some(
    (c) => (c.Events ?? []).some((e) => eventNameMatches(e, eventName)) && keyFilterAccepts(c.Filter?.Key?.FilterRules ?? [], key),
  );
}

/** One line for OpStarted.warnings when the op will notify nothing; undefined when it will. */
export function notifyWarning(config: NotificationConfig | undefined, bucket: string, eventName: string, key: string): string | undefined {
  if (!config || notifiesFor(config, eventName, key)) return undefined;
  if (configsOf(config).length === 0) return `bucket ${bucket} has no event notifications: this operation will not notify anything`;
  return `no notification of bucket ${bucket} covers ${eventName} on key "${key}" (event names, prefix/suffix filters): this operation will not notify anything`;
}

/**
 * Pure part of discovery: a configuration (or the error reading it) plus overrides -> Discovery. `context.chain`: the
 * routes followed beyond the bucket (chain-read.ts); without it only the bucket's Lambda configurations are routes.
 */
export function discoveryFrom(
  bucket: string,
  config: NotificationConfig | undefined,
  overrides: { functions?: string[]; logGroups?: string[] },
  context: { region?: string; readError?: { code: string; message: string }; chain?: Chain } = {},
): Discovery {
  const warnings: string[] = [];
  const destinations: string[] = [];
  const lambdaArns = (config?.LambdaFunctionConfigurations ?? []).map((c) => c.LambdaFunctionArn ?? '').filter(Boolean);
  const chain =
    context.chain ??
    (config
      ? buildChain(
          bucket,
          { LambdaFunctionConfigurations: config.LambdaFunctionConfigurations ?? [] },
          { topics: new Map(), queues: new Map() },
        )
      : undefined);
  const discovered = chain ? chainFunctions(chain) : [];
  for (const t of config?.TopicConfigurations ?? []) destinations.push(`events go to SNS topic ${t.TopicArn}`);
  for (const q of config?.QueueConfigurations ?? []) destinations.push(`events go to SQS queue ${q.QueueArn}`);
  if (config?.EventBridgeConfiguration) destinations.push('events go to EventBridge (default event bus)');

  if (context.readError) {
    warnings.push(
      context.readError.code === 'NoSuchBucket'
        ? `bucket ${bucket} does not exist yet: no notification configuration to read`
        : `cannot read the notification configuration of bucket ${bucket} (${context.readError.code}: ${context.readError.message})`,
    );
  }
  // One function often has several configurations (ObjectCreated, ObjectRemoved): one warning each.
  for (const arn of new Set(lambdaArns)) {
    const region = regionOfArn(arn);
    if (region && context.region && region !== context.region) {
      warnings.push(`function ${functionNameOf(arn)} is in ${region}: its logs are not in ${context.region}`);
    }
  }

  const overrideFunctions = [...new Set((overrides.functions ?? []).map(functionNameOf))];
  const hasOverride = overrideFunctions.length > 0 || (overrides.logGroups?.length ?? 0) > 0;
  const functions = overrideFunctions.length ? overrideFunctions : discovered;
  const logGroups = hasOverride
    ? [...new Set([...overrideFunctions.map((f) => logGroupOf(f)), ...(overrides.logGroups ?? [])])]
    : discovered.map((f) => logGroupOf(f));

  for (const link of context.chain?.unfollowed ?? []) warnings.push(`not followed: ${link}`);
  if (!hasOverride && discovered.length === 0) {
    const hint = destinations.length
      ? `; ${destinations.join(', ')}: pass --function NAME for the Lambda behind it`
      : ': pass --function NAME or --log-group NAME to watch one';
    warnings.push(`bucket ${bucket} sends no events to a Lambda function${hint}`);
  }
  return { bucket, functions, logGroups, destinations, warnings, ...(chain ? { chain } : {}) };
}

function errorCode(err: unknown): { code: string; message: string } {
  const e = err as { name?: string; Code?: string; message?: string };
  return { code: e?.Code ?? e?.name ?? 'Error', message: e?.message ?? String(err) };
}

/**
 * Reads the configuration and builds the Discovery, following topics, queues and EventBridge rules with the target's
 * clients (`chainClients`, chain-read.ts); never throws (a read error becomes a warning, an unfollowed link is named).
 * The configuration read is returned too, for notifyWarning before each op. `functionSettings: false` leaves out the
 * functions' log groups and asynchronous settings (Lambda's GetFunctionConfiguration and GetFunctionEventInvokeConfig):
 * a session that does not observe invocations never uses them, and reading them loads the Lambda client.
 */
export async function discover(
  s3: S3Client,
  bucket: string,
  overrides: { functions?: string[]; logGroups?: string[] },
  chainClients?: ChainClientConfig,
  options: { functionSettings?: boolean } = {},
): Promise<Discovery & { notification?: NotificationConfig }> {
  let region: string | undefined;
  try {
    region = await s3.config.region();
  } catch {
    region = undefined;
  }
  let notification: NotificationConfig;
  try {
    const { $metadata: _metadata, ...read } = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    notification = read;
  } catch (err) {
    return discoveryFrom(bucket, undefined, overrides, { region, readError: errorCode(err) });
  }
  const beyond =
    Boolean(notification.TopicConfigurations?.length || notification.QueueConfigurations?.length) ||
    Boolean(notification.EventBridgeConfiguration);
  let found: Discovery;
  if (beyond && chainClients) {
    const { readChain } = await import('./chain-read.js');
    const chain = await readChain(bucket, notification, chainClients);
    found = discoveryFrom(bucket, notification, overrides, { region, chain });
  } else found = discoveryFrom(bucket, notification, overrides, { region });
  if (!chainClients || found.functions.length === 0 || options.functionSettings === false) return { ...found, notification };
  // The functions' log groups and their asynchronous settings (async-fate.ts) are independent reads: at once.
  const { functions } = found;
  const [logGroups, asyncFates] = await Promise.all([
    import('./log-groups.js').then(({ readLogGroups }) => readLogGroups(functions, chainClients)),
    import('./async-fate.js').then(({ readAsyncFates }) => readAsyncFates(chainClients, functions)),
  ]);
  return { ...withLogGroups(found, logGroups), asyncFates, notification };
}
