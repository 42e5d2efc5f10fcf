/**
 * One execution environment: a warm child process running one invocation at a time, started as the runtime
 * table says (runtimes/index.ts). Control messages travel over the runtime's transport (NDJSON over fd 3 for the
 * sandbox's node/python bootstraps, the Lambda Runtime API for `provided` runtimes), apart from the handler's
 * stdout/stderr, which become raw log lines. Over fd 3 each invocation ends with a marker on both streams so no
 * output is attributed late; over the Runtime API the streams are read until quiet before END.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { childEnvironment, type FunctionSpec, type InvocationOutcome, type InvocationRequest, type RuntimeHost } from './spec.js';
import { LineAssembler } from './line-assembler.js';
import { runtimeFamily, type RuntimeFamily } from './runtimes/index.js';
import type { RuntimeMessage, RuntimeTransport } from './runtimes/transport.js';
import { newTraceId } from './recursion/trace-header.js';
import {
  errorPayload,
  logStreamName,
  nodeConsoleLine,
  runtimeExitLine,
  splitForCloudWatch,
  timeoutLine,
  type HandlerError,
} from './log-format.js';
import { FunctionLogFormat } from './json-logs.js';
import { logSettingsOf } from './logging-config.js';
import { startupSensitive, type RuntimeStandby, type StandbyLaunch } from './standby.js';

interface Running {
  req: InvocationRequest;
  startedAt: number;
  resolve: (o: InvocationOutcome) => void;
  done?: RuntimeMessage;
  drained: { stdout: boolean; stderr: boolean };
  tail: string;
  outputBytes: number;
  truncated: boolean;
  timer: NodeJS.Timeout;
}

const INIT_TIMEOUT_MS = 10_000;
/** The variables a standby starts with: the same for every function of a runtime (spec.ts childEnvironment). */
const STANDBY_FIXED = ['PATH', 'LANG', 'TZ', 'NODE_PATH'] as const;
const TAIL_BYTES = 4096;

/**
 * Peak resident memory of a live process in MB (Linux VmHWM), for REPORT when the child cannot say (Runtime API):
 * /proc/PID/status stays open and is read again from its start each time, half the cost of opening it per invocation.
 */
class PeakMemory {
  private fd?: number;
  private readonly buf = Buffer.alloc(8192);

  constructor(private readonly pid: number | undefined) {}

  read(): number | undefined {
    if (!this.pid) return undefined;
    try {
      this.fd ??= openSync(`/proc/${this.pid}/status`, 'r');
      const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
      const m = /VmHWM:\s+(\d+) kB/.exec(this.buf.toString('latin1', 0, n));
      return m ? Math.round(Number(m[1]) / 1024) : undefined;
    } catch {
      return undefined; // gone, or no /proc
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = undefined;
  }
}

export class ExecutionEnvironment {
  readonly logStream: string;
  readonly logGroup: string;
  private child?: ChildProcess;
  private peakMemory?: PeakMemory;
  private transport?: RuntimeTransport;
  private readonly family: RuntimeFamily;
  /** The platform and error lines in the function's LogFormat, and its level filter (json-logs.ts). */
  private readonly logFormat: FunctionLogFormat;
  private initDurationMs?: number;
  private initError?: HandlerError;
  /** The invoke's body for an init failure the runtime described itself (Runtime API init/error). */
  private initPayload?: string;
  private initReported = false;
  private running?: Running;
  private maxRssMB = 0;
  private alive = true;
  private readonly out = { stdout: new LineAssembler(), stderr: new LineAssembler() };
  /** Bytes read from stdout and stderr so far (tells drainQuietly whether output is still arriving). */
  private bytesRead = 0;

  private constructor(
    readonly spec: FunctionSpec,
    private readonly host: RuntimeHost,
    private readonly standby?: RuntimeStandby,
  ) {
    this.logStream = logStreamName(new Date(), undefined, spec.version);
    this.logFormat = new FunctionLogFormat(spec.logging ?? logSettingsOf(spec.name, undefined), spec.runtime, undefined, spec.version);
    this.logGroup = this.logFormat.settings.logGroup;
    this.family = runtimeFamily(spec.runtime);
    this.ready = this.boot();
  }

  /** Resolves once the handler is loaded (or failed to load: see `usable`). */
  readonly ready: Promise<void>;

  /**
   * Spawns the child at once (so it can be killed while it initialises); await `ready` before invoking. With
   * `standby`, a waiting runtime process of the right launch is adopted instead of starting one (standby.ts).
   */
  static spawn(spec: FunctionSpec, host: RuntimeHost, standby?: RuntimeStandby): ExecutionEnvironment {
    return new ExecutionEnvironment(spec, host, standby);
  }

  get usable(): boolean {
    return this.alive && !this.initError;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  private async boot(): Promise<void> {
    this.writeMany(this.logFormat.initStart(this.spec.name));
    let spawnedAt = performance.now();
    const failInit = (error: HandlerError) => {
      this.alive = false;
      this.initDurationMs = performance.now() - spawnedAt;
      this.initError = error;
      this.writeHandlerError(undefined, error, 'init');
    };
    const launched = this.family.launch(this.spec, this.host);
    if (!launched.ok) return failInit(launched.error);
    const { command, args, transport } = launched.launch;
    this.transport = transport;
    let transportEnv: Record<string, string>;
    try {
      transportEnv = await transport.start();
    } catch (err) {
      transport.close();
      return failInit({ errorType: 'Runtime.Unknown', errorMessage: `Runtime API unavailable: ${(err as Error).message}`, trace: [] });
    }
    if (!this.alive) {
      transport.close(); // killed (sandbox closing) while the transport started
      return;
    }
    const env = { ...childEnvironment(this.spec, this.host, this.logStream), ...transportEnv };
    const standbyLaunch = this.standbyLaunch(command, args, env);
    this.launchForStandby = standbyLaunch;
    const adopted = standbyLaunch && (await this.standby?.take(standbyLaunch));
    if (!this.alive) {
      if (adopted) killProcessGroup(adopted.child);
      transport.close(); // killed while it waited for the standby
      return;
    }
    let child: ChildProcess;
    try {
      child =
        adopted?.child ??
        spawn(command, args, {
          cwd: this.spec.codeDir,
          env,
          stdio: transport.stdio,
          detached: true, // own process group: a timeout kills whatever the handler spawned too
        });
    } catch (err) {
      // spawn throws at once for settings no process can take (a NUL in the environment of an old data dir);
      // its message quotes the value, which may be a secret, so only the code is kept.
      const code = (err as NodeJS.ErrnoException).code ?? 'spawn error';
      transport.close();
      return failInit({
        errorType: 'Runtime.ExitError',
        errorMessage: `Runtime failed to start (${code}): check the function's environment variables and handler`,
        trace: [],
      });
    }
    this.child = child;
    this.peakMemory = new PeakMemory(child.pid);
    transport.attach(child, (msg) => this.onMessage(msg));
    if (adopted) {
      // Init Duration counts the standby's own start as well: the cold start this environment would have had.
      spawnedAt = performance.now() - adopted.bootMs;
      transport.adopt?.(env, this.spec.codeDir);
    }
    child.stdout!.on('data', (c: Buffer) => {
      this.bytesRead += c.length;
      this.onOutput('stdout', this.out.stdout.push(c));
    });
    child.stderr!.on('data', (c: Buffer) => {
      this.bytesRead += c.length;
      this.onOutput('stderr', this.out.stderr.push(c));
    });
    child.on('error', (err) => this.onExit(`spawn failed: ${err.message}`));
    // 'close' (not 'exit'): all of stdout/stderr has been read, so a crash's last lines precede END.
    child.on('close', (code, signal) => this.onExit(signal ? `signal: ${signal}` : `exit status ${code ?? 0}`));

    return new Promise<void>((resolve) => {
      const settle = (error?: HandlerError) => {
        clearTimeout(timer);
        this.initDurationMs = performance.now() - spawnedAt;
        if (error) {
          this.initError = error;
          this.writeHandlerError(undefined, error, 'init');
        }
        resolve();
      };
      const timer = setTimeout(() => {
        settle({
          errorType: 'Runtime.InitTimeout',
          errorMessage: `Init phase timed out after ${INIT_TIMEOUT_MS / 1000} seconds`,
          trace: [],
        });
        this.kill();
      }, INIT_TIMEOUT_MS);
      this.onInit = settle;
    });
  }

  private onInit?: (error?: HandlerError) => void;
  /** The launch a standby for this environment's runtime would have (undefined: none can serve it). */
  private launchForStandby?: StandbyLaunch;

  /**
   * Starts a standby process like this environment's runtime, for the next replacement (a later code change); nothing
   * when its runtime or environment cannot use one. Spawning blocks the event loop a few ms, so the runner calls this
   * once this environment is serving, not on the reload's own path.
   */
  prepareStandby(): void {
    if (this.launchForStandby) this.standby?.prepare(this.launchForStandby);
  }

  /** The standby this environment could adopt (standby.ts): its family's bootstrap waits on fd 3, nothing read at start differs. */
  private standbyLaunch(command: string, args: string[], env: NodeJS.ProcessEnv): StandbyLaunch | undefined {
    if (!this.standby || !this.family.standby || startupSensitive(this.spec.environment)) return undefined;
    const fixed: Record<string, string> = {};
    for (const k of STANDBY_FIXED) if (env[k] !== undefined) fixed[k] = env[k];
    return { command, args, env: fixed };
  }

  private onMessage(msg: RuntimeMessage): void {
    switch (msg.type) {
      case 'ready': {
        const settle = this.takeInit();
        this.afterOutput(() => settle?.());
        break;
      }
      case 'init-error': {
        if (msg.payload !== undefined) this.initPayload = msg.payload;
        const settle = this.takeInit();
        this.afterOutput(() => settle?.(msg.error));
        break;
      }
      case 'log': {
        const line = msg.json
          ? `${msg.message ?? ''}\n`
          : nodeConsoleLine(msg.ts ?? Date.now(), msg.requestId, msg.level ?? 'INFO', msg.message ?? '');
        this.flushLines(splitForCloudWatch(line));
        break;
      }
      case 'fatal':
        if (msg.error) this.writeHandlerError(undefined, msg.error, 'init');
        this.kill();
        break;
      case 'done':
        if (this.running && msg.requestId === this.running.req.requestId) {
          this.running.done = msg;
          if (msg.quiet && this.transport?.marksOutput) {
            // No end markers (nothing written to the runtime's stdout/stderr streams): what reached the pipes before
            // 'done' another way is read in this event-loop turn; a partial line ends with the invocation, as at a marker.
            const r = this.running;
            this.afterOutput(() => {
              if (this.running !== r) return;
              for (const stream of ['stdout', 'stderr'] as const) this.onOutput(stream, this.out[stream].flush());
              r.drained.stdout = true;
              r.drained.stderr = true;
              this.maybeFinish();
            }, true);
          } else if (!this.transport?.marksOutput) {
            // The Runtime API says nothing about time or memory: measure them here, before draining.
            const r = this.running;
            msg.durationMs ??= performance.now() - r.startedAt;
            msg.maxRssMB ??= this.peakMemory?.read();
            this.afterOutput(() => {
              if (this.running === r) {
                r.drained.stdout = true;
                r.drained.stderr = true;
                this.maybeFinish();
              }
              msg.drained?.();
            });
          } else msg.drained?.();
          this.maybeFinish();
        } else msg.drained?.();
        break;
    }
  }

  /**
   * Without end markers (Runtime API), what the runtime printed before an HTTP request is in the pipes by the time
   * the request arrives, but may be read after it: run `then` once a loop turn brings no more output. Over fd 3
   * (markers) at once, unless `quietTurn` (an invocation the runtime ended without markers).
   */
  private afterOutput(then: () => void, quietTurn = !this.transport?.marksOutput): void {
    if (!quietTurn) {
      then();
      return;
    }
    // After a quiet 'done' one turn without new output will do: what was written before it was readable with it.
    let seen = this.transport?.marksOutput ? this.bytesRead : -1;
    const check = () => {
      if (this.bytesRead === seen) then();
      else {
        seen = this.bytesRead;
        setImmediate(check);
      }
    };
    setImmediate(check);
  }

  private takeInit(): ((error?: HandlerError) => void) | undefined {
    const f = this.onInit;
    this.onInit = undefined;
    return f;
  }

  private onOutput(stream: 'stdout' | 'stderr', items: ReturnType<LineAssembler['push']>): void {
    if (!this.alive) return; // a killed environment's buffered output would land after its REPORT
    const lines: string[] = [];
    for (const item of items) {
      if ('marker' in item) {
        if (this.running && item.marker === this.running.req.requestId) {
          this.flushLines(lines);
          this.running.drained[stream] = true;
          this.maybeFinish();
        }
      } else if (this.logFormat.keeps(item.line)) lines.push(`${item.line}\n`);
    }
    this.flushLines(lines);
  }

  /** Writes the collected lines (emptying the array), within the invocation's output cap. */
  private flushLines(lines: string[]): void {
    const batch = lines.splice(0);
    const r = this.running;
    if (!r) {
      this.writeMany(batch);
      return;
    }
    const kept: string[] = [];
    for (const l of batch) {
      if (r.truncated) break;
      r.outputBytes += l.length;
      if (r.outputBytes > this.host.maxOutputBytes) {
        r.truncated = true;
        kept.push(`s3trigger sandbox: output of this invocation truncated after ${Math.round(this.host.maxOutputBytes / 1048576)} MB\n`);
      } else kept.push(l);
    }
    this.writeMany(kept);
  }

  private write(message: string): void {
    this.writeMany([message]);
  }

  private writeMany(messages: string[]): void {
    if (!messages.length) return;
    const timestamp = Date.now();
    try {
      // The Logs sink batches a turn's lines into one store write (logs/index.ts): order holds across environments.
      this.host.logs.append(
        this.logGroup,
        this.logStream,
        messages.map((message) => ({ timestamp, message })),
      );
    } catch {
      // A failing log store must not take the environment (or the sandbox) down; a LogType Tail still has the lines.
    }
    if (this.running?.req.tail) addToTail(this.running, messages);
  }

  private writeHandlerError(requestId: string | undefined, error: HandlerError, phase: 'invoke' | 'init', fatal = false): void {
    // node and python: the platform writes their errors, in the function's LogFormat; ruby and provided: the family's own.
    const lines = this.logFormat.handlerError(requestId, error, phase) ?? this.family.errorLine(requestId, error, phase, fatal);
    if (typeof lines === 'string') this.write(lines);
    else if (lines) this.writeMany(lines);
  }

  /** Runs one invocation; resolves (never rejects) with what happened. */
  invoke(req: InvocationRequest): Promise<InvocationOutcome> {
    if (this.running) throw new Error('execution environment is busy');
    return new Promise<InvocationOutcome>((resolve) => {
      const timeoutMs = this.spec.timeoutSeconds * 1000;
      const startedAt = performance.now();
      this.running = {
        req,
        startedAt,
        resolve,
        drained: { stdout: false, stderr: false },
        tail: '',
        outputBytes: 0,
        truncated: false,
        timer: setTimeout(() => this.onTimeout(), timeoutMs),
      };
      this.writeMany(this.logFormat.start(req.requestId));
      if (this.initError || !this.alive || !this.transport) {
        const error = this.initError ?? { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited', trace: [] };
        this.complete('error', error, 0, { status: 'error', errorType: error.errorType }, this.initFailurePayload(req.requestId, error));
        return;
      }
      this.transport.invoke({
        requestId: req.requestId,
        payload: req.payload,
        ...(req.clientContext !== undefined ? { clientContext: req.clientContext } : {}),
        deadlineMs: Date.now() + timeoutMs,
        invokedFunctionArn: this.spec.arn,
        traceId: req.traceId ?? newTraceId(this.spec.arn),
      });
    });
  }

  /**
   * A runtime that owns its error payloads (Runtime API): the body it posted to init/error, or, for failures
   * the platform found (Runtime.InvalidEntrypoint), AWS's `{"errorType","errorMessage":"RequestId: … Error: …"}`
   * after the same line in the log.
   */
  private initFailurePayload(requestId: string, error: HandlerError): string | undefined {
    if (!this.family.ownsErrorPayload) return undefined;
    if (this.initPayload !== undefined) return this.initPayload;
    this.writeHandlerError(requestId, error, 'init');
    return JSON.stringify({ errorType: error.errorType, errorMessage: `RequestId: ${requestId} Error: ${error.errorMessage}` });
  }

  private maybeFinish(): void {
    const r = this.running;
    if (!r?.done || !r.drained.stdout || !r.drained.stderr) return;
    const d = r.done;
    if (d.maxRssMB) this.maxRssMB = Math.max(this.maxRssMB, d.maxRssMB);
    if (d.ok) this.complete('success', undefined, d.durationMs ?? performance.now() - r.startedAt, {}, d.result ?? 'null');
    else {
      const error = d.error ?? { errorType: 'Error', errorMessage: 'Unknown error', trace: [] };
      this.writeHandlerError(r.req.requestId, error, 'invoke', d.fatal);
      this.complete(
        'error',
        error,
        d.durationMs ?? performance.now() - r.startedAt,
        {},
        this.family.ownsErrorPayload ? d.payload : undefined,
      );
      if (d.fatal) this.kill();
    }
  }

  private onTimeout(): void {
    const r = this.running;
    if (!r) return;
    this.maxRssMB = Math.max(this.maxRssMB, this.peakMemory?.read() ?? 0);
    this.flushRemainder();
    this.kill();
    const message = timeoutLine(Date.now(), r.req.requestId, this.spec.timeoutSeconds).trim();
    this.writeMany(this.logFormat.timeout(r.req.requestId, this.spec.timeoutSeconds));
    const error = { errorType: 'Sandbox.Timedout', errorMessage: message, trace: [] };
    // Lambda reports the configured timeout as the Duration (`Duration: 3000.00 ms`), not the moment the kill landed.
    this.complete('timeout', error, this.spec.timeoutSeconds * 1000, { status: 'timeout' }, JSON.stringify({ errorMessage: message }));
  }

  private onExit(detail: string): void {
    this.peakMemory?.close();
    const wasAlive = this.alive;
    if (wasAlive) this.flushRemainder();
    this.alive = false;
    this.takeInit()?.({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${detail}`, trace: [] });
    const r = this.running;
    if (!r) return;
    if (!wasAlive) {
      // Killed from outside (sandbox closing): settle the invocation instead of leaving it pending.
      const error = { errorType: 'Runtime.ExitError', errorMessage: 'The execution environment was shut down', trace: [] };
      this.complete('error', error, performance.now() - r.startedAt, { status: 'error', errorType: 'Runtime.ExitError' });
      return;
    }
    this.write(runtimeExitLine(r.req.requestId, detail));
    const error = {
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${r.req.requestId} Error: Runtime exited with error: ${detail}`,
      trace: [],
    };
    this.complete('error', error, performance.now() - r.startedAt, { status: 'error', errorType: 'Runtime.ExitError' });
  }

  private flushRemainder(): void {
    for (const stream of ['stdout', 'stderr'] as const) this.onOutput(stream, this.out[stream].end());
  }

  private complete(
    status: InvocationOutcome['status'],
    error: HandlerError | undefined,
    durationMs: number,
    report: { status?: 'timeout' | 'error'; errorType?: string },
    payload?: string,
  ): void {
    const r = this.running;
    if (!r) return;
    clearTimeout(r.timer);
    const requestId = r.req.requestId;
    const initDurationMs = this.initReported ? undefined : this.initDurationMs;
    this.initReported = true;
    const closing = [
      ...this.logFormat.end(requestId),
      ...this.logFormat.report(
        {
          requestId,
          durationMs,
          memorySizeMB: this.spec.memorySizeMB,
          maxMemoryUsedMB: Math.min(Math.max(this.maxRssMB, 1), this.spec.memorySizeMB),
          initDurationMs,
          ...report,
        },
        status,
      ),
    ];
    this.writeMany(closing);
    const tail = r.tail ? Buffer.from(r.tail) : undefined;
    this.running = undefined;
    if (this.initError) this.kill();
    r.resolve({
      requestId,
      status,
      payload: payload ?? JSON.stringify(this.family.errorPayload?.(error!) ?? errorPayload(this.spec.runtime, error!, requestId)),
      error,
      durationMs,
      initDurationMs,
      logTail: tail ? tail.subarray(Math.max(0, tail.length - TAIL_BYTES)).toString('utf8') : '',
    });
  }

  /** Kills the child and its process group; the environment is never used again. */
  kill(): void {
    this.alive = false;
    this.transport?.close();
    if (this.child) killProcessGroup(this.child);
  }
}

function addToTail(r: Running, messages: string[]): void {
  r.tail += messages.join('');
  if (r.tail.length > 4 * TAIL_BYTES) r.tail = r.tail.slice(-2 * TAIL_BYTES);
}

/** SIGKILL to the child's process group (it runs detached), or to the child alone when that fails. */
function killProcessGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
