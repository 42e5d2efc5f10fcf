/**
 * The Ruby runtimes (ruby3.2, ruby3.3, ruby3.4) on the `ruby` found on this machine: finding it, the one-line notice
 * when its version is not the requested one, and the AWS Ruby runtime's error log lines and Invoke error payload
 * (aws-lambda-ruby-runtime-interface-client: `Function<Class>` / `Init<Class>`, `JSON.pretty_generate` in the log).
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { HandlerError } from './log-format.js';

/** The interpreter: its real path (not a shim) and RUBY_VERSION, e.g. `3.1.2`. */
export interface RubyInterpreter {
  executable: string;
  version: string;
}

export const RUBY_RUNTIME = /^ruby3\.\d+$/;

export function isRubyRuntime(runtime: string): boolean {
  return RUBY_RUNTIME.test(runtime);
}

/** `ruby` on PATH, asked for its real executable and version once; undefined when there is none. */
export function resolveRuby(): RubyInterpreter | undefined {
  try {
    const out = execFileSync('ruby', ['--disable-gems', '-rrbconfig', '-e', 'print RbConfig.ruby, "\\n", RUBY_VERSION'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [executable, version] = out.split('\n');
    return executable && version ? { executable, version } : undefined;
  } catch {
    return undefined;
  }
}

/** A `resolveRuby` that asks the machine on its first call only (one per runtime host). */
export function onceRuby(resolve: () => RubyInterpreter | undefined = resolveRuby): () => RubyInterpreter | undefined {
  let asked = false;
  let found: RubyInterpreter | undefined;
  return () => {
    if (!asked) {
      found = resolve();
      asked = true;
    }
    return found;
  };
}

/**
 * The sandbox log's line when a Ruby function is created (or switched to Ruby): the version that will run it when
 * it differs from the requested runtime, or that none can; undefined when the versions agree.
 */
export function rubyNotice(functionName: string, runtime: string, found: RubyInterpreter | undefined): string | undefined {
  if (!found) {
    return `lambda: function ${functionName} (${runtime}): no ruby on PATH, so its invocations fail with Runtime.InvalidEntrypoint until Ruby is installed`;
  }
  const requested = runtime.replace(/^ruby/, '');
  if (found.version === requested || found.version.startsWith(`${requested}.`)) return undefined;
  return `lambda: function ${functionName} (${runtime}) runs on ruby ${found.version} found on this machine`;
}

/** The error an invocation gets when no ruby can run the function. */
export function rubyMissingError(runtime: string): HandlerError {
  return {
    errorType: 'Runtime.InvalidEntrypoint',
    errorMessage: `${runtime} needs ruby on the sandbox's PATH and none was found: install Ruby (Debian: apt-get install ruby)`,
    trace: [],
  };
}

const oneEvent = (text: string) => text.replace(/\r?\n/g, '\r');

/** The runtime's `errorMessage, errorType, stackTrace` object (its key order); platform errors carry no trace. */
export function rubyErrorPayload(err: HandlerError): Record<string, unknown> {
  if (!/^\w+<.+>$/.test(err.errorType)) return { errorType: err.errorType, errorMessage: err.errorMessage };
  return { errorMessage: err.errorMessage, errorType: err.errorType, stackTrace: err.trace };
}

/**
 * What the runtime logs for an error: a label line, then the payload as `JSON.pretty_generate` in one event.
 * The labels: `Init error when loading handler` (the ruby3.x runtime prints no handler name after it),
 * `Critical exception from handler` (NameError, NoMethodError, non-StandardError: the runtime exits),
 * `Error raised from handler method` (any other StandardError). The sandbox's own errors: one `Type: message` line.
 */
export function rubyErrorLines(err: HandlerError, phase: 'init' | 'invoke', critical = false): string[] {
  // The sandbox's own errors (Runtime.InvalidEntrypoint, Runtime.ExitError…) are not the runtime's to print.
  if (!/^\w+<.+>$/.test(err.errorType)) return [`${err.errorType}: ${oneEvent(err.errorMessage)}\n`];
  const label =
    phase === 'init'
      ? 'Init error when loading handler'
      : critical
        ? 'Critical exception from handler'
        : 'Error raised from handler method';
  return [`${label}\n`, `${oneEvent(JSON.stringify(rubyErrorPayload(err), null, 2))}\n`];
}

/**
 * For `--handler FILE.rb:method` / `:Class.method` / `:Mod::Class.method`, checked without running the file: "no"
 * when one of the names never appears in it as a word, "maybe" when the file cannot be read (the sandbox says why).
 */
export async function rubyDefines(file: string, func: string): Promise<'yes' | 'no' | 'maybe'> {
  const source = await readFile(file, 'utf8').catch(() => undefined);
  if (source === undefined) return 'maybe';
  const names = func.split(/\.|::/);
  return names.every((name) => new RegExp(`(?<![\\w@$])${name.replaceAll('$', '\\$')}(?![\\w])`).test(source)) ? 'yes' : 'no';
}
