/**
 * An endpoint that quotes the caller's session token and secret key in its errors (S3 and CloudWatch Logs): the
 * values never reach the output (error line, --json, tail notes), whether the credentials come from the
 * environment or from a profile; a password in --endpoint-url is never printed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliBuilt, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

// No AKIA/ASIA prefix and no "Signature=": only the literal values can find these.
const SECRET = 'q2Xr7sEcReTkEyVaLuE/0123456789abcdefGHIJ';
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE+tokenValue/0123456789==';
const PASSWORD = 'hunter2-endpoint-password';

let fake: Server;
let fakeUrl = '';
const dir = workDir();

/** Echoes the token it received (header) and the secret (known to the test) in every error it gives. */
function echoingEndpoint(): Promise<Server> {
  const server = createServer((req, res) => {
    const token = String(req.headers['x-amz-security-token'] ?? '');
    const quote = `token ${token} (url-encoded ${encodeURIComponent(token)}), secret ${SECRET}`;
    req.resume();
    req.on('end', () => {
      if (req.headers['x-amz-target']) {
        res.statusCode = 400;
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        return res.end(JSON.stringify({ __type: 'AccessDeniedException', message: `not allowed: ${quote}` }));
      }
      if (req.method === 'PUT' && (req.url ?? '').startsWith('/bad-bucket/')) {
        res.statusCode = 403;
        res.setHeader('content-type', 'application/xml');
        return res.end(
          `<?xml version="1.0"?><Error><Code>InvalidToken</Code><Message>The provided token is malformed: ${quote}</Message><RequestId>R1</RequestId></Error>`,
        );
      }
      res.statusCode = 200;
      res.setHeader('content-type', 'application/xml');
      res.setHeader('x-amz-request-id', '0123456789ABCDEF');
      res.setHeader('etag', '"d41d8cd98f00b204e9800998ecf8427e"');
      res.end(req.method === 'GET' ? '<NotificationConfiguration/>' : undefined);
    });
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

before(async () => {
  fake = await echoingEndpoint();
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  writeFileSync(
    join(dir, 'creds'),
    `[leaky]\naws_access_key_id = AKEYFROMAPROFILE\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\n`,
  );
});
after(async () => {
  await new Promise((ok) => fake?.close(ok));
  rmSync(dir, { recursive: true, force: true });
});

const fromEnv = () => ({ AWS_ACCESS_KEY_ID: 'AKEYFROMTHEENV', AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN });
const fromProfile = () => ({ AWS_SHARED_CREDENTIALS_FILE: join(dir, 'creds') });

function assertClean(out: string): void {
  for (const [name, value] of [
    ['secret key', SECRET],
    ['session token', TOKEN],
    ['encoded token', encodeURIComponent(TOKEN)],
    ['password', PASSWORD],
  ]) {
    assert.ok(!out.includes(value!), `the ${name} leaked:\n${out}`);
  }
}

for (const [source, env, extra] of [
  ['the environment', fromEnv, []],
  ['a profile', fromProfile, ['--profile', 'leaky']],
] as const) {
  test(`an S3 error quoting the token (credentials from ${source}): error line and --json are clean`, {
    skip: !cliBuilt && NOT_BUILT,
  }, async () => {
    for (const json of [[], ['--json']]) {
      const r = await runCli(['--endpoint-url', fakeUrl, ...extra, '--bucket', 'bad-bucket', '--put', 'test.txt', ...json], dir, env());
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr + r.stdout, /InvalidToken/);
      assert.match(r.stderr + r.stdout, /\[redacted\]/, 'the quoted values are replaced');
      assertClean(r.stdout + r.stderr);
    }
  });

  test(`a Logs error quoting the token (credentials from ${source}): tail notes are clean`, { skip: !cliBuilt && NOT_BUILT }, async () => {
    // --yes: the fake endpoint's bucket notifies nothing, which --wait would otherwise refuse before firing.
    const r = await runCli(
      [
        '--endpoint-url',
        fakeUrl,
        ...extra,
        '--bucket',
        'good-bucket',
        '--put',
        'test.txt',
        '--wait',
        '--timeout',
        '1500ms',
        '--log-group',
        '/aws/lambda/fn',
        '--yes',
      ],
      dir,
      env(),
    );
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /AccessDeniedException/, 'the tail trouble is named');
    assertClean(r.stdout + r.stderr);
  });
}

test('a password in --endpoint-url is never printed', { skip: !cliBuilt && NOT_BUILT }, async () => {
  const url = fakeUrl.replace('http://', `http://me:${PASSWORD}@`);
  const r = await runCli(['--endpoint-url', url, '--bucket', 'good-bucket', '--put', 'test.txt'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^s3trigger: invalid endpoint URL 'http:\/\/me:\*\*\*@127\.0\.0\.1:\d+' \(--endpoint-url\)/);
  assertClean(r.stdout + r.stderr);
});
