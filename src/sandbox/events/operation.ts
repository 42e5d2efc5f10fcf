/** What EventBridge's operation handlers share: the store, the account's names and the router of events to targets. */
import type { Target } from '@aws-sdk/client-eventbridge';
import type { EventsStore, StoredBus, StoredRule } from './store.js';
import type { BusEvent } from './transform.js';
import { busNotFound, ruleNotFound } from './errors.js';
import type { Input } from './input.js';

export interface EventsContext {
  store: EventsStore;
  region: string;
  accountId: string;
  log(line: string): void;
  now(): number;
  /** Matches the event against the bus's enabled rules and delivers it to their targets, after the current request. */
  publish(event: BusEvent, bus: string): void;
  /** Logs what will keep a target just put from receiving events (missing function, queue or topic; a kind the sandbox cannot reach). */
  noteTarget(rule: StoredRule, target: Target): void;
}

/** One operation: the request's JSON members in, the response's out; throws EventsError for AWS's errors. */
export type OperationHandler = (c: EventsContext, input: Input) => unknown;

export const busArn = (c: EventsContext, name: string) => `arn:aws:events:${c.region}:${c.accountId}:event-bus/${name}`;

/** Rules on the default bus are `rule/<name>`; on a custom bus `rule/<bus>/<name>`. */
export const ruleArn = (c: EventsContext, bus: string, name: string) =>
  `arn:aws:events:${c.region}:${c.accountId}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`;

/** The bus, or ResourceNotFoundException. */
export function existingBus(c: EventsContext, name: string): StoredBus {
  const bus = c.store.bus(name);
  if (!bus) throw busNotFound(name);
  return bus;
}

/** The rule, or ResourceNotFoundException (for the bus first when the bus is missing). */
export function existingRule(c: EventsContext, bus: string, name: string): StoredRule {
  existingBus(c, bus);
  const rule = c.store.rule(bus, name);
  if (!rule) throw ruleNotFound(name, bus);
  return rule;
}
