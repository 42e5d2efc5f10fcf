/**
 * `s3trigger doctor`'s reads (I/O only; verdict.ts judges): the bucket's region (GetBucketLocation) and notification
 * configuration, the default bus's rules (chain-read.ts), topics (GetTopicAttributes, subscriptions and filter
 * policies), queues (GetQueueUrl + GetQueueAttributes, event source mappings), functions (GetFunction, GetPolicy, the
 * log group by DescribeLogGroups, recent log events for the recursion check) and whether live tail answers. Reads run
 * in parallel, each level at once. Never throws for a failed read: it becomes the fact's reason (`?` in the report).
 */
import { GetBucketLocationCommand, GetBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { arnName, arnService, type NotificationConfig } from '../observe/chain.js';
import { type Clients, clientsFor, failureOf, readQueue, readRules, readTopic } from '../observe/chain-read.js';
import { functionNameOf, logGroupOf } from '../observe/discover.js';
import { extractS3Mentions } from '../observe/s3-mentions.js';
import { liveTailIdentifier, runLiveTail } from '../observe/tail-live.js';
import type { Target } from '../target.js';
import { type DoctorFacts, failed, type FunctionFacts, type Got, got, type QueueFacts, type RuleFacts, type TopicFacts } from './facts.js';

/** Each read's own time limit (ms). */
const READ_TIMEOUT_MS = 5000;
/** How long the live tail probe waits for the session to start (ms). */
const TAIL_PROBE_MS = 3000;
/** Log events read per function for the recursion check. */
const RECENT_EVENTS = 200;

const opts = () => ({ abortSignal: AbortSignal.timeout(READ_TIMEOUT_MS) });

const codeOf = (err: unknown) => {
  const e = err as { name?: string; Code?: string };
  return e?.Code ?? e?.name ?? 'Error';
};

/** A failed read as a fact: `missing` when the error code says the resource does not exist. */
function failure<T>(err: unknown, api: string, missingCodes: RegExp): Got<T> {
  return failed(failureOf(err, api).error, missingCodes.test(codeOf(err)));
}

/** S3's LocationConstraint -> the region (none: us-east-1; `EU`: eu-west-1, the legacy name). */
export function regionOfLocation(constraint: string | undefined | null): string {
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

interface More extends Clients {
  sqs(): Promise<import('@aws-sdk/client-sqs').SQSClient>;
}

function moreClients(target: Target): More {
  const base = clientsFor(target.chainClients);
  let sqs: Promise<import('@aws-sdk/client-sqs').SQSClient> | undefined;
  return {
    ...base,
    sqs: () => (sqs ??= import('@aws-sdk/client-sqs').then((m) => new m.SQSClient({ ...target.chainClients, maxAttempts: 2 }))),
    destroy: () => {
      base.destroy();
      void sqs?.then((c) => c.destroy());
    },
  };
}

async function readTopicFacts(clients: More, arn: string): Promise<TopicFacts> {
  const { GetTopicAttributesCommand } = await import('@aws-sdk/client-sns');
  const sns = await clients.sns();
  const attributes = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }), opts()).then(
    (out): Got<{ policy?: string }> => got(out.Attributes?.Policy ? { policy: out.Attributes.Policy } : {}),
    (err) => failure<{ policy?: string }>(err, `SNS GetTopicAttributes ${arn}`, /^NotFound/),
  );
  if (!attributes.ok && attributes.missing) return { attributes, subscriptions: got([]) };
  const subs = await readTopic(clients, arn);
  return { attributes, subscriptions: 'error' in subs ? failed(subs.error) : got(subs) };
}

async function readQueueFacts(clients: More, arn: string): Promise<QueueFacts> {
  const { GetQueueUrlCommand, GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const sqs = await clients.sqs();
  const [, , , , account, name] = arn.split(':');
  const attributes = await sqs
    .send(new GetQueueUrlCommand({ QueueName: name, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }), opts())
    .then((u) => sqs.send(new GetQueueAttributesCommand({ QueueUrl: u.QueueUrl, AttributeNames: ['Policy'] }), opts()))
    .then(
      (out): Got<{ policy?: string }> => got(out.Attributes?.Policy ? { policy: out.Attributes.Policy } : {}),
      (err) => failure<{ policy?: string }>(err, `SQS GetQueueAttributes ${arnName(arn)}`, /NonExistentQueue|QueueDoesNotExist/),
    );
  const mappings = await readQueue(clients, arn);
  return { attributes, mappings: 'error' in mappings ? failed(mappings.error) : got(mappings) };
}

async function readFunctionFacts(clients: More, logs: CloudWatchLogsClient | undefined, ref: string): Promise<FunctionFacts> {
  const { GetFunctionCommand, GetPolicyCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await clients.lambda();
  const name = functionNameOf(ref);
  const qualifier = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+:([^:]+)$/.exec(ref)?.[1];
  const functionName = ref.startsWith('arn:') ? ref.split(':').slice(0, 7).join(':') : ref;
  const q = qualifier ? { Qualifier: qualifier } : {};
  const [exists, policy, logGroup] = await Promise.all([
    lambda.send(new GetFunctionCommand({ FunctionName: functionName, ...q }), opts()).then(
      (out): Got<{ arn: string }> => got({ arn: out.Configuration?.FunctionArn ?? ref }),
      (err) => failure<{ arn: string }>(err, `Lambda GetFunction ${name}`, /ResourceNotFound/),
    ),
    lambda.send(new GetPolicyCommand({ FunctionName: functionName, ...q }), opts()).then(
      (out): Got<string | undefined> => got(out.Policy),
      // No policy at all is ResourceNotFoundException too ("The resource you requested does not exist").
      (err): Got<string | undefined> => (/ResourceNotFound/.test(codeOf(err)) ? got(undefined) : failure(err, 'Lambda GetPolicy', /$^/)),
    ),
    logGroupExists(logs, logGroupOf(name)),
  ]);
  return { exists, policy, logGroup };
}

async function logGroupExists(logs: CloudWatchLogsClient | undefined, group: string): Promise<Got<boolean>> {
  if (!logs) return failed('no CloudWatch Logs client on this target');
  const { DescribeLogGroupsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  try {
    const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }), opts());
    return got((out.logGroups ?? []).some((g) => g.logGroupName === group));
  } catch (err) {
    return failure(err, 'CloudWatch Logs DescribeLogGroups', /$^/);
  }
}

/** The keys of `bucket` the function's most recent logged events mention (its own prints of the S3 records it got). */
async function recentKeys(logs: CloudWatchLogsClient, name: string, bucket: string): Promise<Got<string[]>> {
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  try {
    const out = await logs.send(
      new FilterLogEventsCommand({ logGroupName: logGroupOf(name), startTime: Date.now() - 24 * 3600_000, limit: RECENT_EVENTS }),
      opts(),
    );
    const mentions = extractS3Mentions((out.events ?? []).map((e) => e.message ?? ''));
    return got(mentions.filter((m) => m.bucket === undefined || m.bucket === bucket).map((m) => m.key));
  } catch (err) {
    return failure(err, 'CloudWatch Logs FilterLogEvents', /$^/);
  }
}

/** Opens a live tail session on the group and closes it at once: live, or why the tool would poll. */
async function probeLiveTail(logs: CloudWatchLogsClient, group: string): Promise<Got<{ live: true } | { live: false; why: string }>> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TAIL_PROBE_MS);
  try {
    const identifier = (await liveTailIdentifier(logs, group, abort.signal)) ?? group;
    let connected = false;
    const end = await runLiveTail({
      logs,
      logGroup: group,
      identifier,
      signal: abort.signal,
      onConnected: () => {
        connected = true;
        abort.abort();
      },
      onEvents: () => {},
    });
    if (connected) return got({ live: true });
    if (end.kind === 'refused') return got({ live: false, why: `StartLiveTail refused: ${end.detail}` });
    if (end.kind === 'stopped') return failed(`StartLiveTail did not start within ${TAIL_PROBE_MS} ms`);
    return failed(end.kind === 'dropped' ? end.detail : 'log group not found');
  } finally {
    clearTimeout(timer);
  }
}

/** Every function a configuration, subscription, mapping or rule target names, by name. */
function functionRefs(
  notification: NotificationConfig | undefined,
  rules: RuleFacts[],
  topics: Map<string, TopicFacts>,
  queues: Map<string, QueueFacts>,
) {
  const refs = new Map<string, string>();
  const add = (ref: string) => {
    if (ref && !refs.has(functionNameOf(ref))) refs.set(functionNameOf(ref), ref);
  };
  for (const c of notification?.LambdaFunctionConfigurations ?? []) add(c.LambdaFunctionArn ?? '');
  for (const r of rules) for (const t of r.targets.ok ? r.targets.value : []) if (arnService(t.arn) === 'lambda') add(t.arn);
  for (const t of topics.values())
    for (const s of t.subscriptions.ok ? t.subscriptions.value : []) if (s.protocol === 'lambda') add(s.endpoint);
  for (const q of queues.values()) for (const m of q.mappings.ok ? q.mappings.value : []) add(m.functionArn);
  return refs;
}

export interface GatherOptions {
  bucket: string;
  key?: string;
  eventName: string;
  /** Whether the embedded sandbox runs without --strict. */
  laxSandbox?: boolean;
}

/** Reads everything verdict.ts judges, with the target's clients. */
export async function gatherFacts(target: Target, o: GatherOptions): Promise<DoctorFacts> {
  const clients = moreClients(target);
  const region = target.chainClients.region;
  let logs: CloudWatchLogsClient | undefined;
  try {
    logs = await target.logs();
  } catch {
    logs = undefined;
  }
  try {
    const [bucketRegion, notification, ruleRead] = await Promise.all([
      target.s3.send(new GetBucketLocationCommand({ Bucket: o.bucket }), opts()).then(
        (out) => got(regionOfLocation(out.LocationConstraint)),
        (err) => failure<string>(err, 'S3 GetBucketLocation', /NoSuchBucket|NotFound/),
      ),
      target.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: o.bucket }), opts()).then(
        ({ $metadata: _m, ...config }): Got<NotificationConfig> => got(config),
        (err) => failure<NotificationConfig>(err, 'S3 GetBucketNotificationConfiguration', /NoSuchBucket|NotFound/),
      ),
      readRules(clients),
    ]);
    const rules: Got<RuleFacts[]> =
      'error' in ruleRead
        ? failed(ruleRead.error)
        : got(
            ruleRead.map((r) => ({
              name: r.name,
              ...(r.arn ? { arn: r.arn } : {}),
              ...(r.eventPattern ? { eventPattern: r.eventPattern } : {}),
              ...(r.state ? { state: r.state } : {}),
              targets: 'error' in r.targets ? failed<{ arn: string; id?: string }[]>(r.targets.error) : got(r.targets),
            })),
          );
    const config = notification.ok ? notification.value : undefined;
    const ruleTargets = (rules.ok ? rules.value : []).flatMap((r) => (r.targets.ok ? r.targets.value.map((t) => t.arn) : []));
    const topicArns = new Set([
      ...(config?.TopicConfigurations ?? []).map((c) => c.TopicArn ?? ''),
      ...ruleTargets.filter((a) => arnService(a) === 'sns'),
    ]);
    topicArns.delete('');
    const topics = new Map(await Promise.all([...topicArns].map(async (arn) => [arn, await readTopicFacts(clients, arn)] as const)));
    const queueArns = new Set([
      ...(config?.QueueConfigurations ?? []).map((c) => c.QueueArn ?? ''),
      ...ruleTargets.filter((a) => arnService(a) === 'sqs'),
    ]);
    for (const t of topics.values())
      for (const s of t.subscriptions.ok ? t.subscriptions.value : []) if (s.protocol === 'sqs') queueArns.add(s.endpoint);
    queueArns.delete('');
    const queues = new Map(await Promise.all([...queueArns].map(async (arn) => [arn, await readQueueFacts(clients, arn)] as const)));
    const refs = functionRefs(config, rules.ok ? rules.value : [], topics, queues);
    const functions = new Map(
      await Promise.all([...refs].map(async ([name, ref]) => [name, await readFunctionFacts(clients, logs, ref)] as const)),
    );
    const withLogs = [...functions].filter(([, f]) => f.logGroup.ok && f.logGroup.value).map(([name]) => name);
    const [tail, keys] = await Promise.all([
      logs && withLogs[0] ? probeLiveTail(logs, logGroupOf(withLogs[0])) : undefined,
      Promise.all(
        withLogs.map(async (name) => [name, logs ? await recentKeys(logs, name, o.bucket) : failed<string[]>('no logs client')] as const),
      ),
    ]);
    return {
      bucket: o.bucket,
      ...(o.key !== undefined ? { key: o.key } : {}),
      eventName: o.eventName,
      region,
      ...(target.info.kind !== 'aws' && target.info.endpoint ? { endpoint: target.info.endpoint } : {}),
      isRealAws: target.isRealAws,
      ...(o.laxSandbox ? { laxSandbox: true } : {}),
      bucketRegion,
      notification,
      functions,
      topics,
      queues,
      rules,
      ...(tail ? { tail } : {}),
      recentKeys: new Map(keys),
    };
  } finally {
    clients.destroy();
  }
}
