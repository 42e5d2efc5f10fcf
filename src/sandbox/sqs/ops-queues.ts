/**
 * The queue operations (SQS API Reference): CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue,
 * GetQueueAttributes, SetQueueAttributes, and the tag operations. Input and output in the JSON protocol's shape.
 */
import type { SqsEngine, Queue } from './engine.js';
import { invalidParameter, invalidValue, queueDoesNotExist, SqsError } from './errors.js';
import { optionalInteger, optionalString, queueOf, requiredString, stringList, stringMap, type Input } from './input.js';
import { defaultQueueAttributes, requestedQueueAttributes, validateQueueAttributes } from './queue-attributes.js';

/** What every operation gets besides its input. */
export interface OpContext {
  engine: SqsEngine;
  /** The sandbox's endpoint (`http://127.0.0.1:4566`): queue URLs are `<endpoint>/<account>/<name>`. */
  endpoint: string;
  /** The SenderId of messages sent through the API. */
  senderId: string;
  /** Aborts a long poll when the client goes away. */
  signal: AbortSignal;
  /** The request's X-Amzn-Trace-Id header: SendMessage(Batch) stores it as the AWSTraceHeader system attribute. */
  traceHeader?: string;
}

export type Operation = (ctx: OpContext, input: Input) => Promise<Record<string, unknown>> | Record<string, unknown>;

export const queueUrlOf = (ctx: OpContext, queue: Queue) => `${ctx.endpoint}/${ctx.engine.accountId}/${queue.name}`;

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

function checkQueueName(name: string, attributes: Record<string, string>): void {
  if (name.endsWith('.fifo') || attributes.FifoQueue?.toLowerCase() === 'true') {
    throw new SqsError(
      'UnsupportedOperation',
      `FIFO queues are not supported by the s3trigger sandbox yet (queue ${name}): create a standard queue (a name without .fifo, no FifoQueue attribute)`,
    );
  }
  if (!QUEUE_NAME.test(name)) {
    throw invalidParameter('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  }
}

function checkDeadLetterTarget(ctx: OpContext, attributes: Record<string, string>): void {
  const redrive = attributes.RedrivePolicy;
  if (!redrive) return;
  const arn = (JSON.parse(redrive) as { deadLetterTargetArn: string }).deadLetterTargetArn;
  if (!ctx.engine.byArn(arn)) {
    throw invalidValue('RedrivePolicy', redrive, 'Dead-letter target does not exist.');
  }
}

/** The attribute values a queue answers with (stored, computed, defaults). */
export function queueAttributes(ctx: OpContext, queue: Queue, names: Set<string> | 'all'): Record<string, string> {
  const counts = ctx.engine.counts(queue);
  const all: Record<string, string> = {
    ...queue.attributes,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.notVisible),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(queue.createdAt),
    LastModifiedTimestamp: String(queue.lastModifiedAt),
    QueueArn: queue.arn,
  };
  const out: Record<string, string> = {};
  for (const name of Object.keys(all).sort()) if (names === 'all' || names.has(name)) out[name] = all[name]!;
  return out;
}

const createQueue: Operation = (ctx, input) => {
  const name = requiredString(input, 'QueueName');
  const given = stringMap(input, 'Attributes');
  checkQueueName(name, given);
  const attributes = validateQueueAttributes(given);
  const existing = ctx.engine.queues.get(name);
  if (existing) {
    const current = queueAttributes(ctx, existing, 'all');
    const defaults = defaultQueueAttributes();
    for (const [attr, value] of Object.entries(attributes)) {
      if ((current[attr] ?? defaults[attr] ?? '') !== value) {
        throw new SqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${attr}`);
      }
    }
    return { QueueUrl: queueUrlOf(ctx, existing) };
  }
  checkDeadLetterTarget(ctx, attributes);
  const stored = { ...defaultQueueAttributes(), ...attributes };
  for (const key of ['Policy', 'RedrivePolicy', 'RedriveAllowPolicy']) if (stored[key] === '') delete stored[key];
  const queue = ctx.engine.create(name, stored, stringMap(input, 'tags'));
  return { QueueUrl: queueUrlOf(ctx, queue) };
};

const getQueueUrl: Operation = (ctx, input) => {
  const name = requiredString(input, 'QueueName');
  const owner = optionalString(input, 'QueueOwnerAWSAccountId');
  const queue = ctx.engine.queues.get(name);
  if (!queue || (owner !== undefined && owner !== ctx.engine.accountId)) throw queueDoesNotExist();
  return { QueueUrl: queueUrlOf(ctx, queue) };
};

/** NextToken: the base64 of the last name of the page before. */
const listQueues: Operation = (ctx, input) => {
  const prefix = optionalString(input, 'QueueNamePrefix') ?? '';
  const max = optionalInteger(input, 'MaxResults');
  const token = optionalString(input, 'NextToken');
  if (max !== undefined && (max < 1 || max > 1000)) throw invalidValue('MaxResults', max, 'Must be between 1 and 1000, if provided.');
  if (token !== undefined && max === undefined)
    throw invalidParameter('MaxResults is a mandatory parameter when you provide a value for NextToken.');
  const after = token === undefined ? undefined : Buffer.from(token, 'base64').toString('utf8');
  const names = [...ctx.engine.queues.keys()].filter((n) => n.startsWith(prefix) && (after === undefined || n > after)).sort();
  const page = names.slice(0, max ?? 1000);
  const out: Record<string, unknown> = {};
  if (page.length > 0) out.QueueUrls = page.map((n) => queueUrlOf(ctx, ctx.engine.queues.get(n)!));
  if (max !== undefined && names.length > page.length) out.NextToken = Buffer.from(page.at(-1)!).toString('base64');
  return out;
};

const deleteQueue: Operation = (ctx, input) => {
  ctx.engine.deleteQueue(queueOf(ctx.engine, input));
  return {};
};

const purgeQueue: Operation = (ctx, input) => {
  ctx.engine.purge(queueOf(ctx.engine, input));
  return {};
};

const getQueueAttributes: Operation = (ctx, input) => {
  const queue = queueOf(ctx.engine, input);
  const names = stringList(input, 'AttributeNames');
  const requested = requestedQueueAttributes(names);
  if (names.length === 0) return {};
  const attributes = queueAttributes(ctx, queue, requested);
  return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
};

const setQueueAttributes: Operation = (ctx, input) => {
  const queue = queueOf(ctx.engine, input);
  const given = stringMap(input, 'Attributes');
  const attributes = validateQueueAttributes(given);
  checkDeadLetterTarget(ctx, attributes);
  ctx.engine.setAttributes(queue, attributes);
  return {};
};

const tagQueue: Operation = (ctx, input) => {
  const queue = queueOf(ctx.engine, input);
  Object.assign(queue.tags, stringMap(input, 'Tags'));
  ctx.engine.touch();
  return {};
};

const untagQueue: Operation = (ctx, input) => {
  const queue = queueOf(ctx.engine, input);
  for (const key of stringList(input, 'TagKeys')) delete queue.tags[key];
  ctx.engine.touch();
  return {};
};

const listQueueTags: Operation = (ctx, input) => {
  const queue = queueOf(ctx.engine, input);
  return Object.keys(queue.tags).length > 0 ? { Tags: { ...queue.tags } } : {};
};

/** Queues whose RedrivePolicy names this queue as their dead-letter queue. */
const listDeadLetterSourceQueues: Operation = (ctx, input) => {
  const target = queueOf(ctx.engine, input);
  const sources = [...ctx.engine.queues.values()].filter(
    (q) =>
      q.attributes.RedrivePolicy &&
      (JSON.parse(q.attributes.RedrivePolicy) as { deadLetterTargetArn: string }).deadLetterTargetArn === target.arn,
  );
  return { queueUrls: sources.map((q) => queueUrlOf(ctx, q)) };
};

export const QUEUE_OPERATIONS: Record<string, Operation> = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  ListQueues: listQueues,
  DeleteQueue: deleteQueue,
  PurgeQueue: purgeQueue,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  TagQueue: tagQueue,
  UntagQueue: untagQueue,
  ListQueueTags: listQueueTags,
  ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
};
