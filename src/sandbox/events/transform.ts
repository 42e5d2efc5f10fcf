/**
 * What a target receives for one event (EventBridge User Guide, "Transforming target input"; API reference, Target):
 * the event itself, the target's constant `Input`, the part `InputPath` selects, or `InputTransformer`'s template
 * filled from `InputPathsMap` and the predefined `aws.events.*` variables. Pure functions.
 */
import type { InputTransformer, Target } from '@aws-sdk/client-eventbridge';

/** An event as the bus delivers it (`detail` parsed). */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** ISO 8601 without milliseconds (`2026-11-30T11:20:42Z`). */
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

const PREDEFINED = [
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
];
const PLACEHOLDER = /<([^<>"\s]+)>/g;
const PLACEHOLDER_AT = /<([^<>"\s]+)>/y;

/** The steps of a JSONPath of the subset EventBridge targets use (`$`, `$.a.b`, `$.a[0]`, `$['a b']`); undefined when unreadable. */
export function jsonPathSteps(path: string): (string | number)[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: (string | number)[] = [];
  const step = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let at = 1;
  while (at < path.length) {
    step.lastIndex = at;
    const m = step.exec(path);
    if (!m) return undefined;
    steps.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4])!);
    at = step.lastIndex;
  }
  return steps;
}

/** The value at `path` in `value`; undefined when the path is unreadable or leads nowhere. */
export function selectPath(value: unknown, path: string): unknown {
  const steps = jsonPathSteps(path);
  if (!steps) return undefined;
  let node = value;
  for (const step of steps) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

/** Why the target's input settings would be refused by PutTargets (AWS's ValidationException text); undefined when fine. */
export function targetInputProblem(target: Target): string | undefined {
  const given = [target.Input, target.InputPath, target.InputTransformer].filter((v) => v !== undefined && v !== null);
  if (given.length > 1) return `Only one of Input, InputPath, or InputTransformer must be provided for target ${target.Id}.`;
  if (typeof target.Input === 'string') {
    try {
      JSON.parse(target.Input);
    } catch {
      return `Parameter Input is not valid JSON for target ${target.Id}.`;
    }
  }
  if (typeof target.InputPath === 'string' && !jsonPathSteps(target.InputPath)) {
    return `Parameter InputPath is not a valid JsonPath for target ${target.Id}.`;
  }
  const transformer = target.InputTransformer;
  if (transformer) {
    if (typeof transformer.InputTemplate !== 'string') {
      return "1 validation error detected: Value null at 'targets.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must not be null";
    }
    const paths = transformer.InputPathsMap ?? {};
    for (const [key, path] of Object.entries(paths)) {
      if (typeof path !== 'string' || !jsonPathSteps(path)) return `Parameter InputPathsMap is not valid for target ${target.Id}: ${key}.`;
    }
    for (const [, name] of transformer.InputTemplate.matchAll(PLACEHOLDER)) {
      if (!(name! in paths) && !PREDEFINED.includes(name!)) {
        return `InputTemplate for target ${target.Id} contains invalid placeholder ${name}.`;
      }
    }
  }
  return undefined;
}

/** The payload (text) a target receives for `event`; undefined when its InputPath selects nothing. */
export function targetPayload(target: Target, event: BusEvent, rule: { name: string; arn: string }): string | undefined {
  if (typeof target.Input === 'string') return target.Input;
  if (typeof target.InputPath === 'string') {
    const selected = selectPath(event, target.InputPath);
    return selected === undefined ? undefined : JSON.stringify(selected);
  }
  if (target.InputTransformer) return fillTemplate(target.InputTransformer, event, rule);
  return JSON.stringify(event);
}

/** A value inside a string of the template: strings as they are, objects and lists as EventBridge writes them (`{k:v}`, `[a,b]`). */
function plain(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(plain).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}:${plain(v)}`)
      .join(',')}}`;
  }
  return String(value);
}

/**
 * Fills `<name>` placeholders: inside a JSON string a value goes in as plain text; elsewhere as JSON (`null` when its
 * path finds nothing). Unknown `<…>` text is kept as written (PutTargets refused templates that use one as a placeholder).
 */
export function fillTemplate(transformer: InputTransformer, event: BusEvent, rule: { name: string; arn: string }): string {
  const { detail: _detail, 'detail-type': detailType, ...envelope } = event;
  const predefined: Record<string, unknown> = {
    'aws.events.rule-arn': rule.arn,
    'aws.events.rule-name': rule.name,
    'aws.events.event.ingestion-time': event.time,
    'aws.events.event': { ...envelope, detailType },
    'aws.events.event.json': event,
  };
  const paths = transformer.InputPathsMap ?? {};
  const template = transformer.InputTemplate ?? '';
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '\\' && inString) {
      out += c + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    if (c === '<') {
      PLACEHOLDER_AT.lastIndex = i;
      const m = PLACEHOLDER_AT.exec(template);
      const name = m?.[1];
      if (m && name !== undefined && (name in paths || name in predefined)) {
        const value = name in paths ? selectPath(event, paths[name]!) : predefined[name];
        out += inString ? plain(value) : value === undefined ? 'null' : JSON.stringify(value);
        i += m[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}
