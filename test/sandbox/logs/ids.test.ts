import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  comparePositions,
  decodePageToken,
  encodePageToken,
  eventId,
  formatStreamToken,
  groupNameFromIdentifier,
  parsePositionDigits,
  parseStreamToken,
} from '../../../src/sandbox/logs/ids.js';

test('event ids are 56 digits whose lexical order is (timestamp, seq) order', () => {
  const positions = [
    { timestamp: 1_700_000_000_000, seq: 2 },
    { timestamp: 1_700_000_000_000, seq: 10 },
    { timestamp: 1_700_000_000_001, seq: 1 },
    { timestamp: 0, seq: 99 },
  ];
  for (const p of positions) {
    assert.match(eventId(p), /^\d{56}$/);
    assert.deepEqual(parsePositionDigits(eventId(p)), p);
  }
  const byId = [...positions].sort((a, b) => (eventId(a) < eventId(b) ? -1 : 1));
  assert.deepEqual(byId, [...positions].sort(comparePositions));
});

test('stream tokens round-trip and reject anything else', () => {
  const token = { direction: 'f' as const, position: { timestamp: 123, seq: 4 } };
  const text = formatStreamToken(token);
  assert.match(text, /^f\/\d{56}$/);
  assert.deepEqual(parseStreamToken(text), token);
  for (const bad of ['', 'f/', `x/${'0'.repeat(56)}`, `f/${'0'.repeat(55)}`, `b/${'a'.repeat(56)}`]) {
    assert.equal(parseStreamToken(bad), undefined, bad);
  }
});

test('page tokens round-trip; garbage decodes to undefined', () => {
  assert.deepEqual(decodePageToken(encodePageToken({ o: 50 })), { o: 50 });
  assert.equal(decodePageToken('not base64 json'), undefined);
  assert.equal(decodePageToken(Buffer.from('[1]').toString('base64url')), undefined);
});

const identifiers: [string, string][] = [
  ['/aws/lambda/fn', '/aws/lambda/fn'],
  ['arn:aws:logs:eu-west-1:000000000000:log-group:/aws/lambda/fn', '/aws/lambda/fn'],
  ['arn:aws:logs:eu-west-1:000000000000:log-group:/aws/lambda/fn:*', '/aws/lambda/fn'],
  ['arn:aws-cn:logs:cn-north-1:1:log-group:g', 'g'],
];
for (const [identifier, name] of identifiers) {
  test(`group identifier ${identifier}`, () => assert.equal(groupNameFromIdentifier(identifier), name));
}
