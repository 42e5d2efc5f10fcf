import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { demoPackage, mergeNotification, nearestPackageType, parseHandlerOption, runtimeFor, setupDemo } from '../../src/sandbox/demo.js';
import { unzipPackage } from '../../src/sandbox/lambda/zip.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

test('parseHandlerOption splits FILE[:func]', () => {
  const cases: [string, { file: string; func: string }][] = [
    ['handler.py', { file: 'handler.py', func: 'handler' }],
    ['src/app.mjs:main', { file: 'src/app.mjs', func: 'main' }],
    ['C:\\code\\app.js:go', { file: 'C:\\code\\app.js', func: 'go' }],
    ['./x.js', { file: './x.js', func: 'handler' }],
  ];
  for (const [input, expected] of cases) assert.deepEqual(parseHandlerOption(input), expected, input);
});

test('runtimeFor picks the runtime and the Lambda handler string by extension', () => {
  const v = { node: '20.11.0', python: '3.11', ruby: '3.3' };
  assert.deepEqual(runtimeFor('a/event_handler.py', 'handler', v), { runtime: 'python3.11', handler: 'event_handler.handler' });
  assert.deepEqual(runtimeFor('index.mjs', 'handler', v), { runtime: 'nodejs20.x', handler: 'index.handler' });
  assert.deepEqual(runtimeFor('lib/fn.js', 'main', v), { runtime: 'nodejs20.x', handler: 'fn.main' });
  assert.throws(() => runtimeFor('x.txt', 'handler', v), /\.js, \.mjs, \.py or \.rb/);
});

test('demoPackage zips the built-in handler or the user file; missing file is a usage error', () => {
  const builtIn = demoPackage();
  assert.equal(builtIn.handler, 'index.handler');
  const files = unzipPackage(builtIn.zip);
  assert.ok(files.ok && files.files.has('index.mjs'));
  assert.deepEqual(demoPackage().zip, builtIn.zip, 'deterministic zip');
  assert.throws(
    () => demoPackage('/nonexistent/h.py'),
    (err: Error & { code?: string }) => err.code === 'Usage',
  );
});

test('demoPackage keeps ESM meaning for a .js handler under a "type": "module" package.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-demo-esm-'));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', type: 'module' }));
    writeFileSync(join(dir, 'h.js'), 'export const handler = async () => 1;');
    const esm = unzipPackage(demoPackage(join(dir, 'h.js')).zip);
    assert.ok(esm.ok);
    assert.deepEqual([...esm.files.keys()].sort(), ['h.js', 'package.json']);
    assert.equal(nearestPackageType(dir), 'module');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x' }));
    const cjs = unzipPackage(demoPackage(join(dir, 'h.js')).zip);
    assert.ok(cjs.ok);
    assert.deepEqual([...cjs.files.keys()], ['h.js']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mergeNotification keeps other functions and replaces ours', () => {
  const arn = 'arn:aws:lambda:eu-west-1:000000000000:function:event-handler';
  const other = {
    Id: 'x',
    LambdaFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:other',
    Events: ['s3:ObjectCreated:Put' as const],
  };
  const merged = mergeNotification([other, { Id: 'old', LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'] }], arn);
  assert.deepEqual(
    merged.map((c) => c.Id),
    ['x', 's3trigger-demo-created', 's3trigger-demo-removed'],
  );
});

async function waitForLines(logs: CloudWatchLogsClient, group: string, predicate: (messages: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    let messages: string[] = [];
    try {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
      messages = (out.events ?? []).map((e) => e.message ?? '');
    } catch (err) {
      if (!(err instanceof Error && err.name === 'ResourceNotFoundException')) throw err;
    }
    if (predicate(messages)) return messages;
    if (Date.now() > deadline) throw new Error(`timed out; log:\n${messages.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const blockOf = (messages: string[]) =>
  messages.map((m) => /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2} .*/.exec(m)?.[0]).filter((x): x is string => x !== undefined);

async function withSandbox(
  fn: (sb: Sandbox, clients: { s3: S3Client; logs: CloudWatchLogsClient; lambda: LambdaClient }) => Promise<void>,
) {
  const sb = await startSandbox({ port: 0 });
  const common = { endpoint: sb.endpoint, region: sb.region, credentials };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const logs = new CloudWatchLogsClient(common);
  const lambda = new LambdaClient(common);
  try {
    await fn(sb, { s3, logs, lambda });
  } finally {
    s3.destroy();
    logs.destroy();
    lambda.destroy();
    await sb.close();
  }
}

test('setupDemo: bucket + event-handler + notification, idempotent; PUT and DELETE print the blog block', async () => {
  await withSandbox(async (sb, { s3, logs, lambda }) => {
    const first = await setupDemo(sb, { bucket: 'test-bucket' });
    const second = await setupDemo(sb, { bucket: 'test-bucket' });
    assert.deepEqual(second, first);
    assert.equal(first.functionName, 'event-handler');
    assert.equal(first.logGroup, '/aws/lambda/event-handler');
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: 'event-handler' }));
    assert.equal(fn.Configuration?.State, 'Active');
    const cfg = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'test-bucket' }));
    assert.deepEqual(cfg.LambdaFunctionConfigurations?.flatMap((c) => c.Events).sort(), ['s3:ObjectCreated:*', 's3:ObjectRemoved:*']);

    const put = await s3.send(new PutObjectCommand({ Bucket: 'test-bucket', Key: 'test.txt', Body: 'S3 events trigger demo file.\n' }));
    await waitForLines(logs, first.logGroup, (m) => m.some((l) => l.startsWith('REPORT')));
    await s3.send(new DeleteObjectCommand({ Bucket: 'test-bucket', Key: 'test.txt' }));
    const messages = await waitForLines(logs, first.logGroup, (m) => m.filter((l) => l.startsWith('REPORT')).length === 2);
    const block = blockOf(messages);
    const ts = block[0]!.slice(0, 19);
    const etag = put.ETag!.replaceAll('"', '');
    assert.deepEqual(
      block.slice(0, 9).map((l) => l.slice(20)),
      [
        'S3 Event Detected',
        '-------------------------------',
        'Event Type: ObjectCreated:Put (Put)',
        `Timestamp:  ${block[3]!.slice(32)}`,
        'Bucket:     test-bucket',
        'Object:     test.txt',
        'Size:       29 bytes',
        `ETag:       ${etag}`,
        '-------------------------------',
      ],
    );
    assert.match(block[3]!, /Timestamp: {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(block.slice(0, 9).every((l) => l.startsWith(ts)));
    assert.equal(block[11]!.slice(20), 'Event Type: ObjectRemoved:Delete (Delete)');
    assert.equal(block[15]!.slice(20), 'Size:       0 bytes');
    assert.equal(block[16]!.slice(20).trimEnd(), 'ETag:');
  });
});

test('setupDemo with --handler FILE:func runs the user python handler', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-demo-'));
  const file = join(dir, 'my_handler.py');
  writeFileSync(
    file,
    `def main(event, context):\n    for r in event['Records']:\n        print('got', r['eventName'], r['s3']['object']['key'])\n`,
  );
  try {
    await withSandbox(async (sb, { s3, logs }) => {
      await setupDemo(sb, { bucket: 'user-bucket', handler: `${file}:main` });
      await s3.send(new PutObjectCommand({ Bucket: 'user-bucket', Key: 'a.txt', Body: 'x' }));
      const messages = await waitForLines(logs, '/aws/lambda/event-handler', (m) => m.some((l) => l.startsWith('REPORT')));
      assert.ok(messages.includes('got ObjectCreated:Put a.txt\n'), messages.join(''));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
