/**
 * Hot reload in CI mode: the built CLI with `--local --handler h.mjs --put … --wait`; a saved change while the run
 * waits for its invocation prints one line, `Handler reloaded (1 file changed)`, on stderr.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliBuilt, collect, NOT_BUILT, startCli, workDir } from '../ci/helpers.js';

test('CI mode: a reload during the run is one stderr line', { timeout: 120_000 }, async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const code = join(dir, 'fn');
  mkdirSync(code);
  writeFileSync(join(code, 'msg.mjs'), "export const msg = 'v1';\n");
  // It marks its start, then takes long enough that the save below lands while the run waits for it.
  const started = join(dir, 'started');
  writeFileSync(
    join(code, 'h.mjs'),
    `import { writeFileSync } from 'node:fs';\nimport { msg } from './msg.mjs';\nexport const handler = async () => { writeFileSync(${JSON.stringify(started)}, ''); await new Promise((r) => setTimeout(r, 1500)); console.log('HOT ' + msg); };\n`,
  );
  const child = startCli(
    ['--local', '--bucket', 'ci-reload', '--handler', join(code, 'h.mjs'), '--put', join(dir, 'test.txt'), '--wait'],
    dir,
  );
  const done = collect(child);
  while (!existsSync(started)) await new Promise((r) => setTimeout(r, 50));
  writeFileSync(join(code, 'msg.mjs'), "export const msg = 'v2';\n");
  const result = await done;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /HOT v1/, 'the invocation under way finishes with the code it started with');
  const lines = result.stderr.split('\n').filter((l) => l.includes('Handler reloaded'));
  assert.deepEqual(lines, ['Handler reloaded (1 file changed)']);
});
