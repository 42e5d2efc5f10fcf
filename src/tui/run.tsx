/** The TUI's entry point: mounts ink over a session and owns quitting. */
import { ExitCode } from '../errors.js';
import type { SessionApi } from '../events.js';
import { lifecycle } from '../lifecycle.cjs';
import type { ParamDefaults } from './state/params.js';
import { createDemoFile } from './demo-file.js';
import { noColorRequested } from './terminal.js';

/** What the operations start from; the demo file is made here when PUT or POST has none. */
export interface TuiOptions extends Omit<ParamDefaults, 'demoFile'> {
  session: SessionApi;
  bucket?: string;
  isRealAws: boolean;
  /** `--yes`: fire without asking (the filter preview's warning, DELETE on AWS); a missing bucket is still asked about. */
  yes?: boolean;
}

export interface TuiStreams {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

/** Log flushes come every 50 ms anyway; a higher cap only shortens the wait of a key press for its frame. */
export const MAX_FPS = 60;

/**
 * React and ink are imported only here, after NODE_ENV defaults to production: React's
 * development build re-checks every render and makes each frame several times slower.
 */
async function loadInk() {
  process.env.NODE_ENV ??= 'production';
  const [ink, { createElement }] = await Promise.all([import('ink'), import('react')]);
  return { render: ink.render, Text: ink.Text, createElement };
}

/**
 * The view itself (its components, the reducer, the operations' definitions and the S3 and Lambda clients they
 * import) is loaded after the "starting" frame, not before it: about a third of the view's load time.
 */
async function loadUi() {
  const [{ render, createElement }, { App }, { LogStore }, { initialState }] = await Promise.all([
    loadInk(),
    import('./app.js'),
    import('./state/log-store.js'),
    import('./state/reducer.js'),
  ]);
  return { render, createElement, App, LogStore, initialState };
}

/**
 * One dim line while the session starts (a local sandbox and its demo take about half a second):
 * the first frame comes as soon as ink is loaded. Returns the function that removes it.
 */
export async function showStarting(message: string, streams: TuiStreams = {}): Promise<() => void> {
  const { render, createElement, Text } = await loadInk();
  const stdout = streams.stdout ?? process.stdout;
  // The terminal may close while starting: SIGHUP cleans up (lifecycle.cts); writes to it fail with EIO, harmlessly.
  stdout.on('error', () => {});
  const instance = render(createElement(Text, { dimColor: true }, message), {
    stdout,
    stdin: streams.stdin ?? process.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return () => {
    instance.clear();
    instance.unmount();
  };
}

/** How a signal reaches the view: before the first frame it is only noted; then it quits as Ctrl-C does. */
interface SignalHook {
  signalled: boolean;
  quit?: () => void;
}

/**
 * Resolves to the exit code once the user quit (0; 130 for a second Ctrl-C while cleaning up); the session is
 * closed and the demo file removed by then. A signal (lifecycle.cts) cleans up the same way and resolves 130.
 */
export function runTui(options: TuiOptions, streams: TuiStreams = {}): Promise<number> {
  const hook: SignalHook = { signalled: false };
  return lifecycle.stoppable(mountAndRun(options, streams, hook), () => {
    hook.signalled = true;
    hook.quit?.();
  });
}

async function mountAndRun(options: TuiOptions, streams: TuiStreams, hook: SignalHook): Promise<number> {
  const { session } = options;
  const stdout = streams.stdout ?? process.stdout;
  const stdin = streams.stdin ?? process.stdin;
  const [{ render, createElement, App, LogStore, initialState }, demo] = await Promise.all([
    loadUi(),
    options.putFile && options.postFile ? undefined : createDemoFile(),
  ]);
  // A signal while ink loaded (no frame yet) still closes the session and removes the demo file.
  if (hook.signalled) {
    await session.close().catch(() => undefined);
    await demo?.remove().catch(() => undefined);
    return ExitCode.Interrupted;
  }
  const store = new LogStore();
  const state = initialState({
    target: session.target,
    isRealAws: options.isRealAws,
    bucket: options.bucket,
    columns: stdout.columns || 80,
    rows: stdout.rows || 24,
    demoFile: demo?.path ?? '',
    putFile: options.putFile,
    postFile: options.postFile,
    copy: options.copy,
    deleteKey: options.deleteKey,
    multipartKey: options.multipartKey,
    sizeMB: options.sizeMB,
    partSizeMB: options.partSizeMB,
    concurrency: options.concurrency,
    yes: options.yes,
  });

  return new Promise<number>((resolve) => {
    let phase: 'running' | 'cleaning' | 'done' = 'running';
    // A closed terminal (SIGHUP, a killed tmux): reads and writes fail with EIO / EPIPE. Clean up without drawing;
    // the listeners stay for the rest of the process, whose last writes would fail the same way.
    let terminalGone = false;
    const onTerminalGone = () => {
      terminalGone = true;
      quit(true, ExitCode.Interrupted);
    };
    stdout.on('error', onTerminalGone);
    stdin.on('error', onTerminalGone);
    const finish = (code: number, problem?: string) => {
      if (phase === 'done') return;
      phase = 'done';
      if (!terminalGone) instance.clear();
      instance.unmount();
      store.dispose();
      if (problem) process.stderr.write(`s3trigger: ${problem}\n`);
      // The shutdown of a signal waits for this resolve: a late SIGHUP cannot end the process before the file is gone.
      void (demo?.remove() ?? Promise.resolve()).catch(() => undefined).then(() => resolve(code));
    };
    const quit = (interrupt: boolean, code: number = ExitCode.Ok) => {
      if (phase === 'cleaning' && interrupt) return finish(ExitCode.Interrupted);
      if (phase !== 'running') return;
      phase = 'cleaning';
      session.close().then(
        () => finish(code),
        (err: unknown) => finish(ExitCode.OperationFailed, `cleanup failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    };
    // A signal (not the Ctrl-C key, which arrives as input in raw mode) still cleans up first.
    hook.quit = () => quit(true, ExitCode.Interrupted);

    const instance = render(
      createElement(App, {
        session,
        store,
        initialState: state,
        noColor: noColorRequested(),
        onQuit: (interrupt: boolean) => quit(interrupt),
        startBucket: options.bucket,
      }),
      { stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: MAX_FPS },
    );
  });
}
