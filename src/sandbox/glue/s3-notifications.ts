/**
 * Delivers S3's event notifications: one notifier per destination kind (LocalStack's NotificationDispatcher
 * shape). A service never decides another service's fate: S3 publishes, this glue routes.
 */
import type { S3Notification, SandboxContext } from '../context.js';
import { createDeliverySchedule } from './delivery-schedule.js';
import { describe, notifyLambda } from './s3-to-lambda.js';

type DestinationKind = S3Notification['destination']['kind'];

/** Delivers one notification to its destination, or logs why it cannot. */
export type S3Notifier = (n: S3Notification, ctx: Pick<SandboxContext, 'functions' | 'log'>) => void;

/** A destination whose service the sandbox does not have: logged, never silently dropped. */
const absent =
  (service: string, label: string): S3Notifier =>
  (n, ctx) => {
    const to = n.destination.kind === 'eventbridge' ? '' : ` for ${n.destination.arn}`;
    ctx.log(`s3 -> ${service}: dropped ${describe(n)}${to}: the sandbox has no ${label}`);
  };

const NOTIFIERS: Record<DestinationKind, S3Notifier> = {
  lambda: (n, ctx) => notifyLambda(n, ctx.functions, ctx.log),
  queue: absent('sqs', 'SQS'),
  topic: absent('sns', 'SNS'),
  eventbridge: absent('eventbridge', 'EventBridge'),
};

/** Delivers one notification with the notifier of its destination kind. */
export function deliverS3Notification(n: S3Notification, ctx: Pick<SandboxContext, 'functions' | 'log'>): void {
  NOTIFIERS[n.destination.kind](n, ctx);
}

/**
 * Subscribes the glue to S3's notifications, delivered when the sandbox's timing says (at once by default;
 * see delivery-schedule.ts); returns the detach, which also drops deliveries still waiting. A failed delivery is logged.
 */
export function attachS3Notifications(ctx: Pick<SandboxContext, 's3Events' | 'functions' | 'log' | 'timing'>): () => void {
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
