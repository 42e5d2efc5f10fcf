/** Hot reload's pure parts: which changes count, and the debounce that turns an editor's save into one reload. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeBatcher, handlerRoot, isRelevantChange, watchHandler } from '../../../src/sandbox/lambda/hot-reload.js';

test('isRelevantChange: sources count; node_modules, .git, __pycache__, dot folders and editor scratch files do not', () => {
  const cases: [string, boolean][] = [
    ['h.mjs', true],
    ['lib/util.js', true],
    ['bootstrap', true],
    ['node_modules/dep/index.js', false],
    ['node_modules', false],
    ['.git/index', false],
    ['__pycache__/h.cpython-312.pyc', false],
    ['.idea/workspace.xml', false],
    ['.h.mjs.swp', false],
    ['h.mjs~', false],
    ['4913', false],
    ['.#h.mjs', false],
    ['', false],
  ];
  for (const [path, expected] of cases) assert.equal(isRelevantChange(path), expected, path);
});

test('ChangeBatcher: a burst of events within the window is one batch of distinct, sorted paths', async () => {
  const batches: string[][] = [];
  const b = new ChangeBatcher(30, (paths) => batches.push(paths));
  b.add('h.mjs');
  b.add('lib.mjs');
  b.add('h.mjs');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(batches, [['h.mjs', 'lib.mjs']]);
  b.add('x.mjs');
  b.cancel();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(batches.length, 1, 'cancel drops the pending batch');
});

test('handlerRoot: the handler file’s folder, a bootstrap’s folder, or the custom runtime folder itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-root-'));
  try {
    writeFileSync(join(dir, 'h.py'), 'def handler(e, c): pass\n');
    writeFileSync(join(dir, 'bootstrap'), '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(handlerRoot(`${join(dir, 'h.py')}:handler`), dir);
    assert.equal(handlerRoot(join(dir, 'bootstrap')), dir);
    assert.equal(handlerRoot(dir), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('watchHandler: a change in a subfolder reloads with its relative path; one in node_modules does not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-watch-'));
  mkdirSync(join(dir, 'lib'));
  mkdirSync(join(dir, 'node_modules'));
  writeFileSync(join(dir, 'h.mjs'), 'export const handler = async () => 1;\n');
  const batches: string[][] = [];
  const watcher = watchHandler(join(dir, 'h.mjs'), {
    reload: async (files) => {
      batches.push(files);
      return true;
    },
    reloaded: () => {},
    failed: (m) => assert.fail(m),
  });
  try {
    writeFileSync(join(dir, 'node_modules', 'dep.js'), '1');
    writeFileSync(join(dir, 'lib', 'util.mjs'), 'export const x = 1;\n');
    for (let i = 0; i < 100 && batches.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(batches, [['lib/util.mjs']]);
  } finally {
    watcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
