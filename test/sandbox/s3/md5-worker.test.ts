/** The blob store's MD5 worker: the same digest as node:crypto over the file, fs errors kept, usable after an idle close. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Md5Worker } from '../../../src/sandbox/s3/md5-worker.js';

const dir = mkdtempSync(join(tmpdir(), 's3trigger-md5w-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('files of 0 bytes, 1 MiB exactly and 3 MiB + 1: the MD5 node:crypto computes, several in flight at once', async () => {
  const worker = new Md5Worker();
  try {
    const sizes = [0, 1024 * 1024, 3 * 1024 * 1024 + 1];
    const files = sizes.map((n, i) => {
      const data = randomBytes(n);
      const path = join(dir, `f${i}`);
      writeFileSync(path, data);
      return { path, md5: createHash('md5').update(data).digest('hex') };
    });
    const got = await Promise.all(files.map((f) => worker.md5File(f.path)));
    assert.deepEqual(
      got.map((b) => b.toString('hex')),
      files.map((f) => f.md5),
    );
  } finally {
    await worker.close();
  }
});

test('a missing file rejects with ENOENT and its syscall; the worker goes on serving; close() then a new job restarts it', async () => {
  const worker = new Md5Worker();
  try {
    await assert.rejects(
      worker.md5File(join(dir, 'absent')),
      (err: NodeJS.ErrnoException) => err.code === 'ENOENT' && err.syscall === 'open',
    );
    const path = join(dir, 'later');
    writeFileSync(path, 'abc');
    assert.equal((await worker.md5File(path)).toString('hex'), '900150983cd24fb0d6963f7d28e17f72');
    await worker.close();
    assert.equal((await worker.md5File(path)).toString('hex'), '900150983cd24fb0d6963f7d28e17f72');
  } finally {
    await worker.close();
  }
});
