import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dateHeaderSample, describeOffset, ingestionSample, matchingOffset, noteClockSample } from '../../src/observe/clock.js';

test('clock: the largest sample wins (every sample understates the offset by its delivery delay)', () => {
  let offset = noteClockSample(undefined, ingestionSample(1000, 1450)); // -450
  offset = noteClockSample(offset, ingestionSample(2000, 2405)); // -405
  offset = noteClockSample(offset, ingestionSample(3000, 3900)); // a slow one: -900
  offset = noteClockSample(offset, undefined);
  assert.equal(offset, -405);
});

for (const [name, date, receivedAt, want] of [
  ['a Date header', 'Mon, 30 Nov 2026 08:00:00 GMT', Date.parse('2026-11-30T08:00:03.250Z'), -3250],
  ['no header', undefined, 0, undefined],
  ['garbage', 'yesterday-ish', 0, undefined],
] as const) {
  test(`clock: dateHeaderSample, ${name}`, () => assert.equal(dateHeaderSample(date, receivedAt), want));
}

for (const [offset, tolerance, want] of [
  [undefined, 50, 0],
  [-30, 50, 0],
  [-400, 50, -400],
  [-1500, 2000, 0],
  [2500, 2000, 2500],
] as const) {
  test(`clock: matchingOffset(${offset}, ${tolerance}) = ${want}`, () => assert.equal(matchingOffset(offset, tolerance), want));
}

test('clock: describeOffset', () => {
  assert.equal(describeOffset(-2500), '2.5 s behind');
  assert.equal(describeOffset(1200), '1.2 s ahead of');
});
