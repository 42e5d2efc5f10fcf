/**
 * Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions(ByTopic), Get/SetSubscriptionAttributes (SNS API
 * reference). `lambda` and `sqs` subscriptions are confirmed at once, as on AWS; `http`/`https` ones (loopback URLs
 * only) wait for ConfirmSubscription with the token POSTed to the endpoint.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { checkFilterPolicy, checkSubscriptionAttribute, subscriptionAttributes } from './attributes.js';
import { subscriptionConfirmationBody } from './envelope.js';
import { invalidParameter, missingMember } from './errors.js';
import { checkSubscriptionArn, type SnsModel } from './model.js';
import { page } from './pages.js';
import type { StoredSubscription } from './store.js';
import { readAttributeMap } from './topics.js';
import { element, listXml, mapXml } from './xml.js';

/** Protocols AWS knows that the sandbox does not deliver to. */
const UNDELIVERED = new Set(['email', 'email-json', 'sms', 'application', 'firehose']);

const isLoopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** Checks an endpoint for its protocol; returns it as stored. Errors: InvalidParameter. */
function checkEndpoint(protocol: string, endpoint: string | null, topicArn: string): string {
  if (!endpoint) throw invalidParameter('Endpoint Reason: no value for required parameter');
  if (protocol === 'lambda') {
    if (!/^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w-]{1,64}(:[\w$-]+)?$/.test(endpoint))
      throw invalidParameter('Lambda endpoint ARN');
    return endpoint;
  }
  if (protocol === 'sqs') {
    if (!/^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w-]{1,80}(\.fifo)?$/.test(endpoint)) throw invalidParameter('SQS endpoint ARN');
    if (endpoint.endsWith('.fifo') && !topicArn.endsWith('.fifo')) {
      throw invalidParameter('Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
    }
    return endpoint;
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalidParameter('Endpoint');
  }
  if (url.protocol !== `${protocol}:`) throw invalidParameter('Endpoint must match the specified protocol');
  if (!isLoopback(url.hostname)) {
    throw invalidParameter(
      `Endpoint Reason: the s3trigger sandbox delivers ${protocol} notifications only to this machine (localhost, 127.0.0.1, [::1])`,
    );
  }
  return endpoint;
}

/** Sends the SubscriptionConfirmation POST of a pending http(s) subscription; a failure is logged. */
function sendConfirmation(sns: SnsModel, sub: StoredSubscription): void {
  const messageId = randomUUID();
  const body = subscriptionConfirmationBody(
    { messageId, token: sub.token!, topicArn: sub.topicArn, timestamp: new Date().toISOString() },
    sns.ctx.region,
  );
  const headers = {
    'content-type': 'text/plain; charset=UTF-8',
    'user-agent': 'Amazon Simple Notification Service Agent',
    'x-amz-sns-message-type': 'SubscriptionConfirmation',
    'x-amz-sns-message-id': messageId,
    'x-amz-sns-topic-arn': sub.topicArn,
  };
  fetch(sub.endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) })
    .then(async (res) => {
      await res.body?.cancel().catch(() => {});
      if (res.status < 200 || res.status > 299)
        sns.ctx.log(`sns -> ${sub.protocol}: ${sub.endpoint} answered ${res.status} to the SubscriptionConfirmation`);
    })
    .catch((err: unknown) => {
      sns.ctx.log(
        `sns -> ${sub.protocol}: SubscriptionConfirmation to ${sub.endpoint} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
}

export function subscribe(sns: SnsModel, params: URLSearchParams): string {
  const topic = sns.topic(params.get('TopicArn'));
  const protocol = params.get('Protocol');
  if (!protocol) throw missingMember('protocol');
  if (UNDELIVERED.has(protocol)) {
    throw invalidParameter(
      `Protocol Reason: the s3trigger sandbox does not deliver to ${protocol} subscriptions (only lambda, sqs, http and https)`,
    );
  }
  if (!['lambda', 'sqs', 'http', 'https'].includes(protocol))
    throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
  const endpoint = checkEndpoint(protocol, params.get('Endpoint'), topic.arn);
  const attributes: Record<string, string> = {};
  for (const [name, value] of readAttributeMap(params))
    attributes[name] = checkSubscriptionAttribute(name, value, protocol, 'Attributes Reason: ');
  if (attributes.FilterPolicy) {
    checkFilterPolicy(attributes.FilterPolicy, attributes.FilterPolicyScope ?? 'MessageAttributes', 'Attributes Reason: ');
    attributes.FilterPolicyScope ??= 'MessageAttributes';
  } else delete attributes.FilterPolicy;
  const existing = sns.store.subscriptionsOf(topic.arn).find((s) => s.protocol === protocol && s.endpoint === endpoint);
  const returnArn = params.get('ReturnSubscriptionArn') === 'true';
  if (existing) {
    const defaults: Record<string, string> = { RawMessageDelivery: 'false', FilterPolicyScope: 'MessageAttributes' };
    if (Object.entries(attributes).some(([k, v]) => (existing.attributes[k] ?? defaults[k]) !== v)) {
      throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
    }
    return element('SubscriptionArn', existing.pendingConfirmation && !returnArn ? 'pending confirmation' : existing.arn);
  }
  const pending = protocol === 'http' || protocol === 'https';
  const sub: StoredSubscription = {
    arn: `${topic.arn}:${randomUUID()}`,
    topicArn: topic.arn,
    protocol,
    endpoint,
    owner: sns.ctx.accountId,
    attributes,
    pendingConfirmation: pending,
    ...(pending ? { token: randomBytes(64).toString('hex') } : {}),
  };
  sns.store.subscriptions.set(sub.arn, sub);
  sns.store.save();
  if (pending) setImmediate(() => sendConfirmation(sns, sub));
  return element('SubscriptionArn', pending && !returnArn ? 'pending confirmation' : sub.arn);
}

export function confirmSubscription(sns: SnsModel, params: URLSearchParams): string {
  const topic = sns.topic(params.get('TopicArn'));
  const token = params.get('Token');
  if (!token) throw missingMember('token');
  const sub = sns.store.subscriptionsOf(topic.arn).find((s) => s.token === token);
  if (!sub) throw invalidParameter('Token');
  if (sub.pendingConfirmation) {
    sub.pendingConfirmation = false;
    sns.store.save();
  }
  return element('SubscriptionArn', sub.arn);
}

export function unsubscribe(sns: SnsModel, params: URLSearchParams): undefined {
  const arn = checkSubscriptionArn(params.get('SubscriptionArn'));
  const sub = sns.store.subscriptions.get(arn);
  if (sub) {
    sns.store.subscriptions.delete(arn);
    const topic = sns.store.topics.get(sub.topicArn);
    if (topic) topic.subscriptionsDeleted += 1;
    sns.store.save();
  }
  return undefined;
}

const memberXml = (s: StoredSubscription) =>
  element('TopicArn', s.topicArn) +
  element('Protocol', s.protocol) +
  element('SubscriptionArn', s.pendingConfirmation ? 'PendingConfirmation' : s.arn) +
  element('Owner', s.owner) +
  element('Endpoint', s.endpoint);

export function listSubscriptions(sns: SnsModel, params: URLSearchParams): string {
  const { items, next } = page([...sns.store.subscriptions.values()], (s) => s.arn, params.get('NextToken'));
  return listXml('Subscriptions', items.map(memberXml)) + element('NextToken', next);
}

export function listSubscriptionsByTopic(sns: SnsModel, params: URLSearchParams): string {
  const topic = sns.topic(params.get('TopicArn'));
  const { items, next } = page(sns.store.subscriptionsOf(topic.arn), (s) => s.arn, params.get('NextToken'));
  return listXml('Subscriptions', items.map(memberXml)) + element('NextToken', next);
}

export function getSubscriptionAttributes(sns: SnsModel, params: URLSearchParams): string {
  const sub = sns.subscription(params.get('SubscriptionArn'));
  return mapXml('Attributes', subscriptionAttributes(sub, sns.ctx.accountId));
}

export function setSubscriptionAttributes(sns: SnsModel, params: URLSearchParams): undefined {
  const name = params.get('AttributeName');
  if (!name) throw missingMember('attributeName');
  const sub = sns.subscription(params.get('SubscriptionArn'));
  const value = checkSubscriptionAttribute(name, params.get('AttributeValue') ?? '', sub.protocol, '');
  if (name === 'FilterPolicy') {
    if (value === '') {
      delete sub.attributes.FilterPolicy;
      delete sub.attributes.FilterPolicyScope;
    } else {
      checkFilterPolicy(value, sub.attributes.FilterPolicyScope ?? 'MessageAttributes', '');
      sub.attributes.FilterPolicy = value;
      sub.attributes.FilterPolicyScope ??= 'MessageAttributes';
    }
  } else {
    if (name === 'FilterPolicyScope' && sub.attributes.FilterPolicy) checkFilterPolicy(sub.attributes.FilterPolicy, value, '');
    sub.attributes[name] = value;
  }
  sns.store.save();
  return undefined;
}
