/**
 * A full disk under the Logs journal (a 2 MiB tmpfs as the data dir): an acknowledged event is never lost
 * or glued to the next one; a batch that cannot be written whole fails with a 500 (Lambda's own lines
 * are reported on the sandbox log instead) and the journal stays replayable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import { startLogsFixture } from './helpers.js';

function mountTmpfs(dir: string): string | undefined {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0
    ? undefined
    : `cannot mount a tmpfs here (${(r.stderr || r.error?.message || 'mount failed').trim()}): disk-full test skipped`;
}

async function allMessages(logs: CloudWatchLogsClient, logGroupName: string): Promise<string[]> {
  const out: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName, nextToken }));
    out.push(...(page.events ?? []).map((e) => e.message!));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

test('disk full: acknowledged events survive whole, the failing batch gets a 500, Lambda lines are reported, the journal replays', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-diskfull-'));
  const problem = mountTmpfs(dir);
  if (problem) {
    rmSync(dir, { recursive: true, force: true });
    return t.skip(problem);
  }
  const fixtures: { close(): Promise<void> }[] = [];
  t.after(async () => {
    for (const fx of fixtures) await fx.close(); // before the unmount, which a busy mount refuses
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  const filler = join(dir, 'filler');
  writeFileSync(filler, Buffer.alloc(512 * 1024));
  const sandboxLog: string[] = [];
  const fx = await startLogsFixture({ dataDir: join(dir, 'data'), log: (line) => sandboxLog.push(line) });
  fixtures.push(fx);
  const g = { logGroupName: 'full', logStreamName: 's' };
  await fx.logs.send(new CreateLogGroupCommand(g));
  await fx.logs.send(new CreateLogStreamCommand(g));

  const acked: string[] = [];
  let failures = 0;
  const put = async (batch: number, size: number, pad: number) => {
    const now = Date.now();
    const messages = Array.from({ length: size }, (_, j) => `ack ${batch}.${j} ${'p'.repeat(pad)}`);
    try {
      await fx.logs.send(new PutLogEventsCommand({ ...g, logEvents: messages.map((message) => ({ timestamp: now, message })) }));
      acked.push(...messages);
    } catch (err) {
      failures++;
      assert.equal((err as Error).name, 'ServiceUnavailableException');
      assert.equal((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 500);
    }
  };
  let batch = 0;
  while (failures === 0 && batch < 200) await put(batch++, 50, 1000);
  assert.equal(failures, 1, 'the disk filled up');
  for (let i = 0; i < 20; i++) await put(batch++, 1, 300); // the last few hundred bytes: whole events or none

  fx.sandbox.context.logs.append('/aws/lambda/fn', 'lambda-stream', [
    { timestamp: Date.now(), message: `lambda line ${'l'.repeat(64 * 1024)}` },
  ]);
  await new Promise((resolve) => setImmediate(resolve)); // the sink stores a turn's lines together
  assert.ok(
    sandboxLog.some((l) => /logs: could not store 1 event\(s\) for \/aws\/lambda\/fn/.test(l)),
    sandboxLog.join('\n'),
  );

  rmSync(filler);
  for (let i = 0; i < 5; i++) await put(batch++, 10, 100); // space again: these must not glue onto anything
  assert.ok(failures >= 1 && acked.length > 0);
  assert.deepEqual(await allMessages(fx.logs, g.logGroupName), acked);
  await fx.close();

  const journal = readFileSync(join(dir, 'data', 'logs', 'journal.ndjson'), 'utf8');
  for (const line of journal.split('\n').slice(0, -1)) assert.doesNotThrow(() => JSON.parse(line), `a whole record: ${line.slice(0, 80)}`);
  const second = await startLogsFixture({ dataDir: join(dir, 'data') });
  fixtures.push(second);
  assert.deepEqual(await allMessages(second.logs, g.logGroupName), acked);
});
