/**
 * SNS subscription filter policies (SNS Developer Guide, "Amazon SNS message filtering"): validation with AWS's
 * messages, and evaluation against a message's attributes (scope `MessageAttributes`) or its JSON body (scope
 * `MessageBody`). Operators: exact strings and numbers, `prefix`, `suffix`, `equals-ignore-case`, `wildcard`,
 * `anything-but` (values, or a prefix), `numeric` ranges, `exists`, `cidr`, and `$or`.
 * Values in one array are alternatives; keys must all match. Validation is SNS's own (its messages and limits); matching
 * is EventBridge's pattern matcher, which speaks the same language.
 */
import { matchesEventPattern } from '../../aws/event-pattern.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Policy = { [key: string]: Json };

/** A message attribute as filtering sees it: its DataType and its string value (binary ones never match). */
export interface FilterAttribute {
  DataType: string;
  StringValue?: string;
}

const isObject = (v: unknown): v is Policy => typeof v === 'object' && v !== null && !Array.isArray(v);

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

function checkNumeric(spec: Json): string | undefined {
  if (!Array.isArray(spec) || spec.length === 0) return 'Invalid member in numeric match: ]';
  if (spec.length > 4) return 'Too many terms in numeric range expression';
  const [op1, v1, op2, v2] = spec;
  if (typeof op1 !== 'string') return `Invalid member in numeric match: ${JSON.stringify(op1)}`;
  if (!NUMERIC_OPERATORS.has(op1)) return `Unrecognized numeric range operator: ${op1}`;
  if (typeof v1 !== 'number') return `Value of ${op1 === '=' ? 'equals' : op1} must be numeric`;
  if (spec.length === 2) return undefined;
  if (op1 === '=' || op1 === '<' || op1 === '<=') return 'Too many elements in numeric expression';
  if (typeof op2 !== 'string') return `Bad value in numeric range: ${JSON.stringify(op2)}`;
  if (op2 !== '<' && op2 !== '<=') return `Bad numeric range operator: ${op2}`;
  if (typeof v2 !== 'number') return `Value of ${op2} must be numeric`;
  if (v1 >= v2) return 'Bottom must be less than top';
  return undefined;
}

function checkCondition(c: Json): string | undefined {
  if (Array.isArray(c)) return 'Match value must be String, number, true, false, or null';
  if (!isObject(c)) return undefined;
  const entries = Object.entries(c);
  if (entries.length !== 1) return 'Only one key allowed in match expression';
  const [op, spec] = entries[0]!;
  switch (op) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
    case 'wildcard':
      return typeof spec === 'string' ? undefined : `${op} match pattern must be a string`;
    case 'exists':
      return typeof spec === 'boolean' ? undefined : 'exists match pattern must be either true or false.';
    case 'numeric':
      return checkNumeric(spec);
    case 'cidr':
      return typeof spec === 'string' && /^[0-9a-fA-F.:]+\/\d{1,3}$/.test(spec) ? undefined : "Malformed CIDR, one '/' required";
    case 'anything-but': {
      if (typeof spec === 'string' || typeof spec === 'number') return undefined;
      if (Array.isArray(spec)) {
        return spec.every((v) => typeof v === 'string' || typeof v === 'number')
          ? undefined
          : 'Inside anything but list, start|null|boolean is not supported.';
      }
      if (isObject(spec)) {
        const [inner, value] = Object.entries(spec)[0] ?? ['', null];
        // SNS (unlike EventBridge) refuses anything-but suffix, as recorded from AWS.
        if (inner !== 'prefix') return `Unsupported anything-but pattern: ${inner}`;
        return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))
          ? undefined
          : `${inner} match pattern must be a string`;
      }
      return 'Unsupported anything-but pattern: null';
    }
    default:
      return `Unrecognized match type ${op}`;
  }
}

/** The flattened branches of a policy: `$or` multiplies them; each is a list of leaf key paths with their conditions. */
function branches(policy: Policy, path: string[] = []): { path: string[]; conditions: Json[] }[][] {
  let out: { path: string[]; conditions: Json[] }[][] = [[]];
  for (const [key, value] of Object.entries(policy)) {
    let options: { path: string[]; conditions: Json[] }[][];
    if (key === '$or' && Array.isArray(value)) options = value.filter(isObject).flatMap((p) => branches(p, path));
    else if (Array.isArray(value)) options = [[{ path: [...path, key], conditions: value }]];
    else if (isObject(value)) options = branches(value, [...path, key]);
    else options = [[]];
    out = out.flatMap((b) => options.map((o) => [...b, ...o]));
  }
  return out;
}

/**
 * The first problem of a parsed policy for `scope`, in AWS's words (without AWS's JSON position suffix), or
 * `'nested'` for a nested policy under scope MessageAttributes; undefined when valid.
 */
export function validateFilterPolicy(policy: unknown, scope: 'MessageAttributes' | 'MessageBody'): string | undefined {
  if (!isObject(policy)) return 'Filter policy must be a JSON object';
  const walk = (p: Policy, depth: number): string | undefined => {
    for (const [key, value] of Object.entries(p)) {
      if (key === '$or') {
        if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) return '"$or" must be an array of at least two objects';
        for (const branch of value) {
          const problem = walk(branch as Policy, depth);
          if (problem) return problem;
        }
      } else if (Array.isArray(value)) {
        if (value.length === 0) return 'Empty arrays are not allowed';
        for (const c of value) {
          const problem = checkCondition(c);
          if (problem) return problem;
        }
      } else if (isObject(value)) {
        if (scope === 'MessageAttributes') return 'nested';
        const problem = walk(value, depth + 1);
        if (problem) return problem;
      } else return `"${key}" must be an object or an array`;
    }
    return undefined;
  };
  const problem = walk(policy, 0);
  if (problem) return problem;
  const all = branches(policy);
  if (all.some((b) => new Set(b.map((leaf) => leaf.path.join('.'))).size > 5)) return 'Filter policy can not have more than 5 keys';
  const combinations = all.reduce((sum, b) => sum + b.reduce((n, leaf) => n * leaf.conditions.length, 1), 0);
  if (combinations > 150) return 'Filter policy is too complex';
  return undefined;
}

/** A message attribute's value as filtering compares it: String text, Number a number, String.Array its JSON array. */
function attributeValue(a: FilterAttribute): Json | undefined {
  if (a.StringValue === undefined || a.DataType.startsWith('Binary')) return undefined;
  if (a.DataType.startsWith('Number')) return Number(a.StringValue);
  if (a.DataType === 'String.Array') {
    try {
      const parsed = JSON.parse(a.StringValue) as Json;
      return Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return a.StringValue;
}

/**
 * Whether a message passes a subscription's filter policy (a JSON text, already validated; none or '' passes all).
 * Scope MessageAttributes matches the attributes as one flat event (`{name: value}`; binary ones absent, a
 * String.Array matching when any element does); MessageBody parses `body` as JSON (a body that is not a JSON object
 * never matches, as on AWS). The matching itself is EventBridge's (aws/event-pattern.ts): SNS filter policies are
 * the same language.
 */
export function matchesFilterPolicy(
  policyText: string | undefined,
  scope: string | undefined,
  message: { body: string; attributes: Record<string, FilterAttribute> },
): boolean {
  if (!policyText) return true;
  let policy: unknown;
  try {
    policy = JSON.parse(policyText);
  } catch {
    return false;
  }
  if (!isObject(policy) || Object.keys(policy).length === 0) return true;
  if (scope === 'MessageBody') {
    let body: unknown;
    try {
      body = JSON.parse(message.body);
    } catch {
      return false;
    }
    return isObject(body) && matchesEventPattern(policy, body);
  }
  const event: Policy = {};
  for (const [name, a] of Object.entries(message.attributes)) {
    const value = attributeValue(a);
    if (value !== undefined) event[name] = value;
  }
  return matchesEventPattern(policy, event);
}
