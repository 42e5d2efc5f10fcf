/**
 * The node runtime's console lines travel on their own pipe (fd 4) that the sandbox reads when it needs to, not per
 * line (log-channel.ts): each line must still keep the time it was printed, show while its invocation runs, and
 * survive a handler that locks up after printing.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFn, lambdaHarness, type Harness } from './helpers.js';

let h: Harness;
const flagDir = mkdtempSync(join(tmpdir(), 's3trigger-log-channel-'));
before(async () => {
  h = await lambdaHarness();
});
after(async () => {
  await h.close();
  rmSync(flagDir, { recursive: true, force: true });
});

const eventsOf = (requestId: string) => {
  const stream = h.sink.events.find((e) => e.message.startsWith(`START RequestId: ${requestId}`))?.stream;
  return h.sink.events.filter((e) => e.stream === stream);
};

test('a console line keeps the time the handler printed it as its event timestamp, not the time the sandbox read it', async () => {
  const source = `export const handler = async () => {
  console.log('early');
  await new Promise((r) => setTimeout(r, 300));
  console.log('late');
  return 'ok';
};`;
  await createFn(h, 'node-ts', 'nodejs20.x', 'index.handler', { 'index.mjs': source });
  for (let i = 0; i < 2; i++) {
    const out = await h.service.functions.invoke('node-ts', '{}');
    assert.equal(out.status, 'success');
    const events = eventsOf(out.requestId);
    for (const word of ['early', 'late']) {
      const e = events.find((x) => x.message.endsWith(`\tINFO\t${word}\n`))!;
      assert.ok(e, `${word} is logged`);
      // The runtime's line starts with the time console.log was called; the event carries that same instant.
      assert.equal(e.timestamp, Date.parse(e.message.split('\t')[0]!), `${word}: event timestamp is the print time`);
    }
  }
});

test('lines of a running invocation are readable before it ends (live tail)', async () => {
  const flag = join(flagDir, 'go');
  const source = `import { existsSync } from 'node:fs';
export const handler = async () => {
  console.log('waiting for the test');
  while (!existsSync(${JSON.stringify(flag)})) await new Promise((r) => setTimeout(r, 20));
  console.log('released');
  return 'ok';
};`;
  await createFn(h, 'node-live', 'nodejs20.x', 'index.handler', { 'index.mjs': source }, { Timeout: 20 });
  let settled = false;
  const pending = h.service.functions.invoke('node-live', '{}').finally(() => {
    settled = true;
  });
  await h.sink.until((events) => events.some((e) => e.message.endsWith('\tINFO\twaiting for the test\n')), 15_000);
  assert.equal(settled, false, 'the line was read while the invocation ran');
  writeFileSync(flag, '');
  const out = await pending;
  assert.equal(out.status, 'success');
  const lines = eventsOf(out.requestId).map((e) => e.message);
  const at = lines.findIndex((l) => l.startsWith('START'));
  assert.match(lines[at + 1]!, /\tINFO\twaiting for the test\n$/);
  assert.match(lines[at + 2]!, /\tINFO\treleased\n$/);
  assert.match(lines[at + 3]!, /^END RequestId/);
  assert.ok(existsSync(flag));
});

test('lines printed just before a synchronous lock-up are kept, before the timeout line, in order', async () => {
  const source = `export const handler = async () => {
  for (let i = 0; i < 50; i++) console.log('line ' + i);
  console.error('last words');
  for (;;) {}
};`;
  await createFn(h, 'node-lockup', 'nodejs20.x', 'index.handler', { 'index.mjs': source }, { Timeout: 1 });
  const out = await h.service.functions.invoke('node-lockup', '{}');
  assert.equal(out.status, 'timeout');
  const lines = eventsOf(out.requestId).map((e) => e.message);
  const at = lines.findIndex((l) => l.startsWith('START'));
  const printed = lines.slice(at + 1, at + 52).map((l) => l.split('\t').slice(2).join('\t'));
  assert.deepEqual(printed, [...Array.from({ length: 50 }, (_, i) => `INFO\tline ${i}\n`), 'ERROR\tlast words\n']);
  assert.match(lines[at + 52]!, /Task timed out after 1\.00 seconds/);
});
