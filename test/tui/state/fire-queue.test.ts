/** Keys before the tail is ready are queued; the filter preview asks before firing (unless --yes); --part-size/--concurrency. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpInput } from '../../../src/ops/types.js';
import { handleKey, makeKey, releaseQueued, type LogContext } from '../../../src/tui/state/input.js';
import { currentInput, describeInput, formInput, initialParams } from '../../../src/tui/state/params.js';
import { queuedText } from '../../../src/tui/state/selectors.js';
import type { AppState } from '../../../src/tui/state/types.js';
import { baseState, putInput, reduce } from '../helpers.js';

const WARNING = 'no notification of test-bucket covers s3:ObjectCreated:Put on test.txt';
const quiet = () => undefined;
const warnAll = () => WARNING;
const ctx = (preview: LogContext['preview'] = quiet): LogContext => ({ latestSeq: 0, maxBack: 0, pageSize: 5, preview });
const press = (state: AppState, input: string, preview?: LogContext['preview']) => handleKey(state, input, makeKey(), ctx(preview));
const multipartInput: OpInput = { kind: 'multipart', bucket: 'test-bucket', key: 'bigfile.bin', sizeMB: 6 };

test('a key before the tail is ready is queued, and the header line says so', () => {
  const starting = baseState({ tailReady: false });
  const out = press(starting, 'p', warnAll);
  assert.deepEqual(out.effects, [], 'nothing fires while discovering');
  assert.deepEqual(out.actions, [{ type: 'queueOp', input: putInput }]);
  let state = reduce(starting, ...out.actions);
  assert.equal(queuedText(state), '1 queued until the tail is ready');
  state = reduce(state, ...press(state, 'm').actions);
  assert.deepEqual(state.queued, [putInput, multipartInput]);
  assert.equal(queuedText(state), '2 queued until the tail is ready');
  assert.equal(queuedText(baseState()), undefined);
});

test('queued operations fire in order once the tail is ready; the queue empties', () => {
  const state = baseState({ tailReady: false, queued: [putInput, multipartInput] });
  const out = releaseQueued(state, quiet);
  assert.deepEqual(out.effects, [
    { type: 'fire', input: putInput },
    { type: 'fire', input: multipartInput },
  ]);
  const after = reduce(state, ...out.actions);
  assert.equal(after.tailReady, true);
  assert.deepEqual(after.queued, []);
  assert.equal(after.overlay.kind, 'none');
});

test('queued operations the preview warns about are asked about once, together; the others fire', () => {
  const state = baseState({ tailReady: false, queued: [putInput, multipartInput] });
  const out = releaseQueued(state, (input) => (input.kind === 'put' ? WARNING : undefined));
  assert.deepEqual(out.effects, [{ type: 'fire', input: multipartInput }]);
  const asked = reduce(state, ...out.actions);
  assert.equal(asked.overlay.kind, 'confirm');
  assert.ok(asked.overlay.kind === 'confirm' && asked.overlay.message.includes(WARNING), JSON.stringify(asked.overlay));
  assert.deepEqual(press(asked, 'y').effects, [{ type: 'fire', input: putInput }]);
});

test('the filter preview runs before firing: a warning asks first (y fires, n does not); --yes fires at once', () => {
  const out = press(baseState(), 'p', warnAll);
  assert.deepEqual(out.effects, [], 'not fired before the answer');
  const asked = reduce(baseState(), ...out.actions);
  assert.equal(asked.overlay.kind, 'confirm');
  assert.ok(asked.overlay.kind === 'confirm' && asked.overlay.message.startsWith(WARNING) && /fire anyway\?/i.test(asked.overlay.message));
  assert.deepEqual(press(asked, 'y').effects, [{ type: 'fire', input: putInput }]);
  assert.deepEqual(press(asked, 'n').effects, []);
  assert.deepEqual(press(baseState({ yes: true }), 'p', warnAll).effects, [{ type: 'fire', input: putInput }]);
  assert.deepEqual(press(baseState(), 'p', quiet).effects, [{ type: 'fire', input: putInput }]);
});

test('choosing another bucket waits for its tail again', () => {
  const state = reduce(baseState(), { type: 'bucketChosen', bucket: 'other' });
  assert.equal(state.tailReady, false);
  assert.equal(reduce(state, { type: 'tailReady' }).tailReady, true);
});

test('MULTIPART uses --part-size and --concurrency, through the form too; a bad value says which flag', () => {
  const params = initialParams({ demoFile: '/d', partSizeMB: 8, concurrency: 2 });
  const state = { bucket: 'b', params, createdKeys: [] };
  const now = currentInput(state, 'multipart');
  assert.deepEqual(now, { input: { kind: 'multipart', bucket: 'b', key: 'bigfile.bin', sizeMB: 6, partSizeMB: 8, concurrency: 2 } });
  assert.match(describeInput(now), /8 MiB parts, 2 at a time/);
  const fromForm = formInput('b', 'multipart', { key: 'k', sizeMB: '20', file: '' }, params);
  assert.deepEqual(fromForm, { input: { kind: 'multipart', bucket: 'b', key: 'k', sizeMB: 20, partSizeMB: 8, concurrency: 2 } });
  const tooSmall = currentInput({ ...state, params: initialParams({ demoFile: '/d', partSizeMB: 1 }) }, 'multipart');
  assert.ok('error' in tooSmall && tooSmall.error.includes('--part-size'), JSON.stringify(tooSmall));
});
