/**
 * The runtime table: for each Lambda runtime family, how an execution environment starts it (command, arguments,
 * transport) and how the platform writes a handler's error to the log. A new runtime is one entry here.
 *  - nodejs*.x, python3.*, ruby3.*: the sandbox's bootstraps over fd 3 (runtimes/bootstrap.mjs, bootstrap.py, bootstrap.rb).
 *  - provided.al2023, provided.al2: the package's own `bootstrap` executable over the Lambda Runtime API.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeApiTransport } from '../runtime-api/transport.js';
import { nodeErrorLine, pythonErrorLine, type HandlerError } from '../log-format.js';
import type { FunctionSpec, RuntimeHost } from '../spec.js';
import { Fd3Transport, type RuntimeTransport } from './transport.js';
import { isRubyRuntime, rubyErrorLines, rubyErrorPayload, rubyMissingError } from '../ruby.js';

export interface RuntimeLaunch {
  command: string;
  args: string[];
  transport: RuntimeTransport;
}

/** A launch, or the error AWS reports when the runtime cannot even start (Runtime.InvalidEntrypoint). */
export type LaunchResult = { ok: true; launch: RuntimeLaunch } | { ok: false; error: HandlerError };

export interface RuntimeFamily {
  matches(runtime: string): boolean;
  launch(spec: FunctionSpec, host: RuntimeHost): LaunchResult;
  /**
   * The platform's log line(s) for a handler error; undefined when the runtime logs its own errors. `fatal`: the
   * runtime exits after it (Ruby's "Critical exception from handler").
   */
  errorLine(requestId: string | undefined, error: HandlerError, phase: 'invoke' | 'init', fatal?: boolean): string | string[] | undefined;
  /** The Invoke response body for a handler error, when the runtime shapes it its own way (Ruby); default log-format's. */
  errorPayload?(error: HandlerError): object;
  /** Whether the invoke's error payload is the runtime's own body (Runtime API) rather than built by the sandbox. */
  ownsErrorPayload: boolean;
  /** Its bootstrap can start ahead and wait for its environment on fd 3 (standby.ts, for hot reload). */
  standby?: boolean;
}

/** `provided.al2023` and `provided.al2`, the OS-only runtimes AWS still supports. */
export const PROVIDED_RUNTIME = /^provided\.al(2|2023)$/;

/**
 * The package's `bootstrap`, checked the way Lambda's init reports it: missing → `Couldn't find valid bootstrap(s)`,
 * present but not executable → `fork/exec …: permission denied`, both Runtime.InvalidEntrypoint.
 */
export function providedBootstrap(codeDir: string): { ok: true; path: string } | { ok: false; error: HandlerError } {
  const path = join(codeDir, 'bootstrap');
  const invalid = (errorMessage: string) => ({
    ok: false as const,
    error: { errorType: 'Runtime.InvalidEntrypoint', errorMessage, trace: [] },
  });
  try {
    if (!statSync(path).isFile()) return invalid(`Couldn't find valid bootstrap(s): [${path} /opt/bootstrap]`);
  } catch {
    return invalid(`Couldn't find valid bootstrap(s): [${path} /opt/bootstrap]`);
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return invalid(`fork/exec ${path}: permission denied`);
  }
  return { ok: true, path };
}

const node: RuntimeFamily = {
  matches: (runtime) => runtime.startsWith('nodejs'),
  launch: (_spec, host) => ({ ok: true, launch: { command: process.execPath, args: [host.nodeBootstrap], transport: new Fd3Transport() } }),
  errorLine: (requestId, error, phase) => nodeErrorLine(Date.now(), requestId, error, phase),
  ownsErrorPayload: false,
  standby: true,
};

const python: RuntimeFamily = {
  matches: (runtime) => runtime.startsWith('python'),
  launch: (_spec, host) => ({
    ok: true,
    launch: { command: host.pythonExecutable(), args: [host.pythonBootstrap], transport: new Fd3Transport() },
  }),
  errorLine: (_requestId, error) => pythonErrorLine(error),
  ownsErrorPayload: false,
  standby: true,
};

const provided: RuntimeFamily = {
  matches: (runtime) => PROVIDED_RUNTIME.test(runtime),
  launch: (spec) => {
    const bootstrap = providedBootstrap(spec.codeDir);
    if (!bootstrap.ok) return bootstrap;
    return { ok: true, launch: { command: bootstrap.path, args: [], transport: new RuntimeApiTransport() } };
  },
  // A custom runtime logs its own errors; the platform only speaks for errors it detects (init failures, exits).
  errorLine: (requestId, error, phase) =>
    phase === 'init' && requestId ? `RequestId: ${requestId} Error: ${error.errorMessage}\r${error.errorType}\n` : undefined,
  ownsErrorPayload: true,
};

const ruby: RuntimeFamily = {
  matches: isRubyRuntime,
  // No ruby on PATH: CreateFunction was accepted, as on AWS; each init fails naming what to install.
  launch: (spec, host) => {
    const found = host.ruby();
    if (!found) return { ok: false, error: rubyMissingError(spec.runtime) };
    return { ok: true, launch: { command: found.executable, args: [host.rubyBootstrap], transport: new Fd3Transport() } };
  },
  errorLine: (_requestId, error, phase, fatal) => rubyErrorLines(error, phase, fatal ?? false),
  errorPayload: rubyErrorPayload,
  ownsErrorPayload: false,
  standby: true,
};

export const RUNTIME_FAMILIES: readonly RuntimeFamily[] = [node, python, ruby, provided];

/** The family of a runtime the sandbox runs; node's for anything unknown (function-config.ts refuses those). */
export function runtimeFamily(runtime: string): RuntimeFamily {
  return RUNTIME_FAMILIES.find((f) => f.matches(runtime)) ?? node;
}
