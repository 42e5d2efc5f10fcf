/**
 * Targets (EventBridge API reference): PutTargets, ListTargetsByRule and RemoveTargets. Like AWS, PutTargets does not
 * check that a target's function, queue or topic exists; the sandbox logs a line when it does not (or when the target
 * is of a kind it cannot deliver to), and delivery logs each failure.
 */
import type { PutTargetsResultEntry, Target } from '@aws-sdk/client-eventbridge';
import { constraintError, EventsError, validation } from './errors.js';
import { busMember, type Input, listMember, nameMember, page, pageMember, stringMember } from './input.js';
import { type EventsContext, existingRule, type OperationHandler } from './operation.js';
import type { StoredRule } from './store.js';
import { targetInputProblem } from './transform.js';

/** Targets per rule (EventBridge quotas). */
export const MAX_TARGETS_PER_RULE = 5;
const ARN = /^arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/;

function readTarget(raw: unknown, index: number): Target {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new EventsError('SerializationException', `Targets[${index}] must be an object.`);
  }
  const target = raw as Input;
  const path = `targets.${index + 1}.member`;
  nameMember(target, 'Id', `${path}.id`);
  stringMember(target, 'Arn', { path: `${path}.arn`, required: true, max: 1600 });
  stringMember(target, 'Input', { path: `${path}.input`, max: 8192 });
  stringMember(target, 'InputPath', { path: `${path}.inputPath`, max: 256 });
  const transformer = target.InputTransformer as { InputPathsMap?: Record<string, unknown> } | undefined;
  const keys = Object.keys(transformer?.InputPathsMap ?? {});
  if (keys.length > 100)
    throw constraintError(
      transformer!.InputPathsMap,
      `${path}.inputTransformer.inputPathsMap`,
      'Member must have length less than or equal to 100',
    );
  if (keys.some((k) => !/^[A-Za-z0-9_-]{1,256}$/.test(k))) {
    throw constraintError(
      transformer!.InputPathsMap,
      `${path}.inputTransformer.inputPathsMap`,
      String.raw`Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [A-Za-z0-9\_\-]+]`,
    );
  }
  const problem = targetInputProblem(target as unknown as Target);
  if (problem) throw validation(problem);
  return target as unknown as Target;
}

const ruleOf = (c: EventsContext, input: Input): StoredRule => existingRule(c, busMember(input), nameMember(input, 'Rule', 'rule')!);

export const targetOperations: Record<string, OperationHandler> = {
  PutTargets(c, input) {
    const rule = ruleOf(c, input);
    const given = listMember(input, 'Targets', 'targets', { min: 1, max: 100, required: true })!.map(readTarget);
    const failed: PutTargetsResultEntry[] = [];
    const accepted: Target[] = [];
    for (const target of given) {
      if (ARN.test(target.Arn!)) accepted.push(target);
      else {
        failed.push({
          TargetId: target.Id,
          ErrorCode: 'ValidationException',
          ErrorMessage: `Parameter ${target.Arn} is not valid. Reason: Provided Arn is not in correct format.`,
        });
      }
    }
    const targets = [...rule.targets];
    for (const target of accepted) {
      const at = targets.findIndex((t) => t.Id === target.Id);
      if (at >= 0) targets[at] = target;
      else targets.push(target);
    }
    if (targets.length > MAX_TARGETS_PER_RULE) {
      throw new EventsError('LimitExceededException', 'The requested resource exceeds the maximum number allowed.');
    }
    c.store.putRule({ ...rule, targets });
    for (const target of accepted) c.noteTarget(rule, target);
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  },

  ListTargetsByRule(c, input) {
    const rule = ruleOf(c, input);
    const { items, nextToken } = page(rule.targets, pageMember(input));
    return { Targets: items, ...(nextToken ? { NextToken: nextToken } : {}) };
  },

  RemoveTargets(c, input) {
    const rule = ruleOf(c, input);
    const ids = listMember(input, 'Ids', 'ids', { min: 1, max: 100, required: true })!;
    ids.forEach((id, i) => {
      if (typeof id !== 'string') throw constraintError(id, `ids.${i + 1}.member`, 'Member must be a string');
    });
    c.store.putRule({ ...rule, targets: rule.targets.filter((t) => !ids.includes(t.Id)) });
    return { FailedEntryCount: 0, FailedEntries: [] };
  },
};
