/**
 * The real-AWS code path again with the sandbox behind the AWS-shaped target under AWS's timing (delivery and
 * ingestion delays, the live tail pushed once per interval, the FilterLogEvents quota), scaled to 1/20.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ndjson, workDir } from '../ci/helpers.js';
import { awsShapedSkip, startAwsShapedTarget, type AwsShapedTarget } from './harness.js';

const skip = await awsShapedSkip();
let target: AwsShapedTarget;
let dir: string;

before(async () => {
  if (skip) return;
  target = await startAwsShapedTarget({ demoBuckets: ['test-bucket'], sandbox: { timing: { profile: 'aws', scale: 0.05, seed: 3 } } });
  dir = workDir();
});
after(async () => {
  if (skip) return;
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const [name, extra] of [
  ['live tail', []],
  ['polling', ['--poll']],
] as const) {
  test(`on "AWS" under --timing aws (scaled 0.05), ${name}: the PUT is matched to its own invocation`, { skip }, async () => {
    const key = `timed-${name.replace(' ', '-')}.txt`;
    const r = await target.runCli(
      ['--bucket', 'test-bucket', '--put', 'test.txt', '--key', key, '--wait', '--timeout', '30s', '--json', ...extra],
      dir,
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const [record] = ndjson(r.stdout);
    assert.equal(record!.status, 'matched', JSON.stringify(record));
    assert.equal(record!.target, 'aws');
    assert.ok(
      record!.log.some((l: { message: string }) => l.message.includes(`Object:     ${key}`)),
      'its own invocation',
    );
    assert.ok(record!.latency.triggerMs >= 0, 'never negative');
  });
}
