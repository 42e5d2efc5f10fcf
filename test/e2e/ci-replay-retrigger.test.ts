/**
 * REPLAY and RETRIGGER from CI mode (issue #14, item 4), end to end against a sandbox: a handler that prints its event
 * gets it re-sent from s3trigger's own --json output (and from a raw event file), matched by the request id its
 * asynchronous Invoke returned; existing objects are re-fired by copying them onto themselves (ObjectCreated:Copy),
 * one key or a whole prefix with --parallel, their content type and metadata kept.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { setupDemo } from '../../src/sandbox/demo.js';
import { cliBuilt, ndjson, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

const skip = !cliBuilt && NOT_BUILT;
const dir = workDir();
after(() => rmSync(dir, { recursive: true, force: true }));

let sandbox: Sandbox;
let s3: S3Client;
before(async () => {
  sandbox = await startSandbox({ port: 0 });
  writeFileSync(join(dir, 'print-event.mjs'), 'export const handler = async (event) => { console.log(JSON.stringify(event)); };\n');
  await setupDemo(sandbox, { bucket: 'replay-bucket', handler: join(dir, 'print-event.mjs') });
  s3 = new S3Client({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
after(async () => {
  s3?.destroy();
  await sandbox?.close();
});

const target = () => ['--endpoint-url', sandbox.endpoint, '--bucket', 'replay-bucket'];

test('--replay of a --json run: the same event reaches the function again, matched by its Invoke request id', { skip }, async () => {
  const put = await runCli([...target(), '--put', 'test.txt', '--wait', '--json'], dir);
  assert.equal(put.code, 0, put.stderr);
  writeFileSync(join(dir, 'run.ndjson'), put.stdout);
  const original = ndjson(put.stdout)[0]!;

  const r = await runCli([...target(), '--replay', 'run.ndjson', '--wait', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const [rec] = ndjson(r.stdout);
  assert.equal(rec!.op, 'replay');
  assert.equal(rec!.status, 'matched');
  assert.equal(rec!.key, 'test.txt');
  assert.equal(rec!.match.confidence, 'request-id');
  assert.deepEqual(rec!.result.invocationRequestIds, [rec!.match.requestId]);
  assert.notEqual(rec!.match.requestId, original.match.requestId, 'a new invocation');
  const printed = rec!.log.find((l: { kind: string }) => l.kind === 'app').message;
  const sent = JSON.parse(printed.slice(printed.indexOf('{')));
  const before = original.log.find((l: { kind: string }) => l.kind === 'app').message;
  assert.deepEqual(sent, JSON.parse(before.slice(before.indexOf('{'))), 'the event is re-sent unchanged');
});

test('--replay of a raw event file, text mode: the lines say what was re-sent and how it matched', { skip }, async () => {
  const event = {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectRemoved:Delete',
        s3: { bucket: { name: 'replay-bucket' }, object: { key: 'gone%3D1.txt' } },
      },
    ],
  };
  writeFileSync(join(dir, 'event.json'), JSON.stringify(event, null, 2));
  const r = await runCli([...target(), '--replay', 'event.json', '--wait'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Replaying ObjectRemoved:Delete of gone=1\.txt from event\.json$/m);
  assert.match(r.stdout, /^Invoked 1 function\(s\) asynchronously\.$/m);
  assert.match(r.stdout, /matched by request-id \(the one its Invoke returned\)/);
  assert.match(r.stdout, /^Latency: trigger .*\(Invoke ack -> START/m);
});

test('--replay with nothing to re-send: one line naming what to fix, exit 2, nothing invoked', { skip }, async () => {
  writeFileSync(
    join(dir, 'blog-run.ndjson'),
    `${JSON.stringify({ type: 'op', op: 'put', log: [{ kind: 'app', message: 'Bucket: x' }] })}\n`,
  );
  writeFileSync(join(dir, 'not-json.txt'), 'hello\n');
  const cases: [string, RegExp][] = [
    ['blog-run.ndjson', /no handler in it logged its event \(print the event, e\.g\. console\.log\(JSON\.stringify\(event\)\)/],
    ['not-json.txt', /line 1 is not JSON/],
    ['missing.json', /--replay missing\.json: no such file/],
  ];
  for (const [file, why] of cases) {
    const r = await runCli([...target(), '--replay', file, '--wait'], dir);
    assert.equal(r.code, 2, `${file}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, why);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('--replay FILE --function NAME: the event is invoked on NAME as it is, whatever bucket it names', { skip }, async () => {
  const made = await runCli(['event', 'put', '--bucket', 'photos', '--key', 'cats/tom 1.jpg'], dir);
  assert.equal(made.code, 0, made.stderr);
  writeFileSync(join(dir, 'photos-event.json'), made.stdout);
  const r = await runCli([...target(), '--replay', 'photos-event.json', '--function', 'event-handler', '--wait', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const [rec] = ndjson(r.stdout);
  assert.deepEqual([rec!.op, rec!.status, rec!.bucket, rec!.key], ['replay', 'matched', 'photos', 'cats/tom 1.jpg']);
  assert.equal(rec!.match.confidence, 'request-id');
  const printed = rec!.log.find((l: { kind: string }) => l.kind === 'app').message;
  assert.deepEqual(JSON.parse(printed.slice(printed.indexOf('{'))), JSON.parse(made.stdout), 'the event is sent unchanged');
});

test('--replay of an event no known function receives, without --function: one line naming the fix, exit 2, nothing fired', {
  skip,
}, async () => {
  const made = await runCli(['event', 'put', '--bucket', 'photos', '--key', 'cats/tom 1.jpg'], dir);
  writeFileSync(join(dir, 'photos-event.json'), made.stdout);
  for (const json of [[], ['--json']]) {
    const r = await runCli([...target(), '--replay', 'photos-event.json', '--wait', ...json], dir);
    assert.equal(r.code, 2, r.stderr);
    // With --json the target and chain lines go to stderr too: the error is its one s3trigger: line, the last.
    const errors = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('s3trigger:'));
    assert.equal(errors.length, 1, r.stderr);
    assert.ok(r.stderr.trim().endsWith(errors[0]!), r.stderr);
    assert.match(errors[0]!, /--replay photos-event\.json: the event names bucket photos, not replay-bucket .*give --function NAME/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(r.stdout, /^(Replaying|Invoked)|"type":"op"/m, 'nothing fired');
  }
});

test('--replay of a --via sns record: no hops from the original delivery, its own Invoke figures kept', { skip }, async () => {
  const sns = await startSandbox({ port: 0 });
  try {
    await setupDemo(sns, { bucket: 'replay-sns', handler: join(dir, 'print-event.mjs'), via: 'sns' });
    const at = ['--endpoint-url', sns.endpoint, '--bucket', 'replay-sns'];
    const put = await runCli([...at, '--put', 'test.txt', '--wait', '--json'], dir);
    assert.equal(put.code, 0, put.stderr);
    assert.ok(
      ndjson(put.stdout)[0]!.latency.hops.some((h: { from: string }) => h.from === 'sns'),
      'the original run has its SNS hop',
    );
    writeFileSync(join(dir, 'sns-run.ndjson'), put.stdout);

    const json = await runCli([...at, '--replay', 'sns-run.ndjson', '--wait', '--json'], dir);
    assert.equal(json.code, 0, json.stderr);
    const [rec] = ndjson(json.stdout);
    assert.equal(rec!.status, 'matched');
    assert.equal(rec!.latency.hops, undefined, JSON.stringify(rec!.latency));
    assert.deepEqual(rec!.match.hops, []);
    assert.equal(typeof rec!.latency.triggerMs, 'number', 'Invoke ack -> START stays');
    assert.equal(typeof rec!.latency.durationMs, 'number');
    assert.equal(typeof rec!.latency.coldStart, 'boolean');

    const txt = await runCli([...at, '--replay', 'sns-run.ndjson', '--wait'], dir);
    assert.equal(txt.code, 0, txt.stderr);
    assert.match(txt.stdout, /^Latency: trigger .*\(Invoke ack -> START/m);
    assert.doesNotMatch(txt.stdout, /hops|SNS -> START/);
  } finally {
    await sns.close();
  }
});

test('--retrigger KEY: copied onto itself (ObjectCreated:Copy), content type and metadata kept, matched', { skip }, async () => {
  await s3.send(
    new PutObjectCommand({
      Bucket: 'replay-bucket',
      Key: 'old/a b.csv',
      Body: 'x,y\n',
      ContentType: 'text/csv',
      Metadata: { origin: 'scan' },
    }),
  );
  const r = await runCli([...target(), '--retrigger', 'old/a b.csv', '--wait', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const [rec] = ndjson(r.stdout);
  assert.deepEqual([rec!.op, rec!.status, rec!.key], ['retrigger', 'matched', 'old/a b.csv']);
  const printed = rec!.log.find((l: { kind: string }) => l.kind === 'app').message;
  const record = JSON.parse(printed.slice(printed.indexOf('{'))).Records[0];
  assert.equal(record.eventName, 'ObjectCreated:Copy');
  assert.equal(record.s3.object.key, 'old/a+b.csv');
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'replay-bucket', Key: 'old/a b.csv' }));
  assert.equal(head.ContentType, 'text/csv');
  assert.deepEqual(head.Metadata, { origin: 'scan' });
});

test('--retrigger of a missing key: S3 NoSuchKey, exit 1', { skip }, async () => {
  const r = await runCli([...target(), '--retrigger', 'never-there.txt', '--wait'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /never-there\.txt/);
  assert.match(r.stderr, /NotFound|NoSuchKey|not exist/);
});

test('--retrigger-prefix P --parallel 3: every object under the prefix re-fired and matched once', { skip }, async () => {
  for (const i of [1, 2, 3, 4, 5]) await s3.send(new PutObjectCommand({ Bucket: 'replay-bucket', Key: `backlog/${i}.txt`, Body: `${i}` }));
  await s3.send(new PutObjectCommand({ Bucket: 'replay-bucket', Key: 'other/1.txt', Body: '1' }));
  const r = await runCli([...target(), '--retrigger-prefix', 'backlog/', '--parallel', '3', '--wait', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const records = ndjson(r.stdout);
  assert.deepEqual(records.map((o) => o.key).sort(), ['backlog/1.txt', 'backlog/2.txt', 'backlog/3.txt', 'backlog/4.txt', 'backlog/5.txt']);
  assert.ok(
    records.every((o) => o.op === 'retrigger' && o.status === 'matched'),
    JSON.stringify(records.map((o) => o.status)),
  );
  assert.equal(new Set(records.map((o) => o.match.requestId)).size, 5, 'five distinct invocations');
  assert.match(r.stderr, /Re-firing 5 object\(s\) under s3:\/\/replay-bucket\/backlog\//);
});

test('--parallel takes a whole number from 1 to 256 (exit 2, one line)', { skip }, async () => {
  const r = await runCli([...target(), '--retrigger-prefix', 'backlog/', '--parallel', '0'], dir);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), "s3trigger: --parallel '0' must be a whole number from 1 to 256");
});
