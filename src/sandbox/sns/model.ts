/**
 * The SNS model the operations and `ctx.topics` share: topic and subscription lookups with AWS's errors, and the one
 * publish path (validated message in, MessageId out, deliveries to every subscription after the caller is answered).
 */
import { randomUUID } from 'node:crypto';
import { resourcePolicyAllows } from '../../aws/resource-policy.js';
import type { SandboxContext, TopicRegistry } from '../context.js';
import { defaultTopicPolicy } from './attributes.js';
import { Deliverer } from './delivery.js';
import type { Notification } from './envelope.js';
import { checkArnShape, invalidParameter, notFound } from './errors.js';
import type { MessageAttribute } from './message-attributes.js';
import type { SnsStore, StoredSubscription, StoredTopic } from './store.js';

/** A message ready to publish: `message` is the text, or per-protocol texts with MessageStructure=json. */
export interface OutgoingMessage {
  message: string | { default: string; [protocol: string]: string };
  subject?: string;
  attributes: Record<string, MessageAttribute>;
  /** The publisher's X-Amzn-Trace-Id (or S3's event trace header): carried to Lambda and SQS subscriptions (recursion/). */
  traceHeader?: string;
}

export class SnsModel {
  readonly deliverer: Deliverer;
  private sequence = 0n;

  constructor(
    readonly ctx: SandboxContext,
    readonly store: SnsStore,
  ) {
    this.deliverer = new Deliverer(ctx);
  }

  topicArn(name: string): string {
    return `arn:aws:sns:${this.ctx.region}:${this.ctx.accountId}:${name}`;
  }

  /** The topic an ARN names. Errors: InvalidParameter for a malformed ARN (named `param`), NotFound otherwise. */
  topic(arn: string | null, param = 'TopicArn'): StoredTopic {
    const found = this.store.topics.get(checkArnShape(param, arn));
    if (!found) throw notFound('Topic');
    return found;
  }

  /** The subscription an ARN names. Errors: InvalidParameter (malformed, `SubscriptionId`), NotFound. */
  subscription(arn: string | null): StoredSubscription {
    const found = this.store.subscriptions.get(checkSubscriptionArn(arn));
    if (!found) throw notFound('Subscription');
    return found;
  }

  /** Next FIFO sequence number (20 digits, increasing). */
  nextSequenceNumber(): string {
    this.sequence += 1n;
    return (BigInt(Date.now()) * 1_000_000n + this.sequence).toString().padStart(20, '0');
  }

  /**
   * Publishes to `topic`: returns the MessageId at once; each subscription's delivery runs after the current
   * request has been answered (setImmediate).
   */
  publish(topic: StoredTopic, out: OutgoingMessage): string {
    const messageId = randomUUID();
    const timestamp = new Date().toISOString();
    const subscriptions = this.store.subscriptionsOf(topic.arn);
    setImmediate(() => {
      for (const sub of subscriptions) {
        if (!this.store.subscriptions.has(sub.arn)) continue; // unsubscribed meanwhile
        const message = typeof out.message === 'string' ? out.message : (out.message[sub.protocol] ?? out.message.default);
        const n: Notification = {
          messageId,
          topicArn: topic.arn,
          ...(out.subject !== undefined ? { subject: out.subject } : {}),
          message,
          timestamp,
          attributes: out.attributes,
          ...(out.traceHeader ? { traceHeader: out.traceHeader } : {}),
        };
        this.deliverer.deliver(sub, n);
      }
    });
    return messageId;
  }

  /** The context's view of SNS (`ctx.topics`). */
  registry(): TopicRegistry {
    return {
      exists: (arn) => this.store.topics.has(arn),
      publish: (arn, m) => {
        const topic = this.store.topics.get(arn);
        if (!topic) throw new Error(`topic ${arn} does not exist`);
        const attributes = m.messageAttributes ?? {};
        const messageId = this.publish(topic, {
          message: m.message,
          ...(m.subject !== undefined ? { subject: m.subject } : {}),
          attributes,
          ...(m.traceHeader ? { traceHeader: m.traceHeader } : {}),
        });
        return { messageId };
      },
      allowsPublish: (arn, principal, sourceArn) => {
        const topic = this.store.topics.get(arn);
        if (!topic) return false;
        const policy = topic.attributes.Policy ?? defaultTopicPolicy(arn, this.ctx.accountId);
        // Every resource of the sandbox is the one account's, so aws:SourceAccount is that account (AWS's S3 -> SNS policy checks it).
        return resourcePolicyAllows(policy, { principal, action: 'SNS:Publish', sourceArn, sourceAccount: this.ctx.accountId });
      },
    };
  }
}

/**
 * Checks a subscription ARN's shape as SNS does: `arn:aws:sns:<region>:<account>:<topic>:<uuid>`.
 * Errors: InvalidParameter `SubscriptionArn Reason: …` or `SubscriptionId`.
 */
export function checkSubscriptionArn(arn: string | null): string {
  checkArnShape('SubscriptionArn', arn);
  const parts = arn!.split(':');
  if (parts.length !== 7 || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(parts[6]!)) {
    throw invalidParameter('SubscriptionId');
  }
  return arn!;
}
