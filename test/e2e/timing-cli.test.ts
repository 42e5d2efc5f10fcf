/**
 * The --timing flags on the built CLI: bad values are exit 2 with one line; `s3trigger sandbox --timing aws`
 * says its timing in the ready line; `--local --timing aws` (scaled) fires and matches through the engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { cliBuilt, NOT_BUILT, ndjson, runCli, startCli, workDir } from '../ci/helpers.js';

const skip = cliBuilt ? false : NOT_BUILT;

const bad: { args: string[]; message: RegExp }[] = [
  {
    args: ['sandbox', '--port', '0', '--timing', 'fast'],
    message: /^s3trigger: --timing 'fast' is not a timing profile: use aws or instant$/,
  },
  {
    args: ['sandbox', '--port', '0', '--timing', 'aws', '--timing-scale', '0'],
    message: /^s3trigger: --timing-scale '0' must be a number greater than 0/,
  },
  {
    args: ['sandbox', '--port', '0', '--timing-seed', 'abc'],
    message: /^s3trigger: --timing-seed 'abc' must be a whole number of at least 0$/,
  },
  { args: ['sandbox', '--port', '0', '--timing', 'aws', '--timing', 'instant'], message: /^s3trigger: --timing was given more than once/ },
  {
    args: ['--local', '--bucket', 'b', '--put', 'test.txt', '--timing', 'slow'],
    message: /^s3trigger: --timing 'slow' is not a timing profile/,
  },
  {
    args: ['--local', '--bucket', 'b', '--put', 'test.txt', '--timing', 'aws', '--timing-scale', '-1'],
    message: /^s3trigger: --timing-scale '-1'/,
  },
  {
    args: ['--bucket', 'b', '--put', 'test.txt', '--timing', 'aws'],
    message: /^s3trigger: --timing shapes the embedded sandbox: add --local/,
  },
];

for (const c of bad) {
  test(`s3trigger ${c.args.join(' ')} -> exit 2, one line`, { skip }, async (t) => {
    const dir = workDir();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = await runCli(c.args, dir);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, c.message);
    assert.equal(r.stdout, '');
  });
}

test('s3trigger sandbox --timing aws --timing-scale 0.01 --timing-seed 7: the ready line names the timing', { skip }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const child = startCli(['sandbox', '--port', '0', '--timing', 'aws', '--timing-scale', '0.01', '--timing-seed', '7'], dir);
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 400 && !stdout.includes('ready on'); i++) await new Promise((r) => setTimeout(r, 25));
  assert.match(
    stdout,
    /^s3trigger sandbox ready on http:\/\/\S+ \(region eu-west-1; S3, Lambda, CloudWatch Logs, SQS, SNS, EventBridge; timing aws \(scale 0\.01, seed 7\)\)$/m,
  );
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('s3trigger --local --timing aws --timing-scale 0.1 --timing-seed 3: a PUT is delivered late (126 ms drawn), and still matched', {
  skip,
}, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(
    [
      '--local',
      '--timing',
      'aws',
      '--timing-scale',
      '0.1',
      '--timing-seed',
      '3',
      '--bucket',
      'test-bucket',
      '--put',
      'test.txt',
      '--wait',
      '--timeout',
      '30s',
      '--json',
    ],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  const [op] = ndjson(r.stdout);
  assert.equal(op!.status, 'matched');
  assert.equal(op!.match.confidence, 'key');
  assert.ok(op!.latency.triggerMs >= 100, `trigger latency ${op!.latency.triggerMs} ms: the drawn S3 delivery delay`);
});
