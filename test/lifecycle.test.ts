/** The lifecycle owner: the signal policy (a table), the cleanup registry, and signals through a fake process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { ExitCode } from '../src/errors.js';
import {
  Lifecycle,
  signalAction,
  SIGNAL_EXIT_CODES,
  STOP_SIGNALS,
  type LifecycleProcess,
  type Mode,
  type SignalAction,
  type SignalState,
  type StopSignal,
} from '../src/lifecycle.cjs';

const later = () => new Promise<void>((resolve) => setImmediate(resolve));

test('signal policy: mode + signal + state -> clean up first or end at once, with the exit code or the signal to die of', () => {
  const rows: [Mode, StopSignal, SignalState, SignalAction][] = [
    // CI: 130 for every signal; nothing registered yet (starting) ends at once.
    ['ci', 'SIGINT', { cleanups: 0 }, { cleanUpFirst: false, end: { exit: 130 } }],
    ['ci', 'SIGTERM', { cleanups: 0 }, { cleanUpFirst: false, end: { exit: 130 } }],
    ['ci', 'SIGHUP', { cleanups: 0 }, { cleanUpFirst: false, end: { exit: 130 } }],
    ['ci', 'SIGTERM', { cleanups: 1 }, { cleanUpFirst: true, end: { exit: 130 } }],
    ['ci', 'SIGHUP', { cleanups: 2 }, { cleanUpFirst: true, end: { exit: 130 } }],
    ['ci', 'SIGINT', { cleanups: 1, shutdownBy: 'SIGINT' }, { cleanUpFirst: false, end: { exit: 130 } }],
    // TUI: 130 on a signal; a hang-up is cleaned up, then the process dies of SIGHUP.
    ['tui', 'SIGINT', { cleanups: 1 }, { cleanUpFirst: true, end: { exit: 130 } }],
    ['tui', 'SIGTERM', { cleanups: 0 }, { cleanUpFirst: false, end: { exit: 130 } }],
    ['tui', 'SIGHUP', { cleanups: 1 }, { cleanUpFirst: true, end: { die: 'SIGHUP' } }],
    ['tui', 'SIGHUP', { cleanups: 0 }, { cleanUpFirst: false, end: { die: 'SIGHUP' } }],
    ['tui', 'SIGINT', { cleanups: 1, shutdownBy: 'SIGHUP' }, { cleanUpFirst: false, end: { die: 'SIGHUP' } }],
    ['tui', 'SIGTERM', { cleanups: 1, shutdownBy: 'SIGINT' }, { cleanUpFirst: false, end: { exit: 130 } }],
    ['tui', 'SIGHUP', { cleanups: 1, shutdownBy: 'SIGTERM' }, { cleanUpFirst: false, end: { die: 'SIGHUP' } }],
    // sandbox: SIGINT 130, SIGTERM 0 (a server's normal stop), SIGHUP 129; a second signal ends at once with its own code.
    ['sandbox', 'SIGINT', { cleanups: 1 }, { cleanUpFirst: true, end: { exit: 130 } }],
    ['sandbox', 'SIGTERM', { cleanups: 1 }, { cleanUpFirst: true, end: { exit: 0 } }],
    ['sandbox', 'SIGHUP', { cleanups: 1 }, { cleanUpFirst: true, end: { exit: 129 } }],
    ['sandbox', 'SIGTERM', { cleanups: 0 }, { cleanUpFirst: false, end: { exit: 0 } }],
    ['sandbox', 'SIGINT', { cleanups: 1, shutdownBy: 'SIGTERM' }, { cleanUpFirst: false, end: { exit: 130 } }],
  ];
  for (const [mode, signal, state, expected] of rows) {
    assert.deepEqual(signalAction(mode, signal, state), expected, `${mode} ${signal} ${JSON.stringify(state)}`);
  }
});

test('the CI and TUI signal codes are the documented "interrupted" exit code', () => {
  for (const mode of ['ci', 'tui'] as const)
    for (const signal of STOP_SIGNALS) assert.equal(SIGNAL_EXIT_CODES[mode][signal], ExitCode.Interrupted);
});

/** A process that records how it ended instead of ending. */
class FakeProcess extends EventEmitter implements LifecycleProcess {
  readonly pid = 4242;
  exitCode: number | string | undefined;
  readonly exits: number[] = [];
  readonly kills: StopSignal[] = [];
  readonly stdout = { write: (_chunk: string, cb: () => void) => setImmediate(cb) };
  readonly stderr = { write: (_chunk: string, cb: () => void) => setImmediate(cb) };
  exit(code: number): void {
    this.exits.push(code);
  }
  kill(pid: number, signal: StopSignal): void {
    assert.equal(pid, this.pid);
    this.kills.push(signal);
  }
  /** Waits until the lifecycle ended the process (or gives up after ~2 s). */
  async ended(): Promise<void> {
    for (let i = 0; i < 2000 && this.exits.length + this.kills.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
  }
}

function setUp(mode: Mode = 'ci') {
  const proc = new FakeProcess();
  const life = new Lifecycle(proc);
  const logged: string[] = [];
  life.setDebugLog((line) => logged.push(line));
  life.setMode(mode);
  life.install();
  return { proc, life, logged };
}

test('cleanups run once each, newest first, each awaited; a failure goes to the debug log and the rest still run', async () => {
  const { life, logged } = setUp();
  const order: string[] = [];
  life.register(() => order.push('first'));
  life.register(async () => {
    await later();
    order.push('second (slow)');
  });
  life.register(() => {
    throw new Error('boom');
  });
  const removed = life.register(() => order.push('unregistered'));
  life.register(() => {
    order.push('newest');
    life.register(() => order.push('registered while cleaning'));
  });
  removed();
  removed(); // twice is harmless
  await life.runCleanups();
  await life.runCleanups();
  assert.deepEqual(order, ['newest', 'registered while cleaning', 'second (slow)', 'first']);
  assert.deepEqual(logged, ['cleanup failed: boom']);
});

test('install listens once per signal, however often it is called', () => {
  const { proc, life } = setUp();
  life.install();
  for (const signal of STOP_SIGNALS) assert.equal(proc.listenerCount(signal), 1, signal);
});

test('a signal with nothing registered ends at once with its code', () => {
  const { proc } = setUp('sandbox');
  proc.emit('SIGHUP');
  assert.deepEqual(proc.exits, [129]);
});

test('a first signal runs the cleanups, then flushes and exits with its code; exit() meanwhile does not end the process', async () => {
  const { proc, life } = setUp('sandbox');
  let release = () => {};
  const cleaning = new Promise<void>((resolve) => (release = resolve));
  let cleaned = false;
  life.register(async () => {
    await cleaning;
    cleaned = true;
  });
  proc.emit('SIGTERM');
  await later();
  assert.deepEqual(proc.exits, [], 'still cleaning');
  void life.exit(1); // the face unwound and returned a code: the signal decides
  await later();
  assert.deepEqual(proc.exits, []);
  release();
  await proc.ended();
  assert.ok(cleaned);
  assert.deepEqual(proc.exits, [0]);
  assert.equal(proc.exitCode, 0);
});

test('a second signal while cleaning up exits at once with its own code', async () => {
  const { proc, life } = setUp('sandbox');
  life.register(() => new Promise(() => {})); // a cleanup that never ends
  proc.emit('SIGTERM');
  await later();
  assert.deepEqual(proc.exits, []);
  proc.emit('SIGINT');
  assert.deepEqual(proc.exits, [130]);
});

test('TUI: a hang-up is cleaned up, then the process dies of SIGHUP (its own listener removed first)', async () => {
  const { proc, life } = setUp('tui');
  let cleaned = false;
  life.register(async () => {
    await later();
    cleaned = true;
  });
  proc.emit('SIGHUP');
  await proc.ended();
  assert.ok(cleaned);
  assert.deepEqual(proc.kills, ['SIGHUP']);
  assert.deepEqual(proc.exits, []);
  assert.equal(proc.listenerCount('SIGHUP'), 0, 'the re-raised SIGHUP is not caught again');
});

test('the normal exit runs leftover cleanups, then exits with its code; a later exit() is ignored', async () => {
  const { proc, life } = setUp();
  let cleaned = 0;
  life.register(() => cleaned++);
  await life.exit(3);
  await life.exit(0);
  await proc.ended();
  await later();
  assert.equal(cleaned, 1);
  assert.deepEqual(proc.exits, [3]);
});

test('stoppable: a signal calls stop and the shutdown waits for the task to settle; a settled task is unregistered', async () => {
  const { proc, life } = setUp();
  let finish = () => {};
  let stopped = 0;
  let settled = false;
  const task = new Promise<number>((resolve) => (finish = () => resolve(130))).finally(() => (settled = true));
  const result = life.stoppable(task, () => {
    stopped++;
    setTimeout(finish, 20); // the face takes a moment to close what it opened
  });
  proc.emit('SIGINT');
  await later();
  assert.equal(stopped, 1);
  assert.deepEqual(proc.exits, [], 'waits for the task');
  await proc.ended();
  assert.ok(settled, 'the task settled before the exit');
  assert.deepEqual(proc.exits, [130]);
  assert.equal(await result, 130);

  const other = setUp();
  assert.equal(await other.life.stoppable(Promise.resolve('done'), () => assert.fail('not stopped')), 'done');
  other.proc.emit('SIGTERM');
  assert.deepEqual(other.proc.exits, [130], 'nothing left registered: ends at once');
});
