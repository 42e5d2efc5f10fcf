/**
 * Topic and subscription attributes: the names SNS accepts, their validation (messages as AWS answers them), and
 * the computed attributes GetTopicAttributes / GetSubscriptionAttributes add (SNS API reference,
 * SetTopicAttributes / SetSubscriptionAttributes; defaults as recorded from AWS).
 */
import { invalidParameter } from './errors.js';
import { validateFilterPolicy } from './filter-policy.js';
import type { StoredSubscription, StoredTopic } from './store.js';

const FEEDBACK = ['Application', 'HTTP', 'Lambda', 'SQS', 'Firehose'].flatMap((p) => [
  `${p}SuccessFeedbackRoleArn`,
  `${p}SuccessFeedbackSampleRate`,
  `${p}FailureFeedbackRoleArn`,
]);

/** What SetTopicAttributes may set (CreateTopic also takes FifoTopic). */
export const TOPIC_SETTABLE = new Set([
  'DeliveryPolicy',
  'DisplayName',
  'Policy',
  'TracingConfig',
  'KmsMasterKeyId',
  'SignatureVersion',
  'ContentBasedDeduplication',
  'ArchivePolicy',
  'FifoThroughputScope',
  ...FEEDBACK,
]);

/** What Subscribe's Attributes and SetSubscriptionAttributes may set. */
export const SUBSCRIPTION_SETTABLE = new Set([
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
]);

/** The delivery policy every topic reports until one is set (recorded from AWS). */
export const DEFAULT_EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

/** AWS's default topic policy: the owner account may do everything, nobody else (so not `s3.amazonaws.com`). */
export function defaultTopicPolicy(topicArn: string, accountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  });
}

const isJsonObject = (text: string) => {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
};

/** Checks one topic attribute's value; returns the value to store. Errors: InvalidParameter. */
export function checkTopicAttribute(name: string, value: string): string {
  switch (name) {
    case 'Policy':
    case 'DeliveryPolicy':
    case 'ArchivePolicy':
      if (!isJsonObject(value)) throw invalidParameter(`${name}: failed to parse JSON.`);
      return value;
    case 'TracingConfig':
      if (value !== 'Active' && value !== 'PassThrough') throw invalidParameter(`${name}: Invalid value [${value}]`);
      return value;
    case 'DisplayName':
      if (value.length > 100) throw invalidParameter('DisplayName Reason: must be at most 100 characters long');
      return value;
    case 'SignatureVersion':
      if (value !== '1' && value !== '2') throw invalidParameter('SignatureVersion');
      return value;
    case 'FifoTopic':
    case 'ContentBasedDeduplication':
      if (!/^(true|false)$/i.test(value)) throw invalidParameter(`${name}: Invalid value [${value}]. Must be true or false.`);
      return value.toLowerCase();
    default:
      return value;
  }
}

/** GetTopicAttributes' map, in the order AWS answers it, then the attributes set on the topic. */
export function topicAttributes(topic: StoredTopic, subscriptions: StoredSubscription[], accountId: string): [string, string][] {
  const { Policy, DisplayName, DeliveryPolicy, ...rest } = topic.attributes;
  const pending = subscriptions.filter((s) => s.pendingConfirmation).length;
  const out: [string, string][] = [
    ['Policy', Policy ?? defaultTopicPolicy(topic.arn, accountId)],
    ['Owner', accountId],
    ['SubscriptionsPending', String(pending)],
    ['TopicArn', topic.arn],
    ['EffectiveDeliveryPolicy', DeliveryPolicy ?? DEFAULT_EFFECTIVE_DELIVERY_POLICY],
    ['SubscriptionsConfirmed', String(subscriptions.length - pending)],
    ['DisplayName', DisplayName ?? ''],
    ['SubscriptionsDeleted', String(topic.subscriptionsDeleted)],
  ];
  if (DeliveryPolicy !== undefined) out.push(['DeliveryPolicy', DeliveryPolicy]);
  if (rest.FifoTopic === 'true') rest.ContentBasedDeduplication ??= 'false';
  for (const [name, value] of Object.entries(rest)) out.push([name, value]);
  return out;
}

/**
 * Checks one subscription attribute for `protocol`; returns the value to store ('' clears FilterPolicy).
 * `where` is `Attributes Reason: ` for Subscribe, '' for SetSubscriptionAttributes (AWS words them so).
 * Errors: InvalidParameter with AWS's messages.
 */
export function checkSubscriptionAttribute(name: string, value: string, protocol: string, where: string): string {
  if (!SUBSCRIPTION_SETTABLE.has(name)) {
    throw invalidParameter(where ? `${where}Invalid attribute name: ${name}` : 'AttributeName');
  }
  switch (name) {
    case 'RawMessageDelivery': {
      if (!/^(true|false)$/i.test(value))
        throw invalidParameter(`${where}RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      const raw = value.toLowerCase();
      if (raw === 'true' && !['sqs', 'http', 'https', 'firehose'].includes(protocol)) {
        throw invalidParameter(`${where}Delivery protocol [${protocol}] does not support raw message delivery.`);
      }
      return raw;
    }
    case 'FilterPolicyScope':
      if (value !== 'MessageAttributes' && value !== 'MessageBody') {
        throw invalidParameter(`${where}FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
      }
      return value;
    case 'FilterPolicy':
      return value; // checked with its scope by checkFilterPolicy; '' clears it
    case 'RedrivePolicy': {
      let policy: unknown;
      try {
        policy = JSON.parse(value);
      } catch (err) {
        throw invalidParameter(`${where}RedrivePolicy: failed to parse JSON. ${(err as Error).message}`);
      }
      const target = (policy as { deadLetterTargetArn?: unknown } | null)?.deadLetterTargetArn;
      if (typeof target !== 'string' || !/^arn:aws[\w-]*:sqs:[^:]+:\d{12}:[\w-]+(\.fifo)?$/.test(target)) {
        throw invalidParameter(`${where}RedrivePolicy: deadLetterTargetArn is an invalid arn`);
      }
      return value;
    }
    case 'DeliveryPolicy':
    case 'ReplayPolicy':
      if (!isJsonObject(value)) throw invalidParameter(`${where}${name}: failed to parse JSON.`);
      return value;
    default:
      return value;
  }
}

/**
 * Checks a FilterPolicy against its scope (the subscription's FilterPolicyScope, MessageAttributes by default).
 * Errors: InvalidParameter `FilterPolicy: …` as AWS words them.
 */
export function checkFilterPolicy(policy: string, scope: string, where: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch (err) {
    throw invalidParameter(`${where}FilterPolicy: failed to parse JSON. ${(err as Error).message}`);
  }
  const problem = validateFilterPolicy(parsed, scope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes');
  if (problem === 'nested') throw invalidParameter('Filter policy scope MessageAttributes does not support nested filter policy');
  if (problem) throw invalidParameter(`${where}FilterPolicy: ${problem}`);
}

/** GetSubscriptionAttributes' map. */
export function subscriptionAttributes(s: StoredSubscription, accountId: string): [string, string][] {
  const out: [string, string][] = [
    ['ConfirmationWasAuthenticated', 'true'],
    ['Endpoint', s.endpoint],
    ['Owner', s.owner],
    ['PendingConfirmation', String(s.pendingConfirmation)],
    ['Protocol', s.protocol],
    ['RawMessageDelivery', s.attributes.RawMessageDelivery ?? 'false'],
    ['SubscriptionArn', s.arn],
    ['SubscriptionPrincipal', `arn:aws:iam::${accountId}:root`],
    ['TopicArn', s.topicArn],
  ];
  for (const [name, value] of Object.entries(s.attributes)) if (name !== 'RawMessageDelivery') out.push([name, value]);
  if (s.protocol === 'http' || s.protocol === 'https') {
    out.push(['EffectiveDeliveryPolicy', s.attributes.DeliveryPolicy ?? DEFAULT_EFFECTIVE_DELIVERY_POLICY]);
  }
  return out.sort(([a], [b]) => a.localeCompare(b));
}
