/**
 * Tags on rules and event buses (EventBridge API reference: TagResource, UntagResource, ListTagsForResource; PutRule's
 * and CreateEventBus's Tags, which PutRule ignores when it updates an existing rule). Infrastructure tools read them
 * back after creating a rule, so the sandbox keeps them.
 */
import type { Tag } from '@aws-sdk/client-eventbridge';
import { constraintError, EventsError } from './errors.js';
import { busNameOf, type Input, listMember, stringMember } from './input.js';
import { type EventsContext, existingBus, existingRule, type OperationHandler } from './operation.js';

/** `Tags` of a request: keys 1-128 characters, values up to 256; undefined when absent. */
export function tagsMember(input: Input, path = 'tags'): Tag[] | undefined {
  const list = listMember(input, 'Tags', path, { min: 0, max: 50 });
  return list?.map((raw, i) => {
    const tag = (raw !== null && typeof raw === 'object' ? raw : {}) as Input;
    const Key = stringMember(tag, 'Key', { path: `${path}.${i + 1}.member.key`, required: true, max: 128 })!;
    const Value = stringMember(tag, 'Value', { path: `${path}.${i + 1}.member.value`, max: 256 });
    if (Value === undefined) throw constraintError(undefined, `${path}.${i + 1}.member.value`, 'Member must not be null');
    return { Key, Value };
  });
}

/** `existing` with `added` set on it (a key already there takes the new value). */
export function mergeTags(existing: Tag[] | undefined, added: Tag[]): Tag[] {
  const byKey = new Map((existing ?? []).map((t) => [t.Key, t.Value]));
  for (const t of added) byKey.set(t.Key, t.Value);
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

type Tagged = { tags?: Tag[]; save(tags: Tag[]): void };

/** The rule or bus an ARN names, or ResourceNotFoundException. */
function resource(c: EventsContext, arn: string): Tagged {
  const rule = /^arn:aws[\w-]*:events:[^:]*:\d*:rule\/(?:([^/]+)\/)?([^/]+)$/.exec(arn);
  if (rule) {
    const found = existingRule(c, rule[1] ?? 'default', rule[2]!);
    return { tags: found.tags, save: (tags) => c.store.putRule({ ...found, tags }) };
  }
  if (/^arn:aws[\w-]*:events:[^:]*:\d*:event-bus\/.+$/.test(arn)) {
    const found = existingBus(c, busNameOf(arn));
    return { tags: found.tags, save: (tags) => c.store.putBus({ ...found, tags }) };
  }
  throw new EventsError('ResourceNotFoundException', `Resource ${arn} does not exist.`);
}

const arnMember = (input: Input) => stringMember(input, 'ResourceARN', { path: 'resourceARN', required: true, max: 1600 })!;

export const tagOperations: Record<string, OperationHandler> = {
  ListTagsForResource(c, input) {
    return { Tags: resource(c, arnMember(input)).tags ?? [] };
  },

  TagResource(c, input) {
    const target = resource(c, arnMember(input));
    const tags = tagsMember(input);
    if (!tags) throw constraintError(undefined, 'tags', 'Member must not be null');
    target.save(mergeTags(target.tags, tags));
    return {};
  },

  UntagResource(c, input) {
    const target = resource(c, arnMember(input));
    const keys = listMember(input, 'TagKeys', 'tagKeys', { min: 0, max: 50, required: true })!;
    target.save((target.tags ?? []).filter((t) => !keys.includes(t.Key)));
    return {};
  },
};
