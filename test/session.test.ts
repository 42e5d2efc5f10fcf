/** The engine over the embedded sandbox, through SessionApi only: events, warnings, cancel, close. */
import { testTiming } from './observe/helpers.js';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockOptions, createSession } from '../src/session.js';
import type { SessionApi, SessionEvent } from '../src/events.js';

const dir = mkdtempSync(join(tmpdir(), 's3trigger-session-'));
const file = join(dir, 'test.txt');
writeFileSync(file, 'S3 events trigger demo file.\n');
after(() => rmSync(dir, { recursive: true, force: true }));

function recorder(session: SessionApi) {
  const events: SessionEvent[] = [];
  const waiters: { pred: (e: SessionEvent) => boolean; ok: (e: SessionEvent) => void }[] = [];
  session.on((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (!w.pred(e)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.ok(e);
    }
  });
  const next = <T extends SessionEvent['type']>(type: T, pred: (e: Extract<SessionEvent, { type: T }>) => boolean = () => true) =>
    new Promise<Extract<SessionEvent, { type: T }>>((ok) => {
      const found = events.find((e) => e.type === type && pred(e as Extract<SessionEvent, { type: T }>));
      if (found) return ok(found as Extract<SessionEvent, { type: T }>);
      waiters.push({ pred: (e) => e.type === type && pred(e as Extract<SessionEvent, { type: T }>), ok: ok as (e: SessionEvent) => void });
    });
  return { events, next };
}

const env = { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };

test('a PUT on the demo bucket: started, acked with the S3 request id, matched', async () => {
  const session = await createSession({ ...testTiming(), local: true, bucket: 'sess-bucket', env, matchTimeoutMs: 20_000 });
  try {
    const rec = recorder(session);
    assert.equal(rec.events[0]?.type, 'TargetResolved', 'a new listener first gets the target');
    assert.equal(session.target.kind, 'sandbox');
    assert.equal(session.target.account, '000000000000');
    const discovery = await session.selectBucket('sess-bucket');
    assert.deepEqual(discovery.logGroups, ['/aws/lambda/event-handler']);
    assert.equal(
      discovery.asyncFates?.['event-handler']?.maximumRetryAttempts,
      2,
      "an observing session reads the function's retry settings",
    );
    assert.ok((await session.listBuckets()).includes('sess-bucket'));
    const { opId, settled } = session.fire({ kind: 'put', bucket: 'sess-bucket', file, key: 'a/b c.txt' });
    const started = await rec.next('OpStarted', (e) => e.opId === opId);
    assert.deepEqual(started.warnings, []);
    const acked = await rec.next('OpAcked', (e) => e.opId === opId);
    assert.equal(acked.result.key, 'a/b c.txt');
    assert.equal(acked.result.bytes, 29);
    assert.match(acked.result.requestId ?? '', /^[0-9A-F]{16}$/);
    assert.ok((acked.result.ackedAt ?? 0) >= acked.result.startedAt);
    const matched = await rec.next('Matched', (e) => e.opId === opId);
    assert.notEqual(matched.confidence, 'time');
    const types = rec.events.map((e) => e.type);
    assert.ok(types.indexOf('OpStarted') < types.indexOf('OpAcked') && types.indexOf('OpAcked') < types.indexOf('Matched'));
    const final = await settled;
    assert.equal(final.status, 'matched');
    assert.equal(final.matches[0]?.requestId, matched.invocation.requestId);
    assert.equal(final.result?.requestId, acked.result.requestId);
    assert.equal(typeof final.matches[0]?.latency.triggerMs, 'number', 'the engine computes the figures against the ack');
    assert.equal(rec.events.filter((e) => e.type === 'OpSettled' && e.opId === opId).length, 1);
  } finally {
    await session.close();
    await session.close(); // idempotent
  }
});

test("a session that does not observe (a PUT without --wait) reads the chain but not the functions' settings", async () => {
  const session = await createSession({ ...testTiming(), local: true, bucket: 'quiet-bucket', env, observe: false });
  try {
    const discovery = await session.selectBucket('quiet-bucket');
    assert.equal(discovery.chain?.summary, 'quiet-bucket → event-handler');
    assert.deepEqual(discovery.logGroups, ['/aws/lambda/event-handler']);
    assert.equal(discovery.asyncFates, undefined, 'no GetFunctionConfiguration: nothing would use it');
    assert.equal(discovery.logGroupByFunction, undefined);
    const { settled } = session.fire({ kind: 'put', bucket: 'quiet-bucket', file });
    const final = await settled;
    assert.equal(final.status, 'acked');
    assert.deepEqual(final.warnings ?? [], []);
  } finally {
    await session.close();
  }
});

test('ensureBucket wires new sandbox buckets; a bucket without notifications warns and cannot match', async () => {
  const session = await createSession({ ...testTiming(), local: true, env });
  try {
    const rec = recorder(session);
    assert.equal(await session.ensureBucket('wired-bucket'), true);
    assert.equal(await session.ensureBucket('wired-bucket'), false);
    assert.deepEqual(
      (await session.selectBucket('wired-bucket')).logGroups,
      ['/aws/lambda/event-handler'],
      'a bucket made in the sandbox gets the demo function',
    );
    await assert.rejects(session.ensureBucket('Bad_Name'), { code: 'InvalidBucketName' });
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({
      region: session.target.region,
      endpoint: session.target.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'plain-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    s3.destroy();
    const discovery = await session.selectBucket('plain-bucket');
    assert.deepEqual(discovery.logGroups, []);
    assert.ok(discovery.warnings.some((w) => /sends no events to a Lambda function/.test(w)));
    assert.match(
      session.previewWarning({ kind: 'delete', bucket: 'plain-bucket', key: 'nothing.txt' }) ?? '',
      /will not notify anything/,
      'known before firing',
    );
    const { opId, settled } = session.fire({ kind: 'delete', bucket: 'plain-bucket', key: 'nothing.txt' });
    const started = await rec.next('OpStarted', (e) => e.opId === opId);
    assert.match(started.warnings.join(), /will not notify anything/);
    await rec.next('MatchTimeout', (e) => e.opId === opId);
    assert.equal((await settled).status, 'no-match');
    const failedOp = session.fire({ kind: 'put', bucket: 'plain-bucket', file: join(dir, 'missing.txt') });
    const failed = await rec.next('OpFailed', (e) => e.opId === failedOp.opId);
    assert.equal(failed.result.error?.code, 'FileNotFound');
    assert.equal((await failedOp.settled).status, 'failed');
    const skipped = session.skip({ kind: 'delete', bucket: 'plain-bucket', key: 'later.txt' });
    assert.equal((await skipped.settled).status, 'skipped');
  } finally {
    await session.close();
  }
});

test('the polling tail matches too', async () => {
  const session = await createSession({
    ...testTiming(),
    local: true,
    bucket: 'poll-bucket',
    env,
    tailMode: 'poll',
    matchTimeoutMs: 20_000,
  });
  try {
    const rec = recorder(session);
    await session.selectBucket('poll-bucket');
    const { opId } = session.fire({ kind: 'post', bucket: 'poll-bucket', file });
    const matched = await rec.next('Matched', (e) => e.opId === opId);
    assert.equal(matched.invocation.logGroup, '/aws/lambda/event-handler');
    assert.ok(rec.events.some((e) => e.type === 'TailState' && e.state.mode === 'polling'));
  } finally {
    await session.close();
  }
});

test('cancel() aborts an in-flight multipart upload: progress, then Aborted, no upload left', async () => {
  const session = await createSession({ ...testTiming(), local: true, bucket: 'mp-bucket', env });
  try {
    const rec = recorder(session);
    const { opId, settled } = session.fire({ kind: 'multipart', bucket: 'mp-bucket', key: 'big.bin', sizeMB: 120, concurrency: 1 });
    await rec.next('OpProgress', (e) => e.opId === opId && e.loaded > 0);
    await session.cancel(opId);
    const failed = await rec.next('OpFailed', (e) => e.opId === opId);
    assert.equal(failed.result.error?.code, 'Aborted');
    assert.equal((await settled).status, 'cancelled');
    const { S3Client, ListMultipartUploadsCommand } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({
      region: session.target.region,
      endpoint: session.target.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const out = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mp-bucket' }));
    assert.equal((out.Uploads ?? []).length, 0);
    s3.destroy();
  } finally {
    await session.close();
  }
});

test('clockOptions: the sandbox and loopback log endpoints share this clock (50 ms); remote endpoints 250 ms; logs on AWS the default', () => {
  const same = { clockSkewMs: 50, lookbackMs: 0 };
  assert.deepEqual(clockOptions({ kind: 'sandbox', logsEndpoint: 'http://127.0.0.1:40123' }), same);
  for (const logsEndpoint of [
    'http://localhost:4566',
    'http://127.0.0.1:5000',
    'http://localhost.localstack.cloud:4566',
    'http://s3.localhost.localstack.cloud:4566',
    'http://[::1]:4566',
  ]) {
    assert.deepEqual(clockOptions({ kind: 'endpoint', logsEndpoint }), same, logsEndpoint);
  }
  assert.deepEqual(clockOptions({ kind: 'endpoint', logsEndpoint: 'http://minio.internal:9000' }), { clockSkewMs: 250 });
  assert.deepEqual(clockOptions({ kind: 'endpoint', logsEndpoint: 'http://notlocalhost.example:1' }), { clockSkewMs: 250 });
  assert.deepEqual(clockOptions({ kind: 'endpoint', logsEndpoint: 'not a url' }), { clockSkewMs: 250 });
  assert.deepEqual(clockOptions({ kind: 'endpoint' }), {}, 'S3 on an endpoint, logs on AWS');
  assert.deepEqual(clockOptions({ kind: 'aws', logsEndpoint: 'http://localhost:4566' }), same, 'S3 on AWS, logs local');
  assert.deepEqual(clockOptions({ kind: 'aws' }), {});
});
