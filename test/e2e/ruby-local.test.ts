/**
 * `--local --handler FILE.rb[:Class.method]` in CI mode: the built CLI runs a Ruby handler in the embedded sandbox
 * from a real PUT and matches its invocation; a raising one is lambda-failed (exit 4) with the runtime's error.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cliBuilt, ndjson, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'ruby');
function hasRuby(): boolean {
  try {
    execFileSync('ruby', ['-e', '1'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skip = (!cliBuilt && NOT_BUILT) || (!hasRuby() && 'ruby not found on PATH (Debian: apt-get install ruby)');
const dir = workDir();
after(() => rmSync(dir, { recursive: true, force: true }));

type LogEntry = { message: string; kind: string };

test('--local --handler h.rb --put --wait --json: the Ruby handler runs and its invocation is matched', { skip }, async () => {
  copyFileSync(join(FIXTURES, 'function.rb'), join(dir, 'h.rb'));
  const r = await runCli(
    ['--local', '--handler', 'h.rb', '--bucket', 'ruby-local', '--put', 'test.txt', '--wait', '--timeout', '30s', '--json'],
    dir,
  );
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const [rec] = ndjson(r.stdout);
  assert.equal(rec!.status, 'matched', JSON.stringify(rec));
  assert.equal(rec!.match.status, 'succeeded');
  const messages = (rec!.log as LogEntry[]).map((l) => l.message);
  assert.ok(messages.includes('object ruby-local/test.txt'), messages.join(''));
  assert.ok(
    messages.some((m) => /^I, \[.+\] {2}INFO \S+ -- : handled by Logger$/.test(m)),
    messages.join(''),
  );
  assert.ok((rec!.log as LogEntry[]).some((l) => l.kind === 'report'));
});

test('--handler h.rb:Handler.process: a class method handler', { skip }, async () => {
  copyFileSync(join(FIXTURES, 'lib', 'h.rb'), join(dir, 'h.rb'));
  const r = await runCli(
    ['--local', '--handler', 'h.rb:Handler.process', '--bucket', 'ruby-class', '--put', 'test.txt', '--wait', '--timeout', '30s', '--json'],
    dir,
  );
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const [rec] = ndjson(r.stdout);
  assert.equal(rec!.status, 'matched', JSON.stringify(rec));
  const messages = (rec!.log as LogEntry[]).map((l) => l.message);
  assert.ok(
    messages.some((m) => /^top-level Handler\.process for [0-9a-f-]{36}$/.test(m)),
    messages.join(''),
  );
});

test('--handler h.rb:Handler.run (not in the file): usage error before anything is fired', { skip }, async () => {
  copyFileSync(join(FIXTURES, 'lib', 'h.rb'), join(dir, 'h.rb'));
  const r = await runCli(['--local', '--handler', 'h.rb:Handler.run', '--bucket', 'ruby-class', '--put', 'test.txt', '--json'], dir);
  assert.equal(r.code, 2, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, /--handler h\.rb:Handler\.run: h\.rb defines no function 'Handler\.run'/);
});

test('a Ruby handler that raises: exit 4, lambda-failed, the runtime error among its error lines', { skip }, async () => {
  copyFileSync(join(FIXTURES, 'raises.rb'), join(dir, 'raises.rb'));
  const r = await runCli(
    ['--local', '--handler', 'raises.rb', '--bucket', 'ruby-raise', '--put', 'test.txt', '--wait', '--timeout', '30s', '--json'],
    dir,
  );
  assert.equal(r.code, 4, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const [rec] = ndjson(r.stdout);
  assert.equal(rec!.status, 'lambda-failed');
  assert.equal(rec!.match.status, 'failed');
  assert.ok(
    rec!.match.errors.some((m: string) => m.includes('"errorType": "Function<ArgumentError>"')),
    JSON.stringify(rec!.match),
  );
  assert.match(r.stderr, /^Lambda failed: invocation \S+ in \/aws\/lambda\/event-handler ended in an error$/m);
});
