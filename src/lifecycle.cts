/**
 * The one owner of the process's end: a registry of cleanups and the signal policy. Faces (CI, TUI, sandbox)
 * register cleanups; only this module listens for signals and ends the process.
 *
 * CommonJS so that dist/bin.cjs can install it before it loads the bundle (about 0.1 s of a start).
 */

/** Which face runs: decides the exit codes of a signal. Until cli.ts knows, the CI row applies. */
export type Mode = 'ci' | 'tui' | 'sandbox';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** Exit code per mode and signal (README "Exit codes"). A sandbox is a server: SIGTERM is its normal stop. */
export const SIGNAL_EXIT_CODES: Readonly<Record<Mode, Readonly<Record<StopSignal, number>>>> = {
  ci: { SIGINT: 130, SIGTERM: 130, SIGHUP: 130 },
  tui: { SIGINT: 130, SIGTERM: 130, SIGHUP: 130 },
  sandbox: { SIGINT: 130, SIGTERM: 0, SIGHUP: 129 },
};

/**
 * Once this signal came, the process ends by it (re-raised after cleaning up) instead of exiting: after the
 * TUI's terminal hung up, a normal exit makes Node 20 restore the dead terminal's mode and abort (node::ResetStdio).
 */
export const DIES_OF: Readonly<Partial<Record<Mode, StopSignal>>> = { tui: 'SIGHUP' };

/** How the process ends: exit with a code, or die of a signal. */
export type Ending = { exit: number } | { die: StopSignal };

/** What to do with a signal: clean up first (a first signal with cleanups registered), or end at once. */
export interface SignalAction {
  cleanUpFirst: boolean;
  end: Ending;
}

/** What the policy needs to know: cleanups registered now, and the signal that started a shutdown, if any. */
export interface SignalState {
  cleanups: number;
  shutdownBy?: StopSignal;
}

/** The signal policy, pure: a second signal while cleaning up, or one with nothing to clean up, ends at once. */
export function signalAction(mode: Mode, signal: StopSignal, state: SignalState): SignalAction {
  const dieOf = DIES_OF[mode];
  const dies = dieOf !== undefined && (signal === dieOf || state.shutdownBy === dieOf);
  const end: Ending = dies ? { die: dieOf } : { exit: SIGNAL_EXIT_CODES[mode][signal] };
  return { cleanUpFirst: state.shutdownBy === undefined && state.cleanups > 0, end };
}

/** A cleanup: may be async (it is awaited); what it throws goes to the debug log. */
export type Cleanup = () => unknown;

/** The parts of `process` the lifecycle uses (a fake in tests). */
export interface LifecycleProcess {
  readonly pid: number;
  on(event: StopSignal, listener: () => void): unknown;
  removeAllListeners(event: StopSignal): unknown;
  kill(pid: number, signal: StopSignal): unknown;
  exit(code: number): void;
  exitCode?: number | string | undefined;
  readonly stdout: { write(chunk: string, cb: () => void): unknown };
  readonly stderr: { write(chunk: string, cb: () => void): unknown };
}

/** Cleanup registry plus signal policy over one process. Use the shared `lifecycle` below. */
export class Lifecycle {
  private mode: Mode = 'ci';
  private readonly cleanups: Cleanup[] = [];
  private shutdownBy: StopSignal | undefined;
  private exiting = false;
  private installed = false;
  private debugLog: (line: string) => void = () => {};

  constructor(private readonly proc: LifecycleProcess) {}

  /** Listens for SIGINT, SIGTERM and SIGHUP from now on; calling it again does nothing. */
  install(): void {
    if (this.installed) return;
    this.installed = true;
    for (const signal of STOP_SIGNALS) this.proc.on(signal, () => this.onSignal(signal));
  }

  /** Sets the face whose exit codes apply (cli.ts, once it decided the mode). */
  setMode(mode: Mode): void {
    this.mode = mode;
  }

  /** Where a failed cleanup is reported (cli.ts: stderr with --debug, scrubbed); silent by default. */
  setDebugLog(log: (line: string) => void): void {
    this.debugLog = log;
  }

  /** Adds a cleanup, run at most once, in reverse order of registration. Returns the function that removes it. */
  register(cleanup: Cleanup): () => void {
    const entry: Cleanup = () => cleanup();
    this.cleanups.push(entry);
    return () => {
      const i = this.cleanups.lastIndexOf(entry);
      if (i >= 0) this.cleanups.splice(i, 1);
    };
  }

  /**
   * Runs `task` (already started) so that a signal can stop it: the shutdown calls `stop`, then waits until
   * `task` settles (the face closes what it opened on its own path). Resolves or rejects as `task` does.
   */
  async stoppable<T>(task: Promise<T>, stop: () => void): Promise<T> {
    const unregister = this.register(() => {
      stop();
      return task.then(
        () => undefined,
        () => undefined,
      );
    });
    try {
      return await task;
    } finally {
      unregister();
    }
  }

  /** Runs every registered cleanup once, newest first, each awaited; a failure is logged and the rest still run. */
  async runCleanups(): Promise<void> {
    for (let cleanup = this.cleanups.pop(); cleanup; cleanup = this.cleanups.pop()) {
      try {
        await cleanup();
      } catch (err) {
        this.debugLog(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /**
   * The normal end: runs the cleanups left, flushes stdout and stderr, exits with `code`. During a shutdown
   * by signal it does nothing: that shutdown ends the process with the signal's code once its cleanups ran.
   */
  async exit(code: number): Promise<void> {
    if (this.shutdownBy !== undefined || this.exiting) return;
    this.exiting = true;
    await this.runCleanups();
    this.end({ exit: code });
  }

  private onSignal(signal: StopSignal): void {
    const cleanups = this.exiting && this.shutdownBy === undefined ? 0 : this.cleanups.length;
    const action = signalAction(this.mode, signal, { cleanups, ...(this.shutdownBy ? { shutdownBy: this.shutdownBy } : {}) });
    if (!action.cleanUpFirst) {
      this.end(action.end, true);
      return;
    }
    this.shutdownBy = signal;
    void this.runCleanups().then(() => this.end(action.end));
  }

  private end(ending: Ending, atOnce = false): void {
    if ('die' in ending) {
      this.proc.removeAllListeners(ending.die);
      this.proc.kill(this.proc.pid, ending.die);
      return;
    }
    if (atOnce) {
      this.proc.exit(ending.exit);
      return;
    }
    this.proc.exitCode = ending.exit;
    // Leftover keep-alive sockets must not hold a finished run open; flush, then leave.
    this.proc.stdout.write('', () => this.proc.stderr.write('', () => this.proc.exit(ending.exit)));
  }
}

const SHARED = Symbol.for('s3trigger.lifecycle');

/**
 * The process's one lifecycle. This file runs twice in the installed command (dist/lifecycle.cjs, which bin.cjs
 * and dist/tui/ load, and the bundle's own copy): the first creates the instance, the other finds it on globalThis.
 */
export const lifecycle: Lifecycle = ((globalThis as Record<symbol, unknown>)[SHARED] as Lifecycle | undefined) ?? new Lifecycle(process);
(globalThis as Record<symbol, unknown>)[SHARED] = lifecycle;
