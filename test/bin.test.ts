/** dist/bin.cjs, the installed command: runs the bundle from a per-user V8 code cache that it writes once. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { CLI, cleanEnv, cliBuilt, NOT_BUILT, runCli, workDir } from './ci/helpers.js';

function setup() {
  const dir = workDir();
  const cache = join(dir, 'cache');
  return { dir, cache, env: { S3TRIGGER_CACHE_DIR: cache } };
}

const cacheFiles = (cache: string) => readdirSync(cache).filter((n) => n.endsWith('.v8cache'));
const listed = (cache: string) => {
  try {
    return readdirSync(cache);
  } catch {
    return [];
  }
};
// A run that does its job: one PUT on the in-process sandbox.
const PUT = ['--local', '--bucket', 'test-bucket', '--put', 'test.txt'];

test('the built command is executable, as `npx s3trigger` in a fresh clone runs it (the README quick start)', {
  skip: cliBuilt ? false : NOT_BUILT,
}, () => {
  assert.notEqual(statSync(CLI).mode & 0o111, 0, `${CLI} has no execute bit`);
  const r = spawnSync(CLI, ['--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('the bundles are ASCII: bin.cjs decodes them as latin1, which reads any other byte wrongly', {
  skip: cliBuilt ? false : NOT_BUILT,
}, () => {
  for (const name of ['s3trigger.cjs', 'sandbox.cjs']) {
    const bundle = readFileSync(join(dirname(CLI), name));
    const at = bundle.findIndex((byte) => byte > 0x7f);
    assert.equal(at, -1, `${name}: non-ASCII byte at offset ${at}: ${bundle.subarray(Math.max(0, at - 40), at + 10).toString()}`);
  }
});

test('`s3trigger sandbox` runs its own bundle, which holds no SDK client: it starts and checks its flags without the CLI bundle', async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const { dir, cache, env } = setup();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sandboxBundle = readFileSync(join(dirname(CLI), 'sandbox.cjs'), 'latin1');
  for (const client of ['S3Client', 'LambdaClient', 'CloudWatchLogsClient']) assert.ok(!sandboxBundle.includes(client), client);
  // An install without the CLI's bundle: only bin.cjs, the sandbox's bundle and the runtimes' bootstraps.
  const install = join(dir, 'install');
  const runtimes = join(install, 'sandbox', 'lambda', 'runtimes');
  mkdirSync(runtimes, { recursive: true });
  for (const f of ['bin.cjs', 'lifecycle.cjs', 'sandbox.cjs']) copyFileSync(join(dirname(CLI), f), join(install, f));
  for (const f of ['bootstrap.mjs', 'bootstrap.py', 'bootstrap.rb'])
    copyFileSync(join(dirname(CLI), 'sandbox', 'lambda', 'runtimes', f), join(runtimes, f));
  const bin = join(install, 'bin.cjs');
  const bad = spawnSync(process.execPath, [bin, 'sandbox', '--bogus'], { cwd: dir, env: cleanEnv(dir, env), encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 's3trigger: Unknown argument: bogus (see --help)\n');
  const twice = spawnSync(process.execPath, [bin, 'sandbox', '--port', '1', '--port', '2'], {
    cwd: dir,
    env: cleanEnv(dir, env),
    encoding: 'utf8',
  });
  assert.equal(twice.status, 2);
  assert.match(twice.stderr, /--port was given more than once/);

  const readyAndStop = async () => {
    const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0'], {
      cwd: dir,
      env: cleanEnv(dir, env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const line = await new Promise<string>((resolve) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', () => resolve(''));
    });
    assert.match(line, /^s3trigger sandbox ready on http:\/\/127\.0\.0\.1:\d+ /);
    await new Promise((resolve) => setTimeout(resolve, 200)); // past the GC it runs once ready
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  };
  await readyAndStop();
  // The sandbox sets a V8 flag for a moment once ready (to collect its start's garbage): its cache must still match.
  const [written] = cacheFiles(cache);
  assert.ok(written, 'the sandbox run wrote its code cache');
  const mtime = statSync(join(cache, written)).mtimeMs;
  await readyAndStop();
  assert.deepEqual(cacheFiles(cache), [written]);
  assert.equal(statSync(join(cache, written)).mtimeMs, mtime, 'the second run used the cache (V8 did not reject it)');
});

test('a successful run writes one code cache; the next run uses it unchanged; --help and usage errors write none', async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const { dir, cache, env } = setup();
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const help = await runCli(['--help'], dir, env);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Exit codes:/);
  const usage = await runCli(['--bucket', 'bad_bucket', '--put', 'test.txt'], dir, env);
  assert.equal(usage.code, 2);
  assert.deepEqual(
    listed(cache).filter((n) => n.endsWith('.v8cache')),
    [],
    'help and usage errors leave no cache',
  );

  const first = await runCli(PUT, dir, env);
  assert.equal(first.code, 0, first.stderr);
  const files = cacheFiles(cache);
  assert.equal(files.length, 1, `cache dir holds ${readdirSync(cache).join(', ')}`);
  const file = join(cache, files[0]!);
  assert.ok(statSync(file).size > 100_000, 'the cache holds compiled code');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(cache).mode & 0o777, 0o700);
  const written = statSync(file).mtimeMs;

  const second = await runCli(PUT, dir, env);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout.replace(/:\d+/g, ':PORT'), first.stdout.replace(/:\d+/g, ':PORT'));
  assert.deepEqual(cacheFiles(cache), files);
  assert.equal(statSync(file).mtimeMs, written, 'an accepted cache is not rewritten');
});

test('each command keeps its own code cache: a sandbox or `event` run does not replace the one a PUT compiled', async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const { dir, cache, env } = setup();
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const put = await runCli(PUT, dir, env);
  assert.equal(put.code, 0, put.stderr);
  const [putCache] = cacheFiles(cache);
  const written = statSync(join(cache, putCache!)).mtimeMs;
  const event = await runCli(['event', 'put', '--bucket', 'test-bucket', '--key', 'k'], dir, env);
  assert.equal(event.code, 0, event.stderr);
  assert.equal(cacheFiles(cache).length, 2, `cache dir holds ${readdirSync(cache).join(', ')}`);
  assert.ok(cacheFiles(cache).includes(putCache!), "the PUT's cache is kept");
  assert.equal(statSync(join(cache, putCache!)).mtimeMs, written);

  const again = await runCli(PUT, dir, env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(statSync(join(cache, putCache!)).mtimeMs, written, 'the PUT still finds its own cache');
});

test('a corrupt or group-writable cache is not used but replaced; stale caches and temp files of this install are removed', async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const { dir, cache, env } = setup();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal((await runCli(PUT, dir, env)).code, 0);
  const [name] = cacheFiles(cache);
  assert.ok(name);
  const install = name.split('-')[0]!;
  writeFileSync(join(cache, name), 'not a V8 code cache');
  chmodSync(join(cache, name), 0o666);
  writeFileSync(join(cache, `${install}-0000000000000000-v0.0.0-x64.v8cache`), 'an older build');
  writeFileSync(join(cache, `${name}.999.tmp`), 'left by a killed run');
  writeFileSync(join(cache, 'other-install.v8cache'), 'not ours');

  const r = await runCli(PUT, dir, env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Done\. Uploaded 29 bytes from file: test.txt$/m);
  assert.deepEqual(readdirSync(cache).sort(), [name, 'other-install.v8cache'].sort());
  assert.notEqual(readFileSync(join(cache, name), 'utf8'), 'not a V8 code cache');
  assert.equal(statSync(join(cache, name)).mode & 0o777, 0o600);
});

test('a rebuilt bundle of the same size and mtime gets its own cache (V8 checks only the length)', async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const { dir, cache, env } = setup();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A copy of the installed command: bin.cjs and the bundle side by side, as npm installs them.
  const install = join(dir, 'install');
  mkdirSync(install);
  const bin = join(install, 'bin.cjs');
  const bundle = join(install, 's3trigger.cjs');
  copyFileSync(CLI, bin);
  copyFileSync(CLI.replace(/bin\.cjs$/, 's3trigger.cjs'), bundle);
  // The Lambda runtimes' bootstraps are files of the package too (dist/sandbox/lambda/runtimes/).
  const runtimes = join(install, 'sandbox', 'lambda', 'runtimes');
  mkdirSync(runtimes, { recursive: true });
  for (const f of ['bootstrap.mjs', 'bootstrap.py', 'bootstrap.rb'])
    copyFileSync(join(dirname(CLI), 'sandbox', 'lambda', 'runtimes', f), join(runtimes, f));
  const npmTime = new Date('1985-10-26T08:15:00Z'); // npm unpacks every file with this mtime
  utimesSync(bundle, npmTime, npmTime);
  const warm = spawnSync(process.execPath, [bin, ...PUT], { cwd: dir, env: cleanEnv(dir, env), encoding: 'utf8' });
  assert.equal(warm.status, 0, warm.stderr);
  assert.equal(cacheFiles(cache).length, 1);

  const text = readFileSync(bundle, 'utf8');
  const edited = text.replace('is required with an operation flag', 'IS REQUIRED WITH AN OPERATION FLAG');
  assert.equal(edited.length, text.length);
  writeFileSync(bundle, edited);
  utimesSync(bundle, npmTime, npmTime);
  const r = spawnSync(process.execPath, [bin, '--put', 'test.txt'], { cwd: dir, env: cleanEnv(dir, env), encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--bucket BUCKET IS REQUIRED WITH AN OPERATION FLAG/);
});

test('S3TRIGGER_CODE_CACHE=0 writes nothing; an unusable cache dir is not an error', async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  const { dir, cache } = setup();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const off = await runCli(PUT, dir, { S3TRIGGER_CACHE_DIR: cache, S3TRIGGER_CODE_CACHE: '0' });
  assert.equal(off.code, 0, off.stderr);
  assert.deepEqual(listed(cache), []);

  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, '');
  const blocked = await runCli(PUT, dir, { S3TRIGGER_CACHE_DIR: join(blocker, 'cache') });
  assert.equal(blocked.code, 0, blocked.stderr);
  assert.equal(blocked.stderr, '');

  const shared = join(dir, 'shared');
  mkdirSync(shared, { mode: 0o777 });
  chmodSync(shared, 0o777);
  const open = await runCli(PUT, dir, { S3TRIGGER_CACHE_DIR: shared });
  assert.equal(open.code, 0, open.stderr);
  assert.deepEqual(readdirSync(shared), [], 'no cache in a directory others can write');
});
