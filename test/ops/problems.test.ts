/** What is wrong with a local file, in words a user can act on. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileProblem } from '../../src/ops/problems.js';

test('fileProblem: missing, a path through a file (ENOTDIR), a directory, a readable file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-problems-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'plain.txt');
  writeFileSync(file, 'x');
  mkdirSync(join(dir, 'sub'));
  const cases: { path: string; code?: string; message?: string }[] = [
    { path: join(dir, 'nope.txt'), code: 'FileNotFound', message: `--put ${join(dir, 'nope.txt')}: file not found` },
    { path: join(file, 'y'), code: 'FileNotFound', message: `--put ${join(file, 'y')}: ${file} is a file, not a directory` },
    { path: join(file, 'y', 'z'), code: 'FileNotFound', message: `--put ${join(file, 'y', 'z')}: ${file} is a file, not a directory` },
    { path: join(dir, 'sub'), code: 'FileUnreadable', message: `--put ${join(dir, 'sub')}: not a regular file` },
    { path: file },
  ];
  for (const c of cases) {
    const problem = await fileProblem(c.path, '--put');
    assert.deepEqual(problem, c.code ? { code: c.code, message: c.message } : undefined, c.path);
  }
});
