/**
 * SNS subscription filter policies (SNS Developer Guide, "Amazon SNS message filtering"): validation with AWS's
 * messages, and evaluation against a message's attributes (scope `MessageAttributes`) or its JSON body (scope
 * `MessageBody`). Operators: exact strings and numbers, `prefix`, `suffix`, `equals-ignore-case`, `wildcard`,
 * `anything-but` (values, or a prefix), `numeric` ranges, `exists`, `cidr`, and `$or`.
 * Values in one array are alternatives; keys must all match. Hand-written: the pure AWS logic of the task.
 */

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

function wildcardMatches(pattern: string, value: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '*') source += '.*';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's').test(value);
}

function ipToBigInt(ip: string): { bits: number; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
    const parts = ip.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { bits: 32, value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (!ip.includes(':')) return undefined;
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { bits: 128, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n) };
}

function inCidr(cidr: string, value: string): boolean {
  const [net, maskText] = cidr.split('/');
  const a = ipToBigInt(net!);
  const b = ipToBigInt(value);
  const mask = Number(maskText);
  if (!a || !b || a.bits !== b.bits || mask > a.bits) return false;
  const shift = BigInt(a.bits - mask);
  return a.value >> shift === b.value >> shift;
}

/** One leaf condition against one present value (a string, number, boolean or null; arrays are split by the caller). */
function conditionMatches(c: Json, value: Json): boolean {
  if (!isObject(c)) return c === value;
  const [op, spec] = Object.entries(c)[0]!;
  const text = typeof value === 'string' ? value : undefined;
  switch (op) {
    case 'exists':
      return spec === true;
    case 'prefix':
      return text?.startsWith(spec as string) === true;
    case 'suffix':
      return text?.endsWith(spec as string) === true;
    case 'equals-ignore-case':
      return text !== undefined && text.toLowerCase() === (spec as string).toLowerCase();
    case 'wildcard':
      return text !== undefined && wildcardMatches(spec as string, text);
    case 'cidr':
      return text !== undefined && inCidr(spec as string, text);
    case 'numeric': {
      if (typeof value !== 'number') return false;
      const s = spec as (string | number)[];
      for (let i = 0; i < s.length; i += 2) {
        const bound = s[i + 1] as number;
        const ok = { '=': value === bound, '<': value < bound, '<=': value <= bound, '>': value > bound, '>=': value >= bound }[
          s[i] as string
        ];
        if (!ok) return false;
      }
      return true;
    }
    case 'anything-but': {
      if (isObject(spec)) {
        const [inner, pattern] = Object.entries(spec)[0]!;
        if (text === undefined) return false;
        const patterns = Array.isArray(pattern) ? (pattern as string[]) : [pattern as string];
        return !patterns.some((p) => conditionMatches({ [inner]: p }, text));
      }
      const excluded = Array.isArray(spec) ? spec : [spec];
      return (typeof value === 'string' || typeof value === 'number') && !excluded.includes(value);
    }
    default:
      return false;
  }
}

const MISSING = Symbol('missing');
type Found = Json | typeof MISSING;

/** Whether a leaf's conditions accept `found` (an array matches when any element does). */
function leafMatches(conditions: Json[], found: Found): boolean {
  if (found === MISSING) return conditions.some((c) => isObject(c) && c.exists === false);
  const values = Array.isArray(found) ? found : [found];
  return conditions.some((c) => !(isObject(c) && c.exists === false) && values.some((v) => !isObject(v) && conditionMatches(c, v)));
}

/** The values at `path` in a JSON body: arrays of objects fan out; a missing key anywhere is MISSING. */
function valuesAt(body: Json, path: string[]): Found[] {
  if (path.length === 0) return [body];
  if (Array.isArray(body)) {
    const objects = body.filter(isObject);
    return objects.length ? objects.flatMap((o) => valuesAt(o, path)) : [MISSING];
  }
  if (!isObject(body) || !(path[0]! in body)) return [MISSING];
  return valuesAt(body[path[0]!]!, path.slice(1));
}

function bodyMatches(policy: Policy, body: Json): boolean {
  return branches(policy).some((branch) =>
    branch.every((leaf) => {
      const found = valuesAt(body, leaf.path).filter((v) => v === MISSING || !isObject(v));
      if (found.length === 0) return leafMatches(leaf.conditions, MISSING);
      return found.some((v) => leafMatches(leaf.conditions, v));
    }),
  );
}

/** A message attribute's value as filtering compares it: String text, Number a number, String.Array its JSON array. */
function attributeValue(a: FilterAttribute | undefined): Found {
  if (!a || a.StringValue === undefined || a.DataType.startsWith('Binary')) return MISSING;
  if (a.DataType.startsWith('Number')) return Number(a.StringValue);
  if (a.DataType === 'String.Array') {
    try {
      const parsed = JSON.parse(a.StringValue) as Json;
      return Array.isArray(parsed) ? parsed : MISSING;
    } catch {
      return MISSING;
    }
  }
  return a.StringValue;
}

/**
 * Whether a message passes a subscription's filter policy (a JSON text, already validated; none or '' passes all).
 * Scope MessageAttributes looks at `attributes`; MessageBody parses `body` as JSON (a body that is not a JSON object
 * never matches, as on AWS).
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
    let body: Json;
    try {
      body = JSON.parse(message.body) as Json;
    } catch {
      return false;
    }
    return isObject(body) && bodyMatches(policy, body);
  }
  return branches(policy).some((branch) =>
    branch.every((leaf) => leaf.path.length === 1 && leafMatches(leaf.conditions, attributeValue(message.attributes[leaf.path[0]!]))),
  );
}
