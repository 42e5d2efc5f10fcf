import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addLine,
  addLines,
  DEFAULT_LIMITS,
  emptyInvocations,
  InvocationBook,
  type InvocationsLimits,
} from '../../src/observe/invocations.js';
import { toLogLine } from '../../src/observe/lambda-log.js';

const id = (n: number) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;
const S1 = '2025/11/07/[$LATEST]0123456789abcdef0123456789abcdef';
const S2 = '2025/11/07/[$LATEST]fedcba9876543210fedcba9876543210';
type Ev = [stream: string, timestamp: number, message: string];

const invocation = (n: number, stream: string, at: number): Ev[] => [
  [stream, at, `START RequestId: ${id(n)} Version: $LATEST\n`],
  [stream, at + 1, `Object: burst/${n}.txt\n`],
  [stream, at + 2, `END RequestId: ${id(n)}\n`],
  [stream, at + 2, `REPORT RequestId: ${id(n)}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n`],
];
const lines = (events: Ev[]) =>
  events.map(([logStream, timestamp, message]) => toLogLine({ logGroup: '/aws/lambda/fn', logStream, timestamp, message }, timestamp + 5));

const cases: { name: string; events: Ev[]; limits: InvocationsLimits }[] = [
  {
    name: 'two streams interleaved',
    events: [...invocation(1, S1, 100), ...invocation(2, S2, 101), ...invocation(3, S1, 110)],
    limits: DEFAULT_LIMITS,
  },
  {
    name: 'an id-less line read before its START is adopted',
    events: [[S1, 201, 'Traceback: boom\n'], ...invocation(4, S1, 200)],
    limits: DEFAULT_LIMITS,
  },
  {
    name: 'more invocations than kept: the least recently touched go',
    events: Array.from({ length: 6 }, (_, i) => invocation(i + 1, i % 2 ? S1 : S2, 300 + 10 * i)).flat(),
    limits: { ...DEFAULT_LIMITS, maxInvocations: 3, maxIdsPerStream: 2 },
  },
];

for (const c of cases) {
  test(`addLines and InvocationBook add as addLine one line at a time: ${c.name}`, () => {
    const read = lines(c.events);
    let state = emptyInvocations();
    const one = read.map(({ line, parsed }) => {
      const r = addLine(state, line, parsed, c.limits);
      state = r.state;
      return { line: r.line, updated: r.updated, evidence: r.evidence };
    });

    const before = emptyInvocations();
    const batch = addLines(before, read, c.limits);
    assert.equal(before.byId.size, 0, 'the state passed in is not changed');
    assert.deepEqual(batch.results, one);
    assert.deepEqual([...batch.state.byId], [...state.byId]);
    assert.deepEqual([...batch.state.idsByStream], [...state.idsByStream]);
    assert.deepEqual([...batch.state.orphans], [...state.orphans]);

    const book = new InvocationBook(c.limits);
    assert.deepEqual(
      read.map(({ line, parsed }) => book.add(line, parsed)),
      one,
    );
    assert.deepEqual([...book.byId], [...state.byId]);
    assert.deepEqual([...book.orphans], [...state.orphans]);
    // inOrder sorts any subset into byId's order (least recently touched first).
    const kept = [...book.byId.values()];
    assert.deepEqual(book.inOrder([...kept].reverse()), kept);
  });
}
