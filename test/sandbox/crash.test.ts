/**
 * Crash consistency of `s3trigger sandbox --data DIR` (the built CLI): concurrent PUT, multipart,
 * Complete and Abort, a kill -9 at a random moment, a restart; every acknowledged object reads back
 * whole with the bytes that were sent, and no aborted-only upload left an object. Bounded rounds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CLI, cliBuilt, NOT_BUILT } from '../ci/helpers.js';

const ROUNDS = 5;
const BUCKET = 'crash-bucket';
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

async function startCliSandbox(dataDir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code}: ${stderr}`)));
  });
  const endpoint = /ready on (http:\/\/\S+?) /.exec(line)?.[1];
  assert.ok(endpoint, line);
  return { child, endpoint };
}

function client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/** Keys whose write was acknowledged (content md5), and keys that must not exist (only ever aborted). */
interface Ledger {
  acked: Map<string, string>;
  absent: Set<string>;
}

async function load(s3: S3Client, round: number, ledger: Ledger, stop: () => boolean): Promise<void> {
  let n = 0;
  const put = async () => {
    const key = `r${round}/put-${n++}`;
    const body = randomBytes(n % 3 ? 2000 + n : 70 * 1024 + n);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    ledger.acked.set(key, md5(body));
  };
  const multipart = async () => {
    const key = `r${round}/mpu-${n++}`;
    const body = randomBytes(90 * 1024 + n);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: body }));
    const complete = s3.send(
      new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }),
    );
    const abort = n % 2 ? s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId })) : undefined;
    const [done] = await Promise.allSettled([complete, abort]);
    if (done!.status === 'fulfilled') ledger.acked.set(key, md5(body));
    else if ((done!.reason as Error).name === 'NoSuchUpload') ledger.absent.add(key);
  };
  const abortOnly = async () => {
    const key = `r${round}/aborted-${n++}`;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: randomBytes(80 * 1024) }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId }));
    ledger.absent.add(key);
  };
  const ops = [put, put, multipart, multipart, abortOnly];
  await Promise.all(
    Array.from({ length: 6 }, async (_, w) => {
      for (let i = w; !stop(); i++) {
        try {
          await ops[i % ops.length]!();
        } catch {
          return; // the kill: whatever was in flight is unacknowledged
        }
      }
    }),
  );
}

async function verify(s3: S3Client, ledger: Ledger, label: string): Promise<void> {
  for (const [key, sum] of ledger.acked) {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    assert.equal(md5(await got.Body!.transformToByteArray()), sum, `${label}: ${key} is not what was acknowledged`);
  }
  for (const key of ledger.absent) {
    await assert.rejects(
      s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })),
      { name: 'NotFound' },
      `${label}: ${key} was only aborted`,
    );
  }
}

test(`kill -9 during concurrent PUT / multipart / Complete / Abort (${ROUNDS} rounds): every acknowledged object intact after restart`, {
  skip: !cliBuilt && NOT_BUILT,
}, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-crash-'));
  const ledger: Ledger = { acked: new Map(), absent: new Set() };
  let running: ChildProcess | undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { child, endpoint } = await startCliSandbox(dataDir);
      running = child;
      const s3 = client(endpoint);
      if (round === 0) await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      else await verify(s3, ledger, `after kill ${round}`);
      let stopped = false;
      const writing = load(s3, round, ledger, () => stopped);
      // Each round kills a sandbox that has acknowledged something (a loaded machine can be slow to start writing).
      const before = ledger.acked.size;
      for (const deadline = Date.now() + 20_000; ledger.acked.size === before && Date.now() < deadline; )
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 500)));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      stopped = true;
      await writing;
      await exited;
      s3.destroy();
    }
    const { child, endpoint } = await startCliSandbox(dataDir);
    running = child;
    const s3 = client(endpoint);
    await verify(s3, ledger, 'final');
    s3.destroy();
    assert.ok(ledger.acked.size >= ROUNDS, `only ${ledger.acked.size} acknowledged writes`);
  } finally {
    running?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
