/** Synthetic engine events of an SNS fan-out (the Jets shape): test-bucket → SNS uploads → fn-resize, fn-index. */
import type { Chain, ChainRoute, Discovery, SessionEvent } from '../../src/events.js';
import type { Invocation, Latency } from '../../src/observe/types.js';

const TOPIC = { kind: 'sns' as const, arn: 'arn:aws:sns:us-east-1:000000000000:uploads', name: 'uploads' };

export const snsRoute = (fn: string, over: Partial<ChainRoute> = {}): ChainRoute => ({
  hops: [TOPIC],
  function: fn,
  events: ['s3:ObjectCreated:*'],
  ...over,
});

export const SNS_CHAIN: Chain = {
  routes: [snsRoute('fn-resize'), snsRoute('fn-index')],
  unfollowed: [],
  summary: 'test-bucket → SNS uploads → fn-resize, fn-index',
};

export function chainDiscovery(chain: Chain = SNS_CHAIN, bucket = 'test-bucket'): Discovery {
  const functions = [...new Set(chain.routes.map((r) => r.function))];
  return {
    bucket,
    functions,
    logGroups: functions.map((f) => `/aws/lambda/${f}`),
    destinations: [],
    warnings: [],
    chain,
  };
}

export function fnInvocation(fn: string, requestId: string, over: Partial<Invocation> = {}): Invocation {
  return {
    requestId,
    logGroup: `/aws/lambda/${fn}`,
    logStream: '2026/11/30/[$LATEST]abc',
    startedAt: 1030,
    endedAt: 1034,
    reportedAt: 1034,
    report: { durationMs: 3.2, billedDurationMs: 4, memorySizeMB: 128, maxMemoryUsedMB: 40 },
    status: 'succeeded',
    lines: [],
    firstSeenAt: 1040,
    ...over,
  };
}

/** The latency of a match through SNS: ack → SNS Timestamp → START, each hop naming its clocks. */
export const SNS_LATENCY: Latency = {
  triggerMs: 20,
  durationMs: 3.2,
  coldStart: true,
  hops: [
    { from: 'ack', to: 'sns', ms: 12, clocks: 'this machine -> SNS' },
    { from: 'sns', to: 'start', ms: 8, clocks: 'SNS -> Lambda' },
  ],
};

export function matchedFn(opId: number, fn: string, requestId = `req-${fn}-${opId}`, over: Partial<Invocation> = {}): SessionEvent {
  return { type: 'Matched', opId, invocation: fnInvocation(fn, requestId, over), confidence: 'key', latency: SNS_LATENCY };
}

/** An op as the engine announces a fan-out: one match per function its event reaches (`expectedFunctions`). */
export function fanoutStarted(
  opId: number,
  expectedFunctions: string[] | undefined = ['fn-resize', 'fn-index'],
  expectedMatches?: number,
): SessionEvent {
  return {
    type: 'OpStarted',
    opId,
    input: { kind: 'put', bucket: 'test-bucket', file: '/tmp/demo/test.txt', key: 'test.txt' },
    startedAt: 1000 + opId,
    warnings: [],
    expectedMatches: expectedMatches ?? expectedFunctions?.length ?? 1,
    ...(expectedFunctions ? { expectedFunctions } : {}),
  };
}
