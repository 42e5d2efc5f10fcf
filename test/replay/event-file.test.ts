import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loggedEvent, parseReplayFile } from '../../src/replay/event-file.js';
import { archivedProblem } from '../../src/ops/retrigger-run.js';
import { evidenceFor, type OpCandidate } from '../../src/observe/correlate.js';

const s3Event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'a+b%3D1.txt' } } }] };
const viaSns = { Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(s3Event), Timestamp: '2026-01-01T00:00:00.000Z' } }] };
const opLine = (messages: string[], fn = 'f') =>
  JSON.stringify({ type: 'op', match: { function: fn }, log: messages.map((message) => ({ kind: 'app', message })) });

test('parseReplayFile: raw events, envelopes, s3trigger --json lines, and what is wrong', () => {
  const cases: { name: string; text: string; want: unknown }[] = [
    { name: 'raw S3 event', text: JSON.stringify(s3Event), want: [{ bucket: 'b', key: 'a b=1.txt', eventName: 'ObjectCreated:Put' }] },
    {
      name: 'indented raw event',
      text: JSON.stringify(viaSns, null, 2),
      want: [{ bucket: 'b', key: 'a b=1.txt', eventName: 'ObjectCreated:Put' }],
    },
    {
      name: 'node log prefix in a --json line',
      text: `${opLine([`2026-01-01T00:00:00.000Z\tid\tINFO\t${JSON.stringify(s3Event)}`], 'fn-a')}\n`,
      want: [{ bucket: 'b', key: 'a b=1.txt', eventName: 'ObjectCreated:Put', function: 'fn-a' }],
    },
    {
      name: 'two op lines, the first never logged its event',
      text: `${opLine(['Bucket: b'])}\n${opLine([JSON.stringify(viaSns)], 'g')}\n`,
      want: [{ bucket: 'b', key: 'a b=1.txt', eventName: 'ObjectCreated:Put', function: 'g' }],
    },
    { name: 'empty', text: '\n', want: /is empty/ },
    { name: 'not JSON', text: 'hello', want: /line 1 is not JSON/ },
    { name: 'JSON without an S3 object', text: '{"a":1}', want: /names no S3 object/ },
    { name: 'no op record', text: '{"type":"summary"}\n{"type":"chain"}\n', want: /no "type": "op" record/ },
    { name: 'op records without the event', text: `${opLine(['hello'])}\n`, want: /no handler in it logged its event/ },
  ];
  for (const c of cases) {
    const out = parseReplayFile(c.text, 'F');
    if (c.want instanceof RegExp) {
      assert.ok('problem' in out, c.name);
      assert.match(out.problem, c.want, c.name);
      assert.match(out.problem, /^--replay F/, c.name);
    } else {
      assert.ok('events' in out, c.name);
      assert.deepEqual(
        out.events.map(({ event: _, ...rest }) => rest),
        c.want,
        c.name,
      );
    }
  }
});

test('loggedEvent: the whole event from one message, or from an indented dump printed line by line', () => {
  assert.deepEqual(loggedEvent(['START', `EVENT ${JSON.stringify(s3Event)}`]), s3Event);
  assert.deepEqual(loggedEvent(JSON.stringify(s3Event, null, 2).split('\n')), s3Event);
  assert.equal(loggedEvent(['Event Type: ObjectCreated:Put', 'Bucket: b', 'Object: k']), undefined, "the blog's block is not the event");
});

test('archivedProblem: GLACIER and DEEP_ARCHIVE need a finished restore', () => {
  const cases: [string | undefined, string | undefined, RegExp | undefined][] = [
    [undefined, undefined, undefined],
    ['STANDARD', undefined, undefined],
    ['GLACIER_IR', undefined, undefined],
    ['GLACIER', undefined, /archived in GLACIER: restore it first \(--restore k\)/],
    ['DEEP_ARCHIVE', 'ongoing-request="true"', /still in progress/],
    ['GLACIER', 'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"', undefined],
  ];
  for (const [StorageClass, Restore, want] of cases) {
    const got = archivedProblem('k', { StorageClass, Restore } as never);
    if (want) assert.match(got ?? '', want);
    else assert.equal(got, undefined, `${StorageClass} ${Restore}`);
  }
});

test('evidenceFor: a replay matches the invocations its Invokes started, and nothing else (not by key)', () => {
  const op: OpCandidate = {
    opId: 1,
    bucket: 'b',
    key: 'a b=1.txt',
    eventNames: ['ObjectCreated:*'],
    invocationRequestIds: ['inv-1'],
    startedAt: 0,
    pending: false,
    matched: false,
  };
  const text = JSON.stringify(s3Event);
  const mentions = [{ bucket: 'b', key: 'a+b%3D1.txt', eventName: 'ObjectCreated:Put', via: 's3' as const }];
  assert.equal(evidenceFor({ requestId: 'inv-1', text, mentions }, op), 'request-id');
  assert.equal(evidenceFor({ requestId: 'inv-2', text, mentions }, op), undefined, 'another invocation of the same key');
  const { invocationRequestIds: _, ...plain } = { ...op, eventNames: ['ObjectCreated:Put'] };
  assert.equal(evidenceFor({ requestId: 'inv-2', text, mentions }, plain), 'key', 'an S3 op still matches by key');
});
