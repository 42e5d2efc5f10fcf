/**
 * The TUI's confirmations on the real-AWS path, in a real terminal (tmux) against the AWS-shaped target:
 * a missing --bucket is created only after `y`, and DELETE asks first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HeadBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CLI, workDir } from '../ci/helpers.js';
import { awsShapedSkip, PRELOAD, startAwsShapedTarget } from './harness.js';

const skip = (await awsShapedSkip()) ?? (spawnSync('tmux', ['-V']).status === 0 ? undefined : 'tmux not found on PATH');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll(what: string, read: () => string, ok: (value: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last seen:\n${value}`);
    await sleep(200);
  }
}

test('tmux on AWS: a missing --bucket is created only after y, and DELETE asks first', { skip, timeout: 120_000 }, async (t) => {
  const target = await startAwsShapedTarget();
  const dir = workDir();
  const s3 = new S3Client({
    endpoint: target.sandbox.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const env: NodeJS.ProcessEnv = { ...target.env(dir), TERM: 'xterm-256color', S3TRIGGER_CACHE_DIR: join(dir, 'code-cache') };
  delete env.TMUX;
  delete env.NO_COLOR;
  const socket = join(dir, 'tmux.sock');
  const tmux = (...args: string[]) => {
    const r = spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  };
  t.after(async () => {
    spawnSync('tmux', ['-S', socket, 'kill-server'], { env });
    s3.destroy();
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the view on `bucket` in a tmux session of its own; `quit()` presses q and returns the exit code. */
  const open = (bucket: string) => {
    const exitFile = join(dir, `exit-${bucket}`);
    const command = `node --import '${PRELOAD}' '${CLI}' --bucket ${bucket}; echo $? > '${exitFile}'`;
    tmux('new-session', '-d', '-s', bucket, '-x', '120', '-y', '40', '-c', dir, 'sh', '-c', command);
    const screen = () =>
      existsSync(exitFile) ? `exited early: ${readFileSync(exitFile, 'utf8')}` : tmux('capture-pane', '-p', '-t', bucket);
    const keys = (k: string) => tmux('send-keys', '-t', bucket, '-l', k);
    const quit = async () => {
      keys('q');
      return poll(
        'the exit code',
        () => (existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : ''),
        (c) => c !== '',
      );
    };
    return { screen, keys, quit };
  };

  const view = open('tui-bucket');
  await poll('the create-bucket question', view.screen, (s) => s.includes('Bucket tui-bucket does not exist in this account. Create it?'));
  assert.match(view.screen(), /AWS account 000000000000 \(region eu-west-1\)/);
  await assert.rejects(
    s3.send(new HeadBucketCommand({ Bucket: 'tui-bucket' })),
    { name: 'NotFound' },
    'nothing is created before the answer',
  );
  view.keys('y');
  await poll('the bucket to be opened', view.screen, (s) => s.includes('no Lambda function in the notification configuration'));
  await s3.send(new HeadBucketCommand({ Bucket: 'tui-bucket' }));

  view.keys('p');
  // The bucket notifies nothing: the view asks before firing an operation that cannot trigger anything.
  await poll('the preview question', view.screen, (s) => s.includes('will not notify anything · fire anyway?'));
  view.keys('y');
  await poll('the PUT to be acknowledged', view.screen, (s) => /^\s*1 PUT\s+test\.txt\s+29 B\b/m.test(s));
  view.keys('d');
  // One question for both (the preview's warning, then DELETE on AWS); it may wrap.
  await poll('the DELETE question', view.screen, (s) => s.replace(/\s+/g, ' ').includes('Delete s3://tui-bucket/test.txt on AWS?'));
  assert.doesNotMatch(view.screen(), /^\s*2 DELETE\s/m, 'nothing fired before the answer');
  await s3.send(new HeadObjectCommand({ Bucket: 'tui-bucket', Key: 'test.txt' }));
  view.keys('y');
  await poll('the DELETE row or the preview question', view.screen, (s) => /^\s*2 DELETE\s/m.test(s) || s.includes('fire anyway?'));
  if (view.screen().includes('fire anyway?')) view.keys('y');
  await poll('the DELETE row', view.screen, (s) => /^\s*2 DELETE\s/m.test(s));
  const gone = async () =>
    s3.send(new HeadObjectCommand({ Bucket: 'tui-bucket', Key: 'test.txt' })).then(
      () => false,
      () => true,
    );
  for (let end = Date.now() + 15_000; !(await gone()); await sleep(200)) assert.ok(Date.now() < end, 'the DELETE removed the object');
  assert.equal(await view.quit(), '0');
});
