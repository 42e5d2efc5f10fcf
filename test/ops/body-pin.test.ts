import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bodyOf, pinBody } from '../../src/ops/body-pin.js';

test('a pinned body is served from memory until its last holder releases it; then the file is read again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-pin-'));
  try {
    const file = join(dir, 'body.txt');
    writeFileSync(file, 'first');
    assert.equal((await bodyOf(file)).toString(), 'first');
    const a = await pinBody(file);
    const b = await pinBody(file);
    writeFileSync(file, 'second');
    assert.equal((await bodyOf(file)).toString(), 'first', 'pinned: the bytes read at pin time');
    a();
    a(); // a release counts once
    assert.equal((await bodyOf(file)).toString(), 'first', 'still held by the second pin');
    b();
    assert.equal((await bodyOf(file)).toString(), 'second', 'released: read from the file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pinning a missing file rejects, and nothing stays pinned', async () => {
  const missing = join(tmpdir(), 's3trigger-pin-missing-file');
  await assert.rejects(pinBody(missing), { code: 'ENOENT' });
  await assert.rejects(Promise.resolve(bodyOf(missing)), { code: 'ENOENT' });
});
