/**
 * The message operations (SQS API Reference): SendMessage(Batch), ReceiveMessage with long polling,
 * DeleteMessage(Batch), ChangeMessageVisibility(Batch). Input and output in the JSON protocol's shape.
 */
import type { NewMessage, Queue, Received, StoredMessage } from './engine.js';
import { invalidValue, missingParameter, SqsError } from './errors.js';
import { optionalInteger, optionalString, queueOf, requiredString, stringList, type Input } from './input.js';
import { md5OfAttributes, type StoredAttribute } from './md5.js';
import { checkAttributes, checkBody, checkDelay, checkSize, messageSize } from './message-input.js';
import type { Operation, OpContext } from './ops-queues.js';

const MAX_BATCH_BYTES = 1048576;

/** Checks one SendMessage (or batch entry) and returns the message to queue. */
export function prepareMessage(queue: Queue, input: Input, senderId: string): NewMessage {
  const body = checkBody(input.MessageBody);
  const attributes = checkAttributes(input.MessageAttributes);
  const systemAttributes = checkAttributes(input.MessageSystemAttributes, 'system');
  checkSize(body, attributes, Number(queue.attributes.MaximumMessageSize));
  const delaySeconds = checkDelay(input.DelaySeconds, Number(queue.attributes.DelaySeconds));
  const dedup = optionalString(input, 'MessageDeduplicationId');
  if (dedup !== undefined) {
    throw invalidValue('MessageDeduplicationId', dedup, 'The request includes a parameter that is not valid for this queue type.');
  }
  return { body, attributes, systemAttributes, delaySeconds, senderId };
}

/**
 * The message as stored: the request's X-Amzn-Trace-Id header becomes its AWSTraceHeader system attribute unless the
 * sender gave one (AWS X-Ray: "the message system attribute overrides the HTTP trace header").
 */
export function withTraceHeader(message: NewMessage, traceHeader: string | undefined): NewMessage {
  if (!traceHeader || message.systemAttributes?.AWSTraceHeader) return message;
  return {
    ...message,
    systemAttributes: { ...message.systemAttributes, AWSTraceHeader: { DataType: 'String', StringValue: traceHeader } },
  };
}

/** SendMessage's answer; MD5OfMessageSystemAttributes covers the system attributes the sender gave (`given`). */
function sentOutput(message: StoredMessage, given: NewMessage['systemAttributes'] = message.systemAttributes): Record<string, unknown> {
  const out: Record<string, unknown> = { MD5OfMessageBody: message.md5OfBody };
  if (message.md5OfAttributes) out.MD5OfMessageAttributes = message.md5OfAttributes;
  const system = md5OfAttributes(given);
  if (system) out.MD5OfMessageSystemAttributes = system;
  out.MessageId = message.id;
  return out;
}

const sendMessage: Operation = (ctx, input) => {
  const queue = queueOf(ctx.engine, input);
  const message = prepareMessage(queue, input, ctx.senderId);
  return sentOutput(ctx.engine.send(queue, withTraceHeader(message, ctx.traceHeader)), message.systemAttributes);
};

type Entry = Input & { Id: string };

/** A batch's own checks (AWS's codes): at least one entry, at most 10, ids valid and distinct. */
function batchEntries(input: Input, entryName: string): Entry[] {
  const entries = input.Entries;
  if (entries !== undefined && entries !== null && !Array.isArray(entries)) throw missingParameter('Entries');
  const list = (entries ?? []) as unknown[];
  if (list.length === 0) throw new SqsError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  if (list.length > 10) {
    throw new SqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${list.length}.`);
  }
  const seen = new Set<string>();
  for (const entry of list) {
    const id = (entry as Input | null)?.Id;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw new SqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (seen.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
  return list as Entry[];
}

/** Runs `each` per entry; an SqsError becomes that entry's Failed record (Code as the query protocol names it). */
function runBatch(entries: Entry[], each: (entry: Entry) => Record<string, unknown>): Record<string, unknown> {
  const Successful: Record<string, unknown>[] = [];
  const Failed: Record<string, unknown>[] = [];
  for (const entry of entries) {
    try {
      Successful.push({ Id: entry.Id, ...each(entry) });
    } catch (err) {
      if (!(err instanceof SqsError)) throw err;
      Failed.push({ Id: entry.Id, SenderFault: true, Code: err.code, Message: err.message });
    }
  }
  return { Successful, Failed };
}

/** Bytes a batch entry counts towards the batch's 1 MiB, read leniently (the entry's own checks come later). */
function entryBytes(entry: Entry): number {
  const body = typeof entry.MessageBody === 'string' ? entry.MessageBody : '';
  const attributes: Record<string, StoredAttribute> = {};
  const given = entry.MessageAttributes;
  if (given && typeof given === 'object') {
    for (const [name, v] of Object.entries(given as Record<string, Record<string, unknown>>)) {
      attributes[name] = {
        DataType: typeof v?.DataType === 'string' ? v.DataType : '',
        ...(typeof v?.BinaryValue === 'string'
          ? { BinaryValue: v.BinaryValue }
          : { StringValue: typeof v?.StringValue === 'string' ? v.StringValue : '' }),
      };
    }
  }
  return messageSize(body, attributes);
}

const sendMessageBatch: Operation = (ctx, input) => {
  const queue = queueOf(ctx.engine, input);
  const entries = batchEntries(input, 'SendMessageBatchRequestEntry');
  const total = entries.reduce((sum, e) => sum + entryBytes(e), 0);
  if (total > MAX_BATCH_BYTES) {
    throw new SqsError(
      'BatchRequestTooLong',
      `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`,
    );
  }
  return runBatch(entries, (entry) => {
    const message = prepareMessage(queue, entry, ctx.senderId);
    const { MD5OfMessageBody, MD5OfMessageAttributes, MD5OfMessageSystemAttributes, MessageId } = sentOutput(
      ctx.engine.send(queue, withTraceHeader(message, ctx.traceHeader)),
      message.systemAttributes,
    );
    return { MessageId, MD5OfMessageBody, MD5OfMessageAttributes, MD5OfMessageSystemAttributes };
  });
};

/** The system attributes ReceiveMessage can return (AttributeNames / MessageSystemAttributeNames) of a standard queue. */
const SYSTEM_ATTRIBUTE_NAMES = new Set([
  'All',
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  // The deprecated AttributeNames list takes queue attribute names too; they select nothing on a message.
  'Policy',
  'VisibilityTimeout',
]);

/** Every system attribute of a message, as strings (timestamps in epoch ms). */
export function systemAttributesOf(m: StoredMessage): Record<string, string> {
  const out: Record<string, string> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
  };
  if (m.systemAttributes.AWSTraceHeader?.StringValue) out.AWSTraceHeader = m.systemAttributes.AWSTraceHeader.StringValue;
  if (m.deadLetterSourceArn) out.DeadLetterQueueSourceArn = m.deadLetterSourceArn;
  return out;
}

/** MessageAttributeNames: `All`, `*` or `.*` for every attribute, `Hel.*` for names starting with `Hel` (as AWS answers it), otherwise exact names. */
export function selectAttributes(attributes: Record<string, StoredAttribute>, names: readonly string[]): Record<string, StoredAttribute> {
  const out: Record<string, StoredAttribute> = {};
  const all = names.includes('All') || names.includes('*') || names.includes('.*');
  for (const [name, value] of Object.entries(attributes)) {
    if (all || names.some((n) => (n.endsWith('.*') ? name.startsWith(n.slice(0, -2)) : n === name))) out[name] = value;
  }
  return out;
}

function messageOutput(received: Received, systemNames: Set<string>, attributeNames: readonly string[]): Record<string, unknown> {
  const m = received.message;
  const out: Record<string, unknown> = { MessageId: m.id, ReceiptHandle: received.receiptHandle, MD5OfBody: m.md5OfBody, Body: m.body };
  const system = systemAttributesOf(m);
  const chosen = Object.fromEntries(Object.entries(system).filter(([k]) => systemNames.has('All') || systemNames.has(k)));
  if (Object.keys(chosen).length > 0) out.Attributes = chosen;
  const attributes = selectAttributes(m.attributes, attributeNames);
  const md5 = md5OfAttributes(attributes);
  if (md5) {
    out.MD5OfMessageAttributes = md5;
    out.MessageAttributes = attributes;
  }
  return out;
}

function rangeChecked(input: Input, name: string, min: number, max: number, reason: string): number | undefined {
  const value = optionalInteger(input, name);
  if (value !== undefined && (value < min || value > max)) throw invalidValue(name, value, reason);
  return value;
}

const receiveMessage: Operation = async (ctx, input) => {
  let queue = queueOf(ctx.engine, input);
  const max = rangeChecked(input, 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
  const visibility = rangeChecked(input, 'VisibilityTimeout', 0, 43200, 'Must be >= 0 and <= 43200, if provided.');
  const wait =
    rangeChecked(input, 'WaitTimeSeconds', 0, 20, 'Must be >= 0 and <= 20, if provided.') ??
    Number(queue.attributes.ReceiveMessageWaitTimeSeconds);
  const systemNames = new Set([...stringList(input, 'AttributeNames'), ...stringList(input, 'MessageSystemAttributeNames')]);
  for (const name of systemNames) {
    if (!SYSTEM_ATTRIBUTE_NAMES.has(name)) throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
  }
  const attributeNames = stringList(input, 'MessageAttributeNames');
  const deadline = Date.now() + wait * 1000;
  for (;;) {
    const got = ctx.engine.receive(queue, max, visibility ?? Number(queue.attributes.VisibilityTimeout));
    if (got.length > 0) return { Messages: got.map((r) => messageOutput(r, systemNames, attributeNames)) };
    const left = deadline - Date.now();
    if (left <= 0 || ctx.signal.aborted) return {};
    await ctx.engine.wait(queue, left, ctx.signal);
    if (ctx.signal.aborted || ctx.engine.isClosed) return {};
    queue = queueOf(ctx.engine, input); // deleted while waiting: QueueDoesNotExist
  }
};

const deleteMessage: Operation = (ctx, input) => {
  const queue = queueOf(ctx.engine, input);
  ctx.engine.deleteMessage(queue, requiredString(input, 'ReceiptHandle'));
  return {};
};

const deleteMessageBatch: Operation = (ctx, input) => {
  const queue = queueOf(ctx.engine, input);
  const entries = batchEntries(input, 'DeleteMessageBatchRequestEntry');
  return runBatch(entries, (entry) => {
    ctx.engine.deleteMessage(queue, requiredString(entry, 'ReceiptHandle'));
    return {};
  });
};

function visibilityOf(input: Input): number {
  const seconds = optionalInteger(input, 'VisibilityTimeout');
  if (seconds === undefined) throw missingParameter('VisibilityTimeout');
  return seconds;
}

const changeMessageVisibility: Operation = (ctx, input) => {
  const queue = queueOf(ctx.engine, input);
  ctx.engine.changeVisibility(queue, requiredString(input, 'ReceiptHandle'), visibilityOf(input));
  return {};
};

const changeMessageVisibilityBatch: Operation = (ctx, input) => {
  const queue = queueOf(ctx.engine, input);
  const entries = batchEntries(input, 'ChangeMessageVisibilityBatchRequestEntry');
  return runBatch(entries, (entry) => {
    ctx.engine.changeVisibility(queue, requiredString(entry, 'ReceiptHandle'), visibilityOf(entry));
    return {};
  });
};

export const MESSAGE_OPERATIONS: Record<string, Operation> = {
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
};

export type { OpContext };
