import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { encodeEventStreamMessage } from '../../../src/sandbox/protocol/event-stream.js';

const smithy = new EventStreamCodec(toUtf8, fromUtf8);

const cases: { name: string; headers: [string, string][]; payload: string }[] = [
  {
    name: 'a live tail update',
    headers: [
      [':message-type', 'event'],
      [':event-type', 'sessionUpdate'],
      [':content-type', 'application/json'],
    ],
    payload: JSON.stringify({ sessionMetadata: { sampled: false }, sessionResults: [{ message: 'START RequestId: r' }] }),
  },
  { name: 'an empty payload', headers: [[':message-type', 'event']], payload: '' },
  { name: 'no headers', headers: [], payload: '{}' },
  { name: 'multi-byte UTF-8 in values and payload', headers: [[':event-type', 'événement ✓']], payload: '{"message":"日本語 🚀"}' },
  { name: 'a long payload', headers: [[':message-type', 'event']], payload: 'x'.repeat(200_000) },
];

for (const c of cases) {
  test(`encodeEventStreamMessage writes the bytes @smithy/eventstream-codec writes: ${c.name}`, () => {
    const ours = encodeEventStreamMessage(c.headers, Buffer.from(c.payload));
    const theirs = smithy.encode({
      headers: Object.fromEntries(c.headers.map(([k, v]) => [k, { type: 'string', value: v }])),
      body: fromUtf8(c.payload),
    });
    assert.deepEqual(new Uint8Array(ours), theirs);
    const decoded = smithy.decode(ours); // checks both CRCs and the lengths
    assert.equal(toUtf8(decoded.body), c.payload);
    assert.deepEqual(
      Object.entries(decoded.headers).map(([k, v]) => [k, v.value]),
      c.headers,
    );
  });
}

test('encodeEventStreamMessage refuses a header name over 255 bytes or a value over 65,535', () => {
  assert.throws(() => encodeEventStreamMessage([['n'.repeat(256), 'v']], Buffer.alloc(0)), RangeError);
  assert.throws(() => encodeEventStreamMessage([['n', 'v'.repeat(65_536)]], Buffer.alloc(0)), RangeError);
});
