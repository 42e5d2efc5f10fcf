/**
 * The bus's routing: an event goes to every enabled rule of its bus whose pattern matches, and to each target of
 * those rules, as EventBridge delivers (asynchronous Lambda invoke, SQS SendMessage, SNS Publish; the payload is the
 * event JSON unless Input, InputPath or InputTransformer say otherwise). Permissions as AWS checks them for
 * `events.amazonaws.com` with the rule's ARN as source: enforced under --strict, otherwise logged once per target with
 * the command that grants them. Every failed delivery is one log line; nothing throws past a delivery.
 */
import { type GrantTarget, lambdaGrantCommand, queueGrantCommand, topicGrantCommand } from '../../aws/grants.js';
import type { Target } from '@aws-sdk/client-eventbridge';
import { matchesEventPattern } from '../../aws/event-pattern.js';
import type { SandboxContext } from '../context.js';
import type { EventsStore, StoredRule } from './store.js';
import { type BusEvent, targetPayload } from './transform.js';

export type TargetKind = 'lambda' | 'sqs' | 'sns';

const PRINCIPAL = 'events.amazonaws.com';

/** The kind of target an ARN names; undefined for a service the sandbox cannot deliver to (Kinesis, Step Functions…). */
export function targetKind(arn: string): TargetKind | undefined {
  const service = arn.split(':')[2];
  if (service === 'lambda' && /:function:/.test(arn)) return 'lambda';
  return service === 'sqs' || service === 'sns' ? service : undefined;
}

/** The command that lets the rule deliver to the target (aws/grants.ts), run against `t` (this sandbox). */
export function grantCommand(kind: TargetKind, targetArn: string, rule: { name: string; arn: string }, t: GrantTarget): string {
  if (kind === 'lambda') return lambdaGrantCommand(targetArn, PRINCIPAL, rule.arn, t);
  return kind === 'sqs' ? queueGrantCommand(targetArn, PRINCIPAL, rule.arn, t) : topicGrantCommand(targetArn, PRINCIPAL, rule.arn, t);
}

const KIND_NAMES: Record<TargetKind, string> = { lambda: 'function', sqs: 'queue', sns: 'topic' };

export class EventRouter {
  /** Targets already warned about a permission AWS would refuse (without --strict). */
  private readonly warned = new Set<string>();
  private closed = false;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly store: EventsStore,
  ) {}

  /** Routes the event after the current request (in put order); nothing happens once closed. */
  publish(event: BusEvent, bus: string): void {
    setImmediate(() => {
      if (!this.closed) this.route(event, bus);
    });
  }

  close(): void {
    this.closed = true;
  }

  /** Delivers now to every matching enabled rule's targets. */
  route(event: BusEvent, bus: string): void {
    for (const rule of this.store.rulesOn(bus)) {
      if (rule.state === 'DISABLED') continue;
      const pattern = this.store.patternOf(rule);
      if (pattern === undefined || !matchesEventPattern(pattern, event)) continue;
      for (const target of rule.targets) this.deliver(event, rule, target);
    }
  }

  /** The log line for a target just put that cannot receive events yet; nothing when it can. */
  noteTarget(rule: StoredRule, target: Target): void {
    const arn = target.Arn!;
    const kind = targetKind(arn);
    const where = `events: rule ${rule.name} target ${target.Id}`;
    if (!kind) this.ctx.log(`${where}: ${arn} is not a Lambda, SQS or SNS target; the sandbox cannot deliver to it (each event is logged)`);
    else if (!this.exists(kind, arn))
      this.ctx.log(`${where}: ${KIND_NAMES[kind]} ${arn} does not exist (yet); deliveries fail until it does`);
  }

  private exists(kind: TargetKind, arn: string): boolean {
    if (kind === 'lambda') return this.ctx.functions.functionFor(arn) !== undefined;
    return kind === 'sqs' ? this.ctx.queues.exists(arn) : this.ctx.topics.exists(arn);
  }

  private allows(kind: TargetKind, arn: string, ruleArn: string): boolean {
    if (kind === 'lambda') return this.ctx.functions.allowsInvoke(arn, PRINCIPAL, ruleArn);
    return kind === 'sqs' ? this.ctx.queues.allowsSend(arn, PRINCIPAL, ruleArn) : this.ctx.topics.allowsPublish(arn, PRINCIPAL, ruleArn);
  }

  private deliver(event: BusEvent, rule: StoredRule, target: Target): void {
    let why: string | undefined;
    try {
      why = this.send(event, rule, target);
    } catch (err) {
      why = err instanceof Error ? err.message : String(err);
    }
    if (why) this.ctx.log(`events: rule ${rule.name} -> ${target.Arn}: event ${event.id} (${event['detail-type']}) not delivered: ${why}`);
  }

  /** Sends the event to one target; the reason it was not sent, if it was not. */
  private send(event: BusEvent, rule: StoredRule, target: Target): string | undefined {
    const arn = target.Arn!;
    const kind = targetKind(arn);
    if (!kind) return 'the sandbox delivers only to Lambda, SQS and SNS targets';
    if (!this.exists(kind, arn)) return `${KIND_NAMES[kind]} does not exist`;
    if (!this.allows(kind, arn, rule.arn)) {
      const fix = grantCommand(kind, arn, rule, {
        ...(this.ctx.endpoint ? { endpoint: this.ctx.endpoint } : {}),
        region: this.ctx.region,
      });
      if (this.ctx.strict) return `refused (--strict): its policy does not allow ${PRINCIPAL} for ${rule.arn}; fix: ${fix}`;
      const key = `${rule.arn}|${target.Id}|${arn}`;
      if (!this.warned.has(key)) {
        this.warned.add(key);
        this.ctx.log(
          `events: rule ${rule.name} -> ${arn}: delivered, but AWS would refuse it: its policy does not allow ${PRINCIPAL} ` +
            `for ${rule.arn} (enforced with --strict); fix: ${fix}`,
        );
      }
    }
    const payload = targetPayload(target, event, rule);
    if (payload === undefined) return `InputPath ${target.InputPath} selects nothing in the event`;
    if (kind === 'lambda') this.ctx.functions.invokeAsync(this.ctx.functions.functionFor(arn)!, payload);
    else if (kind === 'sqs') this.ctx.queues.send(arn, payload);
    else this.ctx.topics.publish(arn, { message: payload });
    return undefined;
  }
}
