import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { progressText, StatusLine, waitingText } from '../../src/ci/status-line.js';
import type { OpInput } from '../../src/ops/types.js';

/** A terminal-like stream that records what was written. */
function terminal(columns = 80) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    { isTTY: true, columns },
  );
  return { stream, chunks };
}

const ERASE = '\r\u001b[2K';
const mp: OpInput = { kind: 'multipart', bucket: 'b', key: 'bigfile.bin' };
const put: OpInput = { kind: 'put', bucket: 'b', file: './test.txt' };

test('disabled (stderr not a terminal, --quiet): nothing is ever written', () => {
  const { stream, chunks } = terminal();
  const line = new StatusLine(stream, false);
  line.show('x', true);
  line.write(() => {});
  line.clear();
  assert.deepEqual(chunks, []);
});

test('other output takes the status line away and puts it back', () => {
  const { stream, chunks } = terminal();
  let now = 0;
  const line = new StatusLine(stream, true, () => now);
  line.show('progress 1');
  line.write(() => stream.write('Done.\n'));
  assert.deepEqual(chunks, [`${ERASE}progress 1`, ERASE, 'Done.\n', `${ERASE}progress 1`]);
  line.show('progress 2');
  assert.equal(chunks.length, 4, 'redraws are limited to one per 100 ms');
  now = 100;
  line.show('progress 3');
  line.clear();
  line.clear();
  assert.deepEqual(chunks.slice(4), [`${ERASE}progress 3`, ERASE]);
});

test('a line wider than the terminal is cut to fit', () => {
  const { stream, chunks } = terminal(30);
  new StatusLine(stream, true).show('x'.repeat(100));
  assert.equal(chunks[0], `${ERASE}${'x'.repeat(28)}…`);
});

for (const [name, text, want] of [
  ['progress with a total', progressText(mp, 12 * 1024 * 1024, 300 * 1024 * 1024), 'MULTIPART bigfile.bin: 12.0 of 300.0 MiB (4%)'],
  ['progress without a total', progressText(mp, 5 * 1024 * 1024, undefined), 'MULTIPART bigfile.bin: 5.0 MiB sent'],
  ['waiting', waitingText(put, 12_400, 60_000), 'Waiting for the invocation of PUT test.txt: 12s of 60s'],
  ['waiting past the timeout', waitingText(put, 61_000, 500), 'Waiting for the invocation of PUT test.txt: 0s of 0.5s'],
  ['waiting for retries', waitingText(put, 2_000, 4_000, true), 'Lambda failed; waiting for its retries (PUT test.txt): 2s of 4s'],
] as const) {
  test(`status text: ${name}`, () => assert.equal(text, want));
}
