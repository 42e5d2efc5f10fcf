/**
 * The engine's end-to-end tests again, under AWS's timing (delivery delays, ingestion delay, the live tail pushed
 * once per interval with sampling, the FilterLogEvents quota, duplicate deliveries), scaled to 1/100 with a fixed seed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const FILES = [
  'test/observe/observer.test.ts',
  'test/observe/pipeline.test.ts',
  'test/observe/robustness.test.ts',
  'test/observe/tail.test.ts',
  'test/session.test.ts',
  'test/session-robustness.test.ts',
];

test('the observe and session end-to-end tests pass under --timing aws (scaled 0.01, seed 11)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...FILES], {
    encoding: 'utf8',
    // Without NODE_TEST_CONTEXT: the inner runner reports as a top-level run, on stdout.
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')),
      S3TRIGGER_TEST_TIMING: 'aws',
      S3TRIGGER_TEST_SEED: '11',
    },
    timeout: 300_000,
  });
  const failed = r.stdout.split('\n').filter((l) => l.startsWith('not ok'));
  assert.equal(r.status, 0, `${failed.join('\n')}\n${r.stdout.slice(-3000)}`);
  assert.match(r.stdout, /^# fail 0$/m);
});
