/**
 * The built CLI with `--local --via sns|sqs|eventbridge` (and `--strict`): one PUT is matched once per demo function
 * its event reaches, the record names the chain; `s3trigger sandbox --demo B --via sns` says its chain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { cliBuilt, NOT_BUILT, ndjson, runCli, startCli, workDir } from '../ci/helpers.js';

const skip = cliBuilt ? false : NOT_BUILT;

const runs: [string[], string[], string][] = [
  [['--via', 'sns'], ['event-handler', 'event-indexer'], 'test-bucket → SNS test-bucket-events → event-handler, event-indexer'],
  [['--via', 'sns', '--strict'], ['event-handler', 'event-indexer'], 'test-bucket → SNS test-bucket-events → event-handler, event-indexer'],
  [['--via', 'sqs'], ['event-handler'], 'test-bucket → SQS test-bucket-events → event-handler'],
  [['--via', 'eventbridge', '--strict'], ['event-handler'], 'test-bucket → EventBridge rule test-bucket-events → event-handler'],
];

for (const [flags, functions, chain] of runs) {
  test(`s3trigger --local ${flags.join(' ')} --put test.txt --wait --json: one match per function`, { skip }, async (t) => {
    const dir = workDir();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = await runCli(
      ['--local', ...flags, '--bucket', 'test-bucket', '--put', 'test.txt', '--wait', '--json', '--timeout', '30s'],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const [record] = ndjson(r.stdout);
    assert.equal(record!.status, 'matched');
    assert.deepEqual(record!.matches.map((m: { function: string }) => m.function).sort(), functions);
    assert.equal(record!.chain.summary, chain);
  });
}

test('s3trigger sandbox --demo test-bucket --via sns: the demo line names the chain and both log groups', { skip }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const child = startCli(['sandbox', '--port', '0', '--demo', 'test-bucket', '--via', 'sns'], dir);
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 800 && !stdout.includes('ready on'); i++) await new Promise((r) => setTimeout(r, 25));
  assert.match(stdout, /ready on http:\/\/\S+ \(region eu-west-1; S3, Lambda, CloudWatch Logs, SQS, SNS, EventBridge\)/);
  assert.match(
    stderr,
    /^sandbox: demo: test-bucket → SNS test-bucket-events → event-handler, event-indexer \(log groups \/aws\/lambda\/event-handler, \/aws\/lambda\/event-indexer\)$/m,
  );
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
