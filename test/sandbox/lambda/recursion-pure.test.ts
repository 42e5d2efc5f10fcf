/** Recursive loop detection's pure parts: the trace header, the lineage count, the guard's decisions and records. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatTraceHeader,
  lineageCount,
  lineageHash,
  newTraceId,
  nextInvocationHeader,
  parseTraceHeader,
} from '../../../src/sandbox/lambda/recursion/trace-header.js';
import {
  eventObjectOf,
  MAX_RECURSIVE_INVOCATIONS,
  RECURSION_LOG_GROUP,
  RecursionGuard,
  sqsTraceHeaderOf,
  type StoppedEvent,
} from '../../../src/sandbox/lambda/recursion/guard.js';
import { validateRecursiveLoop } from '../../../src/sandbox/lambda/recursion/config.js';
import type { RecursiveLoop } from '../../../src/sandbox/lambda/recursion/config.js';
import { RecordingSink } from './helpers.js';

const ROOT = '1-6736a5ff-25b8e80625995fc3195d1db8';

test('parseTraceHeader reads every Lineage form AWS has written', () => {
  const cases: [string | undefined, ReturnType<typeof parseTraceHeader>][] = [
    [undefined, undefined],
    ['', undefined],
    [
      `Root=${ROOT};Parent=1cd4b7ac54511616;Sampled=0;Lineage=2:01bc76f7:3`,
      { root: ROOT, parent: '1cd4b7ac54511616', sampled: '0', lineage: [{ hash: '01bc76f7', count: 3 }], other: [] },
    ],
    [`Root=${ROOT};Sampled=1;Lineage=037bed70:0`, { root: ROOT, sampled: '1', lineage: [{ hash: '037bed70', count: 0 }], other: [] }],
    [
      `Root=${ROOT};Lineage=a87bd80c:1|68fd508a:5|c512fbe3:2`,
      {
        root: ROOT,
        lineage: [
          { hash: 'a87bd80c', count: 1 },
          { hash: '68fd508a', count: 5 },
          { hash: 'c512fbe3', count: 2 },
        ],
        other: [],
      },
    ],
    [`Root=not-a-root;Lineage=zz:1;Self=1-2-3`, { lineage: [], other: ['Self=1-2-3'] }],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseTraceHeader(text), want, String(text));
});

test('formatTraceHeader writes AWS field order and the versioned Lineage', () => {
  const h = { root: ROOT, parent: 'aaaaaaaaaaaaaaaa', sampled: '0', lineage: [{ hash: '01bc76f7', count: 4 }], other: [] };
  assert.equal(formatTraceHeader(h), `Root=${ROOT};Parent=aaaaaaaaaaaaaaaa;Sampled=0;Lineage=2:01bc76f7:4`);
  assert.deepEqual(parseTraceHeader(formatTraceHeader(h)), h);
});

test('nextInvocationHeader: a new chain without a root, the function count raised by one, other functions kept', () => {
  const hash = lineageHash('arn:aws:lambda:eu-west-1:000000000000:function:f');
  assert.match(hash, /^[0-9a-f]{8}$/);
  const fresh = nextInvocationHeader(undefined, hash);
  assert.match(fresh.root!, /^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  assert.equal(lineageCount(fresh, hash), 0);
  const noRoot = nextInvocationHeader(parseTraceHeader(`Lineage=2:${hash}:9`), hash);
  assert.equal(lineageCount(noRoot, hash), 0, 'a header without a root starts a new chain');
  const chained = nextInvocationHeader(parseTraceHeader(`Root=${ROOT};Lineage=2:${hash}:4|0000beef:2`), hash);
  assert.equal(chained.root, ROOT);
  assert.equal(lineageCount(chained, hash), 5);
  assert.equal(lineageCount(chained, '0000beef'), 2);
  const other = nextInvocationHeader(parseTraceHeader(`Root=${ROOT};Lineage=2:0000beef:7`), hash);
  assert.equal(lineageCount(other, hash), 0, "another function's count is not this one's");
  assert.match(
    newTraceId('arn:x'),
    new RegExp(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0;Lineage=2:${lineageHash('arn:x')}:0$`),
  );
});

test('eventObjectOf and sqsTraceHeaderOf look through S3, SQS, SNS and EventBridge shapes', () => {
  const s3 = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'a+b%2Fc.png' } } }] };
  const want = { bucket: 'b', key: 'a b/c.png', eventName: 'ObjectCreated:Put' };
  assert.deepEqual(eventObjectOf(JSON.stringify(s3)), want);
  const sqs = { Records: [{ body: JSON.stringify(s3), attributes: { AWSTraceHeader: `Root=${ROOT}` } }] };
  assert.deepEqual(eventObjectOf(JSON.stringify(sqs)), want);
  assert.equal(sqsTraceHeaderOf(JSON.stringify(sqs)), `Root=${ROOT}`);
  assert.equal(sqsTraceHeaderOf(JSON.stringify(s3)), undefined);
  assert.deepEqual(eventObjectOf(JSON.stringify({ Records: [{ Sns: { Message: JSON.stringify(s3) } }] })), want);
  const eb = { 'detail-type': 'Object Created', detail: { bucket: { name: 'b' }, object: { key: 'k' } } };
  assert.deepEqual(eventObjectOf(JSON.stringify(eb)), { bucket: 'b', key: 'k', eventName: 'Object Created' });
  assert.equal(eventObjectOf('not json'), undefined);
  assert.equal(eventObjectOf('{"hello":1}'), undefined);
});

test('validateRecursiveLoop: Allow and Terminate, anything else is ValidationException', () => {
  assert.equal(validateRecursiveLoop('Allow'), 'Allow');
  assert.equal(validateRecursiveLoop('Terminate'), 'Terminate');
  for (const bad of ['allow', undefined, 3]) {
    assert.throws(
      () => validateRecursiveLoop(bad),
      (e: Error & { code?: string }) => e.code === 'ValidationException' && /\[Allow, Terminate\]/.test(e.message),
    );
  }
});

function guardOf(setting: RecursiveLoop, stopped: StoppedEvent[] = []) {
  const sink = new RecordingSink();
  const lines: string[] = [];
  const guard = new RecursionGuard({
    arnOf: (name) => `arn:aws:lambda:eu-west-1:000000000000:function:${name}`,
    recursiveLoop: () => setting,
    logs: () => sink,
    log: (l) => lines.push(l),
    onRecursionStopped: (_fn, e) => {
      stopped.push(e);
      return stopped.length > 1 ? undefined : 'dead-letter queue arn:aws:sqs:eu-west-1:000000000000:dlq';
    },
  });
  return { guard, sink, lines };
}

const putEvent = (key: string) =>
  JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key } } }] });

/** Runs the loop: each admitted invocation's trace is the next event's header; returns how many ran. */
function loop(
  guard: RecursionGuard,
  max: number,
  source: 'async' | 'sqs' = 'async',
): { ran: number; last: ReturnType<RecursionGuard['admit']> } {
  let header: string | undefined;
  let ran = 0;
  for (let i = 0; i < max; i++) {
    const a = guard.admit('stamp', putEvent(i === 0 ? 'photo.png' : `stamped-${i}.png`), header, source);
    if (!a.ok) return { ran, last: a };
    ran++;
    header = a.traceId;
  }
  return { ran, last: { ok: true, traceId: header! } };
}

test(`the guard lets ${MAX_RECURSIVE_INVOCATIONS} invocations of one chain run and stops the next (Terminate)`, () => {
  const stopped: StoppedEvent[] = [];
  const { guard, sink, lines } = guardOf('Terminate', stopped);
  const { ran, last } = loop(guard, 100);
  assert.equal(ran, MAX_RECURSIVE_INVOCATIONS);
  assert.equal(last.ok, false);
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /^lambda: loop stopped by Lambda recursion detection: stamp was invoked 16 times by one chain of events \(trace Root=1-[0-9a-f-]+, started by ObjectCreated:Put s3:\/\/b\/photo\.png\); ObjectCreated:Put s3:\/\/b\/stamped-16\.png was not delivered to it, sent to dead-letter queue arn:aws:sqs:eu-west-1:000000000000:dlq\./,
  );
  assert.equal(stopped.length, 1);
  assert.equal(stopped[0]!.source, 'async');
  const records = sink.messages(RECURSION_LOG_GROUP).map((m) => JSON.parse(m));
  assert.deepEqual(
    records.map((r) => [r.type, r.invocations, r.origin.key, r.event.key]),
    [
      ['RecursiveInvocationDetected', 1, 'photo.png', 'stamped-1.png'],
      ['RecursiveInvocationDropped', 16, 'photo.png', 'stamped-16.png'],
    ],
  );
  assert.equal(records[1].sentTo, 'dead-letter queue arn:aws:sqs:eu-west-1:000000000000:dlq');
  // A write without the header (undefined) is a new chain: it runs.
  assert.equal(guard.admit('stamp', putEvent('again.png'), undefined, 'async').ok, true);
});

test('with Allow the guard never stops; an SQS batch stop is left to the caller to log and goes to no destination', () => {
  const allowed = guardOf('Allow');
  assert.equal(loop(allowed.guard, 40).ran, 40);
  assert.equal(allowed.lines.length, 0);
  const stopped: StoppedEvent[] = [];
  const queue = guardOf('Terminate', stopped);
  const { ran, last } = loop(queue.guard, 100, 'sqs');
  assert.equal(ran, 16);
  assert.equal(last.ok, false);
  assert.match(!last.ok ? last.line : '', /its message returns to the queue \(redrive policy\)/);
  assert.equal(queue.lines.length, 0);
  assert.equal(stopped.length, 0);
});

test("a chain's origin is named from its first event, small or large; a chain's first invocations read no setting", () => {
  let reads = 0;
  const sink = new RecordingSink();
  const guard = new RecursionGuard({
    arnOf: (name) => `arn:aws:lambda:eu-west-1:000000000000:function:${name}`,
    recursiveLoop: () => {
      reads++;
      return 'Terminate';
    },
    logs: () => sink,
    log: () => {},
  });
  // A large first event (an SQS batch's size) is read at once rather than kept; a small one when a record needs it.
  const large = JSON.stringify({
    Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'big.png' } }, padding: 'x'.repeat(20_000) }],
  });
  for (const [first, key] of [
    [large, 'big.png'],
    [putEvent('small.png'), 'small.png'],
  ] as const) {
    const a = guard.admit('stamp', first, undefined, 'async');
    assert.equal(a.ok, true);
    assert.equal(reads, 0, 'the first invocation of a chain needs no setting');
    const b = guard.admit('stamp', putEvent('next.png'), a.ok ? a.traceId : undefined, 'async');
    assert.equal(b.ok, true);
    const record = JSON.parse(sink.messages(RECURSION_LOG_GROUP).at(-1)!);
    assert.deepEqual([record.type, record.origin.key, record.event.key], ['RecursiveInvocationDetected', key, 'next.png']);
    reads = 0;
  }
});
