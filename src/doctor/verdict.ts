/**
 * `s3trigger doctor`'s judgement, pure: the facts read about a bucket's chain (facts.ts) -> one check per link, each
 * ✓ ok, ✗ fail (with the fix) or ? unknown (the read failed; never counted as a ✗), and whether the event reaches at
 * least one function. The rules are AWS's (S3 User Guide "Amazon S3 Event Notifications", "Configuring event
 * notifications using object key name filtering"; SNS "Subscription filter policies"; EventBridge "Event patterns";
 * Lambda "Using resource-based policies"). The checks follow the chain: bucket -> configurations (event names, key
 * filters) -> destinations (Lambda, SQS -> event source mapping, SNS -> subscriptions, EventBridge -> rules -> targets).
 */
import { lambdaGrantCommand, queueGrantCommand, topicGrantCommand } from '../aws/grants.js';
import { matchesEventPattern } from '../aws/event-pattern.js';
import { resourcePolicyAllows } from '../aws/resource-policy.js';
import { encodeEventKey, eventNameMatches, type KeyFilterRule, keyFilterAccepts } from '../aws/s3-events.js';
import { eventBridgeAccepts, eventBridgeShape } from '../observe/chain-expect.js';
import { arnName, arnService, patternConcernsBucket } from '../observe/chain.js';
import { functionNameOf, logGroupOf } from '../observe/discover.js';
import { buildSampleEvent } from '../sample-event/build.js';
import type { DoctorFacts, RuleFacts } from './facts.js';
import {
  categoryOf,
  confirmSubscriptionHint,
  createMappingCommand,
  enableEventBridgeCommand,
  enableMappingCommand,
  enableRuleCommand,
  putLambdaConfigCommand,
  putRuleCommand,
  putTargetsCommand,
  subscribeCommand,
} from './fixes.js';

export type CheckStatus = 'ok' | 'fail' | 'unknown';

/** One line of the report. `id` is stable for machines (`bucket`, `function:NAME`, `filter:CONFIG-ID`, …). */
export interface Check {
  id: string;
  status: CheckStatus;
  detail: string;
  /** What to do, often the exact AWS CLI command; for ✗, and for ? when there is something to try. */
  fix?: string;
}

export interface Verdict {
  checks: Check[];
  /** The functions the event reaches (every link ✓ or ?), in the order found. */
  reached: string[];
  /** 0: the event reaches at least one function; 1: none (a ✗ or an unreadable configuration says why). */
  exitCode: 0 | 1;
  /** One line: `the event reaches fn-a, fn-b` or why it reaches none. */
  summary: string;
}

interface Config {
  kind: 'lambda' | 'queue' | 'topic';
  id: string;
  arn: string;
  events: string[];
  rules: KeyFilterRule[];
}

/** The characters an encoded key can contain (encodeEventKey): a filter value with any other never matches. */
const NOT_IN_ENCODED_KEY = /[^A-Za-z0-9.\-*_/+%]/;

const S3 = 's3.amazonaws.com';
const SNS = 'sns.amazonaws.com';
const EVENTS = 'events.amazonaws.com';

const LAX_NOTE = ' (this sandbox runs without --strict and delivers anyway; AWS, and s3trigger sandbox --strict, refuse)';

const accountOf = (arn: string) => arn.split(':')[4] || undefined;
const quoteKey = (k: string) => `'${k}'`;

class Walk {
  readonly checks: Check[] = [];
  readonly reached: string[] = [];
  private readonly ids = new Set<string>();
  constructor(readonly facts: DoctorFacts) {}

  add(check: Check): boolean {
    if (!this.ids.has(check.id)) {
      this.ids.add(check.id);
      this.checks.push(check);
    }
    return check.status !== 'fail';
  }
  ok(id: string, detail: string): true {
    this.add({ id, status: 'ok', detail });
    return true;
  }
  fail(id: string, detail: string, fix: string): false {
    this.add({ id, status: 'fail', detail, fix });
    return false;
  }
  unknown(id: string, detail: string, fix?: string): true {
    this.add({ id, status: 'unknown', detail, ...(fix ? { fix } : {}) });
    return true;
  }
  get fixTarget() {
    return { region: this.facts.region, ...(this.facts.endpoint ? { endpoint: this.facts.endpoint } : {}) };
  }
}

function configsOf(facts: DoctorFacts): Config[] {
  if (!facts.notification.ok) return [];
  const n = facts.notification.value;
  const rulesOf = (c: { Filter?: { Key?: { FilterRules?: KeyFilterRule[] } } }) => c.Filter?.Key?.FilterRules ?? [];
  return [
    ...(n.LambdaFunctionConfigurations ?? []).map((c, i) => ({
      kind: 'lambda' as const,
      id: c.Id ?? `lambda-${i + 1}`,
      arn: c.LambdaFunctionArn ?? '',
      events: c.Events ?? [],
      rules: rulesOf(c),
    })),
    ...(n.QueueConfigurations ?? []).map((c, i) => ({
      kind: 'queue' as const,
      id: c.Id ?? `queue-${i + 1}`,
      arn: c.QueueArn ?? '',
      events: c.Events ?? [],
      rules: rulesOf(c),
    })),
    ...(n.TopicConfigurations ?? []).map((c, i) => ({
      kind: 'topic' as const,
      id: c.Id ?? `topic-${i + 1}`,
      arn: c.TopicArn ?? '',
      events: c.Events ?? [],
      rules: rulesOf(c),
    })),
  ];
}

const KIND_LABEL = { lambda: 'Lambda', queue: 'SQS', topic: 'SNS' } as const;
const configLabel = (c: Config) =>
  `configuration '${c.id}' (${KIND_LABEL[c.kind]} ${c.kind === 'lambda' ? functionNameOf(c.arn) : arnName(c.arn)})`;

/** `prefix 'a/' and suffix '.jpg'`, or `every key`. */
export function describeRules(rules: readonly KeyFilterRule[]): string {
  const parts = rules.map((r) => `${(r.Name ?? '').toLowerCase()} ${quoteKey(r.Value ?? '')}`);
  return parts.length ? `keys with ${parts.join(' and ')}` : 'every key';
}

const ruleAccepts = (rule: KeyFilterRule, key: string) => keyFilterAccepts([rule], key);
const rawAccepts = (rule: KeyFilterRule, key: string) => {
  const name = rule.Name?.toLowerCase();
  const value = rule.Value ?? '';
  return name === 'prefix' ? key.startsWith(value) : name === 'suffix' ? key.endsWith(value) : true;
};

/** The filter check of one configuration that covers the event name; true when the key (or some key) passes. */
function judgeFilter(w: Walk, c: Config): boolean {
  const key = w.facts.key;
  const id = `filter:${c.id}`;
  const never = c.rules.find((r) => NOT_IN_ENCODED_KEY.test(r.Value ?? ''));
  if (key === undefined) {
    if (never) {
      const value = never.Value ?? '';
      return w.fail(
        id,
        `${configLabel(c)}: filter ${never.Name?.toLowerCase()} ${quoteKey(value)} never matches: S3 compares with the encoded key (${quoteKey(encodeEventKey(value))} for such keys)`,
        `set the filter's Value to ${quoteKey(encodeEventKey(value))} (prefix and suffix are compared with the URL-encoded key)`,
      );
    }
    return w.ok(id, `${configLabel(c)} accepts ${describeRules(c.rules)} (compared with the URL-encoded key)`);
  }
  const encoded = encodeEventKey(key);
  const shown = encoded === key ? quoteKey(key) : `${quoteKey(key)} (encoded ${quoteKey(encoded)})`;
  const refusing = c.rules.find((r) => !ruleAccepts(r, key));
  if (!refusing)
    return w.ok(id, `${configLabel(c)}: key ${shown} passes ${c.rules.length ? describeRules(c.rules) : 'its filters (none)'}`);
  const name = refusing.Name?.toLowerCase() ?? 'prefix';
  const value = refusing.Value ?? '';
  if (rawAccepts(refusing, key)) {
    return w.fail(
      id,
      `${configLabel(c)}: filter ${name} ${quoteKey(value)} never matches: S3 compares with the encoded key ${quoteKey(encoded)}`,
      `set the filter's Value to ${quoteKey(encodeEventKey(value))} (prefix and suffix are compared with the URL-encoded key)`,
    );
  }
  return w.fail(
    id,
    `${configLabel(c)}: key ${shown} does not ${name === 'prefix' ? 'start' : 'end'} with filter ${name} ${quoteKey(value)}`,
    `use a key that ${name === 'prefix' ? 'starts' : 'ends'} with ${quoteKey(value)}, or change the filter of configuration '${c.id}'`,
  );
}

/** Whether the resource policy (undefined: none) allows the principal, or a ✗ with the grant. */
function permission(w: Walk, id: string, subject: string, allowed: boolean, fix: string): boolean {
  if (allowed) return w.ok(id, subject);
  return w.fail(id, `${subject.replace(/ allows /, ' does not allow ')}${w.facts.laxSandbox ? LAX_NOTE : ''}`, fix);
}

/** A function at the end of a route: exists, lets `principal` invoke it (none for an event source mapping), logs. */
/** `upstream`: every link before this function passed (only then is the function reached). */
function followFunction(w: Walk, ref: string, invoker?: { principal: string; sourceArn: string }, upstream = true): boolean {
  const name = functionNameOf(ref);
  const f = w.facts.functions.get(name);
  if (!f) return w.unknown(`function:${name}`, `function ${name}: not read`);
  if (!f.exists.ok) {
    if (f.exists.missing) {
      return w.fail(
        `function:${name}`,
        `function ${name} does not exist${ref.startsWith('arn:') ? ` (${ref})` : ''}`,
        `create it, or point the configuration at an existing function (${w.facts.endpoint ? `aws --endpoint-url ${w.facts.endpoint}` : 'aws'} lambda list-functions)`,
      );
    }
    w.unknown(`function:${name}`, `function ${name}: cannot check it (${f.exists.reason})`);
  } else {
    w.ok(`function:${name}`, `function ${name} exists`);
  }
  let passes = true;
  if (invoker) {
    const id = `permission:${name}:${invoker.principal}`;
    const subject = `the resource policy of ${name} allows ${invoker.principal} to invoke it for ${invoker.sourceArn}`;
    const fix = lambdaGrantCommand(
      f.exists.ok ? f.exists.value.arn : ref,
      invoker.principal,
      invoker.sourceArn,
      w.fixTarget,
      invoker.principal === S3 ? 's3invoke' : undefined,
    );
    if (!f.policy.ok) {
      w.unknown(id, `cannot read the resource policy of ${name} (${f.policy.reason})`, `if deliveries fail, grant it: ${fix}`);
    } else {
      const allowed = resourcePolicyAllows(f.policy.value, {
        principal: invoker.principal,
        action: 'lambda:InvokeFunction',
        sourceArn: invoker.sourceArn,
        ...(accountOf(invoker.sourceArn) ? { sourceAccount: accountOf(invoker.sourceArn) } : {}),
      });
      const none = f.policy.value === undefined ? ' (it has no resource policy)' : '';
      passes = permission(w, id, subject, allowed, fix) && passes;
      if (!allowed && none) w.checks.at(-1)!.detail += none;
    }
  }
  if (f.exists.ok || !f.exists.missing) {
    const group = logGroupOf(name);
    if (!f.logGroup.ok) w.unknown(`log-group:${name}`, `cannot check log group ${group} (${f.logGroup.reason})`);
    else if (f.logGroup.value) w.ok(`log-group:${name}`, `log group ${group} exists`);
    else {
      w.unknown(
        `log-group:${name}`,
        `log group ${group} does not exist: the function has never run (or its role cannot write logs)`,
        `it appears with the first invocation; if the function has run, give its role logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents`,
      );
    }
  }
  if (passes && upstream && !w.reached.includes(name)) w.reached.push(name);
  return passes;
}

function followQueue(w: Walk, arn: string, sender: { principal: string; sourceArn: string }, upstream = true): boolean {
  const name = arnName(arn);
  const q = w.facts.queues.get(arn);
  if (!q) return w.unknown(`queue:${name}`, `queue ${name}: not read`);
  let passes = true;
  if (!q.attributes.ok) {
    if (q.attributes.missing) {
      return w.fail(`queue:${name}`, `queue ${arn} does not exist`, `create it, or point the configuration at an existing queue`);
    }
    w.unknown(`queue:${name}`, `cannot read queue ${name} (${q.attributes.reason})`);
  } else {
    w.ok(`queue:${name}`, `queue ${name} exists`);
    const allowed = resourcePolicyAllows(q.attributes.value.policy, {
      principal: sender.principal,
      action: 'sqs:SendMessage',
      sourceArn: sender.sourceArn,
    });
    passes = permission(
      w,
      `queue-policy:${name}:${sender.principal}`,
      `the policy of queue ${name} allows ${sender.principal} to send messages from ${sender.sourceArn}`,
      allowed,
      queueGrantCommand(arn, sender.principal, sender.sourceArn, w.fixTarget),
    );
  }
  const id = `mapping:${name}`;
  if (!q.mappings.ok) return w.unknown(id, `cannot list the event source mappings of queue ${name} (${q.mappings.reason})`) && passes;
  if (q.mappings.value.length === 0) {
    return w.fail(
      id,
      `no event source mapping reads queue ${name}: its messages wait there and nothing invokes a function`,
      createMappingCommand(w.facts.endpoint, arn),
    );
  }
  let any = false;
  for (const m of q.mappings.value) {
    const fn = functionNameOf(m.functionArn);
    if (/^(Disabled|Disabling|Deleting)$/.test(m.state ?? '')) {
      w.fail(
        `${id}:${fn}`,
        `the event source mapping from queue ${name} to ${fn} is ${m.state}`,
        m.uuid
          ? enableMappingCommand(w.facts.endpoint, m.uuid)
          : 'enable it (aws lambda update-event-source-mapping --uuid UUID --enabled)',
      );
      continue;
    }
    w.ok(`${id}:${fn}`, `event source mapping from queue ${name} to ${fn} is ${m.state ?? 'present'}`);
    if (followFunction(w, m.functionArn, undefined, upstream && passes)) any = true;
  }
  return passes && any;
}

/** The S3 event message S3 publishes for this key (the sample builder's record); undefined without --key. */
function s3Message(w: Walk): unknown {
  const { key, eventName, bucket } = w.facts;
  if (key === undefined) return undefined;
  const region = w.facts.bucketRegion.ok ? w.facts.bucketRegion.value : w.facts.region;
  return buildSampleEvent({ eventName, bucket, key, region, seed: 0 });
}

function followTopic(w: Walk, arn: string, sender: { principal: string; sourceArn: string }, upstream = true): boolean {
  const name = arnName(arn);
  const t = w.facts.topics.get(arn);
  if (!t) return w.unknown(`topic:${name}`, `topic ${name}: not read`);
  let passes = true;
  if (!t.attributes.ok) {
    if (t.attributes.missing) {
      return w.fail(`topic:${name}`, `topic ${arn} does not exist`, `create it, or point the configuration at an existing topic`);
    }
    w.unknown(`topic:${name}`, `cannot read topic ${name} (${t.attributes.reason})`);
  } else {
    w.ok(`topic:${name}`, `topic ${name} exists`);
    const allowed = resourcePolicyAllows(t.attributes.value.policy, {
      principal: sender.principal,
      action: 'SNS:Publish',
      sourceArn: sender.sourceArn,
    });
    passes = permission(
      w,
      `topic-policy:${name}:${sender.principal}`,
      `the policy of topic ${name} allows ${sender.principal} to publish from ${sender.sourceArn}`,
      allowed,
      topicGrantCommand(arn, sender.principal, sender.sourceArn, w.fixTarget),
    );
  }
  const id = `subscriptions:${name}`;
  if (!t.subscriptions.ok) return w.unknown(id, `cannot list the subscriptions of topic ${name} (${t.subscriptions.reason})`) && passes;
  if (t.subscriptions.value.length === 0) {
    return w.fail(id, `topic ${name} has no subscriptions: what S3 publishes there goes nowhere`, subscribeCommand(w.facts.endpoint, arn));
  }
  w.ok(id, `topic ${name} has ${t.subscriptions.value.length} subscription(s)`);
  let any = false;
  for (const sub of t.subscriptions.value) {
    const subId = `subscription:${name}:${sub.protocol}:${sub.protocol === 'lambda' ? functionNameOf(sub.endpoint) : arnName(sub.endpoint)}`;
    if (sub.subscriptionArn === 'PendingConfirmation') {
      w.fail(subId, `the ${sub.protocol} subscription of ${sub.endpoint} to ${name} is pending confirmation`, confirmSubscriptionHint(arn));
      continue;
    }
    if (sub.protocol !== 'lambda' && sub.protocol !== 'sqs') {
      w.ok(subId, `${sub.protocol} subscription ${sub.endpoint}: not a function or queue (not followed)`);
      continue;
    }
    if (sub.filterPolicy && !judgeFilterPolicy(w, subId, sub.filterPolicy, sub.filterPolicyScope, sub.endpoint)) continue;
    const invoker = { principal: SNS, sourceArn: arn };
    const on = upstream && passes;
    const reaches = sub.protocol === 'lambda' ? followFunction(w, sub.endpoint, invoker, on) : followQueue(w, sub.endpoint, invoker, on);
    if (reaches) any = true;
  }
  return passes && any;
}

/** A subscription's FilterPolicy against the exact message S3 publishes (no message attributes: S3 sets none). */
function judgeFilterPolicy(w: Walk, id: string, policyText: string, scope: string | undefined, endpoint: string): boolean {
  let policy: unknown;
  try {
    policy = JSON.parse(policyText);
  } catch {
    return w.unknown(`${id}:filter`, `the filter policy of ${endpoint} is not JSON`);
  }
  const message = s3Message(w);
  if (message === undefined)
    return w.ok(`${id}:filter`, `subscription ${endpoint} has a filter policy ${policyText} (give --key to judge it)`);
  const bodyScope = scope === 'MessageBody';
  const matches = matchesEventPattern(policy, bodyScope ? message : {});
  if (matches)
    return w.ok(`${id}:filter`, `the filter policy of ${endpoint} (${bodyScope ? 'MessageBody' : 'MessageAttributes'}) accepts this event`);
  return w.fail(
    `${id}:filter`,
    bodyScope
      ? `the filter policy of ${endpoint} (MessageBody) ${policyText} refuses this S3 message (size, eTag and times taken as samples)`
      : `the filter policy of ${endpoint} ${policyText} filters on message attributes, and S3 publishes none: it refuses every S3 event`,
    bodyScope
      ? 'change the filter policy (it sees the S3 event JSON: Records[].s3.object.key is URL-encoded)'
      : 'set FilterPolicyScope to MessageBody and filter on the S3 event JSON (e.g. {"Records":{"s3":{"object":{"key":[{"prefix":"..."}]}}}})',
  );
}

function ruleArnOf(w: Walk, rule: RuleFacts): string {
  if (rule.arn) return rule.arn;
  const targets = rule.targets.ok ? rule.targets.value : [];
  const account = targets.map((t) => accountOf(t.arn)).find(Boolean) ?? 'ACCOUNT';
  return `arn:aws:events:${w.facts.region}:${account}:rule/${rule.name}`;
}

/** Rules on the default bus whose pattern matches the event S3 sends EventBridge (with --key: exactly; without: on what is known). */
function matchingRules(w: Walk, rules: readonly RuleFacts[]): RuleFacts[] | string {
  const { bucket, key, eventName } = w.facts;
  let event: unknown;
  try {
    event = buildSampleEvent({ eventName, bucket, key: key ?? '', via: 'eventbridge', seed: 0, region: w.facts.region });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return rules.filter((r) => {
    if (!patternConcernsBucket(r.eventPattern, bucket)) return false;
    let pattern: unknown;
    try {
      pattern = JSON.parse(r.eventPattern ?? '');
    } catch {
      return true;
    }
    if (key !== undefined) return matchesEventPattern(pattern, event);
    return eventBridgeAccepts(pattern, eventBridgeShape(bucket, undefined as unknown as string, eventName));
  });
}

function followEventBridge(w: Walk, enabled: boolean): boolean {
  const { bucket, eventName } = w.facts;
  const rules = w.facts.rules;
  const detailType = eventName.startsWith('ObjectRemoved') ? 'Object Deleted' : 'Object Created';
  if (!enabled) {
    if (!rules.ok) return false;
    const matching = matchingRules(w, rules.value);
    if (typeof matching === 'string' || matching.length === 0) return false;
    return w.fail(
      'eventbridge',
      `rule(s) ${matching.map((r) => r.name).join(', ')} on the default bus match S3 events of ${bucket}, but the bucket does not send events to EventBridge`,
      enableEventBridgeCommand(w.facts.endpoint, bucket),
    );
  }
  w.ok('eventbridge', `bucket ${bucket} sends every event to EventBridge (default bus)`);
  if (!rules.ok) return w.unknown('eventbridge-rules', `cannot list the rules of the default bus (${rules.reason})`);
  const matching = matchingRules(w, rules.value);
  if (typeof matching === 'string') return w.fail('eventbridge-rules', matching, 'use another event type, or a direct configuration');
  if (matching.length === 0) {
    return w.fail(
      'eventbridge-rules',
      `no rule on the default bus matches ${eventName} events of bucket ${bucket}${w.facts.key !== undefined ? ` on key '${w.facts.key}'` : ''}`,
      `${putRuleCommand(w.facts.endpoint, bucket, detailType)}; then ${putTargetsCommand(w.facts.endpoint, `${bucket}-s3-events`)}`,
    );
  }
  let any = false;
  for (const rule of matching) {
    const id = `rule:${rule.name}`;
    if (rule.state && rule.state !== 'ENABLED') {
      w.fail(id, `rule ${rule.name} matches, but it is ${rule.state}`, enableRuleCommand(w.facts.endpoint, rule.name));
      continue;
    }
    if (!rule.targets.ok) {
      w.unknown(id, `rule ${rule.name} matches; cannot list its targets (${rule.targets.reason})`);
      continue;
    }
    if (rule.targets.value.length === 0) {
      w.fail(id, `rule ${rule.name} matches, but it has no targets`, putTargetsCommand(w.facts.endpoint, rule.name));
      continue;
    }
    w.ok(id, `rule ${rule.name} matches this event (${rule.targets.value.length} target(s))`);
    const sender = { principal: EVENTS, sourceArn: ruleArnOf(w, rule) };
    for (const t of rule.targets.value) {
      const service = arnService(t.arn);
      const reaches =
        service === 'lambda'
          ? followFunction(w, t.arn, sender)
          : service === 'sqs'
            ? followQueue(w, t.arn, sender)
            : service === 'sns'
              ? followTopic(w, t.arn, sender)
              : w.ok(`target:${rule.name}:${t.arn}`, `target ${t.arn}: not a function, queue or topic (not followed)`) && false;
      if (reaches) any = true;
    }
  }
  return any;
}

/**
 * Three keys each made from the one before (`a.jpg`, `thumbs/a.jpg`, `thumbs/thumbs/a.jpg`) among the keys a function's
 * recent invocations got: the trace of a function writing into the bucket that triggers it. Two are not enough
 * (a copy to `copy_a.jpg` is ordinary).
 */
export function derivedKeyChain(keys: readonly string[]): [string, string, string] | undefined {
  const distinct = [...new Set(keys)].filter((k) => k.length > 0);
  for (const a of distinct)
    for (const b of distinct) {
      if (a === b || !b.includes(a)) continue;
      const c = distinct.find((k) => k !== b && k.includes(b));
      if (c) return [a, b, c];
    }
  return undefined;
}

function judgeRecursion(w: Walk): void {
  for (const name of w.reached) {
    const id = `recursion:${name}`;
    const keys = w.facts.recentKeys.get(name);
    if (!keys) continue;
    if (!keys.ok) {
      w.unknown(id, `recursion risk of ${name}: cannot read its recent logs (${keys.reason})`);
      continue;
    }
    const chain = derivedKeyChain(keys.value);
    if (chain) {
      w.fail(
        id,
        `recursion risk: ${name} got events for ${chain.map(quoteKey).join(', then ')} of bucket ${w.facts.bucket}: it may be writing into the bucket that triggers it (S3 event -> Lambda -> S3 event ...)`,
        'write its output to another bucket, or add a prefix/suffix filter that leaves its output out',
      );
    } else if (w.facts.isRealAws) {
      w.unknown(
        id,
        `recursion risk of ${name}: no sign in its recent logs; its IAM permissions are not checked`,
        `make sure its role cannot write to arn:aws:s3:::${w.facts.bucket}, or that the filters leave its output out`,
      );
    } else {
      w.ok(id, `no sign of ${name} writing into bucket ${w.facts.bucket} in its recent logs (${keys.value.length} key(s) seen)`);
    }
  }
}

function judgeTail(w: Walk): void {
  const tail = w.facts.tail;
  if (!tail) return;
  if (!tail.ok) w.unknown('tail', `cannot tell whether live tail is available (${tail.reason})`);
  else if (tail.value.live) w.ok('tail', 'live tail (StartLiveTail) is available: s3trigger sees invocations as they are logged');
  else w.ok('tail', `no live tail here (${tail.value.why}): s3trigger polls FilterLogEvents instead`);
}

function judgeBucket(w: Walk): boolean {
  const { bucket, bucketRegion, region } = w.facts;
  if (!bucketRegion.ok) {
    if (bucketRegion.missing) {
      return w.fail(
        'bucket',
        `bucket ${bucket} does not exist`,
        `check the name, or create it: ${w.facts.endpoint ? `aws --endpoint-url ${w.facts.endpoint}` : 'aws'} s3 mb s3://${bucket}`,
      );
    }
    return w.unknown('bucket', `cannot read the region of bucket ${bucket} (${bucketRegion.reason})`);
  }
  if (bucketRegion.value !== region) {
    return w.fail(
      'bucket',
      `bucket ${bucket} is in ${bucketRegion.value}, not ${region}: its functions, topics and queues are looked up in the wrong region (S3 notifies destinations in the bucket's region only)`,
      `add --region ${bucketRegion.value}`,
    );
  }
  return w.ok('bucket', `bucket ${bucket} exists (region ${region})`);
}

/** The checks, what the event reaches, and the exit code. */
export function judge(facts: DoctorFacts): Verdict {
  const w = new Walk(facts);
  const { bucket, eventName } = facts;
  const bucketArn = `arn:aws:s3:::${bucket}`;
  judgeBucket(w);
  if (facts.bucketRegion.ok || !facts.bucketRegion.missing) {
    const configs = configsOf(facts);
    const eventBridge = facts.notification.ok && facts.notification.value.EventBridgeConfiguration !== undefined;
    if (!facts.notification.ok) {
      w.unknown('notification', `cannot read the notification configuration of ${bucket} (${facts.notification.reason})`);
    } else if (configs.length === 0 && !eventBridge) {
      w.fail(
        'notification',
        `bucket ${bucket} has no notification configuration: S3 sends its events nowhere`,
        putLambdaConfigCommand(facts.endpoint, bucket, eventName),
      );
    } else {
      const parts = [`${configs.length} configuration(s)`, ...(eventBridge ? ['EventBridge on'] : [])];
      w.ok('notification', `bucket ${bucket} has a notification configuration: ${parts.join(', ')}`);
    }
    const covering = configs.filter((c) => c.events.some((e) => eventNameMatches(e, eventName)));
    if (configs.length > 0) {
      const others = configs.filter((c) => !covering.includes(c)).map((c) => `'${c.id}': ${c.events.join(', ')}`);
      if (covering.length > 0) {
        w.ok(
          'events',
          `s3:${eventName} is covered by ${covering.map((c) => `'${c.id}'`).join(', ')}${others.length ? ` (not by ${others.join('; ')})` : ''}`,
        );
      } else if (eventBridge) {
        w.ok('events', `no configuration covers s3:${eventName} (${others.join('; ')}); EventBridge gets every event`);
      } else {
        w.fail(
          'events',
          `no configuration covers s3:${eventName}: ${others.join('; ')}`,
          `add "s3:${categoryOf(eventName)}:*" (or "s3:${eventName}") to the Events of configuration '${configs[0]!.id}'`,
        );
      }
    }
    for (const c of covering) {
      if (!judgeFilter(w, c)) continue;
      const sender = { principal: S3, sourceArn: bucketArn };
      if (c.kind === 'lambda') followFunction(w, c.arn, sender);
      else if (c.kind === 'queue') followQueue(w, c.arn, sender);
      else followTopic(w, c.arn, sender);
    }
    if (facts.notification.ok) followEventBridge(w, eventBridge);
  }
  judgeRecursion(w);
  judgeTail(w);
  const reached = w.reached;
  const fails = w.checks.filter((c) => c.status === 'fail').length;
  const summary = reached.length
    ? `the event reaches ${reached.join(', ')}${fails ? ` (${fails} ✗ on other links)` : ''}`
    : fails
      ? 'the event reaches no function: fix the ✗ above'
      : 'the event reaches no function that could be found (see ? above)';
  return { checks: w.checks, reached, exitCode: reached.length ? 0 : 1, summary };
}
