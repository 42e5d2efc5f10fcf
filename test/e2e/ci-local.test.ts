/** The main job on a fresh machine: the built CLI against the embedded sandbox (--local and the no-credentials fallback). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliBuilt, NOT_BUILT, ndjson, runCli, workDir } from '../ci/helpers.js';

test('fresh machine: --put --wait falls back to the sandbox and shows the matched invocation', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(['--bucket', 'test-bucket', '--put', 'test.txt', '--wait', '--timeout', '20s'], dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = r.stdout;
  assert.match(out, /^Target: local sandbox http:\/\/127\.0\.0\.1:\d+ \(region eu-west-1\)$/m);
  assert.match(out, /^Note: no AWS credentials found/m);
  assert.match(out, /^PUT object test.txt to bucket test-bucket$/m);
  assert.match(out, /^Done\. Uploaded 29 bytes from file: test.txt$/m);
  assert.match(out, /^Invocation \S+ in \/aws\/lambda\/event-handler matched by (request-id|key)/m);
  assert.match(out, /S3 Event Detected/);
  assert.match(out, /Event Type: ObjectCreated:Put \(Put\)/);
  assert.match(
    out,
    /^Latency: trigger (<1|\d+(\.\d)?) ms \(S3 ack -> START, one clock: this machine's\)/m,
    'never negative; the sandbox shares this clock',
  );
  assert.ok(!/[\r\u001b]/.test(r.stderr + out), 'no progress or waiting line when stderr is not a terminal');
  assert.ok(out.indexOf('Target:') < out.indexOf('PUT object'), 'the target is shown before anything is fired');
});

test('--local: all five operations in the scripts order, --json, each matched', { skip: !cliBuilt && NOT_BUILT }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(
    [
      '--local',
      '--bucket',
      'test-bucket',
      '--multipart',
      'bigfile.bin',
      '--post',
      'test.txt',
      '--delkey',
      'copy_test.txt',
      '--copy',
      'test-bucket',
      'test.txt',
      'copy_test.txt',
      '--put',
      'test.txt',
      '--wait',
      '--timeout',
      '20s',
      '--json',
    ],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  const records = ndjson(r.stdout); // every stdout line must be JSON
  assert.deepEqual(
    records.map((o) => o.op),
    ['put', 'copy', 'delete', 'post', 'multipart'],
  );
  const events = [
    'ObjectCreated:Put',
    'ObjectCreated:Copy',
    'ObjectRemoved:Delete',
    'ObjectCreated:Post',
    'ObjectCreated:CompleteMultipartUpload',
  ];
  records.forEach((o, i) => {
    assert.equal(o.status, 'matched', JSON.stringify(o));
    assert.ok(['request-id', 'key'].includes(o.match.confidence), o.match.confidence);
    assert.equal(o.error, null);
    assert.match(o.result.requestId, /^[0-9A-F]{16}$/);
    assert.ok(o.latency.triggerMs >= 0, `trigger latency ${o.latency.triggerMs} is never negative`);
    assert.equal(o.latency.oneClock, true);
    assert.equal(typeof o.latency.durationMs, 'number');
    assert.ok(
      o.log.some((l: { message: string }) => l.message.includes(`Event Type: ${events[i]}`)),
      `log of ${o.op} names ${events[i]}`,
    );
  });
  assert.equal(records[0]!.result.bytes, 29);
  assert.equal(records[4]!.result.bytes, 6 * 1024 * 1024);
  assert.match(records[4]!.result.etag, /-2$/);
  assert.match(r.stderr, /^Target: local sandbox/m, 'diagnostics go to stderr with --json');
});

test('--expect: matching pattern exits 0, a missing one exits 3', { skip: !cliBuilt && NOT_BUILT }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const good = await runCli(
    ['--local', '--bucket', 'test-bucket', '--put', 'test.txt', '--expect', 'Size: +29 bytes', '--timeout', '20s', '--quiet'],
    dir,
  );
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.stdout, '', '--quiet prints nothing on success');
  const bad = await runCli(
    ['--local', '--bucket', 'test-bucket', '--put', 'test.txt', '--expect', 'Size: 1 bytes', '--timeout', '20s'],
    dir,
  );
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /^Expect failed: \/Size: 1 bytes\/ not found in the log of invocation \S+$/m);
});

test('a handler that prints nothing is matched by time', { skip: !cliBuilt && NOT_BUILT }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'silent.mjs'), 'export const handler = async () => ({ statusCode: 200 });\n');
  const r = await runCli(
    ['--local', '--handler', 'silent.mjs', '--bucket', 'quiet-bucket', '--put', 'test.txt', '--wait', '--timeout', '20s', '--json'],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  const [rec] = ndjson(r.stdout);
  assert.equal(rec!.match.confidence, 'time');
  assert.ok(rec!.log.some((l: { kind: string }) => l.kind === 'report'));
});

test('a python handler works through --handler', { skip: !cliBuilt && NOT_BUILT }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'event_handler.py'),
    'def handler(event, context):\n    for r in event.get("Records", []):\n        print("Object:", r["s3"]["object"]["key"], r["eventName"])\n    return {"statusCode": 200}\n',
  );
  const r = await runCli(
    ['--local', '--handler', 'event_handler.py', '--bucket', 'py-bucket', '--put', 'test.txt', '--wait', '--timeout', '30s', '--json'],
    dir,
  );
  if (r.code !== 0 && /python/i.test(r.stderr)) return; // no python3 on this machine: nothing to check
  assert.equal(r.code, 0, r.stderr);
  const [rec] = ndjson(r.stdout);
  assert.equal(rec!.status, 'matched');
  assert.ok(rec!.log.some((l: { message: string }) => l.message.includes('Object: test.txt ObjectCreated:Put')));
});
