/** Every bad input: one line naming what to fix, the right exit code, no stack trace, no secret. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { setupDemo } from '../../src/sandbox/demo.js';
import { cliBuilt, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

/** MB that cannot fit in the temp dir the CLI will use (its free space plus 1 GiB). */
function tooBigForTmp(): number {
  const fs = statfsSync(tmpdir());
  return Math.floor((fs.bavail * fs.bsize) / (1024 * 1024)) + 1024;
}

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'FwoGZXIvYXdzEBYaDEXAMPLESESSIONTOKEN';

let sandbox: Sandbox;
let fake: Server;
let fakeUrl = '';
const dir = workDir();

/** An S3 stand-in that accepts HeadBucket and answers every write with the error its bucket name asks for. */
function fakeS3(): Promise<Server> {
  const server = createServer((req, res) => {
    const auth = String(req.headers.authorization ?? '');
    const signature = /Signature=([0-9a-f]+)/.exec(auth)?.[1] ?? '';
    res.setHeader('x-amz-request-id', '0123456789ABCDEF');
    if (req.method === 'POST' && req.url === '/') {
      // STS GetCallerIdentity (query protocol): the token in the environment has expired.
      req.resume();
      res.statusCode = 400;
      res.setHeader('content-type', 'text/xml');
      return res.end(
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>ExpiredToken</Code>' +
          `<Message>The security token included in the request is expired (${TOKEN})</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
      );
    }
    if (req.method === 'HEAD' || req.method === 'GET') {
      res.statusCode = 200;
      res.setHeader('content-type', 'application/xml');
      return res.end(req.method === 'GET' ? '<NotificationConfiguration/>' : undefined);
    }
    const bucket = (req.url ?? '').split('/')[1] ?? '';
    const [status, code, message] =
      bucket === 'denied'
        ? [403, 'AccessDenied', 'Access Denied']
        : bucket === 'expired'
          ? [400, 'ExpiredToken', 'The provided token has expired.']
          : [
              403,
              'SignatureDoesNotMatch',
              `The request signature we calculated does not match the signature you provided. Check your key and signing method. Signature=${signature} X-Amz-Security-Token=${req.headers['x-amz-security-token'] ?? ''}`,
            ];
    req.resume();
    req.on('end', () => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/xml');
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message>` +
          `<AWSAccessKeyId>${ACCESS_KEY}</AWSAccessKeyId><SignatureProvided>${signature}</SignatureProvided><RequestId>0123456789ABCDEF</RequestId></Error>`,
      );
    });
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

before(async () => {
  sandbox = await startSandbox({ port: 0 });
  await setupDemo(sandbox, { bucket: 'test-bucket' });
  fake = await fakeS3();
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});
after(async () => {
  await sandbox?.close();
  await new Promise((ok) => fake?.close(ok));
  rmSync(dir, { recursive: true, force: true });
});

const cases: { name: string; args: () => string[]; env?: () => Record<string, string>; code: number; message: RegExp }[] = [
  {
    name: 'missing file',
    args: () => ['--bucket', 'test-bucket', '--put', 'nope.txt'],
    code: 2,
    message: /^s3trigger: --put nope\.txt: file not found$/,
  },
  {
    name: 'directory instead of a file',
    args: () => ['--bucket', 'test-bucket', '--post', '.'],
    code: 2,
    message: /^s3trigger: --post \.: not a regular file$/,
  },
  {
    name: 'missing --file for multipart',
    args: () => ['--bucket', 'test-bucket', '--multipart', 'k', '--file', 'gone.bin'],
    code: 2,
    message: /--file gone\.bin: file not found/,
  },
  {
    name: 'invalid bucket name',
    args: () => ['--bucket', 'Test_Bucket', '--put', 'test.txt'],
    code: 2,
    message: /^s3trigger: invalid bucket name 'Test_Bucket': may contain only lowercase letters/,
  },
  {
    name: 'invalid copy source bucket',
    args: () => ['--bucket', 'test-bucket', '--copy', 'UPPER', 'a', 'b'],
    code: 2,
    message: /invalid bucket name 'UPPER'/,
  },
  {
    name: '--size 0',
    args: () => ['--bucket', 'test-bucket', '--multipart', 'k', '--size', '0'],
    code: 2,
    message: /--size must be a positive number of MB, got 0/,
  },
  {
    name: '--size negative',
    args: () => ['--bucket', 'test-bucket', '--multipart', 'k', '--size', '-5'],
    code: 2,
    message: /--size must be a positive number/,
  },
  {
    name: '--size not a number',
    args: () => ['--bucket', 'test-bucket', '--multipart', 'k', '--size', 'big'],
    code: 2,
    message: /^s3trigger: --size 'big' is not a number$/,
  },
  {
    name: '--size too large',
    args: () => ['--bucket', 'test-bucket', '--multipart', 'k', '--size', '9000000'],
    code: 2,
    message: /larger than S3's 5 TiB object limit/,
  },
  // Sized from the temp dir's free space, so it never starts writing on a machine with a large disk.
  {
    name: '--size larger than the temp dir',
    args: () => ['--bucket', 'test-bucket', '--multipart', 'k', '--size', String(tooBigForTmp()), '--part-size', '5120'],
    code: 2,
    message: /does not fit in/,
  },
  { name: 'missing --bucket', args: () => ['--put', 'test.txt'], code: 2, message: /^s3trigger: --bucket BUCKET is required/ },
  {
    name: '--copy with two values',
    args: () => ['--bucket', 'test-bucket', '--copy', 'a', 'b'],
    code: 2,
    message: /^s3trigger: Not enough arguments following: copy/,
  },
  {
    name: 'bad --timeout',
    args: () => ['--bucket', 'test-bucket', '--put', 'test.txt', '--timeout', 'soon'],
    code: 2,
    message: /--timeout 'soon' is not a duration/,
  },
  {
    name: 'bad --expect',
    args: () => ['--bucket', 'test-bucket', '--put', 'test.txt', '--expect', '(('],
    code: 2,
    message: /--expect '\(\(' is not a valid regular expression/,
  },
  {
    name: 'unknown flag',
    args: () => ['--bucket', 'test-bucket', '--put', 'test.txt', '--colour'],
    code: 2,
    message: /Unknown argument: colour/,
  },
  { name: 'no terminal, no op flags', args: () => ['--bucket', 'test-bucket'], code: 2, message: /needs a terminal.*--put/ },
  {
    name: 'copy source missing (NoSuchKey)',
    args: () => ['--endpoint-url', sandbox.endpoint, '--bucket', 'test-bucket', '--copy', 'test-bucket', 'no-such.txt', 'c.txt'],
    code: 1,
    message: /^Error: copy source s3:\/\/test-bucket\/no-such\.txt does not exist \(NoSuchKey\): check --copy SRC_BUCKET SRC_KEY$/,
  },
  {
    name: 'unreachable endpoint',
    args: () => ['--endpoint-url', 'http://127.0.0.1:9', '--bucket', 'test-bucket', '--put', 'test.txt'],
    code: 2,
    message: /cannot reach the endpoint \(connection refused\) at http:\/\/127\.0\.0\.1:9: check --endpoint-url/,
  },
  {
    name: 'malformed endpoint',
    args: () => ['--endpoint-url', 'localhost:4566', '--bucket', 'test-bucket', '--put', 'test.txt'],
    code: 2,
    message: /invalid endpoint URL 'localhost:4566'/,
  },
  {
    name: 'unknown profile',
    args: () => ['--profile', 'nobody', '--bucket', 'test-bucket', '--put', 'test.txt'],
    code: 2,
    message: /profile 'nobody' \(--profile\) is not in ~\/\.aws\/config.*--local/,
  },
  {
    name: 'AccessDenied',
    args: () => ['--endpoint-url', fakeUrl, '--bucket', 'denied', '--put', 'test.txt'],
    code: 1,
    message: /^Error: PUT s3:\/\/denied\/test\.txt: access denied \(AccessDenied\): check the IAM permissions/,
  },
  {
    name: 'expired token',
    args: () => ['--endpoint-url', fakeUrl, '--bucket', 'expired', '--put', 'test.txt'],
    code: 1,
    message: /^Error: PUT s3:\/\/expired\/test\.txt: the AWS session token has expired \(ExpiredToken\): refresh your credentials$/,
  },
  {
    name: 'real AWS with an expired session token (STS answers ExpiredToken)',
    args: () => ['--bucket', 'test-bucket', '--put', 'test.txt'],
    env: () => ({
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: TOKEN,
      AWS_ENDPOINT_URL_STS: fakeUrl,
      AWS_REGION: 'eu-west-1',
    }),
    code: 2,
    message: /^s3trigger: the AWS session token has expired \(ExpiredToken\): refresh your credentials, or use --local for the sandbox$/,
  },
  {
    name: 'rejected signature, credentials in the environment',
    args: () => ['--endpoint-url', fakeUrl, '--bucket', 'sig-bucket', '--put', 'test.txt', '--post', 'test.txt', '--debug'],
    env: () => ({ AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN }),
    code: 1,
    message: /SignatureDoesNotMatch/,
  },
];

describe('bad input', { concurrency: 4 }, () => {
  for (const c of cases) {
    test(`bad input: ${c.name} -> exit ${c.code}`, { skip: !cliBuilt && NOT_BUILT }, async () => {
      const r = await runCli(c.args(), dir, c.env?.());
      assert.equal(r.code, c.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
      const errorLines = r.stderr.split('\n').filter((l) => /^(s3trigger: |Error: )/.test(l));
      assert.equal(errorLines.length, 1, r.stderr);
      assert.match(errorLines[0]!, c.message);
      if (!c.args().includes('--debug')) assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace without --debug');
      for (const secret of [SECRET, TOKEN, ACCESS_KEY]) {
        assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `${secret.slice(0, 6)}... leaked`);
      }
      assert.doesNotMatch(r.stdout + r.stderr, /Signature=[0-9a-f]{16,}/, 'no signature in the output');
    });
  }
});
