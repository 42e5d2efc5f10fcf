import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { sendS3 } from '../../src/aws/s3-send.js';
import { startS3 } from '../sandbox/s3/helpers.js';

/** An HTTP server answering as `handler` does, and an S3 client (path style, eu-west-1) pointed at it; both closed after `t`. */
async function fakeS3(
  t: TestContext,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  config: Partial<S3ClientConfig> = {},
): Promise<S3Client> {
  const server = createServer(handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.after(() => server.close());
  const s3 = new S3Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...config,
  });
  t.after(() => s3.destroy());
  return s3;
}

test('sendS3: PUT, COPY and DELETE on the sandbox, each bucket its own; the objects are there as the SDK left them', async (t) => {
  const h = await startS3();
  t.after(() => h.close());
  for (const bucket of ['one', 'two']) await h.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const bucket of ['one', 'two']) {
    for (let i = 0; i < 3; i++) {
      const put = await sendS3(h.s3, new PutObjectCommand({ Bucket: bucket, Key: `k${i}.txt`, Body: `${bucket} ${i}` }));
      assert.match(put.ETag ?? '', /^"[0-9a-f]{32}"$/);
      assert.ok(put.$metadata.requestId, 'the response metadata is there');
    }
  }
  const copy = await sendS3(h.s3, new CopyObjectCommand({ Bucket: 'two', Key: 'copied.txt', CopySource: 'one/k1.txt' }));
  assert.match(copy.CopyObjectResult?.ETag ?? '', /^"[0-9a-f]{32}"$/);
  const read = async (bucket: string, key: string) =>
    (await (await h.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString()) ?? '';
  assert.equal(await read('one', 'k2.txt'), 'one 2');
  assert.equal(await read('two', 'k0.txt'), 'two 0', 'the second bucket got its own objects, not the first one');
  assert.equal(await read('two', 'copied.txt'), 'one 1');
  await sendS3(h.s3, new DeleteObjectCommand({ Bucket: 'one', Key: 'k0.txt' }));
  await assert.rejects(read('one', 'k0.txt'), { name: 'NoSuchKey' });
  // An S3 error comes through as the SDK's error.
  await assert.rejects(sendS3(h.s3, new PutObjectCommand({ Bucket: 'missing-bucket', Key: 'k', Body: 'x' })), { name: 'NoSuchBucket' });
});

test("sendS3: each call's signal aborts that call only, also through the reused stack", { timeout: 20_000 }, async (t) => {
  // An endpoint that takes requests and answers only those whose key does not start with `hang`.
  const hanging: IncomingMessage[] = [];
  const s3 = await fakeS3(
    t,
    (req, res) => {
      req.resume();
      if (req.url?.includes('/hang')) hanging.push(req);
      else req.on('end', () => res.writeHead(200, { etag: '"0123456789abcdef0123456789abcdef"', 'x-amz-request-id': 'R1' }).end());
    },
    { maxAttempts: 1 },
  );
  const put = (key: string, signal?: AbortSignal) => sendS3(s3, new PutObjectCommand({ Bucket: 'b', Key: key, Body: 'x' }), signal);
  assert.equal((await put('first.txt')).ETag, '"0123456789abcdef0123456789abcdef"');
  const a = new AbortController();
  const b = new AbortController();
  const hungA = put('hang-a.txt', a.signal);
  const hungB = put('hang-b.txt', b.signal);
  while (hanging.length < 2) await new Promise((ok) => setTimeout(ok, 10));
  a.abort();
  await assert.rejects(hungA, { name: 'AbortError' });
  assert.equal((await put('after.txt', new AbortController().signal)).ETag, '"0123456789abcdef0123456789abcdef"', 'another call goes on');
  let bDone = false;
  void hungB.catch(() => {}).finally(() => (bDone = true));
  await new Promise((ok) => setTimeout(ok, 50));
  assert.equal(bDone, false, "b is still waiting: a's abort was a's only");
  b.abort();
  await assert.rejects(hungB, { name: 'AbortError' });
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(put('never.txt', aborted.signal), { name: 'AbortError' });
});

test("sendS3: S3's region redirect (followRegionRedirects) works through the reused stack, for every call of the bucket", {
  timeout: 20_000,
}, async (t) => {
  // A bucket in us-west-2: a request signed for another region gets S3's 301 PermanentRedirect naming the region.
  const regions: string[] = [];
  const s3 = await fakeS3(
    t,
    (req, res) => {
      req.resume();
      const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
      regions.push(region);
      req.on('end', () => {
        if (region === 'us-west-2') res.writeHead(200, { etag: '"0123456789abcdef0123456789abcdef"', 'x-amz-request-id': 'R2' }).end();
        else
          res
            .writeHead(301, { 'content-type': 'application/xml', 'x-amz-bucket-region': 'us-west-2', 'x-amz-request-id': 'R3' })
            .end(
              '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>Use the us-west-2 endpoint.</Message></Error>',
            );
      });
    },
    { followRegionRedirects: true },
  );
  for (const key of ['one.txt', 'two.txt']) {
    const out = await sendS3(s3, new PutObjectCommand({ Bucket: 'far-bucket', Key: key, Body: 'x' }), new AbortController().signal);
    assert.equal(out.ETag, '"0123456789abcdef0123456789abcdef"', key);
  }
  assert.equal(regions.at(-1), 'us-west-2', "the last call was signed for the bucket's region");
  assert.equal(regions[0], 'eu-west-1', "the first call was signed for the client's region, then redirected");
});
