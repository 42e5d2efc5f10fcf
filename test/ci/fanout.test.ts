/** CI face of the event chain: --expect-invocations, the chain line, fan-out lines, and the NDJSON fields. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpectInvocations } from '../../src/ci/plan.js';
import { attachDashValues, repeatedFlagProblem } from '../../src/cli-flags.js';
import * as text from '../../src/ci/text.js';
import { outcomeRecord } from '../../src/ci/json.js';
import { outcomeOf, statusOf, exitCodeFor } from '../../src/ci/outcome.js';
import { foldOpEvents } from '../../src/op-state.js';
import type { Chain, Discovery, SessionEvent, TargetInfo } from '../../src/events.js';
import type { Invocation } from '../../src/observe/types.js';
import type { OpInput, OpResult } from '../../src/ops/types.js';
import { cliBuilt, ndjson, NOT_BUILT, runCli, workDir } from './helpers.js';

const cases: [string, { count: number } | { problem: string }][] = [
  ['2', { count: 2 }],
  [' 3 ', { count: 3 }],
  ['1000', { count: 1000 }],
  ['0', { problem: "--expect-invocations '0' must be at least 1" }],
  ['1001', { problem: "--expect-invocations '1001' is more than 1000" }],
  ['two', { problem: "--expect-invocations 'two' is not a whole number: use e.g. 2" }],
  ['1.5', { problem: "--expect-invocations '1.5' is not a whole number: use e.g. 2" }],
  ['-1', { problem: "--expect-invocations '-1' is not a whole number: use e.g. 2" }],
  ['', { problem: "--expect-invocations '' is not a whole number: use e.g. 2" }],
];
for (const [raw, want] of cases) {
  test(`parseExpectInvocations ${JSON.stringify(raw)}`, () => assert.deepEqual(parseExpectInvocations(raw), want));
}

test('--expect-invocations is a scalar flag: a dash value is its value, given twice is named', () => {
  assert.deepEqual(attachDashValues(['--expect-invocations', '-1', '--wait']), ['--expect-invocations=-1', '--wait']);
  assert.match(repeatedFlagProblem({ 'expect-invocations': ['1', '2'] }) ?? '', /--expect-invocations was given more than once/);
});

const CHAIN: Chain = {
  routes: [
    {
      hops: [{ kind: 'sns', arn: 'arn:aws:sns:eu-west-1:000000000000:test-bucket-events', name: 'test-bucket-events' }],
      function: 'event-handler',
      events: ['s3:ObjectCreated:*'],
    },
    {
      hops: [{ kind: 'sns', arn: 'arn:aws:sns:eu-west-1:000000000000:test-bucket-events', name: 'test-bucket-events' }],
      function: 'event-indexer',
      events: ['s3:ObjectCreated:*'],
    },
  ],
  unfollowed: [],
  summary: 'test-bucket → SNS test-bucket-events → event-handler, event-indexer',
};

test('chainLine: the summary once; nothing without a chain', () => {
  const d: Discovery = { bucket: 'test-bucket', functions: [], logGroups: [], destinations: [], warnings: [] };
  assert.equal(text.chainLine({ ...d, chain: CHAIN }), 'Chain: test-bucket → SNS test-bucket-events → event-handler, event-indexer');
  assert.equal(text.chainLine(d), undefined);
});

const put: OpInput = { kind: 'put', bucket: 'test-bucket', file: './test.txt' };
const result: OpResult = {
  opId: 1,
  op: 'put',
  bucket: 'test-bucket',
  key: 'test.txt',
  startedAt: 1000,
  ackedAt: 1010,
  requestId: 'S3REQ0123456789A',
};
const target: TargetInfo = { kind: 'sandbox', region: 'eu-west-1', label: 'local sandbox' };
const invocation = (fn: string, requestId: string): Invocation => ({
  requestId,
  logGroup: `/aws/lambda/${fn}`,
  logStream: 's',
  status: 'succeeded',
  startedAt: 1040,
  reportedAt: 1050,
  firstSeenAt: 1040,
  lines: [],
});
const hops = [
  { from: 'ack' as const, to: 'sns' as const, ms: 12, clocks: "this machine -> SNS's clock" },
  { from: 'sns' as const, to: 'start' as const, ms: 18, clocks: "SNS's clock -> Lambda's clock" },
];
const started: SessionEvent = {
  type: 'OpStarted',
  opId: 1,
  input: put,
  startedAt: 1000,
  warnings: [],
  expectedMatches: 2,
  expectedFunctions: ['event-handler', 'event-indexer'],
};
const matchedFrom = (fn: string, requestId: string): SessionEvent => ({
  type: 'Matched',
  opId: 1,
  invocation: invocation(fn, requestId),
  confidence: 'request-id',
  latency: { coldStart: false, triggerMs: 30, hops },
});

test('a fan-out op in NDJSON: match stays, matches[] has each function with its hops, chain is there', () => {
  const state = foldOpEvents({}, [
    started,
    { type: 'OpAcked', opId: 1, result },
    matchedFrom('event-handler', 'r1'),
    matchedFrom('event-indexer', 'r2'),
  ])[1]!;
  const outcome = outcomeOf(state);
  assert.equal(statusOf(outcome), 'matched');
  const record = outcomeRecord(outcome, target, true, CHAIN);
  assert.equal(record.match?.function, 'event-handler');
  assert.deepEqual(
    record.matches.map((m) => m.function),
    ['event-handler', 'event-indexer'],
  );
  assert.equal(record.matches[1]!.hops.length, 2, 'each function keeps its own hops');
  assert.equal(record.chain?.summary, CHAIN.summary);
  assert.equal(record.missing, undefined);
  assert.equal(text.fanOutLine(['event-handler', 'event-indexer'], []), 'Functions: event-handler (matched), event-indexer (matched)');
});

test('a fan-out op short of a function: exit 3, the line and the record name it', () => {
  const state = foldOpEvents({}, [
    started,
    { type: 'OpAcked', opId: 1, result },
    matchedFrom('event-handler', 'r1'),
    { type: 'MatchTimeout', opId: 1 },
  ])[1]!;
  const outcome = outcomeOf(state);
  assert.equal(statusOf(outcome), 'no-match');
  assert.equal(exitCodeFor([outcome], false), 3);
  assert.deepEqual(outcome.missing, ['event-indexer']);
  assert.deepEqual(outcomeRecord(outcome, target).missing, ['event-indexer']);
  assert.equal(
    text.missingFunctionsLine(put, 60_000, outcome.missing!, 1),
    'No invocation of event-indexer for PUT test.txt within 60s (1 of 2 functions ran)',
  );
  assert.equal(text.fanOutLine(['event-handler'], ['event-indexer']), 'Functions: event-handler (matched), event-indexer (did not run)');
  assert.equal(text.fanOutLine(['event-handler'], []), undefined, 'a direct op has no functions line');
});

test('latencyLine names each hop and its clocks', () => {
  assert.equal(
    text.latencyLine({ coldStart: false, triggerMs: 30, hops }, true),
    "Latency: trigger 30 ms (S3 ack -> START, one clock: this machine's), hops S3 ack -> SNS 12 ms (this machine -> SNS's clock), SNS -> START 18 ms (SNS's clock -> Lambda's clock)",
  );
});

test('tooFewLine', () => assert.equal(text.tooFewLine(put, 5000, 1, 3), 'Only 1 of 3 expected invocations for PUT test.txt within 5s'));

test('CLI: a bad --expect-invocations is exit 2 before anything is fired', { skip: !cliBuilt && NOT_BUILT }, async () => {
  const dir = workDir();
  const r = await runCli(['--local', '--bucket', 'test-bucket', '--put', 'x.txt', '--expect-invocations', 'many', '--wait'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--expect-invocations 'many' is not a whole number/);
});

test('CLI: --expect-invocations 2 on a direct notification: one invocation comes, exit 3 naming the shortfall; the record keeps the match and the chain', {
  skip: !cliBuilt && NOT_BUILT,
}, async () => {
  const dir = workDir();
  const r = await runCli(
    ['--local', '--bucket', 'test-bucket', '--put', 'test.txt', '--wait', '--expect-invocations', '2', '--timeout', '3s', '--json'],
    dir,
  );
  assert.equal(r.code, 3, r.stderr);
  const [record] = ndjson(r.stdout);
  assert.equal(record?.status, 'no-match');
  assert.equal(record?.matches.length, 1);
  assert.equal(record?.match.function, 'event-handler');
  assert.equal(record?.chain.summary, 'test-bucket → event-handler');
  assert.match(r.stderr, /^Chain: test-bucket → event-handler$/m);
  assert.match(r.stderr, /^Only 1 of 2 expected invocations for PUT test.txt within 3s$/m);
  const one = await runCli(
    ['--local', '--bucket', 'test-bucket', '--put', 'test.txt', '--wait', '--expect-invocations', '1', '--quiet'],
    dir,
  );
  assert.equal(one.code, 0, one.stderr);
  assert.doesNotMatch(one.stdout + one.stderr, /Chain:/, 'not with --quiet');
});

test('discoveryLines: a followed chain replaces the destination notes; a bucket whose topic leads nowhere keeps them', () => {
  const d: Discovery = {
    bucket: 'test-bucket',
    functions: ['event-handler', 'event-indexer'],
    logGroups: ['/aws/lambda/event-handler', '/aws/lambda/event-indexer'],
    destinations: ['events go to SNS topic arn:aws:sns:eu-west-1:000000000000:test-bucket-events'],
    warnings: [],
    chain: CHAIN,
  };
  assert.deepEqual(text.discoveryLines(d, true), [
    'Watching /aws/lambda/event-handler, /aws/lambda/event-indexer (function event-handler, event-indexer)',
  ]);
  const nowhere = { ...d, functions: [], logGroups: [], chain: { routes: [], unfollowed: ['x'], summary: 's' } };
  assert.deepEqual(text.discoveryLines(nowhere, true), [
    'Note: events go to SNS topic arn:aws:sns:eu-west-1:000000000000:test-bucket-events',
  ]);
});
