/**
 * The whole observe pipeline against the sandbox: a real S3 PUT (AWS SDK) triggers the sandbox's
 * Lambda runner, which writes CloudWatch Logs; discover() finds the group, the Observer matches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { discover } from '../../src/observe/discover.js';
import { Observer } from '../../src/observe/observer.js';
import { setupDemo } from '../../src/sandbox/demo.js';
import type { ObserveEvent } from '../../src/observe/observer.js';
import { logsClient, Recorder, sandbox } from './helpers.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;
const hasBoto3 = hasPython && spawnSync('python3', ['-c', 'import boto3']).status === 0;

async function scenario(
  handler: { file: string; source: string } | undefined,
  key: string,
  mode: 'auto' | 'poll',
  after?: (rec: Recorder) => Promise<void>,
) {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-observe-'));
  const sb = await sandbox();
  const s3 = new S3Client({
    endpoint: sb.endpoint,
    region: sb.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const logs = logsClient(sb.endpoint, sb.region);
  let observer: Observer | undefined;
  try {
    let handlerPath: string | undefined;
    if (handler) {
      handlerPath = join(dir, handler.file);
      writeFileSync(handlerPath, handler.source);
    }
    await setupDemo(sb, { bucket: 'test-bucket', ...(handlerPath ? { handler: handlerPath } : {}) });
    const discovery = await discover(s3, 'test-bucket', {});
    assert.deepEqual(discovery.logGroups, ['/aws/lambda/event-handler']);
    observer = new Observer({ logs, logGroups: discovery.logGroups, mode, pollFastMs: 100, pollIdleMs: 200, foreignGraceMs: 300 });
    const rec = new Recorder(observer);
    await observer.start();
    observer.pending(1, 'test-bucket');
    const startedAt = Date.now();
    const out = await s3.send(new PutObjectCommand({ Bucket: 'test-bucket', Key: key, Body: 'hello world\n' }));
    const ackedAt = Date.now();
    observer.await({
      result: { opId: 1, op: 'put', bucket: 'test-bucket', key, requestId: out.$metadata.requestId, etag: out.ETag, startedAt, ackedAt },
      eventNames: ['ObjectCreated:Put'],
      timeoutMs: 20_000,
    });
    const m = await rec.waitFor<Extract<ObserveEvent, { type: 'Matched' }>>(
      (e) => e.type === 'Matched' || e.type === 'MatchTimeout',
      'Matched',
      25_000,
    );
    assert.equal(m.type, 'Matched', 'matched, not timed out');
    await after?.(rec);
    return { matched: m, rec };
  } finally {
    await observer?.stop();
    s3.destroy();
    logs.destroy();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('demo handler (node): PUT test.txt is matched by key with Lambda figures', async () => {
  const { matched } = await scenario(undefined, 'test.txt', 'auto');
  assert.equal(matched.confidence, 'key');
  assert.equal(matched.invocation.status, 'succeeded');
  assert.ok(matched.invocation.lines.some((l) => l.message.includes('S3 Event Detected')));
  assert.ok(matched.invocation.report);
  assert.equal(typeof matched.latency.triggerMs, 'number');
  assert.equal(typeof matched.latency.endToEndMs, 'number');
});

test('python handler printing the event: matched by request id (forced polling)', async (t) => {
  if (!hasPython) return t.skip('python3 not found');
  const source = 'import json\ndef handler(event, context):\n    print(json.dumps(event))\n    return {"ok": True}\n';
  const { matched } = await scenario({ file: 'printer.py', source }, 'dir/my file+1.txt', 'poll');
  assert.equal(matched.confidence, 'request-id');
});

test('python handler that prints nothing: matched by time', async (t) => {
  if (!hasPython) return t.skip('python3 not found');
  const source = 'def handler(event, context):\n    return None\n';
  const { matched } = await scenario({ file: 'silent.py', source }, 'quiet.txt', 'auto');
  assert.equal(matched.confidence, 'time');
  assert.ok(matched.invocation.report);
});

test('a python handler writing back into its own bucket: foreign invocations follow ours -> recursion warning', async (t) => {
  if (!hasBoto3) return t.skip('python3 with boto3 not found');
  const source = [
    'import json, urllib.parse, boto3',
    "s3 = boto3.client('s3')",
    'def handler(event, context):',
    '    print(json.dumps(event))',
    "    for r in event.get('Records', []):",
    "        key = urllib.parse.unquote_plus(r['s3']['object']['key'])",
    "        if key.count('.out') < 4:",
    "            s3.put_object(Bucket=r['s3']['bucket']['name'], Key=key + '.out', Body=b'x')",
    '',
  ].join('\n');
  const { matched, rec } = await scenario({ file: 'loop.py', source }, 'loop.txt', 'auto', async (rec) => {
    await rec.waitFor((e) => e.type === 'Warning', 'the recursion warning', 20_000);
  });
  assert.equal(matched.confidence, 'request-id');
  const warning = rec.of('Warning')[0]!;
  assert.match(warning.message, /bucket test-bucket/);
  assert.match(warning.message, /recursive loop/);
  assert.ok(rec.of('Foreign').length >= 3);
});
