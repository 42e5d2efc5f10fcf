import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addLine, attemptCount, emptyInvocations, isComplete, type InvocationsState } from '../../src/observe/invocations.js';
import { toLogLine } from '../../src/observe/lambda-log.js';
import type { Invocation } from '../../src/observe/types.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const S1 = '2025/11/07/[$LATEST]0123456789abcdef0123456789abcdef';
const S2 = '2025/11/07/[$LATEST]fedcba9876543210fedcba9876543210';

type Ev = [stream: string, timestamp: number, message: string];

function run(events: Ev[]): { state: InvocationsState; byId: (id: string) => Invocation; unattributed: number } {
  let state = emptyInvocations();
  let unattributed = 0;
  for (const [stream, timestamp, message] of events) {
    const { line, parsed } = toLogLine({ logGroup: '/aws/lambda/fn', logStream: stream, timestamp, message }, timestamp + 1);
    const r = addLine(state, line, parsed);
    if (!r.line.requestId) unattributed++;
    state = r.state;
  }
  return {
    state,
    byId: (id) => {
      const inv = state.byId.get(id);
      assert.ok(inv, `invocation ${id}`);
      return inv;
    },
    unattributed,
  };
}

const report = (id: string, extra = '') =>
  `REPORT RequestId: ${id}\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t${extra}\n`;

const table: { name: string; events: Ev[]; check: (r: ReturnType<typeof run>) => void }[] = [
  {
    name: 'python print lines join the open invocation of their stream',
    events: [
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 101, 'S3 Event Detected\n'],
      [S1, 102, 'Object: test.txt\n'],
      [S1, 103, `END RequestId: ${A}\n`],
      [S1, 103, report(A, 'Init Duration: 100.00 ms\t')],
    ],
    check: ({ byId, unattributed }) => {
      const inv = byId(A);
      assert.equal(inv.lines.length, 5);
      assert.equal(inv.status, 'succeeded');
      assert.equal(inv.startedAt, 100);
      assert.equal(inv.endedAt, 103);
      assert.equal(inv.reportedAt, 103);
      assert.equal(inv.report?.initDurationMs, 100);
      assert.ok(isComplete(inv));
      assert.equal(unattributed, 0);
    },
  },
  {
    name: 'two streams interleaved keep their own lines',
    events: [
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S2, 101, `START RequestId: ${B} Version: $LATEST\n`],
      [S1, 102, 'from A\n'],
      [S2, 103, 'from B\n'],
      [S2, 104, report(B)],
      [S1, 105, report(A)],
    ],
    check: ({ byId }) => {
      assert.deepEqual(
        byId(A)
          .lines.map((l) => l.message.trim())
          .slice(1, 2),
        ['from A'],
      );
      assert.deepEqual(
        byId(B)
          .lines.map((l) => l.message.trim())
          .slice(1, 2),
        ['from B'],
      );
      assert.equal(byId(A).logStream, S1);
    },
  },
  {
    name: 'a raw line that arrives before its START (out of order) is adopted',
    events: [
      [S1, 102, 'early print\n'],
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 105, report(A)],
    ],
    check: ({ byId }) => {
      assert.deepEqual(
        byId(A).lines.map((l) => l.kind),
        ['start', 'app', 'report'],
      );
      assert.equal(byId(A).lines[1]!.requestId, A);
    },
  },
  {
    name: 'a raw line after REPORT does not join the finished invocation',
    events: [
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 105, report(A)],
      [S1, 106, 'stray\n'],
    ],
    check: ({ byId, unattributed, state }) => {
      assert.equal(byId(A).lines.length, 2);
      assert.equal(unattributed, 1);
      assert.equal(state.orphans.size, 1);
    },
  },
  {
    name: 'a late raw line with an older timestamp goes to the invocation running then',
    events: [
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 110, report(A)],
      [S1, 200, `START RequestId: ${B} Version: $LATEST\n`],
      [S1, 105, 'late line of A\n'],
    ],
    check: ({ byId }) => {
      assert.deepEqual(
        byId(A).lines.map((l) => l.kind),
        ['start', 'app', 'report'],
      );
      assert.equal(byId(B).lines.length, 1);
    },
  },
  {
    name: 'node lines carry their id and need no START',
    events: [[S1, 100, `2025-01-01T00:00:00.000Z\t${A}\tINFO\thello\n`]],
    check: ({ byId }) => {
      assert.equal(byId(A).status, 'running');
      assert.equal(byId(A).startedAt, undefined);
      assert.equal(byId(A).firstSeenAt, 101);
    },
  },
  {
    name: 'timeout wins over the END/REPORT that follow',
    events: [
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 3100, `2025-01-01T00:00:03.100Z ${A} Task timed out after 3.00 seconds\n`],
      [S1, 3101, `END RequestId: ${A}\n`],
      [S1, 3101, report(A)],
    ],
    check: ({ byId }) => assert.equal(byId(A).status, 'timed-out'),
  },
  {
    name: 'python unhandled exception (no id) fails the open invocation',
    events: [
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 101, "[ERROR] KeyError: 'Records'\rTraceback (most recent call last):\n"],
      [S1, 102, `END RequestId: ${A}\n`],
      [S1, 102, report(A)],
    ],
    check: ({ byId }) => assert.equal(byId(A).status, 'failed'),
  },
  {
    name: 'console.error alone does not fail an invocation',
    events: [
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 101, `2025-01-01T00:00:00.000Z\t${A}\tERROR\tnot fatal\n`],
      [S1, 102, report(A)],
    ],
    check: ({ byId }) => assert.equal(byId(A).status, 'succeeded'),
  },
  {
    name: 'REPORT Status: error fails it',
    events: [
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 102, report(A, 'Status: error\tError Type: Runtime.ExitError\t')],
    ],
    check: ({ byId }) => assert.equal(byId(A).status, 'failed'),
  },
  {
    name: 'lines are kept in timestamp order',
    events: [
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 103, `2025-01-01T00:00:00.003Z\t${A}\tINFO\tthird\n`],
      [S1, 101, `2025-01-01T00:00:00.001Z\t${A}\tINFO\tfirst\n`],
    ],
    check: ({ byId }) =>
      assert.deepEqual(
        byId(A).lines.map((l) => l.timestamp),
        [100, 101, 103],
      ),
  },
];

const retries: { name: string; events: Ev[]; check: (r: ReturnType<typeof run>) => void }[] = [
  {
    name: "async retries with one RequestId are separate attempts; the figures and status are the last one's",
    events: [
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 101, "[ERROR] KeyError: 'x'\rTraceback (most recent call last):\n"],
      [S1, 102, `END RequestId: ${A}\n`],
      [S1, 102, report(A, 'Status: error\t')],
      [S2, 60_100, `START RequestId: ${A} Version: $LATEST\n`],
      [S2, 63_100, `${new Date(63_100).toISOString()} ${A} Task timed out after 3.00 seconds\n`],
      [S2, 63_101, `END RequestId: ${A}\n`],
      [S2, 63_101, report(A, 'Status: timeout\t').replace('10.00 ms', '3000.00 ms')],
      [S1, 180_100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 180_101, 'attempt three\n'],
      [S1, 180_110, `END RequestId: ${A}\n`],
      [S1, 180_110, report(A).replace('10.00 ms', '7.00 ms')],
    ],
    check: ({ byId }) => {
      const inv = byId(A);
      assert.deepEqual(
        inv.attempts?.map((a) => [a.logStream, a.startedAt, a.reportedAt, a.status, a.report?.durationMs]),
        [
          [S1, 100, 102, 'failed', 10],
          [S2, 60_100, 63_101, 'timed-out', 3000],
          [S1, 180_100, 180_110, 'succeeded', 7],
        ],
      );
      assert.equal(attemptCount(inv), 3);
      assert.equal(inv.status, 'succeeded');
      assert.equal(inv.startedAt, 180_100);
      assert.equal(inv.reportedAt, 180_110);
      assert.equal(inv.report?.durationMs, 7);
      assert.equal(inv.lines.length, 12);
      assert.deepEqual(
        inv.lines.map((l) => l.timestamp),
        [...inv.lines.map((l) => l.timestamp)].sort((x, y) => x - y),
        'lines in order',
      );
    },
  },
  {
    name: 'a new START after a completed attempt reopens the invocation',
    events: [
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 110, report(A)],
      [S1, 60_000, `START RequestId: ${A} Version: $LATEST\n`],
    ],
    check: ({ byId }) => {
      const inv = byId(A);
      assert.equal(attemptCount(inv), 2);
      assert.equal(inv.status, 'running');
      assert.equal(inv.reportedAt, undefined);
      assert.equal(isComplete(inv), false);
    },
  },
  {
    name: "attempts delivered out of order (the second attempt's stream read first) keep their own figures",
    events: [
      [S2, 60_100, `START RequestId: ${A} Version: $LATEST\n`],
      [S2, 60_200, report(A).replace('10.00 ms', '100.00 ms')],
      [S1, 100, `START RequestId: ${A} Version: $LATEST\n`],
      [S1, 102, report(A, 'Status: error\t')],
      [S1, 101, 'python print of the first attempt\n'],
    ],
    check: ({ byId }) => {
      const inv = byId(A);
      assert.deepEqual(
        inv.attempts?.map((a) => [a.startedAt, a.status, a.report?.durationMs]),
        [
          [100, 'failed', 10],
          [60_100, 'succeeded', 100],
        ],
      );
      assert.equal(inv.status, 'succeeded');
      assert.equal(inv.report?.durationMs, 100);
      assert.ok(
        inv.lines.some((l) => l.message.startsWith('python print')),
        'an id-less line of an earlier attempt joins it',
      );
    },
  },
  {
    name: 'one attempt: one entry',
    events: [
      [S1, 100, `START RequestId: ${B} Version: $LATEST\n`],
      [S1, 110, report(B)],
    ],
    check: ({ byId }) =>
      assert.deepEqual(
        byId(B).attempts?.map((a) => [a.startedAt, a.status]),
        [[100, 'succeeded']],
      ),
  },
];

for (const c of [...table, ...retries]) test(`invocations: ${c.name}`, () => c.check(run(c.events)));

test('invocations: the number kept is capped', () => {
  let state = emptyInvocations();
  for (let i = 0; i < 20; i++) {
    const id = `aaaaaaaa-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const { line, parsed } = toLogLine({ logGroup: 'g', logStream: 's', timestamp: i, message: `START RequestId: ${id} Version: 1` }, i);
    state = addLine(state, line, parsed, {
      maxInvocations: 5,
      maxLinesPerInvocation: 10,
      maxOrphansPerStream: 5,
      maxIdsPerStream: 4,
    }).state;
  }
  assert.equal(state.byId.size, 5);
  assert.equal(state.idsByStream.get('g\u0000s')?.length, 4);
});

test('invocations: the state passed in is not modified', () => {
  const before = emptyInvocations();
  const { line, parsed } = toLogLine({ logGroup: 'g', logStream: 's', timestamp: 1, message: `START RequestId: ${A} Version: 1` }, 1);
  addLine(before, line, parsed);
  assert.equal(before.byId.size, 0);
});

test('invocations: evidence is recorded as lines arrive and outlives the line cap', () => {
  const limits = { maxInvocations: 5, maxLinesPerInvocation: 10, maxOrphansPerStream: 5, maxIdsPerStream: 4, maxEvidenceLines: 3 };
  const isEvidence = (l: { message: string }) => l.message.includes('key.txt');
  let state = emptyInvocations();
  const messages = [
    `START RequestId: ${A} Version: $LATEST`,
    `2025-11-07T10:00:00.000Z\t${A}\tINFO\tprocessing key.txt`,
    ...Array.from({ length: 50 }, (_, i) => `2025-11-07T10:00:00.000Z\t${A}\tINFO\tfiller ${i}`),
    ...Array.from({ length: 5 }, (_, i) => `2025-11-07T10:00:00.000Z\t${A}\tINFO\tagain key.txt ${i}`),
  ];
  const flagged: boolean[] = [];
  messages.forEach((message, i) => {
    const { line, parsed } = toLogLine({ logGroup: 'g', logStream: 's', timestamp: i, message }, i);
    const r = addLine(state, line, parsed, limits, isEvidence);
    flagged.push(r.evidence);
    state = r.state;
  });
  const inv = state.byId.get(A)!;
  assert.equal(inv.lines.length, 10, 'the lines stay capped');
  assert.ok(!inv.lines.some((l) => l.message.endsWith('processing key.txt')), 'the cap dropped the first key line');
  assert.deepEqual(
    inv.evidence?.map((l) => l.message.split('\t')[3]),
    ['processing key.txt', 'again key.txt 0', 'again key.txt 1'],
    'the first three evidence lines are kept',
  );
  assert.equal(flagged.filter(Boolean).length, 3);
  assert.equal(flagged[1], true);
});
