/**
 * How an execution environment talks to its runtime process, apart from stdout/stderr (always log lines):
 * `fd3` (NDJSON over a pipe on fd 3, the sandbox's own bootstraps) or `runtime-api` (AWS's Lambda Runtime API
 * over HTTP, for `provided` runtimes). environment.ts drives either through this interface.
 */
import type { ChildProcess, StdioOptions } from 'node:child_process';
import type { Socket } from 'node:net';
import type { HandlerError } from '../log-format.js';

/** One invocation as the transport hands it to the runtime. */
export interface TransportInvocation {
  requestId: string;
  payload: string;
  clientContext?: string;
  /** Epoch milliseconds of the invocation's timeout. */
  deadlineMs: number;
  invokedFunctionArn: string;
  /** X-Ray trace header (`Root=1-…;Parent=…;Sampled=0`); the Runtime API makes one when absent. */
  traceId?: string;
}

/** What the runtime reports, in the fd-3 protocol's vocabulary (the Runtime API's answers are mapped onto it). */
export interface RuntimeMessage {
  type: 'ready' | 'init-error' | 'log' | 'done' | 'fatal';
  requestId?: string;
  ts?: number;
  level?: string;
  message?: string;
  /** `message` is a whole record in the JSON log format (bootstrap.mjs formatted it). */
  json?: boolean;
  ok?: boolean;
  result?: string;
  error?: HandlerError;
  /** The invoke's response body for an error, when the runtime wrote it itself (Runtime API). */
  payload?: string;
  fatal?: boolean;
  durationMs?: number;
  maxRssMB?: number;
  /**
   * fd 3 ('done'): the runtime wrote no end markers, as nothing was written to its stdout or stderr streams since the
   * last ones (bootstrap.mjs); what else reached the pipes before 'done' is read within the same event-loop turn.
   */
  quiet?: boolean;
  /**
   * Runtime API: called once the invocation's output is drained (its END is written), so the runtime's 202 comes
   * after it and anything it prints on receiving that 202 belongs between invocations.
   */
  drained?: () => void;
}

export interface RuntimeTransport {
  /** stdio of the spawned runtime: stdout and stderr are always pipes (log lines). */
  readonly stdio: StdioOptions;
  /** Whether the runtime ends each invocation's stdout/stderr with the `\x1e<requestId>\x1e` marker line. */
  readonly marksOutput: boolean;
  /** Prepares (a listening server) and resolves with environment variables the runtime needs. */
  start(): Promise<Record<string, string>>;
  attach(child: ChildProcess, onMessage: (msg: RuntimeMessage) => void): void;
  invoke(invocation: TransportInvocation): void;
  /** A standby runtime (standby.ts) was attached: hands it the environment's variables and task root to start with. */
  adopt?(env: NodeJS.ProcessEnv, cwd: string): void;
  close(): void;
}

/** NDJSON over fd 3: the sandbox's node and python bootstraps (runtimes/bootstrap.*). */
export class Fd3Transport implements RuntimeTransport {
  readonly stdio: StdioOptions = ['ignore', 'pipe', 'pipe', 'pipe'];
  readonly marksOutput = true;
  private control?: Socket;

  start(): Promise<Record<string, string>> {
    return Promise.resolve({});
  }

  attach(child: ChildProcess, onMessage: (msg: RuntimeMessage) => void): void {
    const control = child.stdio[3] as Socket;
    this.control = control;
    let buffered = '';
    control.setEncoding('utf8');
    control.on('error', () => {});
    control.on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let msg: RuntimeMessage;
        try {
          msg = JSON.parse(line) as RuntimeMessage;
        } catch {
          continue;
        }
        onMessage(msg);
      }
    });
  }

  invoke(inv: TransportInvocation): void {
    this.control?.write(
      `${JSON.stringify({ type: 'invoke', requestId: inv.requestId, payload: inv.payload, clientContext: inv.clientContext, traceId: inv.traceId, deadline: inv.deadlineMs, invokedFunctionArn: inv.invokedFunctionArn })}\n`,
    );
  }

  adopt(env: NodeJS.ProcessEnv, cwd: string): void {
    this.control?.write(`${JSON.stringify({ type: 'init', env, cwd })}\n`);
  }

  close(): void {
    this.control?.destroy();
  }
}
