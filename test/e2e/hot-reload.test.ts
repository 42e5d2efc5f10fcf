/**
 * Hot reload of `--local --handler FILE` through the engine (SessionApi over the embedded sandbox): a PUT logs line A;
 * a saved change to a module the handler imports (and to the handler itself) makes the next PUT log line B without a
 * restart, with a HandlerReloaded event (the TUI's "reloaded"); a rebuilt Go `bootstrap` reloads too (skipped without go).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { testTiming } from '../observe/helpers.js';
import { createSession } from '../../src/session.js';
import type { SessionApi, SessionEvent } from '../../src/events.js';

const run = promisify(execFile);
const env = { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

function recorder(session: SessionApi) {
  const events: SessionEvent[] = [];
  const waiters: { pred: (e: SessionEvent) => boolean; ok: () => void }[] = [];
  session.on((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (!w.pred(e)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.ok();
    }
  });
  const until = (pred: (e: SessionEvent) => boolean, what: string, ms = 30_000) =>
    new Promise<void>((ok, fail) => {
      if (events.some(pred)) return ok();
      const timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), ms);
      waiters.push({
        pred,
        ok: () => {
          clearTimeout(timer);
          ok();
        },
      });
    });
  return { events, until };
}

const logged = (text: string) => (e: SessionEvent) => e.type === 'LogLine' && e.line.message.includes(text);

async function putAndSee(session: SessionApi, rec: ReturnType<typeof recorder>, bucket: string, file: string, key: string, text: string) {
  const { settled } = session.fire({ kind: 'put', bucket, file, key });
  const state = await settled;
  assert.equal(state.status, 'matched', `PUT ${key} matched an invocation`);
  await rec.until(logged(text), `log line "${text}"`);
}

test('--local --handler h.mjs: a saved change to an imported module, then to the handler, is used by the next PUT', async () => {
  const dir = tempDir('s3trigger-reload-');
  writeFileSync(join(dir, 'msg.mjs'), "export const msg = 'line-A';\n");
  writeFileSync(
    join(dir, 'h.mjs'),
    "import { msg } from './msg.mjs';\nexport const handler = async (event) => { console.log('HOT ' + msg + ' ' + event.Records[0].s3.object.key); return 1; };\n",
  );
  const body = join(dir, 'body.txt');
  writeFileSync(body, 'x\n');
  const session = await createSession({
    ...testTiming(),
    local: true,
    bucket: 'reload-bucket',
    handler: join(dir, 'h.mjs'),
    env,
    matchTimeoutMs: 20_000,
  });
  try {
    const rec = recorder(session);
    await session.selectBucket('reload-bucket');
    await putAndSee(session, rec, 'reload-bucket', body, 'one.txt', 'HOT line-A one.txt');

    writeFileSync(join(dir, 'msg.mjs'), "export const msg = 'line-B';\n");
    await rec.until((e) => e.type === 'HandlerReloaded', 'HandlerReloaded');
    const reload = rec.events.find((e) => e.type === 'HandlerReloaded');
    assert.ok(reload?.type === 'HandlerReloaded');
    assert.deepEqual(reload.files, ['msg.mjs']);
    await putAndSee(session, rec, 'reload-bucket', body, 'two.txt', 'HOT line-B two.txt');

    const before = rec.events.filter((e) => e.type === 'HandlerReloaded').length;
    writeFileSync(join(dir, 'h.mjs'), readFileSync(join(dir, 'h.mjs'), 'utf8').replace("'HOT '", "'HOT2 '"));
    await rec.until(
      (e) => e.type === 'HandlerReloaded' && rec.events.filter((x) => x.type === 'HandlerReloaded').length > before,
      'a 2nd reload',
    );
    await putAndSee(session, rec, 'reload-bucket', body, 'three.txt', 'HOT2 line-B three.txt');
    assert.ok(!rec.events.some(logged('HOT line-A three.txt')));
  } finally {
    await session.close();
  }
});

test('a write that does not change the package (same bytes) or only touches node_modules does not reload', async () => {
  const dir = tempDir('s3trigger-reload-same-');
  const source = 'export const handler = async () => 1;\n';
  writeFileSync(join(dir, 'h.mjs'), source);
  mkdirSync(join(dir, 'node_modules'));
  const session = await createSession({ ...testTiming(), local: true, bucket: 'same-bucket', handler: join(dir, 'h.mjs'), env });
  try {
    const rec = recorder(session);
    writeFileSync(join(dir, 'h.mjs'), source);
    writeFileSync(join(dir, 'node_modules', 'dep.js'), 'module.exports = 1;\n');
    // A real change afterwards is reported with only its own file: the two above were no reloads.
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(join(dir, 'h.mjs'), `${source}// changed\n`);
    await rec.until((e) => e.type === 'HandlerReloaded', 'HandlerReloaded');
    const reloads = rec.events.filter((e) => e.type === 'HandlerReloaded');
    assert.equal(reloads.length, 1);
    assert.ok(reloads[0]?.type === 'HandlerReloaded');
    assert.deepEqual(reloads[0].files, ['h.mjs']);
  } finally {
    await session.close();
  }
});

async function hasGo(): Promise<boolean> {
  try {
    await run('go', ['version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

async function goBuild(source: string, out: string): Promise<void> {
  const gocache = join(tmpdir(), 's3trigger-test-gocache');
  mkdirSync(gocache, { recursive: true });
  await run('go', ['build', '-o', out, source], {
    timeout: 240_000,
    env: { ...process.env, GOCACHE: gocache, GOPATH: join(gocache, 'gopath'), CGO_ENABLED: '0', GOFLAGS: '', GO111MODULE: 'off' },
  });
}

test('--local --handler bootstrap: a rebuilt Go binary is used by the next PUT', async (t) => {
  if (!(await hasGo())) {
    t.skip('go is not installed (Debian: golang-go)');
    return;
  }
  const dir = tempDir('s3trigger-reload-go-');
  const src = tempDir('s3trigger-reload-go-src-');
  const original = readFileSync(resolve('test/fixtures/go-runtime/main.go'), 'utf8');
  assert.match(original, /fmt\.Printf\("%s s3:\/\//);
  writeFileSync(join(src, 'main.go'), original);
  await goBuild(join(src, 'main.go'), join(dir, 'bootstrap'));
  const body = join(src, 'body.txt');
  writeFileSync(body, 'x\n');
  const session = await createSession({
    ...testTiming(),
    local: true,
    bucket: 'go-reload',
    handler: join(dir, 'bootstrap'),
    env,
    matchTimeoutMs: 20_000,
  });
  try {
    const rec = recorder(session);
    await session.selectBucket('go-reload');
    await putAndSee(session, rec, 'go-reload', body, 'g1.txt', 's3://go-reload/g1.txt');
    assert.ok(!rec.events.some(logged('REBUILT ')));
    writeFileSync(join(src, 'main.go'), original.replace('fmt.Printf("%s s3://', 'fmt.Printf("REBUILT %s s3://'));
    // go build writes a temporary file and renames it over bootstrap: one reload.
    await goBuild(join(src, 'main.go'), join(dir, 'bootstrap'));
    await rec.until((e) => e.type === 'HandlerReloaded', 'HandlerReloaded', 60_000);
    await putAndSee(session, rec, 'go-reload', body, 'g2.txt', 'REBUILT ObjectCreated:Put s3://go-reload/g2.txt');
  } finally {
    await session.close();
  }
});
