/**
 * Queue attributes as CreateQueue / SetQueueAttributes take them and GetQueueAttributes answers them (SQS API
 * Reference, "CreateQueue" and "GetQueueAttributes"): the settable ones with their ranges and defaults, the read-only
 * ones, and the RedrivePolicy JSON. Pure, so the rules are table-tested.
 */
import { SqsError } from './errors.js';

/** Settable attributes of a standard queue: default value, and the integer range when numeric. */
const SETTABLE: Record<string, { default?: string; range?: [number, number]; boolean?: true }> = {
  DelaySeconds: { default: '0', range: [0, 900] },
  MaximumMessageSize: { default: '1048576', range: [1024, 1048576] },
  MessageRetentionPeriod: { default: '345600', range: [60, 1209600] },
  ReceiveMessageWaitTimeSeconds: { default: '0', range: [0, 20] },
  VisibilityTimeout: { default: '30', range: [0, 43200] },
  SqsManagedSseEnabled: { default: 'true', boolean: true },
  KmsDataKeyReusePeriodSeconds: { range: [60, 86400] },
  KmsMasterKeyId: {},
  Policy: {},
  RedrivePolicy: {},
  RedriveAllowPolicy: {},
};

/** Computed on each GetQueueAttributes; never settable. */
export const READ_ONLY_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

/** FIFO-only attributes: a standard queue knows none of them. */
const FIFO_ATTRIBUTES = ['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'];

/** Every name GetQueueAttributes accepts (the model's QueueAttributeName enum). */
export const QUEUE_ATTRIBUTE_NAMES = new Set(['All', ...Object.keys(SETTABLE), ...READ_ONLY_ATTRIBUTES, ...FIFO_ATTRIBUTES]);

/** The attributes a new standard queue has before any are given. */
export function defaultQueueAttributes(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, rule] of Object.entries(SETTABLE)) if (rule.default !== undefined) out[name] = rule.default;
  return out;
}

/** A RedrivePolicy as the queue uses it. */
export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

const invalidAttribute = (name: string, reason?: string) =>
  new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`);

/**
 * Parses a RedrivePolicy value (`{"deadLetterTargetArn":…,"maxReceiveCount":1-1000}`, the count a number or a numeric
 * string). Errors: InvalidParameterValue with AWS's reasons.
 */
export function parseRedrivePolicy(value: string): RedrivePolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    throw invalidAttribute('RedrivePolicy', 'Redrive policy is not a valid JSON map.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw invalidAttribute('RedrivePolicy', 'Redrive policy is not a valid JSON map.');
  const { deadLetterTargetArn, maxReceiveCount } = doc as Record<string, unknown>;
  if (typeof deadLetterTargetArn !== 'string' || deadLetterTargetArn === '') {
    throw new SqsError(
      'InvalidParameterValueException',
      "Value for parameter RedrivePolicy is invalid. Reason: The required parameter 'deadLetterTargetArn' is missing",
    );
  }
  if (!/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(deadLetterTargetArn)) {
    throw new SqsError(
      'InvalidParameterValueException',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn.`,
    );
  }
  const count = typeof maxReceiveCount === 'string' && /^\d+$/.test(maxReceiveCount) ? Number(maxReceiveCount) : maxReceiveCount;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
    throw new SqsError(
      'InvalidParameterValueException',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: ${String(maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
    );
  }
  return { deadLetterTargetArn, maxReceiveCount: count };
}

/**
 * Checks attributes given to CreateQueue or SetQueueAttributes and returns them normalised (RedrivePolicy rewritten
 * as AWS stores it, with a numeric count). An empty Policy/RedrivePolicy/RedriveAllowPolicy means "remove" and stays
 * empty here. Errors: InvalidAttributeName (unknown, read-only or FIFO-only names: "Unknown Attribute X."),
 * InvalidAttributeValue (out of range, not an integer, a Policy that is not a JSON object).
 */
export function validateQueueAttributes(given: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(given)) {
    const rule = SETTABLE[name];
    if (!rule && (name === 'DeduplicationScope' || name === 'FifoThroughputLimit')) {
      throw new SqsError('InvalidAttributeName', `You can specify the ${name} only when FifoQueue is set to true.`);
    }
    if (!rule) throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    const value = String(raw);
    if (rule.range) {
      const [min, max] = rule.range;
      if (!/^-?\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) throw invalidAttribute(name);
      out[name] = String(Number(value));
    } else if (rule.boolean) {
      if (!/^(true|false)$/i.test(value)) throw invalidAttribute(name);
      out[name] = value.toLowerCase();
    } else if (name === 'RedrivePolicy') {
      out[name] = value === '' ? '' : JSON.stringify(parseRedrivePolicy(value));
    } else if ((name === 'Policy' || name === 'RedriveAllowPolicy') && value !== '') {
      let doc: unknown;
      try {
        doc = JSON.parse(value);
      } catch {
        throw invalidAttribute(name);
      }
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalidAttribute(name);
      out[name] = value;
    } else out[name] = value;
  }
  return out;
}

/**
 * The names GetQueueAttributes (and CreateQueue's idempotence check) reads; `All` expands to every name.
 * Errors: InvalidAttributeName for a name outside the enum.
 */
export function requestedQueueAttributes(names: readonly string[]): Set<string> | 'all' {
  for (const name of names) {
    if (!QUEUE_ATTRIBUTE_NAMES.has(name)) throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
  }
  return names.includes('All') ? 'all' : new Set(names);
}
