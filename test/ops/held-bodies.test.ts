import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bodyOf, holdBody } from '../../src/ops/held-bodies.js';

test('held bodies: a held file is sent as read when held, nested holds keep it, the last release reads the file again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-held-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'body.txt');
  writeFileSync(file, 'first');
  assert.equal((await bodyOf(file)).toString(), 'first', 'not held: read now');
  const release = await holdBody(file);
  writeFileSync(file, 'second');
  assert.equal((await bodyOf(file)).toString(), 'first', 'held: the bytes read at hold time');
  const inner = await holdBody(file);
  release();
  release(); // a second call of the same release does not drop the other hold
  assert.equal((await bodyOf(file)).toString(), 'first', 'still held by the inner hold');
  inner();
  assert.equal((await bodyOf(file)).toString(), 'second', 'released: read again');
  await assert.rejects(holdBody(join(dir, 'missing.txt')), { code: 'ENOENT' });
  await assert.rejects(bodyOf(join(dir, 'missing.txt')), { code: 'ENOENT' });
});
