/**
 * The event chain, I/O part: reads what a bucket's notification configuration leads to — SNS topics' subscriptions
 * (ListSubscriptionsByTopic, GetSubscriptionAttributes for FilterPolicy), queues' event source mappings (Lambda
 * ListEventSourceMappings with EventSourceArn), the default bus's rules (ListRules, DescribeRule, ListTargetsByRule) —
 * following SNS -> SQS and EventBridge -> SNS/SQS onward, into a ChainWorld for buildChain (chain.ts). Never throws:
 * every read that fails (no permission, an API the target does not have) is recorded as a ReadFailure.
 */
import type { Chain } from '../events.js';
import {
  arnService,
  buildChain,
  type ChainWorld,
  type MappingInfo,
  type NotificationConfig,
  type ReadFailure,
  type RuleInfo,
  type SubscriptionInfo,
} from './chain.js';

/** How to build the SNS, Lambda and EventBridge clients of the target (region, endpoint, credentials as for S3). */
export interface ChainClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  profile?: string;
  ignoreConfiguredEndpointUrls?: boolean;
}

/** Pages read per list before giving up (a runaway endpoint must not hold discovery forever). */
const MAX_PAGES = 20;
/** Each read's own time limit (ms). */
const READ_TIMEOUT_MS = 5000;

/** `AccessDenied: User … is not authorized`, or what a target without the API answers. */
export function failureOf(err: unknown, api: string): ReadFailure {
  const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e?.Code ?? e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const message = (e?.message ?? String(err)).split('\n')[0]!.slice(0, 200);
  if (status === 404 || status === 501 || /NotImplemented|UnknownOperation|InvalidAction|UnrecognizedClient/.test(code)) {
    return { error: `${api} is not available on this target (${code}${status ? `, HTTP ${status}` : ''})` };
  }
  return { error: `${api}: ${code}${message && message !== code ? `: ${message}` : ''}` };
}

/** The SNS, Lambda and EventBridge clients of a target, each built on first use. */
export interface Clients {
  sns(): Promise<import('@aws-sdk/client-sns').SNSClient>;
  lambda(): Promise<import('@aws-sdk/client-lambda').LambdaClient>;
  events(): Promise<import('@aws-sdk/client-eventbridge').EventBridgeClient>;
  destroy(): void;
}

/** Clients for `config`; `destroy()` ends every one built. */
export function clientsFor(config: ChainClientConfig): Clients {
  const base = { ...config, maxAttempts: 2 };
  const made: { destroy(): void }[] = [];
  const once = <T extends { destroy(): void }>(make: () => Promise<T>) => {
    let client: Promise<T> | undefined;
    return () =>
      (client ??= make().then((c) => {
        made.push(c);
        return c;
      }));
  };
  return {
    sns: once(async () => new (await import('@aws-sdk/client-sns')).SNSClient(base)),
    lambda: once(async () => new (await import('@aws-sdk/client-lambda')).LambdaClient(base)),
    events: once(async () => new (await import('@aws-sdk/client-eventbridge')).EventBridgeClient(base)),
    destroy: () => {
      for (const c of made) c.destroy();
    },
  };
}

const opts = () => ({ abortSignal: AbortSignal.timeout(READ_TIMEOUT_MS) });

/** A topic's subscriptions with their filter policies, or why they could not be listed. */
export async function readTopic(clients: Clients, arn: string): Promise<SubscriptionInfo[] | ReadFailure> {
  const { ListSubscriptionsByTopicCommand, GetSubscriptionAttributesCommand } = await import('@aws-sdk/client-sns');
  const sns = await clients.sns();
  const subs: SubscriptionInfo[] = [];
  try {
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn, ...(token ? { NextToken: token } : {}) }), opts());
      for (const s of out.Subscriptions ?? []) {
        subs.push({
          protocol: s.Protocol ?? '',
          endpoint: s.Endpoint ?? '',
          ...(s.SubscriptionArn ? { subscriptionArn: s.SubscriptionArn } : {}),
        });
      }
      token = out.NextToken;
      if (!token) break;
    }
  } catch (err) {
    return failureOf(err, `SNS ListSubscriptionsByTopic on ${arn}`);
  }
  // A filter policy decides which events reach a subscriber; not being able to read it is not worth a broken link.
  await Promise.all(
    subs.map(async (s) => {
      if (!s.subscriptionArn?.startsWith('arn:')) return;
      try {
        const out = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.subscriptionArn }), opts());
        const a = out.Attributes ?? {};
        if (a.FilterPolicy) s.filterPolicy = a.FilterPolicy;
        if (a.FilterPolicyScope) s.filterPolicyScope = a.FilterPolicyScope;
      } catch {
        // FilterPolicy unknown: the subscription counts as accepting every event
      }
    }),
  );
  return subs;
}

/** A queue's event source mappings (ListEventSourceMappings with EventSourceArn), or why they could not be listed. */
export async function readQueue(clients: Clients, arn: string): Promise<MappingInfo[] | ReadFailure> {
  const { ListEventSourceMappingsCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await clients.lambda();
  const mappings: MappingInfo[] = [];
  try {
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await lambda.send(
        new ListEventSourceMappingsCommand({ EventSourceArn: arn, ...(marker ? { Marker: marker } : {}) }),
        opts(),
      );
      for (const m of out.EventSourceMappings ?? []) {
        // Some emulators ignore the EventSourceArn filter: keep only this queue's mappings.
        if (m.EventSourceArn && m.EventSourceArn !== arn) continue;
        if (m.FunctionArn)
          mappings.push({ functionArn: m.FunctionArn, ...(m.State ? { state: m.State } : {}), ...(m.UUID ? { uuid: m.UUID } : {}) });
      }
      marker = out.NextMarker;
      if (!marker) break;
    }
  } catch (err) {
    return failureOf(err, `Lambda ListEventSourceMappings for ${arn}`);
  }
  return mappings;
}

/** The default bus's rules with their patterns and targets, or why they could not be listed. */
export async function readRules(clients: Clients): Promise<RuleInfo[] | ReadFailure> {
  const { ListRulesCommand, DescribeRuleCommand, ListTargetsByRuleCommand } = await import('@aws-sdk/client-eventbridge');
  const events = await clients.events();
  const rules: RuleInfo[] = [];
  try {
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await events.send(new ListRulesCommand({ EventBusName: 'default', ...(token ? { NextToken: token } : {}) }), opts());
      for (const r of out.Rules ?? []) {
        if (!r.Name) continue;
        rules.push({
          name: r.Name,
          ...(r.Arn ? { arn: r.Arn } : {}),
          ...(r.EventPattern ? { eventPattern: r.EventPattern } : {}),
          ...(r.State ? { state: r.State } : {}),
          targets: [],
        });
      }
      token = out.NextToken;
      if (!token) break;
    }
  } catch (err) {
    return failureOf(err, 'EventBridge ListRules');
  }
  await Promise.all(
    rules.map(async (rule) => {
      if (!rule.eventPattern) {
        try {
          const out = await events.send(new DescribeRuleCommand({ Name: rule.name, EventBusName: 'default' }), opts());
          if (out.EventPattern) rule.eventPattern = out.EventPattern;
          if (out.State) rule.state = out.State;
        } catch {
          // ListRules' answer stands
        }
      }
      try {
        const out = await events.send(new ListTargetsByRuleCommand({ Rule: rule.name, EventBusName: 'default' }), opts());
        rule.targets = (out.Targets ?? []).map((t) => ({ arn: t.Arn ?? '', ...(t.Id ? { id: t.Id } : {}) }));
      } catch (err) {
        rule.targets = failureOf(err, `EventBridge ListTargetsByRule ${rule.name}`);
      }
    }),
  );
  return rules;
}

/**
 * Follows the bucket's configuration through every topic, queue and rule it leads to, then builds the chain. Topics
 * and queues reached several ways are read once; SNS -> SQS and EventBridge -> SNS/SQS are followed until nothing new.
 */
export async function readChain(bucket: string, notification: NotificationConfig, config: ChainClientConfig): Promise<Chain> {
  const clients = clientsFor(config);
  const topics = new Map<string, SubscriptionInfo[] | ReadFailure>();
  const queues = new Map<string, MappingInfo[] | ReadFailure>();
  const world: { topics: typeof topics; queues: typeof queues; rules?: RuleInfo[] | ReadFailure } = { topics, queues };
  try {
    const todoTopics = new Set((notification.TopicConfigurations ?? []).map((c) => c.TopicArn ?? '').filter(Boolean));
    const todoQueues = new Set((notification.QueueConfigurations ?? []).map((c) => c.QueueArn ?? '').filter(Boolean));
    if (notification.EventBridgeConfiguration) {
      world.rules = await readRules(clients);
      for (const rule of Array.isArray(world.rules) ? world.rules : []) {
        for (const t of Array.isArray(rule.targets) ? rule.targets : []) {
          if (arnService(t.arn) === 'sns') todoTopics.add(t.arn);
          if (arnService(t.arn) === 'sqs') todoQueues.add(t.arn);
        }
      }
    }
    const topicReads = await Promise.all([...todoTopics].map(async (arn) => [arn, await readTopic(clients, arn)] as const));
    for (const [arn, subs] of topicReads) {
      topics.set(arn, subs);
      for (const s of Array.isArray(subs) ? subs : []) if (s.protocol === 'sqs' && s.endpoint) todoQueues.add(s.endpoint);
    }
    const queueReads = await Promise.all([...todoQueues].map(async (arn) => [arn, await readQueue(clients, arn)] as const));
    for (const [arn, mappings] of queueReads) queues.set(arn, mappings);
  } finally {
    clients.destroy();
  }
  return buildChain(bucket, notification, world as ChainWorld);
}
