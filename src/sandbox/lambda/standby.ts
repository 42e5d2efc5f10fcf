/**
 * Standby runtime processes for hot reload: a runtime (node, python) started ahead with a neutral environment, its
 * bootstrap loaded and waiting on fd 3 for `{"type":"init","env":{…},"cwd":"…"}`. When a function's code changes
 * while it is in use, the replacement execution environment adopts one instead of starting a process, so its init is
 * only the handler's own (a few ms instead of the runtime's 40+ ms start). A standby never ran user code: adopting it
 * is a new execution environment, as Lambda makes one for new code. Only the sandbox's fd-3 bootstraps can wait so.
 *
 * The environment a runtime reads while it starts cannot be handed over later, so a function setting such a
 * variable (NODE_OPTIONS, PYTHONPATH, LC_ALL, …; `startupSensitive`) never adopts one and starts its own process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';

/** The command a standby runs and the part of its environment fixed at start (PATH, LANG, TZ, NODE_PATH). */
export interface StandbyLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** A waiting process, handed to the environment that adopts it. */
export interface AdoptedProcess {
  child: ChildProcess;
  /** Time the process took from spawn to waiting (ms): part of the adopting environment's Init Duration. */
  bootMs: number;
}

/** A standby that is not waiting by then is given up (the environment starts its own process). */
const BOOT_TIMEOUT_MS = 5_000;

/** Variables a runtime reads only while it starts (Node, Python, Ruby, libc, OpenSSL): a function setting one starts its own process. */
const STARTUP_VARIABLE = /^(NODE_|UV_|PYTHON|RUBY|GEM_|BUNDLE_|LC_|LANGUAGE$|OPENSSL_|SSL_CERT_|LD_|MALLOC_|GLIBC_)/;

/** Whether the function's own environment holds a variable its runtime reads at start (then no standby). Pure. */
export function startupSensitive(environment: Record<string, string>): boolean {
  return Object.keys(environment).some((k) => STARTUP_VARIABLE.test(k));
}

/** The key of a launch: a standby serves only environments that would start exactly this command. Pure. */
export const launchKey = (launch: StandbyLaunch): string => JSON.stringify([launch.command, launch.args, launch.env]);

interface Waiting {
  child: ChildProcess;
  spawnedAt: number;
  bootMs?: number;
  /** Settles true once the process waits for its environment, false if it failed first. */
  booted: Promise<boolean>;
  timer: NodeJS.Timeout;
  stop: () => void;
}

/** One standby process per launch key, kept while hot reloads use them; unused ones go after `idleMs`. */
export class RuntimeStandby {
  private readonly waiting = new Map<string, Waiting>();
  private closed = false;

  constructor(private readonly idleMs: number) {}

  /**
   * The process for this launch, taken out of the pool; one still starting is waited for (it is further on than a new
   * one would be). Undefined when there is none or it failed.
   */
  async take(launch: StandbyLaunch): Promise<AdoptedProcess | undefined> {
    const key = launchKey(launch);
    const w = this.waiting.get(key);
    if (!w) return undefined;
    this.waiting.delete(key);
    clearTimeout(w.timer);
    let guard: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      guard = setTimeout(() => resolve(false), BOOT_TIMEOUT_MS);
    });
    const ok = await Promise.race([w.booted, late]);
    clearTimeout(guard);
    if (!ok || w.child.exitCode !== null || w.child.signalCode !== null) {
      w.stop();
      kill(w.child);
      return undefined;
    }
    w.stop();
    return { child: w.child, bootMs: w.bootMs! };
  }

  /** Makes sure a process is starting or waiting for this launch (spawned now when none is). */
  prepare(launch: StandbyLaunch): void {
    const key = launchKey(launch);
    const existing = this.waiting.get(key);
    if (this.closed) return;
    if (existing) {
      existing.timer.refresh();
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(launch.command, launch.args, {
        cwd: tmpdir(),
        env: { ...launch.env, S3TRIGGER_STANDBY: '1' },
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        detached: true,
      });
    } catch {
      return; // the environment will start its own process and report why
    }
    const control = child.stdio[3] as Socket;
    const spawnedAt = performance.now();
    let buffered = '';
    let settle!: (ok: boolean) => void;
    const booted = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const onData = (chunk: string) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl === -1) return;
      if (isStandbyMessage(buffered.slice(0, nl))) {
        w.bootMs = performance.now() - spawnedAt;
        settle(true);
      } else this.discard(key, w);
    };
    const onExit = () => this.discard(key, w);
    const w: Waiting = {
      child,
      spawnedAt,
      booted,
      timer: setTimeout(() => this.discard(key, w), this.idleMs),
      stop: () => {
        settle(false);
        control.off('data', onData);
        child.off('exit', onExit);
        child.off('error', onExit);
      },
    };
    w.timer.unref();
    control.setEncoding('utf8');
    control.on('error', () => {});
    control.on('data', onData);
    child.on('exit', onExit);
    child.on('error', onExit);
    this.waiting.set(key, w);
  }

  private discard(key: string, w: Waiting): void {
    if (this.waiting.get(key) === w) this.waiting.delete(key);
    clearTimeout(w.timer);
    w.stop();
    kill(w.child);
  }

  close(): void {
    this.closed = true;
    for (const [key, w] of [...this.waiting]) this.discard(key, w);
  }
}

function isStandbyMessage(line: string): boolean {
  try {
    return (JSON.parse(line) as { type?: unknown }).type === 'standby';
  } catch {
    return false;
  }
}

function kill(child: ChildProcess): void {
  const pid = child.pid;
  try {
    if (pid) process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
