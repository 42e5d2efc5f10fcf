/**
 * `s3trigger sandbox` as other tools meet it: the AWS CLI calling services the sandbox does not have gets
 * one 501 NotImplemented line in that service's protocol; `--allow-host` and the `--host 0.0.0.0` warning.
 */
import { AWS_CLIS, findCli } from '../aws-cli.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cliBuilt, NOT_BUILT } from '../ci/helpers.js';
import { rawRequest, sigV4 } from '../sandbox/raw-http.js';

interface Running {
  endpoint: string;
  stderr(): string;
  stop(): Promise<void>;
}

/** Spawns `s3trigger sandbox --port 0 ...args` and waits for its ready line. */
async function spawnSandbox(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /ready on (http:\/\/\S+) /.exec(stdout);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited ${code}: ${stderr}`)));
  });
  return {
    endpoint,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

for (const [label, candidate, major] of AWS_CLIS) {
  test(`AWS CLI ${label}: services the sandbox lacks get a one-line 501 NotImplemented in their protocol`, {
    skip: cliBuilt ? false : NOT_BUILT,
  }, async (t) => {
    const cli = await findCli(candidate, major);
    if (!cli) return t.skip(`aws CLI ${label} not found (${candidate})`);
    const home = mkdtempSync(join(tmpdir(), 's3trigger-guard-cli-'));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    writeFileSync(join(home, 'config'), '[default]\n');
    const sb = await spawnSandbox([]);
    t.after(() => sb.stop());
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'config'),
      AWS_PAGER: '',
      AWS_MAX_ATTEMPTS: '1',
    };
    const cases: [string[], string][] = [
      [['dynamodb', 'list-tables'], 'dynamodb ListTables'], // JSON 1.0
      [['cloudformation', 'list-stacks'], 'cloudformation ListStacks'], // query
    ];
    // v2 also meets JSON 1.1 and an operation missing from a service the sandbox has; v1 parses these protocols
    // with the same botocore code as the two above (each case is a Python start).
    if (label === 'v2')
      cases.push(
        [['kinesis', 'list-streams'], 'kinesis ListStreams'], // JSON 1.1
        [['events', 'list-archives'], 'events ListArchives'], // a service the sandbox has, an operation it does not
      );
    const results = await Promise.all(
      cases.map(
        ([args]) =>
          new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
            const child = execFile(
              cli,
              ['--endpoint-url', sb.endpoint, ...args],
              { env, encoding: 'utf8', timeout: 60_000 },
              (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
            );
          }),
      ),
    );
    for (const [i, [args, named]] of cases.entries()) {
      const r = results[i]!;
      assert.notEqual(r.code, 0, `${args.join(' ')}: ${r.stdout}`);
      const lines: string[] = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, new RegExp(`\\(NotImplemented\\).*: ${named} is not implemented by the s3trigger sandbox$`), args.join(' '));
    }
  });
}

test('sandbox --allow-host NAME answers that Host and still refuses others; --host 0.0.0.0 warns in one line', {
  skip: cliBuilt ? false : NOT_BUILT,
}, async (t) => {
  const sb = await spawnSandbox(['--host', '0.0.0.0', '--allow-host', 'sandbox.lan', '--allow-host', 'other.lan']);
  t.after(() => sb.stop());
  const port = new URL(sb.endpoint).port;
  const local = `http://127.0.0.1:${port}`;
  for (const [host, status] of [
    [`sandbox.lan:${port}`, 200],
    [`0.0.0.0:${port}`, 200],
    [`bucket.s3.other.lan:${port}`, 404],
    [`evil.example:${port}`, 403],
  ] as const) {
    const res = await rawRequest(local, { path: '/', headers: { ...sigV4('s3'), host } });
    assert.equal(res.status, status, `${host}: ${res.body}`);
  }
  const warnings = sb
    .stderr()
    .split('\n')
    .filter((l) => /warning/.test(l));
  assert.equal(warnings.length, 1, sb.stderr());
  assert.match(warnings[0]!, /^sandbox: warning: --host 0\.0\.0\.0 binds every interface/);
});

test('sandbox --allow-host with a URL is exit 2, one line', { skip: cliBuilt ? false : NOT_BUILT }, () => {
  const r = spawnSync(process.execPath, [CLI, 'sandbox', '--port', '0', '--allow-host', 'http://x.lan/'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr.trim(), /^s3trigger: --allow-host "http:\/\/x\.lan\/": give a host name/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
