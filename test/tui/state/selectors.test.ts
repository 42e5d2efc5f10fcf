import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyLogText, footerScope, overlayLineCount } from '../../../src/tui/state/selectors.js';
import { helpLines } from '../../../src/tui/keymap.js';
import type { TailState } from '../../../src/observe/types.js';
import { baseState, reduce, session, started } from '../helpers.js';

const discovery = { bucket: 'test-bucket', functions: ['f'], logGroups: ['/aws/lambda/f'], destinations: [], warnings: [] };
const tail = (mode: TailState['mode']): TailState => ({ logGroup: '/aws/lambda/f', mode });

test('the empty log pane says why', () => {
  const cases = [
    { state: baseState({ bucket: undefined }), text: 'choose a bucket (b) to tail its function' },
    { state: baseState(), text: 'discovering…' },
    { state: baseState({ discovery: { ...discovery, logGroups: [] } }), text: 'no log group to tail' },
    { state: baseState({ discovery, tails: [tail('waiting-for-group')] }), text: 'waiting for first invocation' },
    { state: baseState({ discovery, tails: [tail('reconnecting')] }), text: 'reconnecting…' },
    { state: baseState({ discovery, tails: [tail('live')] }), text: 'no log lines yet' },
  ];
  for (const c of cases) assert.equal(emptyLogText(c.state), c.text);
});

test('the footer follows the overlay, else the focused pane', () => {
  const cases = [
    { state: baseState(), scope: 'events' },
    { state: baseState({ focus: 'log' }), scope: 'log' },
    { state: baseState({ overlay: { kind: 'help', scroll: 0 } }), scope: 'help' },
    { state: baseState({ overlay: { kind: 'picker', filter: '', selected: 0 } }), scope: 'picker' },
    { state: baseState({ overlay: { kind: 'picker', filter: '', selected: 0, naming: { draft: '' } } }), scope: 'bucket-name' },
    { state: baseState({ overlay: { kind: 'filter', draft: '' } }), scope: 'filter' },
  ];
  for (const c of cases) assert.equal(footerScope(c.state), c.scope);
});

test('overlay line counts bound scrolling', () => {
  assert.equal(overlayLineCount(baseState()), 0);
  assert.equal(overlayLineCount(baseState({ overlay: { kind: 'help', scroll: 0 } })), helpLines().length);
  const details = reduce(baseState(), session(started(1)), { type: 'openDetails' });
  assert.ok(overlayLineCount(details) > 10);
  assert.equal(overlayLineCount(baseState({ overlay: { kind: 'details', rowKey: 'op:99', scroll: 0 } })), 0);
});
