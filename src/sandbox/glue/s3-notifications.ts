/**
 * Delivers S3's event notifications: one notifier per destination kind (LocalStack's NotificationDispatcher
 * shape). A service never decides another service's fate: S3 publishes, this glue routes.
 */
import type { S3Notification, SandboxContext } from '../context.js';
import { createDeliverySchedule } from './delivery-schedule.js';
import { notifyEventBus } from './s3-to-eventbridge.js';
import { notifyLambda } from './s3-to-lambda.js';
import { notifyTopic } from './s3-to-sns.js';
import { notifyQueue } from './s3-to-sqs.js';

type DestinationKind = S3Notification['destination']['kind'];

/** What the notifiers use of the context: the destination services, the account, --strict and the log. */
export type NotifierContext = Pick<SandboxContext, 'functions' | 'queues' | 'topics' | 'eventBus' | 'accountId' | 'strict' | 'log'>;

/** Delivers one notification to its destination, or logs why it cannot (one line, never silently). */
export type S3Notifier = (n: S3Notification, ctx: NotifierContext) => void;

const NOTIFIERS: Record<DestinationKind, S3Notifier> = {
  lambda: (n, ctx) => notifyLambda(n, ctx.functions, ctx.log, ctx.strict),
  queue: (n, ctx) => notifyQueue(n, ctx.queues, ctx),
  topic: (n, ctx) => notifyTopic(n, ctx.topics, ctx),
  eventbridge: (n, ctx) => notifyEventBus(n, ctx.eventBus, ctx),
};

/** Delivers one notification with the notifier of its destination kind. */
export function deliverS3Notification(n: S3Notification, ctx: NotifierContext): void {
  NOTIFIERS[n.destination.kind](n, ctx);
}

/**
 * Subscribes the glue to S3's notifications, delivered when the sandbox's timing says (at once by default;
 * see delivery-schedule.ts); returns the detach, which also drops deliveries still waiting. A failed delivery is logged.
 */
export function attachS3Notifications(ctx: NotifierContext & Pick<SandboxContext, 's3Events' | 'timing'>): () => void {
  const schedule = createDeliverySchedule(ctx.timing, (n) => {
    try {
      deliverS3Notification(n, ctx);
    } catch (err) {
      ctx.log(`s3 -> ${n.destination.kind}: delivery failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  const unsubscribe = ctx.s3Events.subscribe((n) => schedule.publish(n));
  return () => {
    unsubscribe();
    schedule.close();
  };
}
