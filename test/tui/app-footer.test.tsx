/** @jsxRuntime automatic */
/**
 * The footer at the widths users have (80 and 160 columns): `? help` and `q quit` always show, other keys are dropped
 * from the end when the line does not fit; on a row whose handler never logged its event, `r replay` is not offered
 * and the footer says why.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { LogStore } from '../../src/tui/state/log-store.js';
import { initialState } from '../../src/tui/state/reducer.js';
import { FakeSession } from './fake-session.js';
import { KEYS, appDriver } from './ink-helpers.js';

function mount(columns: number) {
  const session = new FakeSession();
  const store = new LogStore({ flushMs: 10 });
  const state = initialState({
    target: session.target,
    isRealAws: false,
    bucket: 'test-bucket',
    columns,
    rows: 30,
    demoFile: '/tmp/demo/test.txt',
  });
  const ui = render(
    <App session={session} store={store} initialState={state} noColor onQuit={() => {}} startBucket="test-bucket" eventBatchMs={5} />,
  );
  const driver = appDriver(ui, store);
  return { ...driver, footer: () => driver.frame().split('\n').at(-1) ?? '' };
}

for (const columns of [80, 160]) {
  test(`${columns} columns: every pane's footer ends with ? help and q quit, whole keys only`, async () => {
    const app = mount(columns);
    await app.until((f) => f.includes('(live)'));
    for (const pane of ['first', 'second', 'third']) {
      const footer = app.footer();
      assert.match(footer, /\? help {2}q quit\s*$/, `${pane} footer: ${footer}`);
      assert.ok(!footer.includes('…'), `${pane} footer is cut: ${footer}`);
      assert.ok(footer.length <= columns, `${pane} footer is ${footer.length} wide`);
      await app.press(KEYS.tab);
    }
    app.done();
  });

  test(`${columns} columns: a row whose handler never logged its event: the footer says why, no r replay`, async () => {
    const app = mount(columns);
    await app.until((f) => f.includes('(live)'));
    await app.press('p');
    await app.until((f) => f.includes('matched') && f.includes('S3 Event Detected'));
    const footer = await app.until((f) => (f.split('\n').at(-1) ?? '').includes('never logged'));
    const last = footer.split('\n').at(-1) ?? '';
    assert.ok(!last.includes('r replay'), `footer offers r replay: ${last}`);
    assert.match(last, /\br off: /);
    assert.match(last, /event-handler never logged its event/);
    assert.match(last, /\? help {2}q quit\s*$/);
    // r does nothing there: no header line, no operation fired.
    const before = app.frame().split('\n').slice(0, 3).join('\n');
    await app.press('r');
    assert.equal(app.frame().split('\n').slice(0, 3).join('\n'), before);
    app.done();
  });
}
