/** Matching under fan-out (one invocation per function for each op) and batched SQS invocations (one per record). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awaitsMore, decideMatch, evidenceOf, hasMatchFrom, type OpCandidate } from '../../src/observe/correlate.js';
import type { Invocation } from '../../src/observe/types.js';

const options = { clockSkewMs: 50 };

function inv(logGroup: string, message: string, requestId = 'r1'): Invocation {
  return {
    requestId,
    logGroup,
    logStream: 's',
    status: 'succeeded',
    startedAt: 1000,
    reportedAt: 1010,
    firstSeenAt: 1000,
    lines: [{ logGroup, logStream: 's', timestamp: 1001, seenAt: 1002, message, kind: 'app' }],
  };
}

function op(opId: number, key: string, extra: Partial<OpCandidate> = {}): OpCandidate {
  return {
    opId,
    bucket: 'test-bucket',
    key,
    eventNames: ['ObjectCreated:Put'],
    startedAt: 900 + opId,
    ackedAt: 950,
    pending: false,
    matched: false,
    ...extra,
  };
}

const s3 = (key: string, rid?: string) => ({
  eventName: 'ObjectCreated:Put',
  ...(rid ? { responseElements: { 'x-amz-request-id': rid } } : {}),
  s3: { bucket: { name: 'test-bucket' }, object: { key } },
});
const snsWrapped = (key: string) =>
  `EVENT ${JSON.stringify({ Records: [{ EventSource: 'aws:sns', Sns: { Timestamp: '2026-11-30T10:00:00.000Z', Message: JSON.stringify({ Records: [s3(key)] }) } }] })}`;
const sqsBatch = (...records: { key: string; rid?: string }[]) =>
  `EVENT ${JSON.stringify({
    Records: records.map((r, i) => ({
      eventSource: 'aws:sqs',
      messageId: `m${i}`,
      body: JSON.stringify({ Records: [s3(r.key, r.rid)] }),
      attributes: { SentTimestamp: String(990 + i) },
    })),
  })}`;
const decide = (i: Invocation, ops: OpCandidate[]) => decideMatch(i, evidenceOf(i), ops, options);

test("fan-out: an op matched by fn-a still takes fn-b's invocation of its key, before a later op of the same key", () => {
  const first = op(1, 'same.txt', { matched: true, matchedGroups: ['/aws/lambda/fn-a'] });
  const second = op(2, 'same.txt');
  assert.deepEqual(decide(inv('/aws/lambda/fn-b', snsWrapped('same.txt')), [first, second]), [{ opId: 1, confidence: 'key' }]);
  // fn-a's second invocation of the key is the later op's
  assert.deepEqual(decide(inv('/aws/lambda/fn-a', snsWrapped('same.txt')), [first, second]), [{ opId: 2, confidence: 'key' }]);
});

test('fan-out: one invocation is one op (no batch): a single SNS record never names two ops', () => {
  const ops = [op(1, 'same.txt'), op(2, 'same.txt')];
  assert.equal(decide(inv('/aws/lambda/fn-a', snsWrapped('same.txt')), ops).length, 1);
});

test('a batched SQS invocation matches each op whose record it carries (request ids and keys), no op twice', () => {
  const ops = [op(1, 'one.txt', { requestId: 'AAAAAAAAAAAAAAA1' }), op(2, 'two.txt'), op(3, 'three.txt')];
  const batch = inv('/aws/lambda/worker', sqsBatch({ key: 'one.txt', rid: 'AAAAAAAAAAAAAAA1' }, { key: 'two.txt' }));
  assert.deepEqual(decide(batch, ops), [
    { opId: 1, confidence: 'request-id' },
    { opId: 2, confidence: 'key' },
  ]);
  // Two records of the same key: two ops of that key, one each.
  const same = [op(1, 'k.txt'), op(2, 'k.txt'), op(3, 'k.txt')];
  assert.deepEqual(
    decide(inv('/aws/lambda/worker', sqsBatch({ key: 'k.txt' }, { key: 'k.txt' })), same).map((d) => d.opId),
    [1, 2],
  );
});

test('time match under fan-out: an op waits for the functions it expects, each once', () => {
  const silent = (group: string) => inv(group, 'hello');
  const a = '/aws/lambda/fn-a';
  const b = '/aws/lambda/fn-b';
  const fanned = op(1, 'x.txt', { matched: true, matchedGroups: [a], expectedGroups: [a, b] });
  assert.deepEqual(decide(silent(b), [fanned]), [{ opId: 1, confidence: 'time' }]);
  assert.deepEqual(decide(silent(a), [fanned]), [], 'fn-a already ran for it');
  assert.deepEqual(decide(silent('/aws/lambda/other'), [op(1, 'x.txt', { expectedGroups: [a, b] })]), [], 'not a function it reaches');
  const direct = op(1, 'x.txt', { matched: true, matchedGroups: [a] });
  assert.deepEqual(decide(silent(b), [direct]), [], 'without expected groups an op waits only for its first match');
});

test('hasMatchFrom and awaitsMore', () => {
  const a = '/aws/lambda/fn-a';
  assert.equal(hasMatchFrom(op(1, 'k', { matched: true }), a), true, 'no groups recorded: matched decides');
  assert.equal(hasMatchFrom(op(1, 'k', { matched: true, matchedGroups: ['/x'] }), a), false);
  assert.equal(awaitsMore(op(1, 'k', { matched: true, matchedGroups: [a], expectedGroups: [a, '/b'] })), true);
  assert.equal(awaitsMore(op(1, 'k', { matched: true, matchedGroups: [a] })), false);
});

test("not a batch: an invocation whose text names two ops' request ids is one op's, the one its record names", () => {
  const ops = [op(1, 'a.txt', { requestId: 'AAAAAAAAAAAAAAA1' }), op(2, 'b.txt', { requestId: 'AAAAAAAAAAAAAAA2' })];
  const message = `EVENT ${JSON.stringify({ Records: [s3('b.txt', 'AAAAAAAAAAAAAAA2')] })} previous: AAAAAAAAAAAAAAA1`;
  assert.deepEqual(decide(inv('/aws/lambda/fn', message), ops), [{ opId: 2, confidence: 'request-id' }]);
});
