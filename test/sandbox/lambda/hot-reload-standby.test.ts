/**
 * `--handler` hot reload end to end on the real sandbox (SDK clients, the handler watcher as `--local --handler` starts
 * it): a saved change starts the new code's execution environment before any event arrives (its INIT_START is in the
 * function's log group with no invocation yet), and the next Invoke runs the new code and reports Init Duration once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startSandbox } from '../../../src/sandbox/server.js';
import { setupDemo } from '../../../src/sandbox/demo.js';
import { startHandlerReload, type HandlerReloadNotice } from '../../../src/sandbox/handler-reload.js';

test('a saved handler starts its new environment before the next event; that invoke runs the new code with Init Duration', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-reload-standby-'));
  const file = join(dir, 'h.mjs');
  writeFileSync(file, 'export const handler = async () => 0;\n');
  const sb = await startSandbox({ port: 0 });
  const clientConfig = { endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const lambda = new LambdaClient(clientConfig);
  const logs = new CloudWatchLogsClient(clientConfig);
  const setup = await setupDemo(sb, { bucket: 'reload-standby', handler: file });
  const reloads = startHandlerReload(sb, file, [setup.functionName]);
  assert.ok(reloads, 'the handler folder can be watched');
  const notices: HandlerReloadNotice[] = [];
  reloads.on((n) => notices.push(n));
  const initStarts = async () => {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: setup.logGroup, filterPattern: '"INIT_START"' }));
    return out.events?.length ?? 0;
  };
  const invoke = () => lambda.send(new InvokeCommand({ FunctionName: setup.functionName, Payload: Buffer.from('{}'), LogType: 'Tail' }));
  const waitFor = async (what: string, ok: () => Promise<boolean> | boolean) => {
    const deadline = Date.now() + 30_000;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    assert.equal(Buffer.from((await invoke()).Payload!).toString(), '0');
    assert.equal(await initStarts(), 1);

    writeFileSync(file, 'export const handler = async () => 1;\n');
    await waitFor('the reload', () => notices.some((n) => n.type === 'reloaded'));
    await waitFor('the new environment to start without an event', async () => (await initStarts()) === 2);

    const first = await invoke();
    assert.equal(Buffer.from(first.Payload!).toString(), '1');
    assert.match(Buffer.from(first.LogResult ?? '', 'base64').toString(), /Init Duration: [\d.]+ ms/);
    const second = await invoke();
    assert.doesNotMatch(Buffer.from(second.LogResult ?? '', 'base64').toString(), /Init Duration/);
    assert.equal(await initStarts(), 2, 'the invoke used the environment started at the reload');
  } finally {
    reloads.close();
    lambda.destroy();
    logs.destroy();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
