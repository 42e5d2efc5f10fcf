/**
 * What a new user met trying the README against `s3trigger sandbox --demo test-bucket` (a separate process, as they ran
 * it): each problem end to end with the built CLI.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cliBuilt, collect, NOT_BUILT, ndjson, runCli, startCli, workDir, startSandboxProcess } from './helpers.js';

const skip = !cliBuilt && NOT_BUILT;
const dir = workDir();
let endpoint = '';
let stopSandbox = async () => {};

before(async () => {
  if (!cliBuilt) return;
  const sandbox = await startSandboxProcess(dir, 'test-bucket');
  endpoint = sandbox.endpoint;
  stopSandbox = sandbox.stop;
});
after(() => stopSandbox());

const cli = (region: string, ...args: string[]) => ['--endpoint-url', endpoint, '--region', region, '--bucket', 'test-bucket', ...args];
const run = (...args: string[]) => runCli(cli('eu-west-1', ...args), dir);

test('COPY from a missing source bucket names that bucket, with no --create-bucket hint', { skip }, async () => {
  for (const extra of [[], ['--create-bucket']]) {
    const r = await run('--copy', 'no-such-src-bkt', 'k.txt', 'd.txt', ...extra);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stderr,
      'Error: copy source s3://no-such-src-bkt/k.txt: the bucket no-such-src-bkt does not exist (NoSuchBucket): check --copy SRC_BUCKET SRC_KEY\n',
    );
  }
});

test('an interrupted --wait says so and after how long: not a timeout; --json status cancelled', { skip }, async () => {
  for (const json of [false, true]) {
    // A function that never logs: the wait can only end by the interrupt.
    const child = startCli(
      cli('eu-west-1', '--put', 'test.txt', '--wait', '--timeout', '30s', '--function', 'quiet-fn', ...(json ? ['--json'] : [])),
      dir,
    );
    const done = collect(child);
    let seen = '';
    const ready = new Promise<void>((ok) => {
      const look = (d: Buffer) => {
        seen += d.toString();
        if (/Watching /.test(seen)) ok();
      };
      child.stdout!.on('data', look);
      child.stderr!.on('data', look);
    });
    await ready;
    await new Promise((ok) => setTimeout(ok, 1500)); // the PUT is acked well within this on the local sandbox
    child.kill('SIGINT');
    const r = await done;
    assert.equal(r.code, 130, r.stderr);
    assert.doesNotMatch(r.stderr, /No matching invocation/);
    assert.match(r.stderr, /^Interrupted while waiting for an invocation of PUT test\.txt, after \d+(\.\d)?s of --timeout 30s$/m);
    if (json) {
      const [record] = ndjson(r.stdout);
      assert.equal(record!.status, 'cancelled');
      assert.equal(typeof record!.waitedMs, 'number');
      assert.ok(record!.waitedMs > 0 && record!.waitedMs < 30_000, String(record!.waitedMs));
    }
  }
});

test('--parallel: one range (1-256) for --burst and --retrigger-prefix; without either the message names both', { skip }, async () => {
  const cases: [string[], string][] = [
    [['--put', 'test.txt', '--parallel', '2'], '--parallel needs --burst N or --retrigger-prefix P'],
    [['--burst', '5', '--parallel', '300'], "--parallel '300' must be a whole number from 1 to 256"],
    [['--retrigger-prefix', 'x/', '--parallel', '300'], "--parallel '300' must be a whole number from 1 to 256"],
    [['--burst', '5', '--parallel', '0'], "--parallel '0' must be a whole number from 1 to 256"],
  ];
  for (const [args, want] of cases) {
    const r = await run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, `s3trigger: ${want}\n`, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('a function in another region is warned about once, though two configurations name it', { skip }, async () => {
  const r = await runCli(cli('us-east-1', '--put', 'test.txt'), dir);
  assert.equal(r.code, 0, r.stderr);
  const warnings = r.stdout.split('\n').filter((l) => l.startsWith('Warning: function event-handler is in eu-west-1'));
  assert.deepEqual(warnings, ['Warning: function event-handler is in eu-west-1: its logs are not in us-east-1']);
});

test('--burst --file with a missing file names --file', { skip }, async () => {
  const r = await run('--burst', '5', '--op', 'put', '--file', 'nofile');
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr, 's3trigger: --file nofile: file not found\n');
});
