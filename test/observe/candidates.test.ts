import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CandidateIndex } from '../../src/observe/candidates.js';
import { decideMatch, decideMatchAmong, evidenceFor, evidenceOf, type OpCandidate } from '../../src/observe/correlate.js';
import type { Invocation, LogLine } from '../../src/observe/types.js';

function inv(messages: string[], extra: Partial<Invocation> = {}): Invocation {
  const lines: LogLine[] = messages.map((message, i) => ({
    logGroup: '/aws/lambda/fn',
    logStream: 's',
    timestamp: 10_000 + i,
    message,
    seenAt: 10_000 + i,
    kind: 'app',
  }));
  return {
    requestId: 'inv-1',
    logGroup: '/aws/lambda/fn',
    logStream: 's',
    status: 'succeeded',
    lines,
    firstSeenAt: 10_000,
    startedAt: 10_000,
    reportedAt: 10_100,
    ...extra,
  };
}

const hexId = (n: number) => n.toString(16).toUpperCase().padStart(16, '0');
const key = (n: number) => `burst/run1/${String(n).padStart(3, '0')}.txt`;
const burstOp = (n: number, extra: Partial<OpCandidate> = {}): OpCandidate => ({
  opId: n,
  bucket: 'test-bucket',
  key: key(n),
  eventNames: ['ObjectCreated:Put'],
  requestId: `A${hexId(n).slice(1)}`,
  startedAt: 1000 + n,
  ackedAt: 1100 + n,
  pending: false,
  matched: false,
  ...extra,
});

/** A burst of 30 plus the odd ones: a key with a space, an unacked op, REPLAY, request ids of other shapes. */
const pool: OpCandidate[] = [
  ...Array.from({ length: 30 }, (_, i) => burstOp(i + 1, i < 10 ? { matched: true, matchedGroups: ['/aws/lambda/fn'] } : {})),
  burstOp(31, { key: 'my file.txt' }),
  burstOp(32, { key: key(12), pending: true, requestId: undefined, ackedAt: undefined }),
  burstOp(33, { key: 'replayed.json', invocationRequestIds: ['inv-replay'] }),
  burstOp(34, { key: 'uuid-id.txt', requestId: '6f1c2f8e-1d5b-4c55-9d0e-2f0a6c1b9a11' }),
  burstOp(35, { key: 'b64-id.txt', requestId: 'x+y/ZmFrZS1pZC0y=' }),
  burstOp(36, { key: 'pending-nokey', pending: true, requestId: undefined }),
  burstOp(37, { key: '', pending: true, requestId: undefined }),
];

const demo = (k: string, eventName = 'ObjectCreated:Put') => [
  `Event Type: ${eventName} (${eventName.split(':')[1]})\nBucket:     test-bucket\nObject:     ${k}\n`,
];
const record = (k: string, rid: string, eventName = 'ObjectCreated:Put') =>
  JSON.stringify({
    Records: [{ eventName, responseElements: { 'x-amz-request-id': rid }, s3: { bucket: { name: 'test-bucket' }, object: { key: k } } }],
  });

const cases: { name: string; inv: Invocation; named: number[] }[] = [
  { name: "the demo block of a burst op's key", inv: inv(demo(key(17))), named: [17] },
  { name: 'the demo block of a key an unacked op shares', inv: inv(demo(key(12))), named: [12, 32] },
  { name: 'the demo block of a matched op', inv: inv(demo(key(3))), named: [3] },
  { name: 'an encoded key with a space', inv: inv(demo('my+file.txt')), named: [31] },
  { name: 'a record naming a key and its request id', inv: inv([record(key(20), burstOp(20).requestId!)]), named: [20] },
  { name: "a record naming one key with another op's request id", inv: inv([record(key(20), burstOp(21).requestId!)]), named: [20, 21] },
  { name: 'a bare request id in text', inv: inv([`done ${burstOp(25).requestId} ok`]), named: [25, 31] },
  { name: 'a request id inside a longer token', inv: inv([`id=XX${burstOp(26).requestId}YY`]), named: [26, 31] },
  { name: 'a uuid request id in text', inv: inv(['req 6f1c2f8e-1d5b-4c55-9d0e-2f0a6c1b9a11 done']), named: [31, 34] },
  { name: 'a plain-text key with the event name', inv: inv([`ObjectCreated:Put ${key(28)}`]), named: [28, 31] },
  { name: "REPLAY: the op's own invocation", inv: inv(['handled'], { requestId: 'inv-replay' }), named: [31, 33] },
  { name: 'a quiet handler (nothing printed)', inv: inv([]), named: [31] },
  { name: 'a quiet handler still running', inv: inv([], { status: 'running', reportedAt: undefined }), named: [31] },
  { name: 'an s3:TestEvent', inv: inv(['s3:TestEvent for bucket test-bucket']), named: [31] },
  { name: 'another bucket', inv: inv([record(key(22), 'FFFFFFFFFFFFFFFF').replace('"test-bucket"', '"other"')]), named: [22] },
  { name: 'a key of no op', inv: inv(demo('burst/run1/099.txt')), named: [] },
];

const withB64 = (ids: number[]) => [...new Set([...ids, 35])].sort((a, b) => a - b);

for (const c of cases) {
  test(`CandidateIndex.named: ${c.name}`, () => {
    const index = new CandidateIndex();
    for (const op of pool) index.set(op);
    const ev = evidenceOf(c.inv);
    const named = index.named(ev);
    // A request id of other characters is looked for in every text (the base64 one, op 35).
    assert.deepEqual(
      named.map((op) => op.opId),
      withB64(c.named),
    );
    // Every op the evidence is about is named (pending or not), so matching through the index misses none.
    const ours = new Set(pool.flatMap((op) => (op.requestId ? [op.requestId] : [])));
    for (const op of pool) {
      if (evidenceFor(ev, { ...op, pending: false }, ours) !== undefined)
        assert.ok(named.includes(op), `op ${op.opId} has evidence but is not named`);
    }
  });
}

test('CandidateIndex.named finds a request id wherever the text holds it, as a search for each id would', () => {
  const index = new CandidateIndex();
  for (const op of pool) index.set(op);
  const uuid = pool.find((op) => op.opId === 34)!.requestId!;
  const ids = pool.flatMap((op) => (op.requestId && /^[A-Za-z0-9_-]+$/.test(op.requestId) ? [op.requestId] : []));
  const texts = [
    burstOp(4).requestId!, // the whole text
    `${burstOp(5).requestId}\n${burstOp(6).requestId}`, // at the start and at the end
    `${burstOp(7).requestId}${burstOp(8).requestId}`, // two in one run
    `x${burstOp(9).requestId!.slice(0, 15)} ${burstOp(9).requestId!.slice(15)}`, // split by a space: not there
    `-${uuid}-${burstOp(11).requestId}_`, // two lengths, in one run of id characters
    `${'F'.repeat(200)}${burstOp(13).requestId}${'0'.repeat(200)}`, // in a long run
    'é'.repeat(20) + burstOp(14).requestId!.toLowerCase(), // another case: not the id
  ];
  for (const text of texts) {
    const want = pool.filter((op) => op.requestId !== undefined && ids.includes(op.requestId) && text.includes(op.requestId));
    const named = index.named({ text, mentions: [] });
    // (op 31's key has a space: it is named by every text without mentions)
    for (const op of pool.filter((o) => ids.includes(o.requestId ?? '') && o.opId !== 31))
      assert.equal(named.includes(op), want.includes(op), `op ${op.opId} in ${text.slice(0, 50)}`);
  }
});

test('CandidateIndex.named asked again of the same evidence as ops come and go answers as a new index would', () => {
  // named() remembers which request ids it found in a text and searches it for the ids indexed since only.
  const index = new CandidateIndex();
  const text = Array.from({ length: 3000 }, (_, n) => `${n % 3 ? hexId(n) : 'nothing'}`).join('\n');
  const evs = [
    { text, mentions: [] },
    { text: `${text} ${hexId(999)}`, mentions: [] },
  ];
  const live = new Map<number, OpCandidate>();
  const fresh = (ev: (typeof evs)[number]) => {
    const other = new CandidateIndex();
    for (const op of live.values()) other.set(op);
    return other.named({ ...ev }).map((op) => op.opId);
  };
  // Adds, re-sets (a match), deletes and re-adds, enough of them for the log of ids to be compacted several times.
  let seed = 7;
  const next = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  for (let step = 0; step < 3000; step++) {
    const n = next(60) + 1;
    const action = next(4);
    if (action === 0) {
      index.delete(n);
      live.delete(n);
    } else {
      // A match keeps the op's request id; an add gives it a new one (two in three are in the text).
      const op = burstOp(
        n,
        action === 3 ? { matched: true, requestId: live.get(n)?.requestId ?? hexId(step) } : { requestId: hexId(step) },
      );
      index.set(op);
      live.set(n, op);
    }
    if (step % 7 === 0 || step > 2990)
      for (const ev of evs)
        assert.deepEqual(
          index.named(ev).map((op) => op.opId),
          fresh(ev),
          `step ${step}`,
        );
  }
});

for (const c of cases) {
  for (const skew of [50, 2000]) {
    test(`decideMatchAmong decides as decideMatch over every op: ${c.name} (skew ${skew} ms)`, () => {
      const index = new CandidateIndex();
      for (const op of pool) index.set(op);
      const options = { clockSkewMs: skew, ourRequestIds: new Set(['FFFFFFFFFFFFFFFF']) };
      const ev = evidenceOf(c.inv);
      assert.deepEqual(decideMatchAmong(c.inv, ev, index, options), decideMatch(c.inv, ev, pool, options));
    });
  }
}

test('decideMatchAmong: S3 evidence naming only unacked ops decides nothing, as decideMatch over every op', () => {
  const ops = [
    burstOp(1, { pending: true, requestId: undefined, ackedAt: undefined }),
    burstOp(2, { matched: true, matchedGroups: ['/aws/lambda/fn'] }),
    burstOp(3, { key: key(1), pending: true, requestId: undefined, ackedAt: undefined }),
  ];
  const index = new CandidateIndex();
  for (const op of ops) index.set(op);
  const options = { clockSkewMs: 50 };
  for (const [messages, want] of [
    [demo(key(1)), []], // ops 1 and 3, both unacked
    [[record(key(1), 'FFFFFFFFFFFFFFFF')], []],
    [demo(key(2)), [{ opId: 2, confidence: 'key' }]], // an acked op: decided
    [[`${demo(key(1))[0]} ${burstOp(2).requestId}`], [{ opId: 2, confidence: 'request-id' }]],
  ] as const) {
    const i = inv([...messages]);
    const ev = evidenceOf(i);
    assert.deepEqual(decideMatchAmong(i, ev, index, options), want, messages[0]);
    assert.deepEqual(decideMatch(i, ev, ops, options), want, messages[0]);
  }
});

test('decideMatchAmong: a time match looks at every op (one waiting, none named)', () => {
  const index = new CandidateIndex();
  const lone = burstOp(1);
  index.set(lone);
  index.set(burstOp(2, { matched: true }));
  const quiet = inv(['hello']);
  assert.deepEqual(decideMatchAmong(quiet, evidenceOf(quiet), index, { clockSkewMs: 50 }), [{ opId: 1, confidence: 'time' }]);
  index.set(burstOp(3));
  assert.deepEqual(decideMatchAmong(quiet, evidenceOf(quiet), index, { clockSkewMs: 50 }), [], 'two waiting: ambiguous');
});

test('CandidateIndex: a replaced op keeps its place and its new key; a deleted one is gone from every lookup', () => {
  const index = new CandidateIndex();
  for (const n of [1, 2, 3]) index.set(burstOp(n, { pending: true, key: '', requestId: undefined }));
  index.set(burstOp(1)); // acked: its key and request id are known now
  assert.deepEqual(
    index.all().map((op) => op.opId),
    [1, 2, 3],
  );
  assert.deepEqual(
    index.at('test-bucket', key(1)).map((op) => op.opId),
    [1],
  );
  assert.equal(index.hasRequestId(burstOp(1).requestId!), true);
  assert.equal(index.keyForms.foundIn(`Object: ${key(1)}`), true);
  index.delete(1);
  assert.deepEqual(
    index.all().map((op) => op.opId),
    [2, 3],
  );
  assert.equal(index.hasRequestId(burstOp(1).requestId!), false);
  assert.equal(index.keyForms.foundIn(`Object: ${key(1)}`), false);
  assert.deepEqual(index.named(evidenceOf(inv(demo(key(1))))), []);
  index.set(burstOp(1));
  assert.deepEqual(
    index.all().map((op) => op.opId),
    [2, 3, 1],
    'added again: last',
  );
});

/** Replacements that keep the key and the request ids (a match noted) and ones that change them, each against a new index. */
const replacements: { name: string; next: (op: OpCandidate) => OpCandidate }[] = [
  { name: 'matched (same key and ids)', next: (op) => ({ ...op, matched: true, matchedGroups: ['/aws/lambda/fn'] }) },
  {
    name: 'matched from one of two expected groups',
    next: (op) => ({ ...op, matched: true, matchedGroups: ['/aws/lambda/a'], expectedGroups: ['/aws/lambda/a', '/aws/lambda/b'] }),
  },
  { name: 'acked (request id now known)', next: (op) => ({ ...op, pending: false, requestId: op.requestId ?? 'ACKED00000000001' }) },
  { name: 'another key', next: (op) => ({ ...op, key: `${op.key || 'k'}.moved` }) },
  {
    name: 'replay ids copied (same ids, another array)',
    next: (op) => ({ ...op, ...(op.invocationRequestIds ? { invocationRequestIds: [...op.invocationRequestIds] } : {}) }),
  },
];
for (const r of replacements) {
  test(`CandidateIndex.set replacing every op (${r.name}) answers as an index built with the new ops`, () => {
    const replaced = new CandidateIndex();
    for (const op of pool) replaced.set(op);
    for (const op of pool) replaced.set(r.next(op));
    const fresh = new CandidateIndex();
    for (const op of pool) fresh.set(r.next(op));
    const ids = (ops: Iterable<OpCandidate>) => [...ops].map((op) => op.opId);
    assert.deepEqual(ids(replaced.all()), ids(fresh.all()));
    assert.deepEqual(ids(replaced.waiting()).sort(), ids(fresh.waiting()).sort());
    for (const op of pool.map(r.next)) {
      assert.deepEqual(ids(replaced.at(op.bucket, op.key)), ids(fresh.at(op.bucket, op.key)), `at ${op.key}`);
      if (op.requestId) assert.equal(replaced.hasRequestId(op.requestId), fresh.hasRequestId(op.requestId));
      const texts = [demo(op.key), [record(op.key, op.requestId ?? 'NONE000000000000')], [`id ${op.requestId ?? ''} here`]];
      for (const t of texts) {
        const ev = evidenceOf(inv(t, op.invocationRequestIds ? { requestId: op.invocationRequestIds[0]! } : {}));
        assert.deepEqual(ids(replaced.named(ev)), ids(fresh.named(ev)), `named ${JSON.stringify(t)}`);
      }
      assert.equal(replaced.keyForms.foundIn(`Object: ${op.key}`), fresh.keyForms.foundIn(`Object: ${op.key}`));
    }
    assert.equal(replaced.keyForms.size, fresh.keyForms.size);
  });
}
