/** --burst through the built CLI against the embedded sandbox (and an AWS-looking target that must refuse). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cliBuilt, collect, NOT_BUILT, ndjson, runCli, startCli, workDir } from '../ci/helpers.js';

const skip = !cliBuilt && NOT_BUILT;

function ordered(d: { p50: number; p90: number; p99: number; max: number } | null, what: string): void {
  assert.ok(d, `${what} is present`);
  assert.ok(d.p50 >= 0 && d.p50 <= d.p90 && d.p90 <= d.p99 && d.p99 <= d.max, `${what} ordered: ${JSON.stringify(d)}`);
}

test('--local --burst 200 --parallel 16 --json: every operation matched exactly once, percentiles ordered', { skip }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(['--local', '--bucket', 'burst-e2e', '--burst', '200', '--parallel', '16', '--timeout', '60s', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const records = ndjson(r.stdout);
  const ops = records.filter((x) => x.type === 'op');
  const summary = records.at(-1)!;
  assert.equal(ops.length, 200);
  assert.equal(records.length, 201, 'one op record per operation, then the summary');
  assert.equal(summary.type, 'summary');
  assert.equal(new Set(ops.map((o) => o.key)).size, 200, 'unique keys');
  for (const o of ops) {
    assert.equal(o.op, 'put');
    assert.equal(o.status, 'matched', `${o.key}: ${o.status}`);
    assert.equal(o.matches.length, 1, `${o.key} matched exactly once`);
    assert.equal(o.burst.class, 'matched');
    assert.equal(o.burst.duplicated, false);
    assert.equal(o.result.bytes, 29, 'the 29-byte demo content');
    assert.match(o.key, /^burst\/[0-9a-z]+\/\d{3}\.txt$/);
  }
  assert.equal(new Set(ops.map((o) => o.match.requestId)).size, 200, 'no invocation matched to two operations');
  assert.deepEqual(
    ops.map((o) => o.burst.index),
    Array.from({ length: 200 }, (_, i) => i + 1),
  );
  assert.equal(summary.count, 200);
  assert.equal(summary.fired, 200);
  assert.equal(summary.interrupted, false);
  assert.equal(summary.parallel, 16);
  assert.equal(summary.target, 'sandbox');
  assert.match(summary.setup, /^sandbox in-process: .*share this machine and process tree/);
  assert.equal(summary.acknowledged, 200);
  assert.equal(summary.matched, 200);
  assert.equal(summary.lost, 0);
  assert.equal(summary.failed, 0);
  assert.equal(summary.lambdaFailed, 0);
  assert.ok(summary.throughput.opsPerSecond > 0);
  ordered(summary.triggerMs, 'trigger latency');
  ordered(summary.endToEndMs, 'end-to-end latency');
  ordered(summary.durationMs, 'Lambda duration');
  assert.equal(summary.triggerMs.count, 200);
  assert.ok(summary.coldStarts >= 1, 'the first invocation starts cold');
  assert.ok(summary.peakConcurrency.max >= 1 && summary.peakConcurrency.max <= 200);
  assert.ok(summary.logStreams['event-handler'] >= 1);
  assert.equal(summary.exitCode, 0);
});

test('--op copy, delete, post and multipart bursts of 100 (fired from the firing thread): every operation acknowledged and matched once', {
  skip,
}, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [op, extra] of [
    ['copy', []],
    ['delete', []],
    ['post', []],
    ['multipart', ['--size', '1']],
  ] as const) {
    const r = await runCli(
      ['--local', '--bucket', `b-${op}`, '--burst', '100', '--parallel', '16', '--op', op, ...extra, '--timeout', '30s', '--json'],
      dir,
    );
    assert.equal(r.code, 0, `${op}: ${r.stderr}`);
    const records = ndjson(r.stdout);
    const ops = records.filter((x) => x.type === 'op');
    assert.equal(ops.length, 100, op);
    for (const o of ops) {
      assert.equal(o.op, op);
      assert.equal(o.status, 'matched', `${op} ${o.key}: ${o.status}`);
      assert.equal(o.matches.length, 1, `${op} ${o.key} matched exactly once`);
      assert.ok(o.result.requestId, `${op}: S3's request id came back from the thread`);
      assert.ok(o.result.ackedAt >= o.result.startedAt);
    }
    assert.equal(new Set(ops.map((o) => o.match.requestId)).size, 100, `${op}: one invocation per operation`);
    const summary = records.at(-1)!;
    assert.equal(summary.op, op);
    assert.equal(summary.matched, 100);
    assert.equal(summary.failed, 0);
  }
});

test('--same-key on --timing aws: matched + coalesced + lost = N, coalesced counted when it happens', { skip }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const n = 40;
  const r = await runCli(
    [
      '--local',
      '--timing',
      'aws',
      '--timing-scale',
      '0.05',
      '--timing-seed',
      '7',
      '--bucket',
      'burst-same',
      '--burst',
      String(n),
      '--parallel',
      '16',
      '--same-key',
      '--timeout',
      '15s',
      '--max-lost',
      String(n),
      '--json',
    ],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  const records = ndjson(r.stdout);
  const ops = records.filter((x) => x.type === 'op');
  const summary = records.at(-1)!;
  assert.equal(ops.length, n);
  assert.equal(new Set(ops.map((o) => o.key)).size, 1, 'one key');
  assert.equal(summary.sameKey, true);
  assert.equal(summary.failed, 0);
  assert.equal(summary.matched + summary.coalesced + summary.lost, n);
  const count = (c: string) => ops.filter((o) => o.burst.class === c).length;
  assert.equal(count('matched'), summary.matched);
  assert.equal(count('coalesced'), summary.coalesced);
  assert.equal(count('lost'), summary.lost);
  for (const o of ops.filter((x) => x.burst.class !== 'matched')) assert.equal(o.matches.length, 0, 'a coalesced write has no invocation');
  if (summary.coalesced === 0) t.diagnostic('no write coalesced this run (S3 coalesces only some simultaneous writes)');
  else t.diagnostic(`${summary.coalesced} of ${n} writes coalesced`);
  assert.ok(summary.matched >= 1, 'the writes were reported');
});

test('--burst 150 on an AWS-looking target without --yes: exit 2, nothing fired', { skip }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret', AWS_REGION: 'eu-west-1' };
  const r = await runCli(['--bucket', 'burst-aws', '--burst', '150', '--json'], dir, env);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '', 'no record: nothing fired');
  assert.match(r.stderr, /^s3trigger: --burst 150 fires more than 100 operations on AWS .*pass --yes to confirm\n$/);
});

test('gates: --expect-p99 missed -> exit 3, named on stderr and in the summary', { skip }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(
    [
      '--local',
      '--timing',
      'aws',
      '--timing-scale',
      '0.1',
      '--bucket',
      'burst-gate',
      '--burst',
      '5',
      '--parallel',
      '5',
      '--expect-p99',
      '1ms',
      '--timeout',
      '20s',
      '--json',
    ],
    dir,
  );
  assert.equal(r.code, 3, r.stderr);
  const summary = ndjson(r.stdout).at(-1)!;
  assert.equal(summary.exitCode, 3);
  assert.equal(summary.gates.expectP99Ms, 1);
  assert.match(summary.gates.missed[0], /^trigger latency p99 \d+ ms is above --expect-p99 1 ms$/);
  assert.match(r.stderr, /^Gate missed: trigger latency p99 \d+ ms is above --expect-p99 1 ms$/m);
});

test('bad burst input: exit 2 with one line, nothing fired', { skip }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cases: [string[], RegExp][] = [
    [['--local', '--bucket', 'b-bad', '--burst', 'x'], /--burst 'x' is not a whole number/],
    [['--local', '--bucket', 'b-bad', '--burst', '5', '--put', 'test.txt'], /--burst fires one kind of operation/],
    [['--local', '--bucket', 'b-bad', '--put', 'test.txt', '--parallel', '4'], /--parallel needs --burst N/],
    [['--local', '--bucket', 'b-bad', '--burst', '5', '--op', 'rename'], /--op 'rename' is not an operation/],
    [['--local', '--bucket', 'b-bad', '--burst', '5', '--expect-p99', 'soon'], /--expect-p99 'soon' is not a duration/],
    [['--local', '--bucket', 'b-bad', '--burst', '5', '--file', 'missing.bin'], /missing\.bin/],
  ];
  for (const [args, want] of cases) {
    const r = await runCli(args, dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('Ctrl-C during a burst: exit 130, the summary of what was fired, interrupted', { skip }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const child = startCli(
    ['--local', '--timing', 'aws', '--timing-scale', '0.5', '--bucket', 'burst-int', '--burst', '500', '--parallel', '2', '--json'],
    dir,
  );
  const done = collect(child);
  let stderr = '';
  await new Promise<void>((ok) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('Firing 500')) ok();
    });
  });
  child.kill('SIGINT');
  const r = await done;
  assert.equal(r.code, 130, r.stderr);
  const summary = ndjson(r.stdout).at(-1)!;
  assert.equal(summary.type, 'summary');
  assert.equal(summary.interrupted, true);
  assert.equal(summary.count, 500);
  assert.ok(summary.fired < 500, `fired ${summary.fired}`);
  assert.equal(summary.exitCode, 130);
});

test('Ctrl-C during a burst whose endpoint stopped answering: the operations in flight are cancelled, exit 130', { skip }, async (t) => {
  // An S3-compatible endpoint that answers the bucket's discovery but holds every object PUT without an answer.
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'PUT' && path.split('/').length > 2) return;
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/xml');
      if (req.method === 'HEAD') res.setHeader('x-amz-bucket-region', 'eu-west-1');
      if ((req.url ?? '').includes('notification')) return res.end('<NotificationConfiguration/>');
      res.end('<ListAllMyBucketsResult><Buckets><Bucket><Name>held</Name></Bucket></Buckets></ListAllMyBucketsResult>');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const held = new Promise<void>((ok) => {
    let puts = 0;
    server.on('request', (req) => {
      if (req.method === 'PUT' && ++puts === 8) ok();
    });
  });
  const child = startCli(['--endpoint-url', endpoint, '--bucket', 'held', '--burst', '200', '--parallel', '8', '--yes', '--json'], dir, {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'eu-west-1',
  });
  const done = collect(child);
  await held; // 8 PUTs in flight, none answered
  child.kill('SIGINT');
  const r = await done;
  assert.equal(r.code, 130, r.stderr);
  const records = ndjson(r.stdout);
  const summary = records.at(-1)!;
  assert.equal(summary.interrupted, true);
  assert.equal(summary.fired, 8);
  const fired = records.filter((x) => x.type === 'op' && x.status !== 'skipped');
  assert.deepEqual(
    fired.map((o) => o.status),
    Array(8).fill('cancelled'),
  );
});
