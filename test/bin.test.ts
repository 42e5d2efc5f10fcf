/** dist/bin.cjs, the installed command: runs the bundle from a per-user V8 code cache that it writes once. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliBuilt, NOT_BUILT, runCli, workDir } from './ci/helpers.js';

function setup() {
  const dir = workDir();
  const cache = join(dir, 'cache');
  return { dir, cache, env: { S3TRIGGER_CACHE_DIR: cache } };
}

const cacheFiles = (cache: string) => readdirSync(cache).filter((n) => n.endsWith('.v8cache'));

test('first run writes one code cache; the next run uses it unchanged and prints the same', async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const { dir, cache, env } = setup();
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const first = await runCli(['--help'], dir, env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Exit codes:/);
  const files = cacheFiles(cache);
  assert.equal(files.length, 1, `cache dir holds ${readdirSync(cache).join(', ')}`);
  assert.ok(statSync(join(cache, files[0]!)).size > 100_000, 'the cache holds compiled code');
  const written = statSync(join(cache, files[0]!)).mtimeMs;

  const second = await runCli(['--help'], dir, env);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, first.stdout);
  assert.equal(second.stderr, '');
  assert.deepEqual(cacheFiles(cache), files);
  assert.equal(statSync(join(cache, files[0]!)).mtimeMs, written, 'an accepted cache is not rewritten');
});

test('a corrupt cache is ignored and replaced; stale caches and temp files of this install are removed', async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const { dir, cache, env } = setup();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clean = await runCli(['--help'], dir, env);
  const [name] = cacheFiles(cache);
  assert.ok(name);
  const install = name.split('-')[0]!;
  writeFileSync(join(cache, name), 'not a V8 code cache');
  writeFileSync(join(cache, `${install}-1-2-v0.0.0-x64.v8cache`), 'an older build');
  writeFileSync(join(cache, `${name}.999.tmp`), 'left by a killed run');
  writeFileSync(join(cache, 'other-install.v8cache'), 'not ours');

  const r = await runCli(['--help'], dir, env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, clean.stdout);
  assert.deepEqual(readdirSync(cache).sort(), [name, 'other-install.v8cache'].sort());
  assert.notEqual(readFileSync(join(cache, name), 'utf8'), 'not a V8 code cache');
});

test('S3TRIGGER_CODE_CACHE=0 writes nothing; an unwritable cache dir is not an error', async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const { dir, cache } = setup();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const off = await runCli(['--bucket', 'bad_bucket', '--put', 'test.txt'], dir, { S3TRIGGER_CACHE_DIR: cache, S3TRIGGER_CODE_CACHE: '0' });
  assert.equal(off.code, 2);
  assert.match(off.stderr, /^s3trigger: invalid bucket name 'bad_bucket'/);
  assert.throws(() => readdirSync(cache), /ENOENT/);

  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, '');
  const blocked = await runCli(['--bucket', 'bad_bucket', '--put', 'test.txt'], dir, { S3TRIGGER_CACHE_DIR: join(blocker, 'cache') });
  assert.equal(blocked.code, 2);
  assert.equal(blocked.stderr.trim().split('\n').length, 1, blocked.stderr);
});
