/** botocore's StartLiveTail against the sandbox (inject_host_prefix=False), read from a python3 child. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, startLogsFixture, type LogsFixture } from './helpers.js';

const probe = spawnSync(
  'python3',
  [
    '-c',
    "import botocore.session as s; c = s.get_session().create_client('logs', region_name='eu-west-1', aws_access_key_id='a', aws_secret_access_key='b'); print(hasattr(c, 'start_live_tail'))",
  ],
  {
    encoding: 'utf8',
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
  },
);
const skip =
  probe.status !== 0 ? 'python3 with botocore not found' : probe.stdout.trim() !== 'True' ? 'this botocore has no start_live_tail' : false;

const SCRIPT = `
import json, sys
import botocore.session
from botocore.config import Config
endpoint, group = sys.argv[1], sys.argv[2]
client = botocore.session.get_session().create_client('logs', endpoint_url=endpoint, config=Config(inject_host_prefix=False))
response = client.start_live_tail(logGroupIdentifiers=[group], logEventFilterPattern='-noise')
for event in response['responseStream']:
    print(json.dumps(event, default=str), flush=True)
`;

let fx: LogsFixture;
let scratch: string;
before(async () => {
  fx = await startLogsFixture();
  scratch = mkdtempSync(join(tmpdir(), 'logs-boto-'));
  writeFileSync(join(scratch, 'empty'), '');
  writeFileSync(join(scratch, 'tail.py'), SCRIPT);
});
after(async () => {
  await fx.close();
  rmSync(scratch, { recursive: true, force: true });
});

test('botocore start_live_tail receives sessionStart and appended events', { skip }, async () => {
  const group = '/aws/lambda/boto-fn';
  fx.sandbox.context.logs.append(group, 's', [{ timestamp: Date.now(), message: 'before the session' }]);
  const child = spawn('python3', [join(scratch, 'tail.py'), fx.sandbox.endpoint, group], {
    env: cliEnv(fx.sandbox, join(scratch, 'empty')),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const waitFor = async (text: string) => {
    for (let i = 0; i < 200 && !stdout.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(stdout.includes(text), `"${text}" not seen; stdout: ${stdout}; stderr: ${stderr}`);
  };
  try {
    await waitFor('sessionStart');
    fx.sandbox.context.logs.append(group, 's', [
      { timestamp: Date.now(), message: 'noise' },
      { timestamp: Date.now(), message: 'START RequestId: b Version: $LATEST' },
    ]);
    await waitFor('START RequestId: b');
  } finally {
    child.kill();
    await exited;
  }
  const events = stdout
    .trim()
    .split('\n')
    // biome-ignore lint/suspicious/noExplicitAny: botocore's printed events, read field by field below
    .map((l) => JSON.parse(l) as Record<string, any>);
  assert.ok(events[0]!.sessionStart);
  assert.deepEqual(events[0]!.sessionStart.logGroupIdentifiers, [group]);
  const results = events.slice(1).flatMap((e) => e.sessionUpdate?.sessionResults ?? []);
  assert.deepEqual(
    results.map((r: { message: string }) => r.message),
    ['START RequestId: b Version: $LATEST'],
  );
});
