/**
 * Resource-based policies (a Lambda function's policy, an SQS queue's `Policy`, an SNS topic's `Policy`) evaluated
 * for one service principal's request, as IAM evaluates them (IAM User Guide, "Policy evaluation logic"): an explicit
 * Deny wins, otherwise some Allow statement must match principal, action and every condition. Hand-written: no npm
 * library evaluates IAM policies; the subset here is what S3, SNS and EventBridge deliveries are checked against.
 */

/** One request to check: `principal` a service (`s3.amazonaws.com`) or account ARN, `action` like `sqs:SendMessage`. */
export interface PolicyRequest {
  principal: string;
  action: string;
  /** `aws:SourceArn`: the resource that causes the call (the bucket's ARN, the topic's ARN, the rule's ARN). */
  sourceArn?: string;
  /** `aws:SourceAccount`. */
  sourceAccount?: string;
}

type Json = Record<string, unknown>;

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's `*` and `?` wildcards; case-insensitive when `ignoreCase` (action names are, ARNs are not). */
export function wildcardMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function principalMatches(principal: unknown, who: string): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  const p = principal as Json;
  return [...list(p.Service), ...list(p.AWS)].some((v) => v === '*' || v === who);
}

/** The request's value of a condition key (keys are case-insensitive); undefined when the request has none. */
function contextValue(key: string, request: PolicyRequest): string | undefined {
  const k = key.toLowerCase();
  if (k === 'aws:sourcearn') return request.sourceArn;
  if (k === 'aws:sourceaccount') return request.sourceAccount;
  return undefined;
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  arnlike: (p, v) => wildcardMatches(p, v),
  arnequals: (p, v) => wildcardMatches(p, v),
  stringlike: (p, v) => wildcardMatches(p, v),
  stringequals: (p, v) => p === v,
  stringequalsignorecase: (p, v) => p.toLowerCase() === v.toLowerCase(),
};

/** Every condition holds; an operator this module does not know, or a key the request lacks, fails the statement. */
function conditionsHold(condition: unknown, request: PolicyRequest): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== 'object' || condition === null) return false;
  return Object.entries(condition as Json).every(([operator, block]) => {
    const test = OPERATORS[operator.toLowerCase()];
    if (!test || typeof block !== 'object' || block === null) return false;
    return Object.entries(block as Json).every(([key, patterns]) => {
      const value = contextValue(key, request);
      return value !== undefined && list(patterns).some((p) => typeof p === 'string' && test(p, value));
    });
  });
}

function statementApplies(s: Json, request: PolicyRequest): boolean {
  return (
    principalMatches(s.Principal, request.principal) &&
    list(s.Action).some((a) => typeof a === 'string' && wildcardMatches(a, request.action, true)) &&
    conditionsHold(s.Condition, request)
  );
}

/**
 * Whether the policy (a JSON string or parsed document; `{ Statement: [...] }` or a bare list of statements) allows
 * the request. An unparseable or empty policy allows nothing.
 */
export function resourcePolicyAllows(policy: string | Json | Json[] | undefined, request: PolicyRequest): boolean {
  let doc: unknown = policy;
  if (typeof policy === 'string') {
    try {
      doc = JSON.parse(policy);
    } catch {
      return false;
    }
  }
  const statements = list(Array.isArray(doc) ? doc : (doc as Json | undefined)?.Statement).filter(
    (s): s is Json => typeof s === 'object' && s !== null,
  );
  const applying = statements.filter((s) => statementApplies(s, request));
  return !applying.some((s) => s.Effect === 'Deny') && applying.some((s) => s.Effect === 'Allow');
}
