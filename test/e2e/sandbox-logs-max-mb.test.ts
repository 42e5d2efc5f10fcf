/** `s3trigger sandbox --logs-max-mb`: bad values are exit 2 in one line; a good one caps the Logs store of the running sandbox. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CLI, cliBuilt, NOT_BUILT } from '../ci/helpers.js';

for (const value of ['0', 'abc', '1.5', '-3']) {
  test(`sandbox --logs-max-mb ${value} -> exit 2, one line naming the flag`, { skip: cliBuilt ? false : NOT_BUILT }, (t) => {
    const tmp = mkdtempSync(join(tmpdir(), 's3trigger-logsmax-'));
    t.after(() => rmSync(tmp, { recursive: true, force: true }));
    const r = spawnSync(process.execPath, [CLI, 'sandbox', '--port', '0', '--logs-max-mb', value], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp },
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^s3trigger: --logs-max-mb must be a whole number of MiB from 1 to 1048576 \(default 512\)\n$/);
    assert.deepEqual(readdirSync(tmp), []);
  });
}

test('sandbox --logs-max-mb 1: the oldest events go once the store passes 1 MiB', { skip: cliBuilt ? false : NOT_BUILT }, async (t) => {
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--logs-max-mb', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  t.after(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  let stdout = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /ready on (http:\/\/\S+) /.exec(stdout);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`sandbox exited: ${stdout}`)));
  });
  const logs = new CloudWatchLogsClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  t.after(() => logs.destroy());
  const g = { logGroupName: 'capped', logStreamName: 's' };
  await logs.send(new CreateLogGroupCommand(g));
  await logs.send(new CreateLogStreamCommand(g));
  const now = Date.now();
  for (let i = 0; i < 4; i++) {
    const logEvents = Array.from({ length: 500 }, (_, j) => ({
      timestamp: now + i * 500 + j,
      message: `n${i * 500 + j} ${'z'.repeat(1000)}`,
    }));
    await logs.send(new PutLogEventsCommand({ ...g, logEvents }));
  }
  const page = await logs.send(new FilterLogEventsCommand({ logGroupName: g.logGroupName, limit: 1 }));
  const oldest = Number(/^n(\d+)/.exec(page.events?.[0]?.message ?? '')?.[1]);
  assert.ok(oldest > 1000, `the oldest kept event is n${oldest}: the first ones are gone`);
});
