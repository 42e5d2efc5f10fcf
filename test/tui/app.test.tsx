/** @jsxRuntime automatic */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { LogStore } from '../../src/tui/state/log-store.js';
import { initialState } from '../../src/tui/state/reducer.js';
import { FakeSession } from './fake-session.js';
import { KEYS, appDriver } from './ink-helpers.js';

function mount(
  options: { bucket?: string; columns?: number; rows?: number; session?: FakeSession; isRealAws?: boolean; demoFile?: string } = {},
) {
  const session = options.session ?? new FakeSession();
  const store = new LogStore({ flushMs: 10 });
  const quits: boolean[] = [];
  const state = initialState({
    target: session.target,
    isRealAws: options.isRealAws ?? false,
    bucket: options.bucket,
    columns: options.columns ?? 100,
    rows: options.rows ?? 30,
    demoFile: options.demoFile ?? '/tmp/demo/test.txt',
  });
  const ui = render(
    <App
      session={session}
      store={store}
      initialState={state}
      noColor
      onQuit={(i) => quits.push(i)}
      startBucket={options.bucket}
      eventBatchMs={5}
    />,
  );
  return { session, store, ui, quits, ...appDriver(ui, store) };
}

test('p fires a PUT whose row turns matched, with the Lambda log lines; the frame fits the terminal', async () => {
  const app = mount({ bucket: 'test-bucket' });
  await app.until((f) => f.includes('tailing /aws/lambda/event-handler (live)'));
  assert.deepEqual(app.session.used, ['test-bucket']);
  await app.press('p');
  const frame = await app.until((f) => /1 PUT\s+test\.txt\s+29 B matched/.test(f) && f.includes('S3 Event Detected'));
  assert.deepEqual(app.session.fired, [{ kind: 'put', bucket: 'test-bucket', file: '/tmp/demo/test.txt', key: 'test.txt' }]);
  assert.equal(frame.split('\n').length, 29);
  assert.ok(frame.includes('▌') && frame.includes('cold'));
  app.done();
});

test('p c o d m: five rows, DELETE takes the last created key, COPY the one before', async () => {
  const app = mount({ bucket: 'test-bucket', rows: 40 });
  await app.until((f) => f.includes('(live)'));
  for (const key of ['p', 'c', 'o', 'd', 'm']) {
    await app.press(key);
    const n = app.session.fired.length;
    await app.until((f) => new RegExp(`\\b${n} [A-Z]+ .*matched`).test(f));
  }
  assert.deepEqual(
    app.session.fired.map((i) => `${i.kind}:${i.key}`),
    ['put:test.txt', 'copy:copy_test.txt', 'post:post_test.txt', 'delete:post_test.txt', 'multipart:bigfile.bin'],
  );
  assert.equal((app.frame().match(/matched/g) ?? []).length, 5);
  app.done();
});

test('Enter shows details, ? shows help, Esc goes back, q quits', async () => {
  const app = mount({ bucket: 'test-bucket' });
  await app.until((f) => f.includes('(live)'));
  await app.press('p');
  await app.until((f) => f.includes('matched'));
  await app.press(KEYS.enter);
  await app.until((f) => f.includes('Details') && f.includes('S3 response') && f.includes('S3REQ1'));
  await app.press(KEYS.escape);
  await app.until((f) => f.includes('Operations'));
  await app.press('?');
  await app.until((f) => f.includes('Help') && f.includes('Everywhere'));
  await app.press(KEYS.escape);
  await app.until((f) => f.includes('Operations'));
  await app.press('q');
  assert.deepEqual(app.quits, [false]);
  await app.until((f) => f.includes('quitting'));
  app.done();
});

test('Shift+P opens the form; edits fire and stick', async (t) => {
  // The form checks its file before firing: this one exists.
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-app-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const demoFile = join(dir, 'test.txt');
  writeFileSync(demoFile, 'x');
  const app = mount({ bucket: 'test-bucket', demoFile });
  await app.until((f) => f.includes('(live)'));
  await app.press('P');
  await app.until((f) => f.includes('PUT parameters'));
  await app.press(KEYS.tab);
  for (let i = 0; i < 'test.txt'.length; i++) await app.press(KEYS.backspace);
  await app.press('mine.txt');
  await app.press(KEYS.enter);
  await app.until((f) => f.includes('mine.txt') && f.includes('Operations'));
  assert.deepEqual(app.session.fired.at(-1), { kind: 'put', bucket: 'test-bucket', file: demoFile, key: 'mine.txt' });
  assert.ok(app.frame().includes('test.txt -> mine.txt'));
  app.done();
});

test('without a bucket the picker opens: type to filter, Enter chooses', async () => {
  const app = mount({ session: new FakeSession({ buckets: ['test-bucket', 'other-bucket', 'logs'] }) });
  await app.until((f) => f.includes('3 of 3 buckets'));
  await app.press('oth');
  await app.until((f) => f.includes('1 of 3 buckets') && f.includes('other-bucket') && !f.includes('  logs'));
  await app.press(KEYS.enter);
  await app.until((f) => f.includes('bucket: other-bucket') && f.includes('Operations'));
  assert.deepEqual(app.session.used, ['other-bucket']);
  app.done();
});

test('n creates a bucket after validating its name', async () => {
  const app = mount({ session: new FakeSession({ buckets: [] }) });
  await app.until((f) => f.includes('no buckets yet'));
  await app.press('n');
  await app.press('Bad');
  await app.press(KEYS.enter);
  await app.until((f) => f.includes('only lowercase letters'));
  for (let i = 0; i < 3; i++) await app.press(KEYS.backspace);
  await app.press('fresh-bucket');
  await app.press(KEYS.enter);
  await app.until((f) => f.includes('bucket: fresh-bucket'));
  assert.deepEqual(app.session.created, ['fresh-bucket']);
  assert.deepEqual(app.session.used, ['fresh-bucket']);
  app.done();
});

test('on AWS a missing --bucket is created only after y; n leaves it alone', async () => {
  const yes = mount({ bucket: 'new-bucket', isRealAws: true });
  await yes.until((f) => f.includes('Bucket new-bucket does not exist in this account. Create it?'));
  assert.deepEqual(yes.session.created, []);
  await yes.press('y');
  await yes.until((f) => f.includes('bucket: new-bucket'));
  assert.deepEqual(yes.session.created, ['new-bucket']);
  yes.done();

  const no = mount({ bucket: 'new-bucket', isRealAws: true });
  await no.until((f) => f.includes('Create it?'));
  await no.press('n');
  await no.until((f) => !f.includes('Create it?'));
  assert.deepEqual(no.session.created, []);
  no.done();

  const existing = mount({ bucket: 'test-bucket', isRealAws: true });
  await existing.until((f) => f.includes('bucket: test-bucket'));
  assert.ok(!existing.frame().includes('Create it?'));
  assert.deepEqual(existing.session.created, []);
  existing.done();
});

test('below 80x24 a one-line notice replaces the screen; q still quits', async () => {
  const app = mount({ bucket: 'test-bucket', columns: 70, rows: 20 });
  await app.until((f) => f.includes('terminal too small (70x20)'));
  assert.equal(app.frame().split('\n').length, 1);
  await app.press('q');
  assert.deepEqual(app.quits, [false]);
  app.done();
});

test('resize relayouts from the stdout size', async () => {
  const app = mount({ bucket: 'test-bucket', rows: 40 });
  await app.until((f) => f.includes('(live)'));
  assert.equal(app.frame().split('\n').length, 39);
  Object.defineProperty(app.ui.stdout, 'rows', { value: 24, configurable: true });
  app.ui.stdout.emit('resize');
  await app.until((f) => f.split('\n').length === 23);
  Object.defineProperty(app.ui.stdout, 'rows', { value: 10, configurable: true });
  app.ui.stdout.emit('resize');
  await app.until((f) => f.includes('terminal too small'));
  app.done();
});

test('/ filters the log; Ctrl-C asks to quit as an interrupt', async () => {
  const app = mount({ bucket: 'test-bucket' });
  await app.until((f) => f.includes('(live)'));
  await app.press('p');
  await app.until((f) => f.includes('S3 Event Detected'));
  await app.press('/');
  await app.press('object:');
  await app.press(KEYS.enter);
  const frame = await app.until((f) => f.includes('filter "object:"'));
  assert.ok(!frame.includes('S3 Event Detected') && frame.includes('Object:     test.txt'));
  await app.press(KEYS.ctrlC);
  assert.deepEqual(app.quits, [true]);
  app.done();
});
