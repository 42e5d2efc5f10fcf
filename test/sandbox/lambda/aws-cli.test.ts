import { test, before, after } from 'node:test';
import { awsCliEnv } from '../../aws-cli.js';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';

const run = promisify(execFile);
let sb: Sandbox;
let dir: string;

before(async () => {
  sb = await startSandbox({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 's3trigger-lambda-cli-'));
  writeFileSync(join(dir, 'config'), '');
  writeFileSync(join(dir, 'credentials'), '');
  writeFileSync(
    join(dir, 'event_handler.zip'),
    zipPackage({
      'event_handler.py': `def handler(event, context):\n    print('event', event)\n    return {'statusCode': 200, 'body': 'ok'}\n`,
    }),
  );
});
after(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

function which(cmd: string): string | undefined {
  for (const p of (process.env.PATH ?? '').split(':')) if (p && existsSync(join(p, cmd))) return join(p, cmd);
  return undefined;
}

async function aws(cli: string, args: string[]): Promise<string> {
  const env = awsCliEnv(dir, sb.region);
  const { stdout } = await run(cli, ['--endpoint-url', sb.endpoint, '--output', 'json', ...args], { env, cwd: dir, timeout: 60_000 });
  return stdout;
}

for (const [label, cli] of [
  ['v1', which('aws')],
  ['v2', existsSync('/usr/bin/aws') ? '/usr/bin/aws' : undefined],
] as const) {
  test(`aws CLI ${label}: the blog's create-function / get-function / invoke / list / delete`, async (t) => {
    if (!cli) return t.skip(`aws CLI ${label} not found`);
    const version = `${(await run(cli, ['--version'], { env: { PATH: process.env.PATH ?? '' } })).stdout}`;
    if (label === 'v2' && !/aws-cli\/2\./.test(version)) return t.skip('aws CLI v2 not found');
    const name = `event-handler-${label}`;
    const created = JSON.parse(
      await aws(cli, [
        'lambda',
        'create-function',
        '--function-name',
        name,
        '--runtime',
        'python3.9',
        '--handler',
        'event_handler.handler',
        '--zip-file',
        'fileb://event_handler.zip',
        '--role',
        'arn:aws:iam::000000000000:role/lambda-role',
      ]),
    );
    assert.equal(created.FunctionArn, `arn:aws:lambda:eu-west-1:000000000000:function:${name}`);
    assert.equal(created.State, 'Pending');
    assert.equal(created.CodeSize, readFileSync(join(dir, 'event_handler.zip')).length);
    const got = JSON.parse(await aws(cli, ['lambda', 'get-function', '--function-name', name]));
    assert.equal(got.Configuration.State, 'Active');
    const payloadArgs = label === 'v2' ? ['--cli-binary-format', 'raw-in-base64-out'] : [];
    const out = join(dir, `out-${label}.json`);
    const meta = JSON.parse(
      await aws(cli, ['lambda', 'invoke', '--function-name', name, '--payload', '{"k":"v"}', ...payloadArgs, '--log-type', 'Tail', out]),
    );
    assert.equal(meta.StatusCode, 200);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { statusCode: 200, body: 'ok' });
    const tail = Buffer.from(meta.LogResult, 'base64').toString('utf8');
    assert.match(tail, /event \{'k': 'v'\}\n/);
    const list = JSON.parse(await aws(cli, ['lambda', 'list-functions']));
    assert.ok(list.Functions.some((f: { FunctionName: string }) => f.FunctionName === name));
    await aws(cli, [
      'lambda',
      'add-permission',
      '--function-name',
      name,
      '--statement-id',
      's3',
      '--action',
      'lambda:InvokeFunction',
      '--principal',
      's3.amazonaws.com',
    ]);
    await aws(cli, ['lambda', 'delete-function', '--function-name', name]);
    await assert.rejects(aws(cli, ['lambda', 'get-function', '--function-name', name]), /ResourceNotFoundException/);
  });
}
