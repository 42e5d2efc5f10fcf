/** SQS state across a restart with a persistent data dir: queues, attributes, messages with visibility, receive counts and receipts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { SNAPSHOT_DEBOUNCE_MS } from '../../../src/sandbox/sqs/store.js';
import { startSqs } from './helpers.js';

test('queues and messages (visible, in flight with their receipt, delayed) survive a restart with the same data dir', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-sqs-data-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await startSqs({ dataDir });
  const { QueueUrl: dlqUrl } = await first.sqs.send(new CreateQueueCommand({ QueueName: 'kept-dlq' }));
  const { QueueUrl } = await first.sqs.send(
    new CreateQueueCommand({
      QueueName: 'kept',
      Attributes: {
        VisibilityTimeout: '60',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:000000000000:kept-dlq', maxReceiveCount: 5 }),
      },
      tags: { team: 'a' },
    }),
  );
  await first.sqs.send(
    new SendMessageCommand({ QueueUrl, MessageBody: 'in flight', MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } } }),
  );
  const inFlight = (await first.sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages![0]!;
  await first.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'waiting' }));
  await first.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 900 }));
  const before = (await first.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes!;
  await first.close();
  assert.ok(existsSync(join(dataDir, 'sqs', 'state.json')));

  const second = await startSqs({ dataDir });
  t.after(() => second.close());
  const urls = (await second.sqs.send(new ListQueuesCommand({}))).QueueUrls!.map((u) => u.split('/').pop());
  assert.deepEqual(urls, ['kept', 'kept-dlq']);
  const url = `${second.sandbox.endpoint}/000000000000/kept`;
  const after = (await second.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  assert.deepEqual(after, before, 'attributes, timestamps and counts (1 visible, 1 in flight, 1 delayed) as before');
  const got = (await second.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages!;
  assert.deepEqual(
    got.map((m) => m.Body),
    ['waiting'],
    'the in-flight message stays hidden, the delayed one delayed',
  );
  // The receipt handle given before the restart still deletes its message.
  await second.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: inFlight.ReceiptHandle }));
  const counts = (await second.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  assert.equal(counts.ApproximateNumberOfMessagesNotVisible, '1', 'only the message just received');
  assert.equal(counts.ApproximateNumberOfMessagesDelayed, '1');
  assert.ok(dlqUrl);
});

test('a change reaches the disk within the debounce, before any close (no per-message write on the hot path)', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-sqs-data-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const h = await startSqs({ dataDir });
  t.after(() => h.close());
  const { QueueUrl } = await h.sqs.send(new CreateQueueCommand({ QueueName: 'debounced' }));
  for (let i = 0; i < 50; i++) await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }));
  await new Promise((r) => setTimeout(r, SNAPSHOT_DEBOUNCE_MS * 4));
  const state = JSON.parse(readFileSync(join(dataDir, 'sqs', 'state.json'), 'utf8')) as {
    queues: { name: string; messages: { body: string }[] }[];
  };
  assert.equal(state.queues[0]?.name, 'debounced');
  assert.equal(state.queues[0]?.messages.length, 50);
  assert.deepEqual(readdirSync(join(dataDir, 'sqs')), ['state.json'], 'no temp file left behind');
});

test('an unreadable state file is set aside with a log line, and the sandbox starts with no queues', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-sqs-data-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const prepared = await startSqs({ dataDir });
  await prepared.close();
  writeFileSync(join(dataDir, 'sqs', 'state.json'), '{"version":1,"queues":[{"na');
  const lines: string[] = [];
  const h = await startSqs({ dataDir, log: (l) => lines.push(l) });
  t.after(() => h.close());
  assert.equal((await h.sqs.send(new ListQueuesCommand({}))).QueueUrls, undefined);
  assert.ok(
    lines.some((l) => /sqs: .*state\.json could not be read .*moved to .*state\.json\.unreadable-/.test(l)),
    lines.join('\n'),
  );
  assert.ok(readdirSync(join(dataDir, 'sqs')).some((f) => f.startsWith('state.json.unreadable-')));
});
