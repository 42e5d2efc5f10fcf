/** The multipart temp file filling TMPDIR while it is written: an error naming TMPDIR, no request, no file left. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { runOp } from '../../src/ops/index.js';

const dir = mkdtempSync(join(tmpdir(), 's3trigger-mp-temp-'));
let refused: string | undefined;
before(() => {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) refused = r.stderr.trim() || 'mount failed';
});
after(() => {
  if (!refused) spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
});

test('a TMPDIR that fills up mid-write: TempFileUnwritable naming TMPDIR, nothing sent, no temp file left', async (t) => {
  if (refused) return t.skip(`cannot mount a tmpfs (${refused})`);
  let sent = 0;
  const config = {
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:9',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const s3 = new S3Client(config);
  s3.middlewareStack.add(
    (next) => (args) => {
      sent++;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    const ctx = { opId: 1, s3, s3Config: config, now: Date.now };
    const result = await runOp(ctx, { kind: 'multipart', bucket: 'b1c', key: 'k', sizeMB: 3 });
    assert.equal(result.error?.code, 'TempFileUnwritable');
    assert.match(
      result.error?.message ?? '',
      /^--multipart: cannot write the temp file for --size data in .* \(TMPDIR\): no space left \(ENOSPC\): free space there, set TMPDIR, or pass --file$/,
    );
    assert.equal(sent, 0);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    s3.destroy();
  }
});
