/**
 * Rules (EventBridge API reference): PutRule, DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule and
 * ListRuleNamesByTarget. ScheduleExpression is validated and stored; the sandbox does not run schedules.
 */
import type { Rule } from '@aws-sdk/client-eventbridge';
import { validateEventPattern } from '../../aws/event-pattern.js';
import { constraintError, invalidPattern, validation } from './errors.js';
import { busMember, type Input, nameMember, page, pageMember, stringMember } from './input.js';
import { type EventsContext, existingBus, existingRule, type OperationHandler, ruleArn } from './operation.js';
import type { StoredRule } from './store.js';
import { tagsMember } from './tags.js';

const STATES = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'] as const;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;

/** Whether EventBridge accepts the schedule (`rate(5 minutes)`, `rate(1 hour)`, `cron(0 12 * * ? *)`). */
export function isScheduleExpression(expression: string): boolean {
  const rate = RATE.exec(expression);
  if (rate) return Number(rate[1]) === 1 ? !rate[2]!.endsWith('s') : Number(rate[1]) > 1 && rate[2]!.endsWith('s');
  return CRON.test(expression);
}

/** The parsed pattern, or InvalidEventPatternException with Event Ruler's reason. */
export function parsePattern(text: string): unknown {
  let pattern: unknown;
  try {
    pattern = JSON.parse(text);
  } catch (err) {
    throw invalidPattern(err instanceof Error ? err.message : String(err));
  }
  const reason = validateEventPattern(pattern);
  if (reason) throw invalidPattern(reason);
  return pattern;
}

/** The rule as DescribeRule and ListRules answer it (absent members left out, as AWS does). */
function ruleShape(rule: StoredRule, c: EventsContext, describe: boolean): Rule & { CreatedBy?: string } {
  return {
    Name: rule.name,
    Arn: rule.arn,
    ...(rule.eventPattern !== undefined ? { EventPattern: rule.eventPattern } : {}),
    ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
    State: rule.state,
    ...(rule.description !== undefined ? { Description: rule.description } : {}),
    ...(rule.roleArn !== undefined ? { RoleArn: rule.roleArn } : {}),
    EventBusName: rule.bus,
    ...(describe ? { CreatedBy: c.accountId } : {}),
  };
}

function setState(c: EventsContext, input: Input, state: 'ENABLED' | 'DISABLED'): Record<string, never> {
  const rule = existingRule(c, busMember(input), nameMember(input, 'Name', 'name')!);
  c.store.putRule({ ...rule, state });
  return {};
}

export const ruleOperations: Record<string, OperationHandler> = {
  PutRule(c, input) {
    const name = nameMember(input, 'Name', 'name')!;
    const bus = busMember(input);
    const eventPattern = stringMember(input, 'EventPattern', { path: 'eventPattern', max: 4096 });
    const schedule = stringMember(input, 'ScheduleExpression', { path: 'scheduleExpression', max: 256 });
    const state = stringMember(input, 'State', { path: 'state' }) ?? 'ENABLED';
    const description = stringMember(input, 'Description', { path: 'description', max: 512 });
    const roleArn = stringMember(input, 'RoleArn', { path: 'roleArn', max: 1600 });
    const tags = tagsMember(input);
    if (!(STATES as readonly string[]).includes(state)) {
      throw constraintError(state, 'state', `Member must satisfy enum value set: [${STATES.join(', ')}]`);
    }
    if (!eventPattern && !schedule) throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    if (schedule) {
      if (bus !== 'default') throw validation('ScheduleExpression is supported only on the default event bus.');
      if (!isScheduleExpression(schedule)) throw validation('Parameter ScheduleExpression is not valid.');
    }
    if (eventPattern) parsePattern(eventPattern);
    existingBus(c, bus);
    const previous = c.store.rule(bus, name);
    const rule: StoredRule = {
      name,
      bus,
      arn: ruleArn(c, bus, name),
      ...(eventPattern ? { eventPattern } : {}),
      ...(schedule ? { scheduleExpression: schedule } : {}),
      state: state as StoredRule['state'],
      ...(description !== undefined ? { description } : {}),
      ...(roleArn !== undefined ? { roleArn } : {}),
      createdAt: previous?.createdAt ?? c.now(),
      // PutRule replaces the rule's settings (omitted ones are not kept) but never its targets, nor its tags.
      targets: previous?.targets ?? [],
      ...(previous ? (previous.tags ? { tags: previous.tags } : {}) : tags ? { tags } : {}),
    };
    c.store.putRule(rule);
    if (schedule) c.log(`events: rule ${name} stores ScheduleExpression ${schedule}; the sandbox does not run schedules`);
    return { RuleArn: rule.arn };
  },

  DescribeRule(c, input) {
    return ruleShape(existingRule(c, busMember(input), nameMember(input, 'Name', 'name')!), c, true);
  },

  ListRules(c, input) {
    const bus = busMember(input);
    const prefix = stringMember(input, 'NamePrefix', { path: 'namePrefix', max: 64 }) ?? '';
    existingBus(c, bus);
    const matching = c.store.rulesOn(bus).filter((r) => r.name.startsWith(prefix));
    const { items, nextToken } = page(matching, pageMember(input));
    return { Rules: items.map((r) => ruleShape(r, c, false)), ...(nextToken ? { NextToken: nextToken } : {}) };
  },

  DeleteRule(c, input) {
    const name = nameMember(input, 'Name', 'name')!;
    const bus = busMember(input);
    existingBus(c, bus);
    const rule = c.store.rule(bus, name);
    if (!rule) return {}; // AWS deletes a rule that does not exist without complaint
    if (rule.targets.length > 0) throw validation("Rule can't be deleted since it has targets.");
    c.store.deleteRule(rule);
    return {};
  },

  EnableRule: (c, input) => setState(c, input, 'ENABLED'),
  DisableRule: (c, input) => setState(c, input, 'DISABLED'),

  ListRuleNamesByTarget(c, input) {
    const arn = stringMember(input, 'TargetArn', { path: 'targetArn', required: true, max: 1600 })!;
    const bus = busMember(input);
    existingBus(c, bus);
    const names = c.store
      .rulesOn(bus)
      .filter((r) => r.targets.some((t) => t.Arn === arn))
      .map((r) => r.name);
    const { items, nextToken } = page(names, pageMember(input));
    return { RuleNames: items, ...(nextToken ? { NextToken: nextToken } : {}) };
  },
};
