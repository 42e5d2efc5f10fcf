/**
 * The runner's side of asynchronous events, on a Lambda service alone (recording logs, a recording queue registry):
 * MaximumEventAgeInSeconds drops a retry that waited too long (EventAgeExceeded), reserved concurrency caps the
 * execution environments, and a throttled event runs once capacity frees.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueueRegistry } from '../../../src/sandbox/context.js';
import { createFn, lambdaHarness } from './helpers.js';

const QUEUE = 'arn:aws:sqs:eu-west-1:000000000000:failed';

function recordingQueues(): { registry: QueueRegistry; sent: { arn: string; body: string }[] } {
  const sent: { arn: string; body: string }[] = [];
  const registry = {
    exists: () => true,
    send: (arn: string, body: string) => {
      sent.push({ arn, body });
      return { messageId: String(sent.length) };
    },
  } as unknown as QueueRegistry;
  return { registry, sent };
}

test('a retry that would start after MaximumEventAgeInSeconds is dropped: EventAgeExceeded record after one attempt', async (t) => {
  // Scale 0.01: 60 s of event age is 10 ms; the retry waits 300 ms.
  const h = await lambdaHarness({ retryDelaysMs: [300, 300] }, { scale: 0.01 });
  t.after(() => h.close());
  const q = recordingQueues();
  h.ctx.queues = q.registry;
  await createFn(h, 'ages-out', 'nodejs20.x', 'index.handler', {
    'index.mjs': `export const handler = async () => { throw new Error('nope'); };`,
  });
  h.service.eventInvokeConfigs.put('ages-out', {
    MaximumEventAgeInSeconds: 60,
    DestinationConfig: { OnFailure: { Destination: QUEUE } },
    lastModifiedMs: Date.now(),
  });
  const id = h.service.functions.invokeAsync('ages-out', '{"a":1}');
  const deadline = Date.now() + 20_000;
  while (q.sent.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(q.sent.length, 1);
  const record = JSON.parse(q.sent[0]!.body);
  assert.equal(record.requestContext.requestId, id);
  assert.equal(record.requestContext.condition, 'EventAgeExceeded');
  assert.equal(record.requestContext.approximateInvokeCount, 1);
  assert.equal(record.responseContext.functionError, 'Unhandled');
  assert.equal(record.responsePayload.errorMessage, 'nope');
  assert.equal(h.sink.messages().filter((m) => m.startsWith(`START RequestId: ${id}`)).length, 1);
});

test('reserved concurrency 2: five slow events run at most two at a time, in at most two environments, all of them', async (t) => {
  const h = await lambdaHarness({}, { scale: 0.01 });
  t.after(() => h.close());
  await createFn(h, 'capped', 'nodejs20.x', 'index.handler', {
    'index.mjs': `export const handler = async () => { await new Promise((r) => setTimeout(r, 300)); return 'ok'; };`,
  });
  h.service.concurrency.put('capped', 2);
  const ids = Array.from({ length: 5 }, (_, i) => h.service.functions.invokeAsync('capped', `{"i":${i}}`));
  let most = 0;
  let running = 0;
  let mostRunning = 0;
  const seen = new Set<string>();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    most = Math.max(most, h.service.runner.environmentCount('capped'));
    running = 0;
    for (const e of h.sink.events) {
      if (e.message.startsWith('START')) running++;
      if (e.message.startsWith('REPORT')) running--;
    }
    mostRunning = Math.max(mostRunning, running);
    for (const id of ids) if (h.sink.messages().some((m) => m.startsWith(`REPORT RequestId: ${id}`))) seen.add(id);
    if (seen.size === ids.length) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(seen.size, 5, 'every event ran');
  assert.ok(most <= 2, `at most 2 environments, saw ${most}`);
  assert.ok(mostRunning <= 2, `at most 2 running, saw ${mostRunning}`);
});
