import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { runTui } from '../../src/tui/run.js';
import { FakeSession } from './fake-session.js';
import { FakeStdin, FakeStdout } from './fake-terminal.js';
import { tick } from './ink-helpers.js';

// These tests stand in for a real terminal; with CI set, ink would write only the last frame, at exit
// (the product never mounts ink under CI: cli.ts decides the mode first).
delete process.env['CI'];

function streams() {
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  return { stdout, stdin, io: { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream } };
}

/**
 * Teardown for a test that failed before the TUI quit: press Ctrl-C until runTui resolves
 * (a second one ends even a stuck cleanup), so its demo file's temp dir is removed.
 */
function quitOnTeardown(t: TestContext, stdin: FakeStdin, exit: Promise<number>) {
  let settled = false;
  void exit.then(
    () => (settled = true),
    () => (settled = true),
  );
  t.after(async () => {
    for (let i = 0; i < 600 && !settled; i++) {
      stdin.write('\u0003');
      await tick(50);
    }
  });
}

async function until(predicate: () => boolean) {
  for (let i = 0; i < 2000 && !predicate(); i++) await tick(10); // up to 20 s: first render imports ink, slow on a loaded machine
  assert.ok(predicate());
}

test('q closes the session, removes the demo file and resolves 0', async (t) => {
  const session = new FakeSession();
  const { stdout, stdin, io } = streams();
  const exit = runTui({ session, isRealAws: false, bucket: 'test-bucket' }, io);
  quitOnTeardown(t, stdin, exit);
  await until(() => stdout.output.includes('Operations'));
  stdin.write('p');
  await until(() => session.fired.length === 1);
  const demoFile = (session.fired[0] as { file: string }).file;
  assert.ok(existsSync(demoFile));
  stdin.write('q');
  assert.equal(await exit, 0);
  assert.equal(session.closed, 1);
  assert.equal(session.listenerCount, 0);
  assert.ok(!existsSync(demoFile));
});

test('a second Ctrl-C while cleaning up resolves 130', async (t) => {
  const session = new FakeSession();
  let release!: () => void;
  session.close = () => {
    session.closed++;
    return new Promise<void>((resolve) => (release = resolve));
  };
  const { stdout, stdin, io } = streams();
  const exit = runTui({ session, isRealAws: false, bucket: 'test-bucket' }, io);
  quitOnTeardown(t, stdin, exit);
  await until(() => stdout.output.includes('Operations'));
  stdin.write('\u0003');
  await until(() => stdout.output.includes('quitting'));
  stdin.write('\u0003');
  assert.equal(await exit, 130);
  assert.equal(session.closed, 1);
  release();
});
