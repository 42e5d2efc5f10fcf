/**
 * One execution environment: a warm child process (node or python3) running one invocation at a time.
 * Control messages travel as NDJSON over fd 3, apart from the handler's stdout/stderr, which become
 * raw log lines; each invocation ends with a marker on both streams so no output is attributed late.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { childEnvironment, type FunctionSpec, type InvocationOutcome, type InvocationRequest, type RuntimeHost } from './spec.js';
import { LineAssembler } from './line-assembler.js';
import { newTraceId } from './recursion/trace-header.js';
import { isRubyRuntime, rubyErrorLines, rubyErrorPayload, rubyMissingError } from './ruby.js';
import {
  endLine,
  errorPayload,
  initStartLine,
  logGroupFor,
  logStreamName,
  nodeConsoleLine,
  nodeErrorLine,
  pythonErrorLine,
  reportLine,
  runtimeExitLine,
  splitForCloudWatch,
  startLine,
  timeoutLine,
  type HandlerError,
} from './log-format.js';

interface ChildMessage {
  type: 'ready' | 'init-error' | 'log' | 'done' | 'fatal';
  requestId?: string;
  ts?: number;
  level?: string;
  message?: string;
  ok?: boolean;
  result?: string;
  error?: HandlerError;
  fatal?: boolean;
  durationMs?: number;
  maxRssMB?: number;
}

interface Running {
  req: InvocationRequest;
  startedAt: number;
  resolve: (o: InvocationOutcome) => void;
  done?: ChildMessage;
  drained: { stdout: boolean; stderr: boolean };
  tail: string;
  outputBytes: number;
  truncated: boolean;
  timer: NodeJS.Timeout;
}

const INIT_TIMEOUT_MS = 10_000;
const TAIL_BYTES = 4096;

/** Peak resident memory of a live process in MB (Linux), for REPORT when the child could not say. */
function peakMemoryMB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export class ExecutionEnvironment {
  readonly logStream = logStreamName(new Date());
  readonly logGroup: string;
  private child!: ChildProcess;
  private control!: Socket;
  private initDurationMs?: number;
  private initError?: HandlerError;
  private initReported = false;
  private running?: Running;
  private maxRssMB = 0;
  private alive = true;
  private readonly out = { stdout: new LineAssembler(), stderr: new LineAssembler() };

  private constructor(
    readonly spec: FunctionSpec,
    private readonly host: RuntimeHost,
  ) {
    this.logGroup = logGroupFor(spec.name);
    this.ready = this.boot();
  }

  /** Resolves once the handler is loaded (or failed to load: see `usable`). */
  readonly ready: Promise<void>;

  /** Spawns the child at once (so it can be killed while it initialises); await `ready` before invoking. */
  static spawn(spec: FunctionSpec, host: RuntimeHost): ExecutionEnvironment {
    return new ExecutionEnvironment(spec, host);
  }

  get usable(): boolean {
    return this.alive && !this.initError;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  private boot(): Promise<void> {
    const python = this.spec.runtime.startsWith('python');
    const ruby = isRubyRuntime(this.spec.runtime) ? this.host.ruby() : undefined;
    const command = python ? this.host.pythonExecutable() : ruby ? ruby.executable : process.execPath;
    const script = python ? this.host.pythonBootstrap : ruby ? this.host.rubyBootstrap : this.host.nodeBootstrap;
    this.write(initStartLine(this.spec.runtime));
    const spawnedAt = performance.now();
    try {
      if (isRubyRuntime(this.spec.runtime) && !ruby) throw Object.assign(new Error('no ruby'), { code: 'RUBY_MISSING' });
      this.child = spawn(command, [script], {
        cwd: this.spec.codeDir,
        env: childEnvironment(this.spec, this.host, this.logStream),
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        detached: true, // own process group: a timeout kills whatever the handler spawned too
      });
    } catch (err) {
      // spawn throws at once for settings no process can take (a NUL in the environment of an old data dir);
      // its message quotes the value, which may be a secret, so only the code is kept.
      const code = (err as NodeJS.ErrnoException).code ?? 'spawn error';
      this.alive = false;
      this.initDurationMs = performance.now() - spawnedAt;
      this.initError =
        code === 'RUBY_MISSING'
          ? rubyMissingError(this.spec.runtime)
          : {
              errorType: 'Runtime.ExitError',
              errorMessage: `Runtime failed to start (${code}): check the function's environment variables and handler`,
              trace: [],
            };
      this.writeHandlerError(undefined, this.initError, 'init');
      return Promise.resolve();
    }
    this.control = this.child.stdio[3] as Socket;
    this.child.stdout!.on('data', (c: Buffer) => this.onOutput('stdout', this.out.stdout.push(c)));
    this.child.stderr!.on('data', (c: Buffer) => this.onOutput('stderr', this.out.stderr.push(c)));
    this.child.on('error', (err) => this.onExit(`spawn failed: ${err.message}`));
    // 'close' (not 'exit'): all of stdout/stderr has been read, so a crash's last lines precede END.
    this.child.on('close', (code, signal) => this.onExit(signal ? `signal: ${signal}` : `exit status ${code ?? 0}`));

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
      this.readControl();
    });
  }

  private onInit?: (error?: HandlerError) => void;

  private readControl(): void {
    let buffered = '';
    this.control.setEncoding('utf8');
    this.control.on('error', () => {});
    this.control.on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let msg: ChildMessage;
        try {
          msg = JSON.parse(line) as ChildMessage;
        } catch {
          continue;
        }
        this.onMessage(msg);
      }
    });
  }

  private onMessage(msg: ChildMessage): void {
    switch (msg.type) {
      case 'ready':
        this.takeInit()?.();
        break;
      case 'init-error':
        this.takeInit()?.(msg.error);
        break;
      case 'log':
        this.flushLines(splitForCloudWatch(nodeConsoleLine(msg.ts ?? Date.now(), msg.requestId, msg.level ?? 'INFO', msg.message ?? '')));
        break;
      case 'fatal':
        if (msg.error) this.writeHandlerError(undefined, msg.error, 'init');
        this.kill();
        break;
      case 'done':
        if (this.running && msg.requestId === this.running.req.requestId) {
          this.running.done = msg;
          this.maybeFinish();
        }
        break;
    }
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
      } else lines.push(`${item.line}\n`);
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
      this.host.logs.append(
        this.logGroup,
        this.logStream,
        messages.map((message) => ({ timestamp, message })),
      );
    } catch {
      // A failing log store must not take the environment (or the sandbox) down; the tail still has the lines.
    }
    const r = this.running;
    if (r) {
      r.tail += messages.join('');
      if (r.tail.length > 4 * TAIL_BYTES) r.tail = r.tail.slice(-2 * TAIL_BYTES);
    }
  }

  private writeHandlerError(requestId: string | undefined, error: HandlerError, phase: 'invoke' | 'init', fatal = false): void {
    if (isRubyRuntime(this.spec.runtime)) this.writeMany(rubyErrorLines(error, phase, fatal));
    else if (this.spec.runtime.startsWith('python')) this.write(pythonErrorLine(error));
    else this.write(nodeErrorLine(Date.now(), requestId, error, phase));
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
      this.write(startLine(req.requestId));
      if (this.initError || !this.alive) {
        const error = this.initError ?? { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited', trace: [] };
        this.complete('error', error, 0, { status: 'error', errorType: error.errorType });
        return;
      }
      this.control.write(
        `${JSON.stringify({ type: 'invoke', requestId: req.requestId, payload: req.payload, clientContext: req.clientContext, traceId: req.traceId ?? newTraceId(this.spec.arn), deadline: Date.now() + timeoutMs, invokedFunctionArn: this.spec.arn })}\n`,
      );
    });
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
      this.complete('error', error, d.durationMs ?? performance.now() - r.startedAt, {});
      if (d.fatal) this.kill();
    }
  }

  private onTimeout(): void {
    const r = this.running;
    if (!r) return;
    this.maxRssMB = Math.max(this.maxRssMB, peakMemoryMB(this.child.pid) ?? 0);
    this.flushRemainder();
    this.kill();
    const message = timeoutLine(Date.now(), r.req.requestId, this.spec.timeoutSeconds);
    this.write(message);
    const error = { errorType: 'Sandbox.Timedout', errorMessage: message.trim(), trace: [] };
    this.complete(
      'timeout',
      error,
      performance.now() - r.startedAt,
      { status: 'timeout' },
      JSON.stringify({ errorMessage: message.trim() }),
    );
  }

  private onExit(detail: string): void {
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
    this.write(endLine(requestId));
    this.write(
      reportLine({
        requestId,
        durationMs,
        memorySizeMB: this.spec.memorySizeMB,
        maxMemoryUsedMB: Math.min(Math.max(this.maxRssMB, 1), this.spec.memorySizeMB),
        initDurationMs,
        ...report,
      }),
    );
    const tail = Buffer.from(r.tail);
    this.running = undefined;
    if (this.initError) this.kill();
    r.resolve({
      requestId,
      status,
      payload:
        payload ??
        JSON.stringify(isRubyRuntime(this.spec.runtime) ? rubyErrorPayload(error!) : errorPayload(this.spec.runtime, error!, requestId)),
      error,
      durationMs,
      initDurationMs,
      logTail: tail.subarray(Math.max(0, tail.length - TAIL_BYTES)).toString('utf8'),
    });
  }

  /** Kills the child and its process group; the environment is never used again. */
  kill(): void {
    this.alive = false;
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        this.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
