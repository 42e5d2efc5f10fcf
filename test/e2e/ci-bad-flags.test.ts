/**
 * Flag values that used to be sent anyway, ignored, or named wrongly (issue 15): each is exit 2, one line naming
 * the flag, and not one request reaches the endpoint.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cliBuilt, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

let fake: Server;
let fakeUrl = '';
let requests = 0;
const dir = workDir();
const tmpfs = join(dir, 'tiny-tmp');

/** Counts every request and answers like an empty S3, so anything that slips through shows as a count. */
function countingEndpoint(): Promise<Server> {
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    res.statusCode = 200;
    res.setHeader('content-type', 'application/xml');
    res.end(req.method === 'GET' ? '<NotificationConfiguration/>' : undefined);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** A tmpfs with no inode left for a temp file (root only); undefined when mounting is refused. */
function mountFullTmp(): string | undefined {
  mkdirSync(tmpfs, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,nr_inodes=1', 'tmpfs', tmpfs], { encoding: 'utf8' });
  return r.status === 0 ? undefined : r.stderr.trim() || 'mount failed';
}

let mountRefused: string | undefined;
before(async () => {
  fake = await countingEndpoint();
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  writeFileSync(join(dir, 'h.js'), 'exports.handler = async () => ({});\n');
  writeFileSync(join(dir, 'h.py'), 'def handler(event, context):\n    return {}\n');
  mountRefused = mountFullTmp();
});
after(async () => {
  await new Promise((ok) => fake?.close(ok));
  if (!mountRefused) spawnSync('umount', [tmpfs]);
  rmSync(dir, { recursive: true, force: true });
});

const longKey = 'é'.repeat(513); // 513 characters, 1026 bytes in UTF-8
const ep = () => ['--endpoint-url', fakeUrl, '--bucket', 'test-bucket'];

const cases: { name: string; args: () => string[]; env?: () => Record<string, string>; message: RegExp; skip?: () => string | false }[] = [
  {
    name: '--key over 1024 bytes',
    args: () => [...ep(), '--put', 'test.txt', '--key', longKey],
    message: /^s3trigger: --key: the key is 1026 bytes in UTF-8; S3 allows at most 1024$/,
  },
  {
    name: '--post --key over 1024 bytes',
    args: () => [...ep(), '--post', 'test.txt', '--key', longKey],
    message: /^s3trigger: --key: the key is 1026 bytes/,
  },
  { name: '--delkey over 1024 bytes', args: () => [...ep(), '--delkey', longKey], message: /^s3trigger: --delkey: the key is 1026 bytes/ },
  {
    name: '--copy DEST_KEY over 1024 bytes',
    args: () => [...ep(), '--copy', 'test-bucket', 'a.txt', longKey],
    message: /^s3trigger: --copy DEST_KEY: the key is 1026 bytes/,
  },
  {
    name: '--copy SRC_KEY over 1024 bytes',
    args: () => [...ep(), '--copy', 'test-bucket', longKey, 'b.txt'],
    message: /^s3trigger: --copy SRC_KEY: the key is 1026 bytes/,
  },
  {
    name: '--multipart KEY over 1024 bytes',
    args: () => [...ep(), '--multipart', longKey, '--size', '1'],
    message: /^s3trigger: --multipart: the key is 1026 bytes/,
  },
  {
    name: 'a later op with a long key: nothing fired',
    args: () => [...ep(), '--put', 'test.txt', '--delkey', longKey],
    message: /^s3trigger: --delkey: the key is 1026 bytes/,
  },
  {
    name: 'empty --endpoint-url',
    args: () => ['--endpoint-url', '', '--bucket', 'test-bucket', '--put', 'test.txt'],
    message: /^s3trigger: --endpoint-url is empty: give http\(s\):\/\/host\[:port\], or drop the flag$/,
  },
  {
    name: '--endpoint-url with a path',
    args: () => ['--endpoint-url', `${fakeUrl}/s3`, '--bucket', 'test-bucket', '--put', 'test.txt'],
    message: /^s3trigger: invalid endpoint URL '.*\/s3' \(--endpoint-url\): expected http\(s\):\/\/host\[:port\] with no path/,
  },
  {
    name: 'AWS_ENDPOINT_URL with a query',
    args: () => ['--bucket', 'test-bucket', '--put', 'test.txt'],
    env: () => ({ AWS_ENDPOINT_URL: `${fakeUrl}/?x=1` }),
    message: /^s3trigger: invalid endpoint URL '.*' \(AWS_ENDPOINT_URL\)/,
  },
  {
    name: '--timeout 600h',
    args: () => [...ep(), '--put', 'test.txt', '--wait', '--timeout', '600h'],
    message: /^s3trigger: --timeout '600h' is longer than 24h: use at most 24h$/,
  },
  {
    name: '--timeout -5s',
    args: () => [...ep(), '--put', 'test.txt', '--wait', '--timeout', '-5s'],
    message: /^s3trigger: --timeout '-5s' is not a positive duration: use e\.g\. 30s, 2m or 500ms$/,
  },
  {
    name: '--timeout=-5s',
    args: () => [...ep(), '--put', 'test.txt', '--timeout=-5s'],
    message: /^s3trigger: --timeout '-5s' is not a positive duration/,
  },
  {
    name: '--bucket -abc',
    args: () => ['--endpoint-url', fakeUrl, '--bucket', '-abc', '--put', 'test.txt'],
    message: /^s3trigger: invalid bucket name '-abc': must begin and end with a letter or digit$/,
  },
  {
    name: 'bucket name with a newline',
    args: () => ['--endpoint-url', fakeUrl, '--bucket', 'ab\nc', '--put', 'test.txt'],
    message: /^s3trigger: invalid bucket name 'ab\\nc': may contain only/,
  },
  {
    name: '--bucket twice',
    args: () => ['--endpoint-url', fakeUrl, '--bucket', 'abc', '--bucket', 'def', '--put', 'test.txt'],
    message: /^s3trigger: --bucket was given more than once \('abc', 'def'\): give it once$/,
  },
  {
    name: '--put twice',
    args: () => [...ep(), '--put', 'x', '--put', 'y'],
    message: /^s3trigger: --put was given more than once \('x', 'y'\): give it once$/,
  },
  {
    name: '--copy twice',
    args: () => [...ep(), '--copy', 'a1c', 'k', 'l', '--copy', 'a1c', 'm', 'n'],
    message: /^s3trigger: --copy was given more than once/,
  },
  {
    name: 'invalid --region',
    args: () => [...ep(), '--region', 'nope_1', '--put', 'test.txt'],
    message: /^s3trigger: --region 'nope_1' is not a region name: use e\.g\. eu-west-1$/,
  },
  {
    name: 'invalid AWS_REGION',
    args: () => [...ep(), '--put', 'test.txt'],
    env: () => ({ AWS_REGION: 'eu west 1' }),
    message: /^s3trigger: AWS_REGION 'eu west 1' is not a region name/,
  },
  {
    name: 'node --handler without that function',
    args: () => ['--handler', 'h.js:nosuch', '--bucket', 'test-bucket', '--put', 'test.txt'],
    message: /^s3trigger: --handler h\.js:nosuch: h\.js defines no function 'nosuch'/,
  },
  {
    name: 'python --handler without that function',
    args: () => ['--handler', 'h.py:nosuch', '--bucket', 'test-bucket', '--put', 'test.txt'],
    message: /^s3trigger: --handler h\.py:nosuch: h\.py defines no function 'nosuch'/,
    skip: () => spawnSync('python3', ['-c', '1']).status !== 0 && 'python3 not found',
  },
  {
    name: 'TMPDIR with no room for the multipart temp file',
    args: () => [...ep(), '--multipart', 'big.bin', '--size', '6'],
    env: () => ({ TMPDIR: tmpfs }),
    message:
      /^s3trigger: --multipart: cannot write the temp file for --size data in .*tiny-tmp \(TMPDIR\): .*: free space there, set TMPDIR, or pass --file$/,
    skip: () => (mountRefused ? `cannot mount a tmpfs (${mountRefused})` : false),
  },
];

describe('bad flags', { concurrency: 4 }, () => {
  for (const c of cases) {
    test(`${c.name} -> exit 2, nothing sent`, { skip: !cliBuilt && NOT_BUILT }, async (t) => {
      const why = c.skip?.();
      if (why) return t.skip(why);
      const before = requests;
      const r = await runCli(c.args(), dir, c.env?.());
      assert.equal(r.code, 2, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, `one line: ${r.stderr}`);
      assert.match(lines[0]!, c.message);
      assert.ok(!r.stderr.includes(longKey), 'the long key is not printed');
      assert.equal(requests, before, 'no request reached the endpoint');
    });
  }
});

test('a key of exactly 1024 bytes is accepted', { skip: !cliBuilt && NOT_BUILT }, async () => {
  const r = await runCli([...ep(), '--delkey', 'é'.repeat(512)], dir);
  assert.equal(r.code, 0, r.stderr);
});
