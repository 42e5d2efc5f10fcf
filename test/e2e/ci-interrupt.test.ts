/** Ctrl-C / SIGTERM mid-multipart: exit 130, the upload aborted on S3, the temp file removed. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { setupDemo } from '../../src/sandbox/demo.js';
import { cliBuilt, collect, NOT_BUILT, startCli, workDir } from '../ci/helpers.js';

let sandbox: Sandbox;
let s3: S3Client;

before(async () => {
  sandbox = await startSandbox({ port: 0 });
  await setupDemo(sandbox, { bucket: 'test-bucket' });
  s3 = new S3Client({
    region: sandbox.region,
    endpoint: sandbox.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
after(async () => {
  s3?.destroy();
  await sandbox?.close();
});

async function uploadsOf(key: string): Promise<number> {
  const out = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'test-bucket', Prefix: key }));
  return (out.Uploads ?? []).length;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} mid-multipart exits 130 and leaves no upload and no temp file`, { skip: !cliBuilt && NOT_BUILT }, async (t) => {
    const dir = workDir();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const key = `interrupted-${signal}.bin`;
    const child = startCli(
      ['--endpoint-url', sandbox.endpoint, '--bucket', 'test-bucket', '--multipart', key, '--size', '300', '--concurrency', '1'],
      dir,
      { TMPDIR: tmp },
    );
    const result = collect(child);
    let exited = false;
    void result.then(() => (exited = true));
    // Interrupt once the upload exists on S3, i.e. with parts in flight.
    while (!exited && (await uploadsOf(key)) === 0) await sleep(20);
    assert.equal(exited, false, 'the upload finished before it could be interrupted');
    child.kill(signal);
    const r = await result;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /Cancelled: MULTIPART s3:\/\/test-bucket\/interrupted/);
    assert.equal(await uploadsOf(key), 0, 'ListMultipartUploads shows none');
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'test-bucket', Key: key })), { name: 'NotFound' });
    assert.deepEqual(readdirSync(tmp), [], 'temp file removed');
  });
}
