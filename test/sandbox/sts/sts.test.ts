/** The sandbox's STS: GetCallerIdentity over the query protocol (SDK, AWS CLI v1, raw GET and POST); other actions 501. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { cliEnv } from '../logs/helpers.js';
import { rawRequest, sigV4 } from '../raw-http.js';

let sandbox: Sandbox;
let sts: STSClient;
let scratch: string;

before(async () => {
  sandbox = await startSandbox({ port: 0 });
  sts = new STSClient({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  scratch = mkdtempSync(join(tmpdir(), 's3trigger-sts-'));
  writeFileSync(join(scratch, 'empty'), '');
});
after(async () => {
  sts.destroy();
  await sandbox.close();
  rmSync(scratch, { recursive: true, force: true });
});

const IDENTITY = { Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root', UserId: '000000000000' };

test('SDK GetCallerIdentity answers the sandbox account as its root identity, with a request id', async () => {
  const out = await sts.send(new GetCallerIdentityCommand({}));
  assert.deepEqual({ Account: out.Account, Arn: out.Arn, UserId: out.UserId }, IDENTITY);
  assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
});

test('raw query protocol: POST form and GET query both work; a missing Action is 400 MissingAction', async () => {
  const form = { ...sigV4('sts'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const post = await rawRequest(sandbox.endpoint, {
    method: 'POST',
    path: '/',
    headers: form,
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
  });
  assert.equal(post.status, 200, post.body);
  assert.match(post.headers['content-type'] as string, /^text\/xml/);
  assert.match(post.body, /<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
  assert.match(post.body, /<Account>000000000000<\/Account>/);
  assert.match(post.body, new RegExp(`<RequestId>${post.headers['x-amzn-requestid']}</RequestId>`));
  const get = await rawRequest(sandbox.endpoint, { path: '/?Action=GetCallerIdentity&Version=2011-06-15', headers: sigV4('sts') });
  assert.equal(get.status, 200, get.body);
  assert.match(get.body, /<Arn>arn:aws:iam::000000000000:root<\/Arn>/);
  const none = await rawRequest(sandbox.endpoint, { method: 'POST', path: '/', headers: form, body: 'Version=2011-06-15' });
  assert.equal(none.status, 400, none.body);
  assert.match(none.body, /<Code>MissingAction<\/Code>/);
});

test('other STS actions are 501 NotImplemented in the query protocol; STS answers only requests signed for sts', async () => {
  await assert.rejects(sts.send(new GetSessionTokenCommand({})), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, 'NotImplemented');
    assert.equal(err.message, 'sts GetSessionToken is not implemented by the s3trigger sandbox');
    assert.equal(err.$metadata?.httpStatusCode, 501);
    return true;
  });
  const unsigned = await rawRequest(sandbox.endpoint, { path: '/?Action=GetCallerIdentity&Version=2011-06-15' });
  assert.doesNotMatch(unsigned.body, /GetCallerIdentity/, 'an unsigned GET / is S3 ListBuckets (open to this machine), not STS');
});

/** Async: the sandbox runs in this process, so a spawnSync would block the server it talks to. */
function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string; missing?: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', () => resolve({ status: null, stdout, stderr, missing: true }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('aws sts get-caller-identity (AWS CLI v1) against the sandbox', async (t) => {
  const env = cliEnv(sandbox, join(scratch, 'empty'));
  const r = await run('aws', ['--endpoint-url', sandbox.endpoint, '--output', 'json', 'sts', 'get-caller-identity'], env);
  if (r.missing) return t.skip('aws (AWS CLI v1) not on PATH');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), IDENTITY);
});
