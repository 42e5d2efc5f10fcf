/**
 * SQS in time, with the JS SDK: long polling that returns as a message arrives, visibility timeouts running out,
 * delays, redrive to a dead-letter queue after maxReceiveCount; and `ctx.queues`, the interface the other services
 * (S3, SNS, EventBridge senders; Lambda's event source mapping poller) use.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { startSqs, type SqsFixture } from './helpers.js';

let h: SqsFixture;
before(async () => {
  h = await startSqs();
});
after(() => h.close());

async function queue(name: string, Attributes?: Record<string, string>): Promise<{ url: string; arn: string }> {
  const url = (await h.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:${h.sandbox.region}:000000000000:${name}` };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('long polling: ReceiveMessage with WaitTimeSeconds returns as soon as a message is sent, not at the end of the wait', async () => {
  const { url } = await queue('long-poll');
  const started = Date.now();
  const polling = h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
  await sleep(300);
  await h.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
  const { Messages } = await polling;
  const took = Date.now() - started;
  assert.equal(Messages?.[0]?.Body, 'wake up');
  assert.ok(took >= 250 && took < 3000, `returned after ${took} ms`);
});

test('long polling on an empty queue waits WaitTimeSeconds (the queue attribute when not given) and answers no messages', async () => {
  const { url } = await queue('empty-poll', { ReceiveMessageWaitTimeSeconds: '1' });
  const started = Date.now();
  const { Messages } = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
  const took = Date.now() - started;
  assert.equal(Messages, undefined);
  assert.ok(took >= 950 && took < 3000, `returned after ${took} ms`);
  const quick = Date.now();
  await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }));
  assert.ok(Date.now() - quick < 900, 'WaitTimeSeconds 0 overrides the queue attribute');
});

test('visibility timeout: a received message is hidden, then visible again with ApproximateReceiveCount 2 once it runs out', async () => {
  const { url } = await queue('expiry', { VisibilityTimeout: '1' });
  await h.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'twice' }));
  const first = (await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0]!;
  assert.equal((await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
  // A long poll wakes when the timeout runs out.
  const started = Date.now();
  const again = (await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5, MessageSystemAttributeNames: ['All'] })))
    .Messages![0]!;
  assert.ok(Date.now() - started < 2000);
  assert.equal(again.MessageId, first.MessageId);
  assert.equal(again.Attributes?.ApproximateReceiveCount, '2');
  // The first receive's handle no longer deletes; the second's does.
  await h.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle }));
  await h.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again.ReceiptHandle }));
  const attrs = (await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  assert.equal(attrs.ApproximateNumberOfMessages, '0');
  assert.equal(attrs.ApproximateNumberOfMessagesNotVisible, '0');
});

test('DelaySeconds (message and queue): delayed, then visible; a long poll wakes when the delay ends', async () => {
  const { url } = await queue('delays', { DelaySeconds: '1' });
  await h.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'queue delay' }));
  const attrs = (await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] })))
    .Attributes!;
  assert.equal(attrs.ApproximateNumberOfMessagesDelayed, '1');
  assert.equal((await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
  const got = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
  assert.equal(got.Messages?.[0]?.Body, 'queue delay');
  await h.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'no delay', DelaySeconds: 0 }));
  assert.equal((await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0]?.Body, 'no delay');
});

test('redrive: after maxReceiveCount receives the message moves to the dead-letter queue, keeping id, body, attributes and its count', async () => {
  const dlq = await queue('orders-dlq');
  const source = await queue('orders-src', {
    VisibilityTimeout: '0',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
  });
  const sent = await h.sqs.send(
    new SendMessageCommand({
      QueueUrl: source.url,
      MessageBody: 'poison',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'bad' } },
    }),
  );
  for (let i = 1; i <= 2; i++) {
    const m = (
      await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }))
    ).Messages;
    assert.equal(m?.[0]?.Attributes?.ApproximateReceiveCount, String(i));
  }
  assert.equal((await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url }))).Messages, undefined, 'third receive: moved instead');
  const dead = (
    await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }))
  ).Messages![0]!;
  assert.equal(dead.MessageId, sent.MessageId);
  assert.equal(dead.Body, 'poison');
  assert.equal(dead.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.equal(dead.Attributes?.ApproximateReceiveCount, '3');
  assert.equal(dead.Attributes?.DeadLetterQueueSourceArn, source.arn);
  const counts = (await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl: source.url, AttributeNames: ['All'] }))).Attributes!;
  assert.equal(Number(counts.ApproximateNumberOfMessages) + Number(counts.ApproximateNumberOfMessagesNotVisible), 0);
});

test('ctx.queues: send with attributes, receive in Lambda SQS-record shape, waitForMessages resolves early, delete, changeVisibility', async () => {
  const queues = h.sandbox.context.queues;
  const { url, arn } = await queue('registry', { VisibilityTimeout: '7' });
  assert.equal(queues.exists(arn), true);
  assert.equal(queues.exists(`${arn}-missing`), false);
  assert.equal(queues.visibilityTimeoutOf(arn), 7);
  assert.equal(queues.visibilityTimeoutOf(`${arn}-missing`), undefined);
  const started = Date.now();
  const waiting = queues.waitForMessages(arn, 5000);
  setTimeout(
    () =>
      queues.send(arn, '{"Records":[]}', {
        messageAttributes: { bin: { DataType: 'Binary', BinaryValue: Uint8Array.of(1, 2) }, s: { DataType: 'String', StringValue: 'v' } },
        senderId: 'AIDAS3',
      }),
    200,
  );
  await waiting;
  assert.ok(Date.now() - started < 2000, 'resolved on the send');
  const [record, ...rest] = queues.receive(arn, { max: 10 });
  assert.equal(rest.length, 0);
  assert.equal(record!.body, '{"Records":[]}');
  assert.equal(record!.md5OfBody, createHash('md5').update('{"Records":[]}').digest('hex'));
  assert.deepEqual(Object.keys(record!.attributes).sort(), [
    'ApproximateFirstReceiveTimestamp',
    'ApproximateReceiveCount',
    'SenderId',
    'SentTimestamp',
  ]);
  assert.equal(record!.attributes.SenderId, 'AIDAS3');
  assert.equal(record!.attributes.ApproximateReceiveCount, '1');
  assert.deepEqual(record!.messageAttributes, {
    bin: { binaryValue: 'AQI=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    s: { stringValue: 'v', stringListValues: [], binaryListValues: [], dataType: 'String' },
  });
  // The API agrees on the digest of the same attributes.
  queues.changeVisibility(arn, record!.receiptHandle, 0);
  const viaApi = (await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'] }))).Messages![0]!;
  assert.equal(viaApi.MD5OfMessageAttributes, record!.md5OfMessageAttributes);
  assert.equal(queues.delete(arn, record!.receiptHandle), false, 'superseded by the API receive');
  assert.equal(queues.delete(arn, viaApi.ReceiptHandle!), true);
  assert.equal(queues.delete(arn, viaApi.ReceiptHandle!), false, 'already deleted');
  assert.equal(queues.delete(arn, 'garbage'), false);
  assert.throws(() => queues.send(`${arn}-missing`, 'x'), /does not exist/);
  assert.throws(() => queues.send(arn, ''), /MessageBody/);
  const aborted = new AbortController();
  const cut = queues.waitForMessages(arn, 5000, aborted.signal);
  aborted.abort();
  await cut;
  const missing = Date.now();
  await queues.waitForMessages(`${arn}-missing`, 300);
  assert.ok(Date.now() - missing >= 250, 'a missing queue waits out ms rather than answering at once');
});

test('ctx.queues.allowsSend evaluates the queue Policy for sqs:SendMessage (principal, aws:SourceArn)', async () => {
  const queues = h.sandbox.context.queues;
  const { url, arn } = await queue('guarded');
  assert.equal(queues.allowsSend(arn, 's3.amazonaws.com', 'arn:aws:s3:::bucket'), false, 'no policy: nothing allowed');
  const Policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'SQS:SendMessage',
        Resource: arn,
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::uploads-*' }, StringEquals: { 'aws:SourceAccount': '000000000000' } },
      },
    ],
  });
  await h.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy } }));
  assert.equal(queues.allowsSend(arn, 's3.amazonaws.com', 'arn:aws:s3:::uploads-eu'), true);
  assert.equal(queues.allowsSend(arn, 's3.amazonaws.com', 'arn:aws:s3:::other'), false);
  assert.equal(queues.allowsSend(arn, 'sns.amazonaws.com', 'arn:aws:s3:::uploads-eu'), false);
  assert.equal(queues.allowsSend(`${arn}-missing`, 's3.amazonaws.com', 'arn:aws:s3:::uploads-eu'), false);
});

test('a long poll the client abandons takes no message: the next receive gets it with ApproximateReceiveCount 1', async () => {
  const { url } = await queue('abandoned');
  const abort = new AbortController();
  const polling = h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }), { abortSignal: abort.signal });
  await sleep(200);
  abort.abort();
  await assert.rejects(polling);
  await sleep(100);
  await h.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'for the next one' }));
  const got = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
  assert.equal(got.Messages?.[0]?.Body, 'for the next one');
  assert.equal(got.Messages?.[0]?.Attributes?.ApproximateReceiveCount, '1');
});

test('closing the sandbox ends pending long polls and waits at once', async () => {
  const own = await startSqs();
  const { QueueUrl } = await own.sqs.send(new CreateQueueCommand({ QueueName: 'closing' }));
  const arn = `arn:aws:sqs:${own.sandbox.region}:000000000000:closing`;
  const polling = own.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 })).catch(() => 'cut');
  const waiting = own.sandbox.context.queues.waitForMessages(arn, 20_000);
  await sleep(200);
  const started = Date.now();
  await own.close();
  await Promise.all([polling, waiting]);
  assert.ok(Date.now() - started < 2000, `closed after ${Date.now() - started} ms`);
  const after = Date.now();
  await own.sandbox.context.queues.waitForMessages(arn, 20_000);
  assert.ok(Date.now() - after < 100, 'a wait after close returns at once');
});
