/**
 * The event chain, pure part: a bucket's notification configuration plus what discovery read of the topics, queues
 * and EventBridge rules it leads to (chain-read.ts) -> the routes to Lambda functions, and every link that could not
 * be followed, named. S3 notification destinations: "Amazon S3 Event Notifications" (S3 user guide, "Supported event
 * destinations"); SNS -> Lambda/SQS subscriptions; SQS -> Lambda through an event source mapping; EventBridge rules'
 * targets on the default bus.
 */
import type { GetBucketNotificationConfigurationCommandOutput } from '@aws-sdk/client-s3';
import type { Chain, ChainHop, ChainRoute } from '../events.js';
import { functionNameOf } from './discover.js';

export type NotificationConfig = Omit<GetBucketNotificationConfigurationCommandOutput, '$metadata'>;

/** Why a read failed, as the service said it (`AccessDenied: …`), or that the target has no such API. */
export interface ReadFailure {
  error: string;
}

/** One subscription of a topic (ListSubscriptionsByTopic, with GetSubscriptionAttributes' filter policy when read). */
export interface SubscriptionInfo {
  protocol: string;
  endpoint: string;
  /** `PendingConfirmation` for an unconfirmed one. */
  subscriptionArn?: string;
  filterPolicy?: string;
  filterPolicyScope?: string;
}

/** One event source mapping of a queue (Lambda ListEventSourceMappings with EventSourceArn). */
export interface MappingInfo {
  functionArn: string;
  /** Enabled, Creating, Disabled, … */
  state?: string;
  /** The mapping's UUID (UpdateEventSourceMapping takes it). */
  uuid?: string;
}

/** One rule on the default bus (ListRules / DescribeRule) and its targets (ListTargetsByRule, or why they could not be read). */
export interface RuleInfo {
  name: string;
  /** The rule's ARN, when ListRules gave it. */
  arn?: string;
  eventPattern?: string;
  state?: string;
  targets: { arn: string; id?: string }[] | ReadFailure;
}

/** Everything discovery read beyond the bucket, by ARN. A missing entry was never read (a bug of the reader: named too). */
export interface ChainWorld {
  topics: ReadonlyMap<string, SubscriptionInfo[] | ReadFailure>;
  queues: ReadonlyMap<string, MappingInfo[] | ReadFailure>;
  /** The default bus's rules, when the bucket has EventBridgeConfiguration. */
  rules?: RuleInfo[] | ReadFailure;
}

const isFailure = (v: unknown): v is ReadFailure => typeof v === 'object' && v !== null && 'error' in v;

/** `arn:aws:sns:eu-west-1:123:uploads` -> `uploads` (the resource part of an ARN). */
export function arnName(arn: string): string {
  return arn.split(':').slice(5).join(':') || arn;
}

/** Which service an ARN names (`lambda`, `sqs`, `sns`, …); undefined for a non-ARN. */
export function arnService(arn: string): string | undefined {
  return /^arn:[^:]+:([^:]+):/.exec(arn)?.[1];
}

interface Walk {
  world: ChainWorld;
  routes: ChainRoute[];
  unfollowed: string[];
}

interface BucketSide {
  events?: string[];
  filterRules?: { Name: string; Value: string }[];
  eventPattern?: string;
}

function bucketSide(config: { Events?: string[]; Filter?: { Key?: { FilterRules?: { Name?: string; Value?: string }[] } } }): BucketSide {
  const rules = (config.Filter?.Key?.FilterRules ?? []).map((r) => ({ Name: r.Name ?? '', Value: r.Value ?? '' }));
  return { events: config.Events ?? [], ...(rules.length ? { filterRules: rules } : {}) };
}

const describeHops = (hops: readonly ChainHop[]) => hops.map(hopLabel).join(' → ');

function hopLabel(hop: ChainHop): string {
  return hop.kind === 'eventbridge' ? `EventBridge rule ${hop.rule}` : `${hop.kind.toUpperCase()} ${hop.name}`;
}

function addRoute(w: Walk, hops: ChainHop[], functionArn: string, side: BucketSide, filterPolicy?: ChainRoute['filterPolicy']): void {
  w.routes.push({ hops, function: functionNameOf(functionArn), ...side, ...(filterPolicy ? { filterPolicy } : {}) });
}

function followTopic(w: Walk, arn: string, before: ChainHop[], side: BucketSide): void {
  const hops: ChainHop[] = [...before, { kind: 'sns', arn, name: arnName(arn) }];
  const subscriptions = w.world.topics.get(arn);
  const where = describeHops(hops);
  if (subscriptions === undefined) return void w.unfollowed.push(`${where}: its subscriptions were not read`);
  if (isFailure(subscriptions)) return void w.unfollowed.push(`${where}: cannot list its subscriptions (${subscriptions.error})`);
  if (subscriptions.length === 0) return void w.unfollowed.push(`${where}: the topic has no subscriptions`);
  for (const sub of subscriptions) {
    if (sub.subscriptionArn === 'PendingConfirmation') {
      w.unfollowed.push(`${where} → ${sub.protocol} ${sub.endpoint}: the subscription is pending confirmation`);
    } else if (sub.protocol === 'lambda') {
      addRoute(w, hops, sub.endpoint, side, policyOf(sub));
    } else if (sub.protocol === 'sqs') {
      followQueue(w, sub.endpoint, hops, side, policyOf(sub));
    } else {
      w.unfollowed.push(`${where} → ${sub.protocol} ${sub.endpoint}: not a Lambda function or an SQS queue (not followed)`);
    }
  }
}

function policyOf(sub: SubscriptionInfo): ChainRoute['filterPolicy'] {
  if (!sub.filterPolicy) return undefined;
  return { policy: sub.filterPolicy, scope: sub.filterPolicyScope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes' };
}

function followQueue(w: Walk, arn: string, before: ChainHop[], side: BucketSide, filterPolicy?: ChainRoute['filterPolicy']): void {
  const hops: ChainHop[] = [...before, { kind: 'sqs', arn, name: arnName(arn) }];
  const mappings = w.world.queues.get(arn);
  const where = describeHops(hops);
  if (mappings === undefined) return void w.unfollowed.push(`${where}: its event source mappings were not read`);
  if (isFailure(mappings)) return void w.unfollowed.push(`${where}: cannot list its event source mappings (${mappings.error})`);
  const enabled = mappings.filter((m) => !/^(Disabled|Disabling|Deleting)$/.test(m.state ?? ''));
  for (const m of mappings.filter((x) => !enabled.includes(x))) {
    w.unfollowed.push(`${where} → ${functionNameOf(m.functionArn)}: the event source mapping is ${m.state}`);
  }
  if (mappings.length === 0) {
    w.unfollowed.push(`${where}: no event source mapping reads the queue (its messages wait there; nothing invokes a function)`);
  }
  for (const m of enabled) addRoute(w, hops, m.functionArn, side, filterPolicy);
}

function followTarget(w: Walk, arn: string, hops: ChainHop[], side: BucketSide): void {
  const service = arnService(arn);
  if (service === 'lambda') addRoute(w, hops, arn, side);
  else if (service === 'sqs') followQueue(w, arn, hops, side);
  else if (service === 'sns') followTopic(w, arn, hops, side);
  else w.unfollowed.push(`${describeHops(hops)} → ${arn}: not a Lambda function, SQS queue or SNS topic (not followed)`);
}

/** Whether a rule's pattern could match some S3 event of this bucket at all (loosely: source, detail-type and bucket name). */
export function patternConcernsBucket(pattern: string | undefined, bucket: string): boolean {
  if (!pattern) return false; // a scheduled rule
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(pattern) as Record<string, unknown>;
  } catch {
    return true; // unreadable here: not ruled out
  }
  const allows = (field: unknown, value: string) =>
    !Array.isArray(field) || !field.every((v) => typeof v === 'string') || (field as string[]).includes(value);
  const detail = parsed.detail as { bucket?: { name?: unknown } } | undefined;
  return allows(parsed.source, 'aws.s3') && allows(detail?.bucket?.name, bucket);
}

function followRules(w: Walk, bucket: string): void {
  const rules = w.world.rules;
  if (rules === undefined) return void w.unfollowed.push('EventBridge (default bus): its rules were not read');
  if (isFailure(rules)) return void w.unfollowed.push(`EventBridge (default bus): cannot list its rules (${rules.error})`);
  const concerned = rules.filter((r) => patternConcernsBucket(r.eventPattern, bucket));
  if (concerned.length === 0) w.unfollowed.push(`EventBridge (default bus): no rule matches S3 events of bucket ${bucket}`);
  for (const rule of concerned) {
    const hops: ChainHop[] = [{ kind: 'eventbridge', rule: rule.name, bus: 'default' }];
    const where = describeHops(hops);
    if (rule.state && rule.state !== 'ENABLED') {
      w.unfollowed.push(`${where}: the rule is ${rule.state}`);
      continue;
    }
    if (isFailure(rule.targets)) {
      w.unfollowed.push(`${where}: cannot list its targets (${rule.targets.error})`);
      continue;
    }
    if (rule.targets.length === 0) w.unfollowed.push(`${where}: the rule has no targets`);
    for (const t of rule.targets) followTarget(w, t.arn, hops, { ...(rule.eventPattern ? { eventPattern: rule.eventPattern } : {}) });
  }
}

/**
 * The chain of one bucket: its Lambda configurations (direct routes), topic and queue configurations followed through
 * `world`, and EventBridge rules whose pattern concerns the bucket. Routes are deduplicated (same hops, same function).
 */
export function buildChain(bucket: string, config: NotificationConfig, world: ChainWorld): Chain {
  const w: Walk = { world, routes: [], unfollowed: [] };
  for (const c of config.LambdaFunctionConfigurations ?? []) if (c.LambdaFunctionArn) addRoute(w, [], c.LambdaFunctionArn, bucketSide(c));
  for (const c of config.TopicConfigurations ?? []) if (c.TopicArn) followTopic(w, c.TopicArn, [], bucketSide(c));
  for (const c of config.QueueConfigurations ?? []) if (c.QueueArn) followQueue(w, c.QueueArn, [], bucketSide(c));
  if (config.EventBridgeConfiguration) followRules(w, bucket);
  const seen = new Set<string>();
  const routes = w.routes.filter((r) => {
    const id = JSON.stringify([r.hops, r.function, r.events, r.filterRules, r.eventPattern, r.filterPolicy]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const unfollowed = [...new Set(w.unfollowed)];
  return { routes, unfollowed, summary: chainSummary(bucket, routes, unfollowed) };
}

/**
 * One line: `test-bucket → SNS uploads → fn-index, fn-resize`; routes through the same hops share their functions (in
 * name order: subscription lists come back in any order);
 * several groups are joined with `; `. No route: `test-bucket → (no function reached)`.
 */
export function chainSummary(bucket: string, routes: readonly ChainRoute[], unfollowed: readonly string[] = []): string {
  const groups = new Map<string, string[]>();
  for (const r of routes) {
    const via = r.hops.map(hopLabel).join(' → ');
    const fns = groups.get(via) ?? [];
    if (!fns.includes(r.function)) fns.push(r.function);
    groups.set(via, fns);
  }
  if (groups.size === 0)
    return `${bucket} → (no function reached${unfollowed.length ? `: ${unfollowed.length} link(s) not followed` : ''})`;
  return [...groups].map(([via, fns]) => [bucket, ...(via ? [via] : []), [...fns].sort().join(', ')].join(' → ')).join('; ');
}

/** Every function the chain reaches, each once, in route order. */
export function chainFunctions(chain: Pick<Chain, 'routes'>): string[] {
  return [...new Set(chain.routes.map((r) => r.function))];
}
