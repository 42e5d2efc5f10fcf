/**
 * Gate: signal handlers live in exactly one module, src/lifecycle.cts. Faces register cleanups there;
 * none of them listens for SIGINT / SIGTERM / SIGHUP (or any signal) itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const OWNER = join('src', 'lifecycle.cts');
const LISTENER_METHODS = '(?:on|once|addListener|prependListener|prependOnceListener|off|removeListener|removeAllListeners)';
/** `x.on('SIGTERM', …)` on any emitter, and `process.on(name, …)` (or `proc.on`) with a computed name (a loop over signals). */
const SIGNAL_LISTENER = new RegExp(`\\.\\s*${LISTENER_METHODS}\\s*\\(\\s*['"\`]SIG[A-Z0-9]+['"\`]`);
const COMPUTED_PROCESS_LISTENER = new RegExp(`\\b(?:process|proc)\\s*\\.\\s*${LISTENER_METHODS}\\s*\\(\\s*(?!['"\`]|\\))`);

/** The lines of `text` that handle signals, as "line: code". */
function signalHandling(text: string): string[] {
  return text
    .split('\n')
    .map((line, i) => [i + 1, line] as const)
    .filter(([, line]) => SIGNAL_LISTENER.test(line) || COMPUTED_PROCESS_LISTENER.test(line))
    .map(([n, line]) => `${n}: ${line.trim()}`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(c|m)?tsx?$/.test(name) ? [path] : [];
  });
}

test('the gate recognises signal handling, and only that', () => {
  const flagged = [
    "process.on('SIGINT', () => process.exit(130));",
    'process.once("SIGTERM", stop);',
    "io.signals?.on('SIGINT', onSignal).on('SIGTERM', onSignal);",
    'for (const signal of SIGNALS) process.on(signal, onSignal);',
    "process.removeAllListeners('SIGHUP');",
    'process.prependListener(`SIGUSR2`, dump);',
    'for (const s of STOP_SIGNALS) this.proc.on(s, () => this.onSignal(s));',
  ];
  const allowed = [
    "process.on('uncaughtException', (e) => fatal(e));",
    "process.once('exit', (code) => save(code));",
    "control.on('end', () => process.exit(0));",
    "process.kill(-pid, 'SIGKILL');",
    "child.kill('SIGTERM');",
  ];
  for (const line of flagged) assert.equal(signalHandling(line).length, 1, line);
  for (const line of allowed) assert.deepEqual(signalHandling(line), [], line);
});

test(`signal handlers are installed only in ${OWNER}`, () => {
  const files = sourceFiles('src');
  assert.ok(files.includes(OWNER), `${OWNER} exists`);
  assert.ok(signalHandling(readFileSync(OWNER, 'utf8')).length > 0, 'the owner is where the handlers are');
  const elsewhere = files
    .filter((f) => f !== OWNER)
    .flatMap((f) => signalHandling(readFileSync(f, 'utf8')).map((hit) => `${relative('.', f)}:${hit}`));
  assert.deepEqual(elsewhere, [], `register a cleanup with the lifecycle (src/lifecycle.cts) instead:\n${elsewhere.join('\n')}`);
});
