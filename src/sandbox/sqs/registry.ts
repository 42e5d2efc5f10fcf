/**
 * SQS's side of the sandbox context (`ctx.queues`, the QueueRegistry of context.ts): S3, SNS and EventBridge send
 * through it, Lambda's event source mappings receive, delete and change visibility through it. Same checks and
 * behaviour as the API (message-input.ts, engine.ts); records in the shape of Lambda's SQS event.
 */
import { resourcePolicyAllows } from '../../aws/resource-policy.js';
import type { QueueMessageAttribute, QueueRegistry, ReceivedQueueMessage } from '../context.js';
import type { Queue, SqsEngine } from './engine.js';
import { invalidValue, queueDoesNotExist, SqsError } from './errors.js';
import type { StoredAttribute } from './md5.js';
import { md5OfAttributes } from './md5.js';
import { prepareMessage, systemAttributesOf } from './ops-messages.js';

function wireAttributes(attributes: Record<string, QueueMessageAttribute> | undefined): Record<string, unknown> | undefined {
  if (!attributes) return undefined;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, a]) => [
      name,
      {
        DataType: a.DataType,
        ...(a.StringValue !== undefined ? { StringValue: a.StringValue } : {}),
        ...(a.BinaryValue !== undefined ? { BinaryValue: Buffer.from(a.BinaryValue).toString('base64') } : {}),
      },
    ]),
  );
}

/** Lambda's spelling of a message attribute in an SQS event record. */
function lambdaAttribute(a: StoredAttribute): ReceivedQueueMessage['messageAttributes'][string] {
  return {
    ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
    ...(a.BinaryValue !== undefined ? { binaryValue: a.BinaryValue } : {}),
    stringListValues: [],
    binaryListValues: [],
    dataType: a.DataType,
  };
}

/** The QueueRegistry over one engine (see context.ts for each method's contract). */
export function createQueueRegistry(engine: SqsEngine): QueueRegistry {
  const queue = (arn: string): Queue => {
    const q = engine.byArn(arn);
    if (!q) throw queueDoesNotExist();
    return q;
  };
  return {
    exists: (arn) => engine.byArn(arn) !== undefined,
    send(arn, body, options = {}) {
      const q = queue(arn);
      const input = {
        MessageBody: body,
        MessageAttributes: wireAttributes(options.messageAttributes),
        ...(options.traceHeader
          ? { MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: options.traceHeader } } }
          : {}),
      };
      const message = engine.send(q, prepareMessage(q, input, options.senderId ?? engine.accountId));
      return { messageId: message.id };
    },
    receive(arn, { max, visibilityTimeoutSeconds }) {
      const q = queue(arn);
      if (!Number.isInteger(max) || max < 1 || max > 10)
        throw invalidValue('MaxNumberOfMessages', max, 'Must be between 1 and 10, if provided.');
      const visibility = visibilityTimeoutSeconds ?? Number(q.attributes.VisibilityTimeout);
      return engine.receive(q, max, visibility).map(({ message: m, receiptHandle }) => {
        const record: ReceivedQueueMessage = {
          messageId: m.id,
          receiptHandle,
          body: m.body,
          attributes: systemAttributesOf(m),
          messageAttributes: Object.fromEntries(Object.entries(m.attributes).map(([k, a]) => [k, lambdaAttribute(a)])),
          md5OfBody: m.md5OfBody,
        };
        const md5 = md5OfAttributes(m.attributes);
        if (md5) record.md5OfMessageAttributes = md5;
        return record;
      });
    },
    async waitForMessages(arn, ms, signal) {
      const q = engine.byArn(arn);
      if (q) return engine.wait(q, ms, signal);
      // A missing queue has nothing to wait for, but answering at once would let a polling loop spin.
      if (engine.isClosed || signal?.aborted) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    delete(arn, receiptHandle) {
      const q = engine.byArn(arn);
      if (!q) return false;
      try {
        return engine.deleteMessage(q, receiptHandle) === 'deleted';
      } catch (err) {
        if (err instanceof SqsError) return false;
        throw err;
      }
    },
    changeVisibility(arn, receiptHandle, seconds) {
      engine.changeVisibility(queue(arn), receiptHandle, seconds);
    },
    visibilityTimeoutOf(arn) {
      const q = engine.byArn(arn);
      return q ? Number(q.attributes.VisibilityTimeout) : undefined;
    },
    allowsSend(arn, principal, sourceArn) {
      const q = engine.byArn(arn);
      return (
        q !== undefined &&
        resourcePolicyAllows(q.attributes.Policy, { principal, action: 'sqs:SendMessage', sourceArn, sourceAccount: engine.accountId })
      );
    },
  };
}
