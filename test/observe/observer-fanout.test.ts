/**
 * The Observer under fan-out and batching, over real HTTP against the sandbox's CloudWatch Logs: an op reaching two
 * functions gets one invocation from each (a MatchTimeout when one never runs), and a batched SQS invocation whose
 * records are two ops' matches both.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { Observer } from '../../src/observe/observer.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { acked, createGroup, logsClient, putInvocation, Recorder, requestId, sandbox } from './helpers.js';

let sb: Sandbox;
let logs: CloudWatchLogsClient;
let n = 0;

before(async () => {
  sb = await sandbox();
  logs = logsClient(sb.endpoint, sb.region);
});
after(async () => {
  logs.destroy();
  await sb.close();
});

const FAST = { pollFastMs: 100, pollIdleMs: 200, foreignGraceMs: 300, settleMs: 200, mode: 'poll' as const };

async function observe(functions: string[]) {
  const suffix = ++n;
  const groups = functions.map((f) => `/aws/lambda/${f}-${suffix}`);
  for (const g of groups) await createGroup(logs, g, ['s1']);
  const observer = new Observer({ logs, logGroups: groups, ...FAST });
  const rec = new Recorder(observer);
  await observer.start();
  return { groups, observer, rec };
}

const s3Record = (key: string, rid: string) => ({
  eventSource: 'aws:s3',
  eventName: 'ObjectCreated:Put',
  responseElements: { 'x-amz-request-id': rid },
  s3: { bucket: { name: 'test-bucket' }, object: { key } },
});
const viaSns = (key: string, rid: string) =>
  `EVENT ${JSON.stringify({
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: { Type: 'Notification', Timestamp: new Date().toISOString(), Message: JSON.stringify({ Records: [s3Record(key, rid)] }) },
      },
    ],
  })}\n`;

test('fan-out: one op, an invocation from each of its two functions; one function short is a MatchTimeout', async () => {
  const { groups, observer, rec } = await observe(['fn-a', 'fn-b']);
  const [a, b] = groups as [string, string];
  try {
    const one = acked(1, 'fan.txt');
    observer.pending(1, 'test-bucket', 'fan.txt');
    observer.await({ result: one, eventNames: ['ObjectCreated:Put'], timeoutMs: 5000, expectedMatches: 2, expectedGroups: [a, b] });
    await putInvocation(logs, a, 's1', requestId(101), [viaSns('fan.txt', one.requestId!)]);
    await putInvocation(logs, b, 's1', requestId(102), [viaSns('fan.txt', one.requestId!)]);
    await rec.waitFor((e) => e.type === 'Matched' && e.invocation.requestId === requestId(101), 'fn-a matched');
    await rec.waitFor((e) => e.type === 'Matched' && e.invocation.requestId === requestId(102), 'fn-b matched');
    const matched = rec.of('Matched');
    assert.deepEqual(
      matched.map((m) => m.type === 'Matched' && m.opId),
      [1, 1],
    );
    assert.ok(
      matched.every((m) => m.type === 'Matched' && m.latency.hops?.[0]?.from === 'ack'),
      'ack -> SNS -> START hops',
    );

    const two = acked(2, 'short.txt');
    observer.pending(2, 'test-bucket', 'short.txt');
    observer.await({ result: two, eventNames: ['ObjectCreated:Put'], timeoutMs: 1500, expectedMatches: 2, expectedGroups: [a, b] });
    await putInvocation(logs, a, 's1', requestId(103), [viaSns('short.txt', two.requestId!)]);
    await rec.waitFor((e) => e.type === 'Matched' && e.opId === 2, 'fn-a matched op 2');
    await rec.waitFor((e) => e.type === 'MatchTimeout' && e.opId === 2, 'op 2 short of fn-b', 4000);
    assert.equal(rec.of('MatchTimeout').filter((e) => e.type === 'MatchTimeout' && e.opId === 1).length, 0, 'op 1 had both');
  } finally {
    await observer.stop();
  }
});

test("a batched SQS invocation carrying two ops' records matches both; a third op of another key is not taken", async () => {
  const { groups, observer, rec } = await observe(['worker']);
  const [group] = groups as [string];
  try {
    const ops = [acked(1, 'one.txt'), acked(2, 'two.txt'), acked(3, 'three.txt')];
    for (const op of ops) {
      observer.pending(op.opId, 'test-bucket', op.key);
      observer.await({ result: op, eventNames: ['ObjectCreated:Put'], timeoutMs: 5000 });
    }
    const batch = {
      Records: ops.slice(0, 2).map((op, i) => ({
        messageId: `m${i}`,
        eventSource: 'aws:sqs',
        body: JSON.stringify({ Records: [s3Record(op.key, op.requestId!)] }),
        attributes: { SentTimestamp: String(Date.now()) },
      })),
    };
    await putInvocation(logs, group, 's1', requestId(201), [`EVENT ${JSON.stringify(batch)}\n`]);
    await rec.waitFor((e) => e.type === 'Matched' && e.opId === 2, 'op 2 matched');
    const matched = rec.of('Matched').map((e) => (e.type === 'Matched' ? [e.opId, e.invocation.requestId, e.confidence] : []));
    assert.deepEqual(matched, [
      [1, requestId(201), 'request-id'],
      [2, requestId(201), 'request-id'],
    ]);
  } finally {
    await observer.stop();
  }
});
