/**
 * EventBridge event patterns: validation as PutRule/TestEventPattern answer InvalidEventPatternException, and matching
 * as the default bus routes events (EventBridge User Guide, "Event patterns", "Comparison operators for use in event
 * patterns"; AWS's Event Ruler README for arrays and `$or`).
 * Hand-written: no npm library implements EventBridge's pattern language (content filters, `$or`, array rules) faithfully.
 *
 * Rules followed: every key of the pattern must match (AND); a leaf is an array of alternatives (OR): literal strings,
 * numbers, booleans and null, or one-key filters (`prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`,
 * `numeric`, `exists`, `cidr`); `$or` takes two or more sub-patterns. Arrays in the event are "crushed out": a leaf
 * matches when any element matches, and a nested pattern matches when one element (object) matches all its fields.
 * Filters only see leaf values (strings, numbers, booleans, null): `exists: false` holds for a field that is absent or an
 * object, and every other filter fails on an absent field.
 */
import { BlockList, isIP } from 'node:net';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const MATCH_TYPES = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'];

// ---- validation -------------------------------------------------------------------------------------------------

/**
 * Why `pattern` (parsed JSON) is not a valid event pattern, in Event Ruler's words (the text after AWS's "Event pattern
 * is not valid. Reason: "); undefined when it is valid.
 */
export function validateEventPattern(pattern: unknown): string | undefined {
  if (!isObject(pattern)) return 'Filter is not an object';
  return validateObject(pattern, false);
}

function validateObject(obj: Json, insideOr: boolean): string | undefined {
  const keys = Object.keys(obj);
  if (keys.length === 0) return 'Empty objects are not allowed';
  for (const key of keys) {
    const value = obj[key];
    if (key === '$or') {
      const reason = validateOr(value);
      if (reason) return reason;
      continue;
    }
    if (insideOr && MATCH_TYPES.includes(key)) return `${key} is Ruler reserved fieldName which cannot be used inside $or.`;
    const reason = isObject(value)
      ? validateObject(value, insideOr)
      : Array.isArray(value)
        ? validateLeaf(value)
        : `"${key}" must be an object or an array`;
    if (reason) return reason;
  }
  return undefined;
}

function validateOr(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'It must be an Array followed with $or.';
  for (const branch of value) {
    if (!isObject(branch)) return 'Only JSON object is allowed in array of $or relationship.';
    const reason = validateObject(branch, true);
    if (reason) return reason;
  }
  return value.length < 2 ? 'There must have at least 2 Objects in $or relationship.' : undefined;
}

function validateLeaf(values: unknown[]): string | undefined {
  if (values.length === 0) return 'Empty arrays are not allowed';
  for (const v of values) {
    if (isObject(v)) {
      const reason = validateFilter(v);
      if (reason) return reason;
    } else if (Array.isArray(v) || (v !== null && !['string', 'number', 'boolean'].includes(typeof v))) {
      return 'Match value must be String, number, true, false, or null';
    }
  }
  return undefined;
}

function validateFilter(filter: Json): string | undefined {
  const keys = Object.keys(filter);
  if (keys.length === 0) return 'Match expression name not found';
  if (keys.length > 1) return 'Only one key allowed in match expression';
  const type = keys[0]!;
  const arg = filter[type];
  switch (type) {
    case 'prefix':
    case 'suffix':
      if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') return undefined;
      return typeof arg === 'string' ? undefined : `${type} match pattern must be a string`;
    case 'equals-ignore-case':
      return typeof arg === 'string' ? undefined : 'equals-ignore-case match pattern must be a string';
    case 'wildcard':
      return typeof arg === 'string' ? wildcardProblem(arg) : 'wildcard match pattern must be a string';
    case 'exists':
      return typeof arg === 'boolean' ? undefined : 'exists match pattern must be either true or false.';
    case 'numeric':
      return Array.isArray(arg) ? numericProblem(arg) : 'Value of numeric must be an array.';
    case 'cidr':
      return typeof arg === 'string' ? cidrProblem(arg) : 'prefix match pattern must be a string';
    case 'anything-but':
      return anythingButProblem(arg);
    default:
      return `Unrecognized match type ${type}`;
  }
}

function anythingButProblem(arg: unknown): string | undefined {
  if (typeof arg === 'string' || typeof arg === 'number') return undefined;
  if (Array.isArray(arg)) {
    if (arg.some((v) => typeof v !== 'string' && typeof v !== 'number')) {
      return 'Inside anything but list, start|null|boolean is not supported.';
    }
    const strings = arg.filter((v) => typeof v === 'string').length;
    if (arg.length === 0 || (strings > 0 && strings < arg.length)) {
      return 'Inside anything but list, either all values are number or string, mixed type is not supported';
    }
    return undefined;
  }
  if (!isObject(arg)) return 'Value of anything-but must be an array or single string/number value.';
  const keys = Object.keys(arg);
  if (keys.length !== 1) return keys.length === 0 ? 'Anything-But expression name not found' : 'Only one key allowed in match expression';
  const op = keys[0]!;
  const inner = arg[op];
  const list: unknown[] = Array.isArray(inner) ? inner : [inner];
  const allStrings = list.length > 0 && list.every((v) => typeof v === 'string');
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (isObject(inner)) return 'Value of anything-but must be an array or single string/number value.';
      if (!allStrings) return 'prefix/suffix match pattern must be a string';
      return list.includes('') ? 'Null prefix/suffix not allowed' : undefined;
    case 'equals-ignore-case':
      return allStrings ? undefined : 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.';
    case 'wildcard':
      return allStrings ? list.map((w) => wildcardProblem(w as string)).find(Boolean) : 'wildcard match pattern must be a string';
    default:
      return `Unsupported anything-but pattern: ${op}`;
  }
}

function numericProblem(terms: unknown[]): string | undefined {
  const [op, value, op2, value2, ...rest] = terms;
  if (typeof op !== 'string') return `Invalid member in numeric match: ${JSON.stringify(op)}`;
  if (!['=', '<', '<=', '>', '>='].includes(op)) return `Unrecognized numeric range operator: ${op}`;
  if (typeof value !== 'number') return `Value of ${op} must be numeric`;
  if (op2 === undefined) return undefined;
  if (op !== '>' && op !== '>=') return 'Too many elements in numeric expression';
  if (typeof op2 !== 'string') return `Bad value in numeric range: ${JSON.stringify(op2)}`;
  if (op2 !== '<' && op2 !== '<=') return `Bad numeric range operator: ${op2}`;
  if (typeof value2 !== 'number') return `Value of ${op2} must be numeric`;
  return rest.length > 0 ? 'Too many terms in numeric range expression' : undefined;
}

// Event Ruler refuses wildcard rules its complexity evaluator scores too high; EventBridge does not document the limit.
// AWS refuses `*:*:*:*:*:event-bus/*` (six wildcards), so more than five is this module's stand-in for that score.
const MAX_WILDCARDS = 5;

/** `*` matches any run of characters; `\*` is a literal star and `\\` a backslash; `**` is refused. */
function wildcardProblem(w: string): string | undefined {
  let wildcards = 0;
  for (let i = 0; i < w.length; i++) {
    if (w[i] === '\\') {
      if (w[i + 1] !== '*' && w[i + 1] !== '\\') return `Invalid escape character at pos ${i}`;
      i++;
    } else if (w[i] === '*') {
      if (w[i + 1] === '*') return `Consecutive wildcard characters at pos ${i + 1}`;
      wildcards++;
    }
  }
  return wildcards > MAX_WILDCARDS
    ? 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character'
    : undefined;
}

// ---- matching ---------------------------------------------------------------------------------------------------

type Leaf = string | number | boolean | null;

/**
 * Whether `event` (parsed JSON: the whole event, `detail` an object) matches `pattern` (parsed JSON). A pattern that
 * `validateEventPattern` refuses matches nothing; never throws.
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (validateEventPattern(pattern) !== undefined) return false;
  return matchObject(expandDots(pattern) as Json, expandDots(event));
}

/**
 * Event Ruler joins nested keys with dots, so `{"state.status": …}` and `{"state": {"status": …}}` name the same
 * field, in patterns and events alike (AWS matches either against the other): dotted keys become nested objects, and
 * values that meet at one field are kept side by side as an array.
 */
function expandDots(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expandDots);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const path = key === '$or' ? [key] : key.split('.');
    let node = out;
    for (const step of path.slice(0, -1)) {
      if (!isObject(node[step])) node[step] = node[step] === undefined ? {} : [node[step], {}];
      const next = node[step];
      node = (Array.isArray(next) ? next[next.length - 1] : next) as Json;
    }
    merge(node, path[path.length - 1]!, expandDots(v));
  }
  return out;
}

function merge(node: Json, key: string, value: unknown): void {
  const existing = node[key];
  if (existing === undefined) node[key] = value;
  else if (isObject(existing) && isObject(value)) for (const [k, v] of Object.entries(value)) merge(existing, k, v);
  else node[key] = [...(Array.isArray(existing) ? existing : [existing]), ...(Array.isArray(value) ? value : [value])];
}

/** The objects a node stands for once arrays are crushed out; a node with none is matched as an empty object. */
function objectsOf(node: unknown): Json[] {
  if (isObject(node)) return [node];
  return Array.isArray(node) ? node.flatMap(objectsOf) : [];
}

function matchObject(pattern: Json, node: unknown): boolean {
  const objects = objectsOf(node);
  return (objects.length ? objects : [{}]).some((obj) => matchFields(pattern, obj));
}

function matchFields(pattern: Json, obj: Json): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') return (sub as Json[]).some((branch) => matchFields(branch, obj));
    const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
    return Array.isArray(sub) ? matchLeaf(sub, leavesOf(value)) : matchObject(sub as Json, value);
  });
}

/** Leaf values at a field: its value, or every scalar inside its (nested) arrays; objects are not leaves. */
function leavesOf(value: unknown): Leaf[] {
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return [value as Leaf];
  return [];
}

function matchLeaf(alternatives: unknown[], leaves: Leaf[]): boolean {
  return alternatives.some((alt) => {
    if (isObject(alt) && 'exists' in alt) return alt.exists === leaves.length > 0;
    return leaves.some((leaf) => (isObject(alt) ? matchFilter(alt, leaf) : alt === leaf));
  });
}

function matchFilter(filter: Json, leaf: Leaf): boolean {
  const [type, arg] = Object.entries(filter)[0]!;
  switch (type) {
    case 'prefix':
    case 'suffix':
      return typeof leaf === 'string' && affixMatches(type, arg, leaf);
    case 'equals-ignore-case':
      return typeof leaf === 'string' && foldCase(leaf) === foldCase(arg as string);
    case 'wildcard':
      return typeof leaf === 'string' && wildcardRegExp(arg as string).test(leaf);
    case 'numeric':
      return typeof leaf === 'number' && numericMatches(arg as (string | number)[], leaf);
    case 'cidr':
      return typeof leaf === 'string' && cidrContains(arg as string, leaf);
    case 'anything-but':
      return !anythingButExcludes(arg, leaf);
    default:
      return false;
  }
}

const foldCase = (s: string): string => s.toLowerCase();

function affixMatches(type: 'prefix' | 'suffix', arg: unknown, leaf: string): boolean {
  const ignoreCase = isObject(arg);
  const affix = ignoreCase ? foldCase(arg['equals-ignore-case'] as string) : (arg as string);
  const value = ignoreCase ? foldCase(leaf) : leaf;
  return type === 'prefix' ? value.startsWith(affix) : value.endsWith(affix);
}

/** Whether `anything-but`'s inner expression names this leaf (so the filter does not match it). */
function anythingButExcludes(arg: unknown, leaf: Leaf): boolean {
  if (!isObject(arg)) return (Array.isArray(arg) ? arg : [arg]).some((v) => v === leaf);
  if (typeof leaf !== 'string') return false;
  const [op, inner] = Object.entries(arg)[0]!;
  const list = (Array.isArray(inner) ? inner : [inner]) as string[];
  if (op === 'prefix') return list.some((p) => leaf.startsWith(p));
  if (op === 'suffix') return list.some((p) => leaf.endsWith(p));
  if (op === 'equals-ignore-case') return list.some((v) => foldCase(v) === foldCase(leaf));
  return list.some((w) => wildcardRegExp(w).test(leaf));
}

function wildcardRegExp(w: string): RegExp {
  let source = '';
  for (let i = 0; i < w.length; i++) {
    const c = w[i]!;
    if (c === '\\') source += `\\${w[++i] ?? '\\'}`;
    else if (c === '*') source += '.*';
    else source += c.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

function numericMatches(terms: (string | number)[], n: number): boolean {
  for (let i = 0; i + 1 < terms.length; i += 2) {
    const bound = terms[i + 1] as number;
    const ok =
      terms[i] === '='
        ? n === bound
        : terms[i] === '<'
          ? n < bound
          : terms[i] === '<='
            ? n <= bound
            : terms[i] === '>'
              ? n > bound
              : n >= bound;
    if (!ok) return false;
  }
  return true;
}

/** Event Ruler's reasons for a `cidr` value it cannot read. */
function cidrProblem(cidr: string): string | undefined {
  const parts = cidr.split('/');
  if (parts.length !== 2) return "Malformed CIDR, one '/' required";
  if (isIP(parts[0]!) === 0) return `Nonstandard IP address: ${parts[0]}`;
  return parseCidr(cidr) ? undefined : 'Malformed CIDR, mask bits must be an integer';
}

function parseCidr(cidr: string): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [network, bits, extra] = cidr.split('/');
  const version = isIP(network ?? '');
  if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits) || version === 0) return undefined;
  const prefix = Number(bits);
  if (prefix > (version === 4 ? 32 : 128)) return undefined;
  return { network: network!, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

function cidrContains(cidr: string, address: string): boolean {
  const range = parseCidr(cidr);
  const version = isIP(address);
  if (!range || version === 0 || (version === 4) !== (range.family === 'ipv4')) return false;
  const list = new BlockList();
  list.addSubnet(range.network, range.prefix, range.family);
  return list.check(address, range.family);
}
