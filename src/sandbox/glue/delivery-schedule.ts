/**
 * When S3's notifications reach their destinations, under the sandbox's timing (timing/profile.ts): at once
 * (instant), or after a drawn delay, now and then twice (at-least-once delivery), and with simultaneous writes
 * to one non-versioned key sometimes coalesced into one event, as S3's user guide warns. Per destination and
 * object key, deliveries keep the order of the writes.
 */
import type { S3Notification } from '../context.js';
import { KeyedDelays } from '../timing/keyed-delays.js';
import type { SandboxTiming } from '../timing/profile.js';

interface Pending {
  notification: S3Notification;
  duplicate: boolean;
}

export interface DeliverySchedule {
  /** Takes one notification as S3 publishes it (in commit order). */
  publish(n: S3Notification): void;
  /** Notifications still waiting for their delivery time. */
  readonly waiting: number;
  /** Drops what is still waiting (the sandbox is closing). */
  close(): void;
}

/** The order-keeping unit: one destination (configuration) and one object key. */
export function deliveryKey(n: S3Notification): string {
  const d = n.destination;
  const to = d.kind === 'eventbridge' ? 'eventbridge' : `${d.kind} ${d.arn} ${d.configurationId}`;
  return `${to}\n${n.record.s3.bucket.name}\n${n.record.s3.object.key}`;
}

/** Two writes S3 may report as one: the same kind of event (created / removed) on an object without versions. */
export function coalescible(earlier: S3Notification, later: S3Notification): boolean {
  const family = (n: S3Notification) => n.record.eventName.split(':')[0];
  const versioned = (n: S3Notification) => Boolean(n.record.s3.object.versionId);
  return family(earlier) === family(later) && !versioned(earlier) && !versioned(later);
}

/** Schedules each published notification for `deliver`, as the timing says. */
export function createDeliverySchedule(
  timing: SandboxTiming,
  deliver: (n: S3Notification) => void,
  now: () => number = Date.now,
): DeliverySchedule {
  const queue = new KeyedDelays<Pending>((_, p) => deliver(p.notification), now);
  return {
    publish(n) {
      const key = deliveryKey(n);
      const pending = queue.lastPending(key);
      if (pending && !pending.item.duplicate && coalescible(pending.item.notification, n) && timing.s3Coalesces(now() - pending.queuedAt)) {
        pending.item.notification = n; // one event for both writes: the later one's record
        return;
      }
      queue.push(key, { notification: n, duplicate: false }, timing.s3DeliveryDelayMs());
      if (timing.s3DeliversTwice()) queue.push(key, { notification: n, duplicate: true }, timing.s3DeliveryDelayMs());
    },
    get waiting() {
      return queue.size;
    },
    close: () => queue.close(),
  };
}
