/** @jsxRuntime automatic */
/** The App: keys queued until the tail is ready, the preview question, form path errors, a refused tail. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import type { Discovery } from '../../src/events.js';
import type { OpInput } from '../../src/ops/types.js';
import { App } from '../../src/tui/app.js';
import { LogStore } from '../../src/tui/state/log-store.js';
import { initialState } from '../../src/tui/state/reducer.js';
import { FakeSession } from './fake-session.js';
import { KEYS, appDriver, waitForFrame } from './ink-helpers.js';

/** A session whose selectBucket waits until `open()` (a tail still starting), or fails with `failWith`. */
class SlowSession extends FakeSession {
  private release: (() => void) | undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  warning: ((input: OpInput) => string | undefined) | undefined;
  failWith: Error | undefined;
  open(): void {
    this.release?.();
  }
  override async selectBucket(bucket: string): Promise<Discovery> {
    if (this.failWith) throw this.failWith;
    await this.gate;
    return super.selectBucket(bucket);
  }
  override previewWarning(input: OpInput): string | undefined {
    return this.warning?.(input);
  }
}

function mount(session: FakeSession, options: { yes?: boolean } = {}) {
  const store = new LogStore({ flushMs: 10 });
  const state = initialState({
    target: session.target,
    isRealAws: false,
    bucket: 'test-bucket',
    columns: 100,
    rows: 30,
    demoFile: '/tmp/demo/test.txt',
    ...options,
  });
  const ui = render(
    <App session={session} store={store} initialState={state} noColor onQuit={() => {}} startBucket="test-bucket" eventBatchMs={5} />,
  );
  return appDriver(ui, store, 5000);
}

test('p while discovering is queued (the header says so), then fired once the tail is ready, and matches', async () => {
  const session = new SlowSession();
  const app = mount(session);
  await app.until((f) => f.includes('discovering'));
  await app.press('p');
  await app.until((f) => f.includes('1 queued until the tail is ready'));
  assert.deepEqual(session.fired, []);
  session.open();
  await app.until((f) => /1 PUT\s+test\.txt\s+29 B matched/.test(f));
  assert.equal(session.fired.length, 1);
  assert.doesNotMatch(app.frame(), /queued/);
  app.done();
});

test('a key the filter preview warns about asks first: n fires nothing, y fires; --yes does not ask', async () => {
  const session = new SlowSession();
  session.warning = () => 'no notification of test-bucket covers s3:ObjectCreated:Put on test.txt';
  const app = mount(session);
  session.open();
  await app.until((f) => f.includes('(live)'));
  await app.press('p');
  await app.until((f) => f.includes('Confirm') && f.includes('covers s3:ObjectCreated:Put on test.txt'));
  await app.press('n');
  await app.until((f) => f.includes('Operations'));
  assert.deepEqual(session.fired, []);
  await app.press('p');
  await app.until((f) => f.includes('Confirm'));
  await app.press('y');
  await app.until((f) => /1 PUT\s+test\.txt/.test(f));
  assert.equal(session.fired.length, 1);
  app.done();

  const yes = new SlowSession();
  yes.warning = session.warning;
  const quiet = mount(yes, { yes: true });
  yes.open();
  await quiet.until((f) => f.includes('(live)'));
  await quiet.press('p');
  await quiet.until((f) => /1 PUT\s+test\.txt/.test(f));
  assert.doesNotMatch(quiet.frame(), /Confirm/);
  quiet.done();
});

test('a form file path under a file says what is wrong with it, and fires nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-form-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'plain.txt'), 'x');
  const session = new SlowSession();
  const app = mount(session);
  session.open();
  await app.until((f) => f.includes('(live)'));
  await app.press('P');
  await app.until((f) => f.includes('PUT parameters'));
  await app.press('\u0015'); // Ctrl-U
  const bad = join(dir, 'plain.txt', 'y');
  await app.press(bad);
  await app.press(KEYS.enter);
  const flat = (f: string) => f.replace(/\s+/g, ' ');
  const frame = await app.until((f) => flat(f).includes('is a file, not a directory'));
  assert.ok(flat(frame).includes(`File ${bad}: ${join(dir, 'plain.txt')} is a file, not a directory`), frame);
  assert.doesNotMatch(frame, /ENOTDIR/);
  assert.deepEqual(session.fired, []);
  assert.match(frame, /PUT parameters/, 'the form stays open to fix it');
  app.done();
});

test('a refused tail shows one line, scrubbed', async () => {
  const session = new SlowSession();
  session.failWith = Object.assign(
    new Error(
      'User is not authorized to perform: logs:StartLiveTail\n<Error>\n  <Code>AccessDenied</Code>\n  Signature=deadbeef0123\n</Error>',
    ),
    { name: 'AccessDeniedException' },
  );
  const app = mount(session);
  const frame = await app.until((f) => f.includes('could not watch test-bucket'));
  const line = frame.split('\n').find((l) => l.includes('could not watch'))!;
  assert.match(line, /AccessDeniedException: User is not authorized/);
  assert.doesNotMatch(frame, /<Code>|deadbeef0123/);
  app.done();
});

test('on AWS, declining to create a missing --bucket does not leave keys waiting for a tail that never starts', async () => {
  const session = new FakeSession({ target: { kind: 'aws', label: 'aws us-east-1' } });
  const store = new LogStore({ flushMs: 10 });
  const state = initialState({
    target: session.target,
    isRealAws: true,
    bucket: 'new-bucket',
    columns: 100,
    rows: 30,
    demoFile: '/tmp/demo/test.txt',
  });
  const ui = render(
    <App session={session} store={store} initialState={state} noColor onQuit={() => {}} startBucket="new-bucket" eventBatchMs={5} />,
  );
  await waitForFrame(ui.lastFrame, (f) => f.includes('Create it?'), 5000);
  ui.stdin.write('n');
  await waitForFrame(ui.lastFrame, (f) => f.includes('new-bucket not created: b chooses another bucket'), 5000);
  ui.stdin.write('p');
  await waitForFrame(ui.lastFrame, (f) => /1 PUT\s+test\.txt/.test(f), 5000);
  assert.doesNotMatch(ui.lastFrame()!, /queued/);
  ui.unmount();
  store.dispose();
});
