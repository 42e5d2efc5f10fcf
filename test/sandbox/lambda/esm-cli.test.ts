/**
 * The AWS CLIs (v1 and v2) against the sandbox's event source mapping API: create-event-source-mapping,
 * get / list / update / delete, and a delivery through the mapping. The queue side is an in-memory registry on the
 * context that records what the poller does (the SQS walkthrough with real queues is in esm-sqs.test.ts).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { QueueRegistry, ReceivedQueueMessage } from '../../../src/sandbox/context.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { AWS_CLIS, findCli, awsCliEnv } from '../../aws-cli.js';
import { ROLE } from './helpers.js';

const run = promisify(execFile);

/** One queue holding messages until a consumer deletes them; hidden for the visibility timeout once received. */
class OneQueue implements QueueRegistry {
  readonly messages: { id: string; body: string; handle?: string; visibleAt: number; receives: number }[] = [];
  constructor(readonly arns: string[]) {}
  exists = (arn: string) => this.arns.includes(arn);
  send(_arn: string, body: string) {
    const id = randomUUID();
    this.messages.push({ id, body, visibleAt: 0, receives: 0 });
    return { messageId: id };
  }
  receive(_arn: string, options: { max: number }): ReceivedQueueMessage[] {
    const now = Date.now();
    return this.messages
      .filter((m) => m.visibleAt <= now)
      .slice(0, options.max)
      .map((m) => {
        m.handle = randomUUID();
        m.visibleAt = now + 30_000;
        m.receives++;
        return {
          messageId: m.id,
          receiptHandle: m.handle,
          body: m.body,
          attributes: {
            ApproximateReceiveCount: String(m.receives),
            SentTimestamp: '1',
            SenderId: 'x',
            ApproximateFirstReceiveTimestamp: '2',
          },
          messageAttributes: {},
          md5OfBody: 'm',
        };
      });
  }
  waitForMessages = (_arn: string, ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 100)));
  delete(_arn: string, handle: string): boolean {
    const at = this.messages.findIndex((m) => m.handle === handle);
    if (at !== -1) this.messages.splice(at, 1);
    return at !== -1;
  }
  changeVisibility(): void {}
  visibilityTimeoutOf = () => 30;
  allowsSend = () => true;
}

let sb: Sandbox;
let dir: string;
before(async () => {
  sb = await startSandbox({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 's3trigger-esm-cli-'));
  writeFileSync(join(dir, 'config'), '');
  writeFileSync(join(dir, 'credentials'), '');
  writeFileSync(
    join(dir, 'worker.zip'),
    zipPackage({ 'worker.py': `def handler(event, context):\n    for r in event['Records']:\n        print('got', r['body'])\n` }),
  );
});
after(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

async function aws(cli: string, args: string[]): Promise<Record<string, unknown>> {
  const env = awsCliEnv(dir, sb.region);
  const { stdout } = await run(cli, ['--endpoint-url', sb.endpoint, '--output', 'json', ...args], { env, cwd: dir, timeout: 60_000 });
  return stdout.trim() ? JSON.parse(stdout) : {};
}

async function awsError(cli: string, args: string[]): Promise<string> {
  try {
    await aws(cli, args);
  } catch (err) {
    return String((err as { stderr?: string }).stderr);
  }
  throw new Error('expected the command to fail');
}

for (const [label, candidate, major] of AWS_CLIS) {
  test(`aws CLI ${label}: create-event-source-mapping, get, list, update, delete; a message reaches the function`, async (t) => {
    const cli = await findCli(candidate, major);
    if (!cli) return t.skip(`aws CLI ${label} not found`);
    const fn = `esm-cli-${label}`;
    const queue = `arn:aws:sqs:${sb.region}:000000000000:esm-cli-${label}`;
    const queues = new OneQueue([queue]);
    sb.context.queues = queues;
    await aws(cli, [
      'lambda',
      'create-function',
      '--function-name',
      fn,
      '--runtime',
      'python3.12',
      '--handler',
      'worker.handler',
      '--role',
      ROLE,
      '--zip-file',
      'fileb://worker.zip',
    ]);
    const created = await aws(cli, [
      'lambda',
      'create-event-source-mapping',
      '--function-name',
      fn,
      '--event-source-arn',
      queue,
      '--batch-size',
      '5',
      '--function-response-types',
      'ReportBatchItemFailures',
    ]);
    assert.equal(created.State, 'Creating');
    assert.equal(created.BatchSize, 5);
    assert.equal(created.EventSourceArn, queue);
    assert.deepEqual(created.FunctionResponseTypes, ['ReportBatchItemFailures']);
    // Epoch seconds on the wire: v1 prints them as received, v2 as ISO 8601.
    if (major === '1') assert.equal(typeof created.LastModified, 'number');
    else assert.match(String(created.LastModified), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    const uuid = created.UUID as string;

    const listed = await aws(cli, ['lambda', 'list-event-source-mappings', '--function-name', fn]);
    assert.deepEqual(
      (listed.EventSourceMappings as { UUID: string; State: string }[]).map((m) => [m.UUID, m.State]),
      [[uuid, 'Enabled']],
    );
    const byQueue = await aws(cli, ['lambda', 'list-event-source-mappings', '--event-source-arn', queue]);
    assert.equal((byQueue.EventSourceMappings as unknown[]).length, 1);

    queues.send(queue, `hello from ${label}`);
    const deadline = Date.now() + 30_000;
    while (queues.messages.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(queues.messages.length, 0, 'processed and deleted');

    const updated = await aws(cli, ['lambda', 'update-event-source-mapping', '--uuid', uuid, '--no-enabled', '--batch-size', '3']);
    assert.deepEqual([updated.State, updated.BatchSize], ['Disabling', 3]);
    const got = await aws(cli, ['lambda', 'get-event-source-mapping', '--uuid', uuid]);
    assert.equal(got.State, 'Disabled');
    const duplicate = await awsError(cli, ['lambda', 'create-event-source-mapping', '--function-name', fn, '--event-source-arn', queue]);
    assert.match(duplicate, /ResourceConflictException/);
    const deleted = await aws(cli, ['lambda', 'delete-event-source-mapping', '--uuid', uuid]);
    assert.equal(deleted.State, 'Deleting');
    const gone = await awsError(cli, ['lambda', 'get-event-source-mapping', '--uuid', uuid]);
    assert.match(gone, /ResourceNotFoundException/);
  });
}
