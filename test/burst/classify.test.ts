import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, type OpFacts } from '../../src/burst/classify.js';

const m = (logGroup: string, requestId: string, eventAt?: number) => ({
  logGroup,
  requestId,
  ...(eventAt !== undefined ? { eventAt } : {}),
});

test('classify, one key: an unmatched write is coalesced when an event stamped after its send came, whichever write it was given to', () => {
  const cases: { name: string; ops: OpFacts[]; want: string[] }[] = [
    {
      name: 'the event (stamped at 45) went to a write acknowledged before the unmatched one was sent',
      ops: [
        { failed: false, startedAt: 0, ackedAt: 10, matches: [m('f', 'a', 5)] },
        { failed: false, startedAt: 20, ackedAt: 30, matches: [m('f', 'b', 45)] },
        { failed: false, startedAt: 40, ackedAt: 50, matches: [] },
      ],
      want: ['matched', 'matched', 'coalesced'],
    },
    {
      name: 'every event stamped before the unmatched write was sent, every matched write acknowledged before it: lost',
      ops: [
        { failed: false, startedAt: 0, ackedAt: 10, matches: [m('f', 'a', 5)] },
        { failed: false, startedAt: 40, ackedAt: 50, matches: [] },
      ],
      want: ['matched', 'lost'],
    },
    {
      name: 'no event time printed: a matched write acknowledged after the send is the evidence',
      ops: [
        { failed: false, startedAt: 0, ackedAt: 60, matches: [m('f', 'a')] },
        { failed: false, startedAt: 40, ackedAt: 50, matches: [] },
      ],
      want: ['matched', 'coalesced'],
    },
    {
      name: 'a failed write is failed, never coalesced',
      ops: [
        { failed: true, startedAt: 0, matches: [] },
        { failed: false, startedAt: 0, ackedAt: 10, matches: [m('f', 'a', 5)] },
      ],
      want: ['failed', 'matched'],
    },
  ];
  for (const c of cases) {
    const got = classify(c.ops, true);
    assert.deepEqual(got.classes, c.want, c.name);
    assert.equal(got.counts.matched + got.counts.coalesced + got.counts.lost + got.counts.failed, c.ops.length, c.name);
  }
  // With unique keys an unmatched write is lost whatever came for the others.
  const unique = classify(
    [
      { failed: false, startedAt: 0, ackedAt: 10, matches: [m('f', 'a', 45)] },
      { failed: false, startedAt: 40, ackedAt: 50, matches: [] },
    ],
    false,
  );
  assert.deepEqual(unique.classes, ['matched', 'lost']);
});
