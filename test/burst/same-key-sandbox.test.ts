/**
 * The new user's walkthrough, end to end: `s3trigger sandbox --demo test-bucket` (instant timing) in its own process,
 * then `--burst N --same-key` from the built CLI at its endpoint. Every write gets its own event there, so a same-key
 * burst is all matched: nothing coalesced, nothing duplicated; and a same-key DELETE burst (the key is gone after the
 * first) is matched like any other, as S3 publishes ObjectRemoved:Delete for a missing key too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CLI, cliBuilt, NOT_BUILT, ndjson, runCli, workDir } from '../ci/helpers.js';

const skip = !cliBuilt && NOT_BUILT;

async function startDemoSandbox(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--demo', 'test-bucket'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const url = /ready on (http:\/\/\S+?) /.exec(line)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code}: ${stderr}`)));
  });
  return { child, endpoint };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((ok) => {
    if (child.exitCode !== null) return ok();
    child.once('exit', () => ok());
    child.kill('SIGTERM');
  });
}

const env = (endpoint: string) => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'eu-west-1',
});

test('sandbox --demo, --burst 40 --same-key --json: 40 matched, coalesced 0, duplicated 0, one invocation each', { skip }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sandbox = await startDemoSandbox();
  t.after(() => stop(sandbox.child));
  const r = await runCli(
    ['--bucket', 'test-bucket', '--burst', '40', '--same-key', '--timeout', '30s', '--json'],
    dir,
    env(sandbox.endpoint),
  );
  assert.equal(r.code, 0, r.stderr);
  const records = ndjson(r.stdout);
  const ops = records.filter((x) => x.type === 'op');
  const summary = records.at(-1)!;
  assert.equal(ops.length, 40);
  assert.equal(new Set(ops.map((o) => o.key)).size, 1, 'one key');
  assert.deepEqual(
    { matched: summary.matched, coalesced: summary.coalesced, duplicated: summary.duplicated, lost: summary.lost },
    { matched: 40, coalesced: 0, duplicated: 0, lost: 0 },
  );
  assert.equal(summary.extraInvocations, 0);
  for (const o of ops) {
    assert.equal(o.burst.class, 'matched', `write ${o.burst.index}`);
    assert.equal(o.burst.duplicated, false, `write ${o.burst.index}`);
    assert.equal(o.matches.length, 1, `write ${o.burst.index} has one invocation`);
  }
  assert.equal(new Set(ops.map((o) => o.match.requestId)).size, 40, '40 distinct invocations, one per write');
});

test('sandbox --demo, --burst 20 --same-key --op delete: every delete matched, exit 0', { skip }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sandbox = await startDemoSandbox();
  t.after(() => stop(sandbox.child));
  // A short --timeout: deletes without an event would each wait it out and exit 3.
  const args = ['--bucket', 'test-bucket', '--burst', '20', '--same-key', '--op', 'delete', '--timeout', '10s'];
  const json = await runCli([...args, '--json'], dir, env(sandbox.endpoint));
  assert.equal(json.code, 0, json.stderr);
  const records = ndjson(json.stdout);
  const ops = records.filter((x) => x.type === 'op');
  assert.equal(ops.length, 20);
  for (const o of ops) {
    assert.equal(o.op, 'delete');
    assert.equal(o.burst.class, 'matched', `delete ${o.burst.index}: ${o.status}`);
  }
  const summary = records.at(-1)!;
  assert.deepEqual(
    { matched: summary.matched, coalesced: summary.coalesced, lost: summary.lost, duplicated: summary.duplicated },
    { matched: 20, coalesced: 0, lost: 0, duplicated: 0 },
  );
  assert.equal(new Set(ops.map((o) => o.match.requestId)).size, 20, 'one invocation per delete');
  // The text summary says the same.
  const text = await runCli(args, dir, env(sandbox.endpoint));
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^Matched {11}20$/m);
  assert.match(text.stdout, /^Coalesced {9}0 /m);
  assert.match(text.stdout, /^Duplicated {8}0$/m);
});
