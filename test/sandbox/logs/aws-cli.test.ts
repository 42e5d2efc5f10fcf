/** The AWS CLI v2 against the sandbox: `aws logs tail` and `aws logs tail --follow` (v1 has no `logs tail`). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { cliEnv, startLogsFixture, type LogsFixture } from './helpers.js';

const AWS_V2 = '/usr/bin/aws';
const hasCliV2 = existsSync(AWS_V2) && /aws-cli\/2\./.test(spawnSync(AWS_V2, ['--version'], { encoding: 'utf8' }).stdout ?? '');

let fx: LogsFixture;
let scratch: string;
let env: NodeJS.ProcessEnv;
const group = '/aws/lambda/cli-fn';
const stream = '2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef';

before(async () => {
  fx = await startLogsFixture();
  scratch = mkdtempSync(join(tmpdir(), 'logs-cli-'));
  writeFileSync(join(scratch, 'empty'), '');
  env = cliEnv(fx.sandbox, join(scratch, 'empty'));
});
after(async () => {
  await fx.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Async: the sandbox runs in this process, so a spawnSync would block the server it talks to. */
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(AWS_V2, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

test("aws logs tail prints the group's events", { skip: !hasCliV2 && 'aws CLI v2 not found' }, async () => {
  const now = Date.now();
  fx.sandbox.context.logs.append(group, stream, [
    { timestamp: now - 2000, message: 'START RequestId: aaa Version: $LATEST' },
    { timestamp: now - 1000, message: 'END RequestId: aaa' },
  ]);
  const r = await run(['logs', 'tail', group, '--endpoint-url', fx.sandbox.endpoint, '--format', 'short']);
  assert.equal(r.status, 0, r.stderr);
  const out = lines(r.stdout);
  assert.equal(out.length, 2);
  assert.match(out[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d START RequestId: aaa Version: \$LATEST$/);
  assert.match(out[1]!, /END RequestId: aaa$/);

  const missing = await run(['logs', 'tail', '/aws/lambda/none', '--endpoint-url', fx.sandbox.endpoint]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /ResourceNotFoundException.*The specified log group does not exist\./);
});

test('aws logs tail --follow prints each appended event exactly once', { skip: !hasCliV2 && 'aws CLI v2 not found' }, async () => {
  const followGroup = '/aws/lambda/follow-fn';
  const t0 = Date.now();
  fx.sandbox.context.logs.append(followGroup, stream, [{ timestamp: t0, message: 'initial' }]);
  const child = spawn(AWS_V2, ['logs', 'tail', followGroup, '--follow', '--endpoint-url', fx.sandbox.endpoint, '--format', 'short'], {
    env: { ...env, PYTHONUNBUFFERED: '1' }, // a piped stdout is block-buffered otherwise
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const waitFor = async (text: string) => {
    for (let i = 0; i < 300 && !stdout.includes(text); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(stdout.includes(text), `"${text}" not printed; stdout: ${stdout}; stderr: ${stderr}`);
  };
  try {
    await waitFor('initial');
    // Same millisecond as the newest seen event: the CLI re-queries from it (inclusive) and dedupes by eventId.
    fx.sandbox.context.logs.append(followGroup, stream, [{ timestamp: t0, message: 'same-ms' }]);
    await fx.logs.send(new CreateLogStreamCommand({ logGroupName: followGroup, logStreamName: 'api' }));
    await fx.logs.send(
      new PutLogEventsCommand({ logGroupName: followGroup, logStreamName: 'api', logEvents: [{ timestamp: t0 + 5, message: 'via-api' }] }),
    );
    await waitFor('via-api');
    fx.sandbox.context.logs.append(followGroup, stream, [{ timestamp: t0 + 10, message: 'last' }]);
    await waitFor('last');
  } finally {
    child.kill('SIGINT');
    await exited;
  }
  const messages = lines(stdout).map((l) => l.split(' ').slice(1).join(' '));
  assert.deepEqual(messages, ['initial', 'same-ms', 'via-api', 'last']);
});
