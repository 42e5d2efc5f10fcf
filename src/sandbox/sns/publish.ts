/** Publish and PublishBatch (SNS API reference): the message checks AWS makes, then SnsModel.publish. */
import { indexedMembers } from '../protocol/query.js';
import { invalidParameter, missingMember, SnsError } from './errors.js';
import { attributesSize, readMessageAttributes } from './message-attributes.js';
import type { OutgoingMessage, SnsModel } from './model.js';
import type { StoredTopic } from './store.js';
import { element, listXml } from './xml.js';

/** 256 KiB: message plus attributes. */
export const MAX_MESSAGE_BYTES = 262_144;
const MAX_BATCH_ENTRIES = 10;

interface PublishInput {
  message: string | null;
  subject: string | null;
  structure: string | null;
  groupId: string | null;
  deduplicationId: string | null;
}

/** Validates one message for `topic`; `path` names the attributes map in ValidationError messages. */
function outgoing(topic: StoredTopic, input: PublishInput, params: URLSearchParams, prefix: string, path: string): OutgoingMessage {
  const attributes = readMessageAttributes(params, prefix, path);
  if (input.message === null) throw missingMember(path.replace(/messageAttributes$/, 'message'));
  if (input.message === '') throw invalidParameter('Empty message');
  if (Buffer.byteLength(input.message) + attributesSize(attributes) > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
  // Publish's constraint: UTF-8 text with no line breaks or control characters, at most 100 characters.
  if (input.subject !== null && (input.subject === '' || input.subject.length > 100 || /[\u0000-\u001f\u007f]/.test(input.subject))) {
    throw invalidParameter('Subject');
  }
  const fifo = topic.attributes.FifoTopic === 'true';
  if (!fifo && input.deduplicationId !== null) {
    throw invalidParameter(
      'MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
    );
  }
  if (fifo && !input.groupId) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
  if (fifo && !input.deduplicationId && topic.attributes.ContentBasedDeduplication !== 'true') {
    throw invalidParameter('The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  }
  let message: OutgoingMessage['message'] = input.message;
  if (input.structure !== null) {
    if (input.structure !== 'json') throw invalidParameter('MessageStructure');
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.message);
    } catch {
      throw invalidParameter('Message Structure - JSON message body failed to parse');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalidParameter('Message Structure - JSON message body failed to parse');
    }
    const texts = parsed as Record<string, unknown>;
    if (typeof texts.default !== 'string') throw invalidParameter('Message Structure - No default entry in JSON message body');
    message = Object.fromEntries(
      Object.entries(texts).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ) as OutgoingMessage['message'];
  }
  return { message, ...(input.subject !== null ? { subject: input.subject } : {}), attributes };
}

const answer = (sns: SnsModel, topic: StoredTopic, messageId: string) =>
  element('MessageId', messageId) + (topic.attributes.FifoTopic === 'true' ? element('SequenceNumber', sns.nextSequenceNumber()) : '');

export function publish(sns: SnsModel, params: URLSearchParams, traceHeader?: string): string {
  const topicArn = params.get('TopicArn');
  const targetArn = params.get('TargetArn');
  if (params.get('PhoneNumber') !== null) throw invalidParameter('PhoneNumber Reason: the s3trigger sandbox does not send SMS');
  if (topicArn && targetArn) throw invalidParameter('TopicArn or TargetArn Reason: Only one of TopicArn or TargetArn may be specified');
  if (!topicArn && !targetArn) throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  if (targetArn && /:endpoint\//.test(targetArn))
    throw invalidParameter('TargetArn Reason: No endpoint found for the target arn specified');
  const topic = sns.topic(topicArn ?? targetArn, topicArn ? 'TopicArn' : 'TargetArn');
  const out = outgoing(
    topic,
    {
      message: params.get('Message'),
      subject: params.get('Subject'),
      structure: params.get('MessageStructure'),
      groupId: params.get('MessageGroupId'),
      deduplicationId: params.get('MessageDeduplicationId'),
    },
    params,
    'MessageAttributes',
    'messageAttributes',
  );
  return answer(sns, topic, sns.publish(topic, traceHeader ? { ...out, traceHeader } : out));
}

export function publishBatch(sns: SnsModel, params: URLSearchParams, traceHeader?: string): string {
  const topic = sns.topic(params.get('TopicArn'));
  const entries = indexedMembers(params, 'PublishBatchRequestEntries.member');
  if (entries.length === 0) throw new SnsError('EmptyBatchRequest', "The batch request doesn't contain any entries.");
  if (entries.length > MAX_BATCH_ENTRIES)
    throw new SnsError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
  const ids = entries.map((e) => e.Id ?? '');
  for (const id of ids) {
    if (id.length > 80) throw new SnsError('InvalidBatchEntryId', `The Id of a batch entry in the batch request is too long: ${id}`);
    if (!/^[A-Za-z0-9_-]+$/.test(id)) {
      throw new SnsError('InvalidBatchEntryId', `The Id of a batch entry in the batch request contains an impermissible character: ${id}`);
    }
  }
  if (new Set(ids).size !== ids.length)
    throw new SnsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
  const total = entries.reduce((n, e) => n + Buffer.byteLength(e.Message ?? ''), 0);
  if (total > MAX_MESSAGE_BYTES)
    throw new SnsError('BatchRequestTooLong', 'The length of all the messages put together is more than the limit.');
  const successful: string[] = [];
  const failed: string[] = [];
  entries.forEach((entry, i) => {
    try {
      const out = outgoing(
        topic,
        {
          message: entry.Message ?? null,
          subject: entry.Subject ?? null,
          structure: entry.MessageStructure ?? null,
          groupId: entry.MessageGroupId ?? null,
          deduplicationId: entry.MessageDeduplicationId ?? null,
        },
        new URLSearchParams(entry),
        'MessageAttributes',
        `publishBatchRequestEntries.${i + 1}.member.messageAttributes`,
      );
      successful.push(element('Id', entry.Id) + answer(sns, topic, sns.publish(topic, traceHeader ? { ...out, traceHeader } : out)));
    } catch (err) {
      if (!(err instanceof SnsError) || err.code === 'ValidationError') throw err;
      failed.push(element('Id', entry.Id) + element('Code', err.code) + element('Message', err.message) + element('SenderFault', true));
    }
  });
  return listXml('Successful', successful) + listXml('Failed', failed);
}
