import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, type S3ClientConfig } from '@aws-sdk/client-s3';
import { FiringThread } from '../../src/ops/firing-thread.js';
import type { OpContext } from '../../src/ops/context.js';
import type { OpResult } from '../../src/ops/types.js';
import { startS3 } from '../sandbox/s3/helpers.js';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A context as the session gives one, recording what the thread calls back; `s3` is the thread's own business. */
function contextFor(opId: number, signal?: AbortSignal) {
  const acked: OpResult[] = [];
  const ctx = { opId, now: Date.now, onAcked: (r: OpResult) => acked.push(r), ...(signal ? { signal } : {}) } as unknown as OpContext;
  return { ctx, acked };
}

function tempFile(t: { after(fn: () => void): void }, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-firing-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'body.txt');
  writeFileSync(file, text);
  return file;
}

test('FiringThread: PUTs run on the thread reach the sandbox, acknowledged once with the result runOp gives, sent with the held body', async (t) => {
  const h = await startS3();
  t.after(() => h.close());
  await h.s3.send(new CreateBucketCommand({ Bucket: 'fired' }));
  const file = tempFile(t, 'held body\n');
  const s3Config: S3ClientConfig = {
    endpoint: h.sandbox.endpoint,
    region: h.sandbox.region,
    forcePathStyle: true,
    credentials: CREDENTIALS,
  };
  const thread = new FiringThread(s3Config, [file], false);
  await thread.ready();
  writeFileSync(file, 'changed after the burst started\n'); // a held body is sent as it was when held
  const runs = [1, 2, 3].map((opId) => {
    const { ctx, acked } = contextFor(opId);
    return thread.run(ctx, { kind: 'put', bucket: 'fired', file, key: `k${opId}.txt` }).then((result) => ({ result, acked }));
  });
  const done = await Promise.all(runs);
  await thread.close();
  for (const [i, { result, acked }] of done.entries()) {
    assert.equal(result.error, undefined);
    assert.equal(result.opId, i + 1);
    assert.equal(result.key, `k${i + 1}.txt`);
    assert.match(result.etag ?? '', /^[0-9a-f]{32}$/);
    assert.ok(result.requestId, 'S3 request id carried back');
    assert.ok(result.ackedAt! >= result.startedAt);
    assert.deepEqual(acked, [result], 'onAcked called once, with the final result');
  }
  const body = await (await h.s3.send(new GetObjectCommand({ Bucket: 'fired', Key: 'k2.txt' }))).Body!.transformToString();
  assert.equal(body, 'held body\n');
});

test('FiringThread: an S3 error comes back as the result error, never acknowledged', async (t) => {
  const h = await startS3();
  t.after(() => h.close());
  const file = tempFile(t, 'x');
  const thread = new FiringThread(
    { endpoint: h.sandbox.endpoint, region: h.sandbox.region, forcePathStyle: true, credentials: CREDENTIALS },
    [],
    false,
  );
  await thread.ready();
  const { ctx, acked } = contextFor(7);
  const result = await thread.run(ctx, { kind: 'put', bucket: 'no-such-bucket', file, key: 'k' });
  await thread.close();
  assert.equal(result.error?.code, 'NoSuchBucket');
  assert.equal(result.opId, 7);
  assert.deepEqual(acked, []);
});

test('FiringThread: aborting the context aborts the request on the thread (an endpoint that never answers)', async (t) => {
  const server = createServer(() => {}); // holds every request
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const file = tempFile(t, 'x');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const thread = new FiringThread({ endpoint, region: 'eu-west-1', forcePathStyle: true, credentials: CREDENTIALS }, [], false);
  await thread.ready();
  const controller = new AbortController();
  const { ctx, acked } = contextFor(1, controller.signal);
  const seen = new Promise<void>((ok) => server.once('request', () => ok()));
  const result = thread.run(ctx, { kind: 'put', bucket: 'held-bucket', file, key: 'k' });
  await seen;
  controller.abort();
  assert.equal((await result).error?.code, 'Aborted');
  assert.deepEqual(acked, []);
  await thread.close();
});
