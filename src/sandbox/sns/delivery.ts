/**
 * SNS -> subscribers: one delivery per confirmed subscription whose filter policy accepts the message. Lambda gets
 * an asynchronous invoke with the SNS event (its retries are Lambda's), SQS a SendMessage of the JSON notification
 * (or the raw message with its attributes when RawMessageDelivery is on), http(s) a POST. Permissions: AWS refuses
 * a Lambda delivery without an invoke permission for `sns.amazonaws.com` and an SQS one without a queue policy
 * allowing it; under `--strict` the sandbox refuses too, otherwise it delivers and logs once per subscription what
 * AWS would refuse and the command that fixes it. Every failure is one `ctx.log` line.
 */
import { type GrantTarget, lambdaGrantCommand, queueGrantCommand } from '../../aws/grants.js';
import type { SandboxContext } from '../context.js';
import { lambdaEvent, type Notification, notificationBody } from './envelope.js';
import { matchesFilterPolicy } from './filter-policy.js';
import type { StoredSubscription } from './store.js';

type DeliveryContext = Pick<SandboxContext, 'functions' | 'queues' | 'log' | 'strict' | 'region' | 'endpoint' | 'accountId'>;

const PRINCIPAL = 'sns.amazonaws.com';
const nameOf = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

/** The per-subscription state of the deliverer: which subscriptions were already warned about permissions. */
export class Deliverer {
  private readonly warned = new Set<string>();

  constructor(private readonly ctx: DeliveryContext) {}

  /** Where the fix commands run: this sandbox (its endpoint once listening). */
  private get grantTarget(): GrantTarget {
    return { ...(this.ctx.endpoint ? { endpoint: this.ctx.endpoint } : {}), region: this.ctx.region };
  }

  /** Whether the permission check lets the delivery go on (logging the refusal or the once-per-subscription warning). */
  private permitted(sub: StoredSubscription, allowed: boolean, what: string, fix: string): boolean {
    if (allowed) return true;
    if (this.ctx.strict) {
      this.ctx.log(`sns -> ${sub.protocol}: refused delivery to ${sub.endpoint} (--strict): AWS refuses ${what}; fix: ${fix}`);
      return false;
    }
    if (!this.warned.has(sub.arn)) {
      this.warned.add(sub.arn);
      this.ctx.log(`sns -> ${sub.protocol}: delivering to ${sub.endpoint}, but AWS would refuse ${what}; fix: ${fix}`);
    }
    return true;
  }

  /** Delivers `n` to `sub` when its filter policy accepts it; never throws. */
  deliver(sub: StoredSubscription, n: Notification): void {
    try {
      if (sub.pendingConfirmation) return;
      const filter = { body: n.message, attributes: n.attributes };
      if (!matchesFilterPolicy(sub.attributes.FilterPolicy, sub.attributes.FilterPolicyScope, filter)) return;
      if (sub.protocol === 'lambda') this.toLambda(sub, n);
      else if (sub.protocol === 'sqs') this.toQueue(sub, n);
      else if (sub.protocol === 'http' || sub.protocol === 'https') void this.toHttp(sub, n);
    } catch (err) {
      this.ctx.log(
        `sns -> ${sub.protocol}: delivery of ${n.messageId} to ${sub.endpoint} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private toLambda(sub: StoredSubscription, n: Notification): void {
    const name = this.ctx.functions.functionFor(sub.endpoint);
    if (!name) {
      this.ctx.log(`sns -> lambda: dropped message ${n.messageId} from ${n.topicArn}: function ${sub.endpoint} does not exist`);
      return;
    }
    const allowed = this.ctx.functions.allowsInvoke(sub.endpoint, 'sns.amazonaws.com', n.topicArn);
    const what = `the invoke: the function policy of ${name} does not allow sns.amazonaws.com for ${n.topicArn}`;
    if (!this.permitted(sub, allowed, what, lambdaGrantCommand(name, PRINCIPAL, n.topicArn, this.grantTarget))) return;
    this.ctx.functions.invokeAsync(
      name,
      lambdaEvent(n, sub.arn, this.ctx.region),
      n.traceHeader ? { traceHeader: n.traceHeader } : undefined,
    );
  }

  private toQueue(sub: StoredSubscription, n: Notification): void {
    if (!this.ctx.queues.exists(sub.endpoint)) {
      this.ctx.log(`sns -> sqs: dropped message ${n.messageId} from ${n.topicArn}: queue ${sub.endpoint} does not exist`);
      return;
    }
    const allowed = this.ctx.queues.allowsSend(sub.endpoint, 'sns.amazonaws.com', n.topicArn);
    const what = `sqs:SendMessage: the queue policy of ${nameOf(sub.endpoint)} does not allow sns.amazonaws.com for ${n.topicArn}`;
    if (!this.permitted(sub, allowed, what, queueGrantCommand(sub.endpoint, PRINCIPAL, n.topicArn, this.grantTarget))) return;
    if (sub.attributes.RawMessageDelivery === 'true') {
      if (Object.keys(n.attributes).length > 10) {
        this.ctx.log(
          `sns -> sqs: dropped message ${n.messageId} to ${sub.endpoint}: raw delivery carries at most 10 message attributes (SQS's limit), it has ${Object.keys(n.attributes).length}`,
        );
        return;
      }
      this.ctx.queues.send(sub.endpoint, n.message, {
        ...(Object.keys(n.attributes).length ? { messageAttributes: n.attributes } : {}),
        ...(n.traceHeader ? { traceHeader: n.traceHeader } : {}),
      });
      return;
    }
    this.ctx.queues.send(
      sub.endpoint,
      notificationBody(n, sub.arn, this.ctx.region),
      n.traceHeader ? { traceHeader: n.traceHeader } : undefined,
    );
  }

  private async toHttp(sub: StoredSubscription, n: Notification): Promise<void> {
    const raw = sub.attributes.RawMessageDelivery === 'true';
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=UTF-8',
      'user-agent': 'Amazon Simple Notification Service Agent',
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': n.messageId,
      'x-amz-sns-topic-arn': n.topicArn,
      'x-amz-sns-subscription-arn': sub.arn,
      ...(raw ? { 'x-amz-sns-rawdelivery': 'true' } : {}),
    };
    try {
      const res = await fetch(sub.endpoint, {
        method: 'POST',
        headers,
        body: raw ? n.message : notificationBody(n, sub.arn, this.ctx.region),
        signal: AbortSignal.timeout(15_000),
      });
      await res.body?.cancel().catch(() => {});
      if (res.status < 200 || res.status > 299)
        this.ctx.log(`sns -> ${sub.protocol}: ${sub.endpoint} answered ${res.status} to message ${n.messageId}`);
    } catch (err) {
      this.ctx.log(
        `sns -> ${sub.protocol}: delivery of ${n.messageId} to ${sub.endpoint} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}
