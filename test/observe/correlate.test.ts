import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideMatch, evidenceFor, evidenceOf, mayBeEvidence, textMentionsKey, type OpCandidate } from '../../src/observe/correlate.js';
import type { Invocation, LogLine } from '../../src/observe/types.js';

const RID = '4F2A57016225F633';

function inv(messages: string[], extra: Partial<Invocation> = {}): Invocation {
  const lines: LogLine[] = messages.map((message, i) => ({
    logGroup: '/aws/lambda/fn',
    logStream: 's',
    timestamp: 1000 + i,
    message,
    seenAt: 1000 + i,
    kind: 'app',
  }));
  return {
    requestId: 'r1',
    logGroup: '/aws/lambda/fn',
    logStream: 's',
    status: 'succeeded',
    lines,
    firstSeenAt: 1000,
    startedAt: 1000,
    reportedAt: 1100,
    ...extra,
  };
}

function op(extra: Partial<OpCandidate> = {}): OpCandidate {
  return {
    opId: 1,
    bucket: 'test-bucket',
    key: 'test.txt',
    eventNames: ['ObjectCreated:Put'],
    requestId: RID,
    startedAt: 900,
    ackedAt: 950,
    pending: false,
    matched: false,
    ...extra,
  };
}

const demoOutput = (key: string, eventName = 'ObjectCreated:Put') => [
  '\n2025-11-07T09:41:24 S3 Event Detected\n2025-11-07T09:41:24 -------------------------------\n' +
    `2025-11-07T09:41:24 Event Type: ${eventName} (${eventName.split(':')[1]})\n` +
    `2025-11-07T09:41:24 Bucket:     test-bucket\n2025-11-07T09:41:24 Object:     ${key}\n`,
];

const record = (key: string, rid = RID, eventName = 'ObjectCreated:Put') =>
  JSON.stringify({
    Records: [{ eventName, responseElements: { 'x-amz-request-id': rid }, s3: { bucket: { name: 'test-bucket' }, object: { key } } }],
  });

const keyCases: [text: string, key: string, found: boolean][] = [
  ['Object:     test.txt\n', 'test.txt', true],
  ['Object:     copy_test.txt\n', 'test.txt', false],
  ['Object:     test.txt.out\n', 'test.txt', false],
  ['"key": "out/test.txt"', 'test.txt', false],
  ["key: 'in/test.txt'", 'in/test.txt', true],
  ['Object: my+file+%2B1.txt', 'my file +1.txt', true],
  ['Object: my%20file.txt', 'my file.txt', true],
  ['', 'x', false],
];
for (const [text, key, found] of keyCases) {
  test(`textMentionsKey(${JSON.stringify(text)}, ${JSON.stringify(key)}) = ${found}`, () =>
    assert.equal(textMentionsKey(text, key), found));
}

const ours = (...ids: string[]) => new Set([RID, ...ids]);
const evidenceCases: {
  name: string;
  messages: string[];
  op: Partial<OpCandidate>;
  ours?: Set<string>;
  expect: 'request-id' | 'key' | undefined;
}[] = [
  { name: 'request id printed in the event', messages: [`EVENT ${record('test.txt')}`], op: {}, expect: 'request-id' },
  { name: 'request id as bare text', messages: [`got request ${RID}`], op: {}, expect: 'request-id' },
  { name: 'the blog demo handler output (key + event type)', messages: demoOutput('test.txt'), op: {}, expect: 'key' },
  { name: 'demo output for another event type', messages: demoOutput('test.txt', 'ObjectRemoved:Delete'), op: {}, expect: undefined },
  { name: 'demo output for another key', messages: demoOutput('other.txt'), op: {}, expect: undefined },
  { name: 'key without event type', messages: ['processing test.txt'], op: {}, expect: undefined },
  { name: 'AWS-encoded key in the demo output', messages: demoOutput('my+file.txt'), op: { key: 'my file.txt' }, expect: 'key' },
  {
    name: "record of the same key with another op's request id",
    messages: [record('test.txt', 'AAAAAAAAAAAAAAAA')],
    op: {},
    ours: ours('AAAAAAAAAAAAAAAA'),
    expect: undefined,
  },
  {
    name: 'record of the same key with an id no op fired here has (an emulator invented it)',
    messages: [record('test.txt', 'AAAAAAAAAAAAAAAA')],
    op: {},
    ours: ours(),
    expect: 'key',
  },
  {
    name: 'a versioned DELETE (DeleteMarkerCreated) matches a delete op',
    messages: demoOutput('test.txt', 'ObjectRemoved:DeleteMarkerCreated'),
    op: { eventNames: ['ObjectRemoved:Delete', 'ObjectRemoved:DeleteMarkerCreated'] },
    expect: 'key',
  },
  {
    name: 'a DeleteMarkerCreated record matches a delete op',
    messages: [record('test.txt', 'AAAAAAAAAAAAAAAA', 'ObjectRemoved:DeleteMarkerCreated')],
    op: { requestId: undefined, eventNames: ['ObjectRemoved:Delete', 'ObjectRemoved:DeleteMarkerCreated'] },
    expect: 'key',
  },
  {
    name: 'a DeleteMarkerCreated record does not match a put',
    messages: [record('test.txt', 'AAAAAAAAAAAAAAAA', 'ObjectRemoved:DeleteMarkerCreated')],
    op: { requestId: undefined },
    expect: undefined,
  },
  {
    name: 'record with key, no request id known for the op',
    messages: [record('test.txt', 'AAAAAAAAAAAAAAAA')],
    op: { requestId: undefined },
    expect: 'key',
  },
  {
    name: 'record of another bucket',
    messages: [record('test.txt').replace('"test-bucket"', '"other"')],
    op: { requestId: undefined },
    expect: undefined,
  },
  { name: 'a pending op only matches by request id', messages: demoOutput('test.txt'), op: { pending: true }, expect: undefined },
  { name: 'nothing printed', messages: [], op: {}, expect: undefined },
];
for (const c of evidenceCases) {
  test(`evidenceFor: ${c.name}`, () => assert.equal(evidenceFor(evidenceOf(inv(c.messages)), op(c.op), c.ours), c.expect));
}

const skew = { clockSkewMs: 2000 };
const decideCases: { name: string; inv: Invocation; ops: OpCandidate[]; expect: { opId: number; confidence: string }[] }[] = [
  { name: 'silent handler, one op waiting -> time', inv: inv([]), ops: [op()], expect: [{ opId: 1, confidence: 'time' }] },
  { name: 'silent handler, still running -> wait', inv: inv([], { status: 'running' }), ops: [op()], expect: [] },
  { name: 'silent handler, two ops waiting -> ambiguous', inv: inv([]), ops: [op(), op({ opId: 2, key: 'b' })], expect: [] },
  {
    name: 'silent handler, the other op is already matched -> time for the waiting one',
    inv: inv([]),
    ops: [op({ matched: true }), op({ opId: 2, key: 'b' })],
    expect: [{ opId: 2, confidence: 'time' }],
  },
  { name: 'silent handler, the op is not acked yet -> wait', inv: inv([]), ops: [op({ pending: true })], expect: [] },
  {
    name: 'silent handler that began before the op -> foreign',
    inv: inv([], { startedAt: 100 }),
    ops: [op({ startedAt: 5000 })],
    expect: [],
  },
  {
    name: "an earlier run's invocation of the same key (began before the op) -> no key match",
    inv: inv(demoOutput('test.txt'), { startedAt: 100 }),
    ops: [op({ startedAt: 5000 })],
    expect: [],
  },
  {
    name: "S3's s3:TestEvent (sent when a configuration is saved) is S3 evidence of no op: not time-matched",
    inv: inv([
      'EVENT {"Records":[{"messageId":"m","body":"{\\"Service\\":\\"Amazon S3\\",\\"Event\\":\\"s3:TestEvent\\",\\"Time\\":\\"2026-11-30T11:59:13.582Z\\",\\"Bucket\\":\\"test-bucket\\",\\"RequestId\\":\\"DFE8590B0DEE6A88\\"}","eventSource":"aws:sqs"}]}',
      's3:TestEvent for bucket test-bucket at 2026-11-30T11:59:13.582Z',
    ]),
    ops: [op()],
    expect: [],
  },
  {
    name: 'an SNS-delivered s3:TestEvent is not time-matched either',
    inv: inv([
      '{"Type":"Notification","Subject":"Amazon S3 Notification","Message":"{\\"Service\\":\\"Amazon S3\\",\\"Event\\":\\"s3:TestEvent\\"}"}',
    ]),
    ops: [op()],
    expect: [],
  },
  {
    name: 'an invocation about another key is not time-matched',
    inv: inv([record('else.txt', 'BBBBBBBBBBBBBBBB')]),
    ops: [op()],
    expect: [],
  },
  {
    name: 'request id beats key',
    inv: inv([record('test.txt', 'CCCCCCCCCCCCCCCC')]),
    ops: [op({ requestId: undefined }), op({ opId: 2, requestId: 'CCCCCCCCCCCCCCCC' })],
    expect: [{ opId: 2, confidence: 'request-id' }],
  },
  {
    name: 'same key fired twice: the earliest unmatched op gets it',
    inv: inv(demoOutput('test.txt')),
    ops: [op({ opId: 1, matched: true, startedAt: 100 }), op({ opId: 2, startedAt: 200 }), op({ opId: 3, startedAt: 300 })],
    expect: [{ opId: 2, confidence: 'key' }],
  },
  {
    name: 'record with an id no op fired here -> key',
    inv: inv([record('test.txt', 'FFFFFFFFFFFFFFFF')]),
    ops: [op()],
    expect: [{ opId: 1, confidence: 'key' }],
  },
  {
    name: "record with another op's request id -> not this op",
    inv: inv([record('test.txt', 'FFFFFFFFFFFFFFFF')]),
    ops: [op(), op({ opId: 2, requestId: 'FFFFFFFFFFFFFFFF' })],
    expect: [{ opId: 2, confidence: 'request-id' }],
  },
  {
    name: 'the only key candidate is matched while an unacked op on the same key waits -> wait for its ack',
    inv: inv(demoOutput('test.txt')),
    ops: [op({ opId: 1, matched: true, startedAt: 100 }), op({ opId: 2, startedAt: 200, pending: true, requestId: undefined })],
    expect: [],
  },
  {
    name: 'two records, two request ids -> both ops',
    inv: inv([record('a', 'DDDDDDDDDDDDDDDD'), record('b', 'EEEEEEEEEEEEEEEE')]),
    ops: [op({ opId: 1, requestId: 'DDDDDDDDDDDDDDDD' }), op({ opId: 2, requestId: 'EEEEEEEEEEEEEEEE' })],
    expect: [
      { opId: 1, confidence: 'request-id' },
      { opId: 2, confidence: 'request-id' },
    ],
  },
];
for (const c of decideCases) {
  test(`decideMatch: ${c.name}`, () => assert.deepEqual(decideMatch(c.inv, evidenceOf(c.inv), c.ops, skew), c.expect));
}

test("decideMatch: the previous run's invocation (another key, in plain text) 231 ms before the op is not a time match at 50 ms skew", () => {
  const previous = inv(demoOutput('wait-0.txt'), { startedAt: 10_000 - 231 });
  const ops = [op({ key: 'wait-1.txt', startedAt: 10_000 })];
  assert.deepEqual(decideMatch(previous, evidenceOf(previous), ops, { clockSkewMs: 50 }), []);
  // The demo's block names wait-0.txt: an invocation about another key is never a time match, whatever the skew.
  assert.deepEqual(decideMatch(previous, evidenceOf(previous), ops, { clockSkewMs: 250 }), []);
});

for (const [message, keys, want] of [
  ['filler line 12', ['a.txt'], false],
  ['got s3:ObjectCreated:Put', [], true],
  ['removed: ObjectRemoved:Delete', [], true],
  ['request 0123456789ABCDEF done', [], true],
  ['{"detail-type":"Object Created"}', [], true],
  ['processing my+file.txt', ['my file.txt', 'my+file.txt'], true],
  ['lowercase hex 0123456789abcdef is a stream, not S3', [], false],
] as const) {
  test(`mayBeEvidence: ${message}`, () => assert.equal(mayBeEvidence(message, keys), want));
}

test('evidenceOf: evidence kept past the line cap counts, each line once', () => {
  const early = { ...inv(['ObjectCreated:Put flood.txt']).lines[0]!, timestamp: 999 };
  const capped = inv(['filler 1', 'filler 2'], { evidence: [early] });
  const ev = evidenceOf(capped);
  assert.equal(ev.text, 'ObjectCreated:Put flood.txt\nfiller 1\nfiller 2');
  assert.equal(evidenceFor(ev, op({ key: 'flood.txt' })), 'key');
  const both = inv(['ObjectCreated:Put flood.txt']);
  assert.equal(evidenceOf({ ...both, evidence: [both.lines[0]!] }).text, 'ObjectCreated:Put flood.txt');
});

test('decideMatch: a measured clock offset is taken off Lambda times (an endpoint 3 s behind still matches by key)', () => {
  const behind = inv(demoOutput('test.txt'), { startedAt: 900 + 20 - 3000, reportedAt: 900 + 60 - 3000 });
  const ops = [op({ requestId: undefined })];
  assert.deepEqual(decideMatch(behind, evidenceOf(behind), ops, { clockSkewMs: 50 }), [], 'without the offset it began before the op');
  assert.deepEqual(decideMatch(behind, evidenceOf(behind), ops, { clockSkewMs: 50, clockOffsetMs: -3000 }), [
    { opId: 1, confidence: 'key' },
  ]);
});

test('the demo block names another key: never a time match for this op (an earlier run of another key, seen on AWS)', () => {
  const other = inv(demoOutput('test.txt'));
  const ev = evidenceOf(other);
  const lone = op({ key: 'polled.txt', requestId: undefined });
  assert.deepEqual(decideMatch(other, ev, [lone], { clockSkewMs: 2000 }), []);
  // Its own key is still a key match.
  assert.deepEqual(decideMatch(inv(demoOutput('polled.txt')), evidenceOf(inv(demoOutput('polled.txt'))), [lone], { clockSkewMs: 2000 }), [
    { opId: 1, confidence: 'key' },
  ]);
});

test('decideMatch: an op awaiting two events per function (RESTORE: Post, Completed) takes a second evidence-less invocation by time', () => {
  const plain = inv(['hello from the handler'], { requestId: 'r2' });
  const restore = op({
    eventNames: ['ObjectRestore:Post', 'ObjectRestore:Completed'],
    matched: true,
    matchedGroups: ['/aws/lambda/fn'],
    perFunction: 2,
  });
  assert.deepEqual(decideMatch(plain, evidenceOf(plain), [restore], { clockSkewMs: 50 }), [{ opId: 1, confidence: 'time' }]);
  const done = { ...restore, matchedGroups: ['/aws/lambda/fn', '/aws/lambda/fn'] };
  assert.deepEqual(decideMatch(plain, evidenceOf(plain), [done], { clockSkewMs: 50 }), [], 'both came: nothing more is awaited');
  const single = op({ matched: true, matchedGroups: ['/aws/lambda/fn'] });
  assert.deepEqual(decideMatch(plain, evidenceOf(plain), [single], { clockSkewMs: 50 }), [], 'one event per function: matched is done');
});
