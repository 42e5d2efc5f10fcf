/**
 * Pure parts of Lambda's SQS poller: the event it invokes the function with, the batch's payload limit, and the
 * reading of a partial batch response. AWS: "Using Lambda with Amazon SQS" (example event) and "Handling errors
 * for an SQS event source in Lambda" (partial batch responses, their success and failure conditions).
 */
import type { SQSRecord } from 'aws-lambda';
import type { ReceivedQueueMessage } from '../../context.js';

/** One record of the event. `md5OfMessageAttributes` is null when the message has no attributes, as AWS sends it. */
export type SqsEventRecord = Omit<SQSRecord, 'md5OfMessageAttributes'> & { md5OfMessageAttributes: string | null };

/** Lambda's limit on a synchronous invocation's payload: a batch stops growing before it (AWS: "or the payload reaches 6 MB"). */
export const MAX_BATCH_PAYLOAD_BYTES = 6 * 1024 * 1024;

const FIRST_ATTRIBUTES = ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp'];

/** The region part of an ARN (`arn:aws:sqs:<region>:…`); empty when it has none. */
export function regionOfArn(arn: string): string {
  return arn.split(':')[3] ?? '';
}

/**
 * The event record for one received message, fields in the order of AWS's example event (the four documented
 * system attributes first, then any others such as the FIFO ones).
 */
export function sqsRecord(message: ReceivedQueueMessage, queueArn: string): SqsEventRecord {
  const attributes: Record<string, string> = {};
  for (const name of FIRST_ATTRIBUTES) if (message.attributes[name] !== undefined) attributes[name] = message.attributes[name];
  for (const [name, value] of Object.entries(message.attributes)) if (!(name in attributes)) attributes[name] = value;
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: attributes as unknown as SQSRecord['attributes'],
    messageAttributes: message.messageAttributes,
    md5OfMessageAttributes: message.md5OfMessageAttributes ?? null,
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: regionOfArn(queueArn),
  };
}

/** The invocation payload for a batch: `{"Records":[…]}`. */
export function sqsEventPayload(messages: readonly ReceivedQueueMessage[], queueArn: string): string {
  return JSON.stringify({ Records: messages.map((m) => sqsRecord(m, queueArn)) });
}

/**
 * A batch under assembly: messages are added while the payload stays within `maxBytes`. `add` returns false (and
 * keeps nothing) for a message that would push the payload over the limit; the batch is then full.
 */
export class BatchAssembly {
  readonly messages: ReceivedQueueMessage[] = [];
  private bytes = Buffer.byteLength('{"Records":[]}');
  private overflowed = false;

  constructor(
    readonly queueArn: string,
    readonly maxMessages: number,
    private readonly maxBytes = MAX_BATCH_PAYLOAD_BYTES,
  ) {}

  get full(): boolean {
    return this.overflowed || this.messages.length >= this.maxMessages;
  }

  /** Messages still wanted (at most 10 per ReceiveMessage). */
  get wanted(): number {
    return Math.min(10, this.maxMessages - this.messages.length);
  }

  add(message: ReceivedQueueMessage): boolean {
    const size = Buffer.byteLength(JSON.stringify(sqsRecord(message, this.queueArn))) + (this.messages.length ? 1 : 0);
    if (this.messages.length > 0 && this.bytes + size > this.maxBytes) {
      this.overflowed = true;
      return false;
    }
    this.messages.push(message);
    this.bytes += size;
    return true;
  }
}

/** How a batch ended: every message processed, some failed (their ids), or the whole batch failed (why). */
export type BatchOutcome = { kind: 'success' } | { kind: 'partial'; failed: string[] } | { kind: 'failure'; reason: string };

/**
 * Reads a function's response as a partial batch response (ReportBatchItemFailures on). Complete success for an
 * empty or null response, a response without `batchItemFailures`, or a null or empty list. Complete failure for
 * a response that is not JSON or not an object, a list that is not a list, and an item whose `itemIdentifier` is
 * missing, null, empty, not a string, or not a message id of the batch.
 */
export function readBatchItemFailures(payload: string, batchIds: ReadonlySet<string>): BatchOutcome {
  if (payload.trim() === '') return { kind: 'success' };
  let response: unknown;
  try {
    response = JSON.parse(payload);
  } catch {
    return { kind: 'failure', reason: 'the function response is not valid JSON' };
  }
  if (response === null) return { kind: 'success' };
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { kind: 'failure', reason: 'the function response is not a JSON object with batchItemFailures' };
  }
  const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return { kind: 'success' };
  if (!Array.isArray(list)) return { kind: 'failure', reason: 'batchItemFailures is not a list' };
  if (list.length === 0) return { kind: 'success' };
  const failed = new Set<string>();
  for (const item of list) {
    const id = item && typeof item === 'object' ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '') {
      return { kind: 'failure', reason: `batchItemFailures has an item without a valid itemIdentifier: ${JSON.stringify(item)}` };
    }
    if (!batchIds.has(id)) return { kind: 'failure', reason: `batchItemFailures names ${id}, which is not a message of the batch` };
    failed.add(id);
  }
  return { kind: 'partial', failed: [...failed] };
}
