/**
 * Fan-out: which of the chain's routes an operation's event takes, and the child rows under its row (one per
 * function reached, matched or not yet). Pure.
 */
import type { ChainRoute, Discovery } from '../../events.js';
import { routeAccepts } from '../../observe/chain-expect.js';
import { attemptCount } from '../../observe/invocations.js';
import { hasAllMatches, type OpMatch, type OpState } from '../../op-state.js';
import { opDefinition } from '../../ops/registry.js';
import type { OpInput } from '../../ops/types.js';
import { baseName } from './params.js';
import type { ChildRow, OpRow } from './types.js';

const LAMBDA_GROUP = '/aws/lambda/';

/** `/aws/lambda/fn-resize` -> `fn-resize`; another log group (`--log-group`) is named as it is. */
export function functionOfLogGroup(logGroup: string): string {
  return logGroup.startsWith(LAMBDA_GROUP) ? logGroup.slice(LAMBDA_GROUP.length) : logGroup;
}

/**
 * The routes of discovery's chain that the operation's event takes, as the engine foresees them (chain-expect.ts:
 * event names and key filters on the bucket's side, simple SNS filter policies, EventBridge patterns loosely); none
 * without a chain or for another bucket.
 */
export function routesFor(input: OpInput, discovery: Discovery | undefined): ChainRoute[] {
  const chain = discovery && discovery.bucket === input.bucket ? discovery.chain : undefined;
  if (!chain) return [];
  const key = input.key ?? ('file' in input && input.file ? baseName(input.file) : '');
  const event = { bucket: input.bucket, key, eventNames: opDefinition(input.kind).eventNames };
  return chain.routes.filter((route) => routeAccepts(route, event));
}

// No placeholder child rows for an op that never reached S3's notifications.
const NOT_DELIVERED = new Set<OpState['status']>(['failed', 'cancelled', 'skipped']);

function matchedChild(op: OpState, fn: string, nth: number, match: OpMatch, routes: ChainRoute[]): ChildRow {
  const { invocation } = match;
  const failed = invocation.status === 'failed' || invocation.status === 'timed-out';
  const attempts = attemptCount(invocation);
  return {
    kind: 'child',
    opId: op.opId,
    function: fn,
    nth,
    last: false,
    status: failed ? 'lambda-failed' : 'matched',
    routes,
    requestId: match.requestId,
    confidence: match.confidence,
    latency: match.latency,
    ...(failed ? { lambdaError: invocation.status === 'timed-out' ? ('timed-out' as const) : ('failed' as const) } : {}),
    ...(attempts > 1 ? { attempts } : {}),
  };
}

/**
 * The child rows of one operation: the functions it awaits (the engine's `expectedFunctions`, else its routes'), then
 * functions matched that none named; one row per matched invocation, and one `waiting` (before it settles) or
 * `did-not-run` (after) per awaited function with none while the op is still owed matches. Fewer than two rows: none
 * (a single function keeps the one-row view).
 */
export function childRowsOf(op: OpState, routes: readonly ChainRoute[]): ChildRow[] {
  const byFunction = new Map<string, OpMatch[]>();
  for (const match of op.matches) {
    const fn = functionOfLogGroup(match.logGroup);
    byFunction.set(fn, [...(byFunction.get(fn) ?? []), match]);
  }
  const expected = op.expectedFunctions ?? [...new Set(routes.map((r) => r.function))];
  const order = [...expected, ...[...byFunction.keys()].filter((fn) => !expected.includes(fn))];
  const owed = op.awaitsInvocation && !hasAllMatches(op, op.matches) && !NOT_DELIVERED.has(op.status);
  const children: ChildRow[] = [];
  for (const fn of order) {
    const fnRoutes = routes.filter((r) => r.function === fn);
    const matches = byFunction.get(fn) ?? [];
    matches.forEach((match, nth) => {
      children.push(matchedChild(op, fn, nth, match, fnRoutes));
    });
    if (matches.length === 0 && owed) {
      const status = op.settled ? 'did-not-run' : 'waiting';
      children.push({ kind: 'child', opId: op.opId, function: fn, nth: 0, last: false, status, routes: fnRoutes });
    }
  }
  if (children.length < 2) return [];
  children[children.length - 1] = { ...children[children.length - 1]!, last: true };
  return children;
}

/**
 * The parent row's count when it has child rows: what matched of what the op awaits, counted as the engine settles it
 * (op-state.ts hasAllMatches): awaited functions that ran when it names them, else invocations.
 */
export function fanoutOf(op: OpState): NonNullable<OpRow['fanout']> {
  if (op.expectedFunctions) {
    const ran = new Set(op.matches.map((m) => functionOfLogGroup(m.logGroup)));
    return { matched: op.expectedFunctions.filter((fn) => ran.has(fn)).length, expected: op.expectedFunctions.length };
  }
  return { matched: op.matches.length, expected: Math.max(op.expectedMatches, op.matches.length) };
}
