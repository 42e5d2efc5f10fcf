/**
 * S3 -> EventBridge: with EventBridgeConfiguration on the bucket, every S3 event goes to the default bus in AWS's
 * shape (s3-eventbridge-event.ts), the configuration's filters not applying. An event type AWS does not send
 * there, and a failed put, are each one log line.
 */
import type { EventBusRegistry, S3Notification } from '../context.js';
import { s3EventBridgeEntry } from './s3-eventbridge-event.js';
import { describe } from './s3-to-lambda.js';

/** Puts the record's EventBridge event on the default bus; logs (never throws) what it cannot deliver. */
export function notifyEventBus(
  n: S3Notification,
  eventBus: Pick<EventBusRegistry, 'put'>,
  options: { accountId: string; log(line: string): void },
): void {
  if (n.destination.kind !== 'eventbridge') return;
  const entry = s3EventBridgeEntry(n.record, options.accountId, n.storageClass);
  if (!entry) {
    options.log(`s3 -> eventbridge: not sent ${describe(n)}: S3 sends no EventBridge event for ${n.record.eventName}`);
    return;
  }
  try {
    eventBus.put({ ...entry, detail: JSON.stringify(entry.detail) });
  } catch (err) {
    options.log(`s3 -> eventbridge: dropped ${describe(n)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
