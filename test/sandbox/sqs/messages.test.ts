/**
 * SQS message operations with the JS SDK (which verifies MD5OfMessageBody / MD5OfBody on every send and receive):
 * attributes and their MD5 against values AWS returned for the same input, batches and their errors, receipt
 * handles, visibility changes, limits.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { rejection, startSqs, type SqsFixture } from './helpers.js';

let h: SqsFixture;
before(async () => {
  h = await startSqs();
});
after(() => h.close());

async function queue(name: string, Attributes?: Record<string, string>): Promise<string> {
  return (await h.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes })))!.QueueUrl!;
}

const count = async (QueueUrl: string) =>
  (await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes!;

test('SendMessage + ReceiveMessage: MD5s as AWS computes them (values AWS returned for these attributes), system attributes', async () => {
  const QueueUrl = await queue('md5', { VisibilityTimeout: '0' });
  const before = Date.now();
  const sent = await h.sqs.send(
    new SendMessageCommand({
      QueueUrl,
      MessageBody: 'msg',
      MessageAttributes: {
        'Help.Me': { DataType: 'String', StringValue: 'Me' },
        Hello: { DataType: 'String', StringValue: 'There' },
        General: { DataType: 'String', StringValue: 'Kenobi' },
      },
    }),
  );
  assert.equal(sent.MD5OfMessageBody, '6e2baaf3b97dbeef01c0043275f9a0e7');
  assert.equal(sent.MD5OfMessageAttributes, '4c360f3fdafd970e05fae2f149d997f5');
  assert.match(sent.MessageId!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // The digest covers the attributes returned, so it changes with MessageAttributeNames (AWS's own values).
  const cases: [string[], string | undefined, string[]][] = [
    [['All'], '4c360f3fdafd970e05fae2f149d997f5', ['General', 'Hello', 'Help.Me']],
    [['.*'], '4c360f3fdafd970e05fae2f149d997f5', ['General', 'Hello', 'Help.Me']],
    [['*'], '4c360f3fdafd970e05fae2f149d997f5', ['General', 'Hello', 'Help.Me']],
    [['Hello', 'General'], 'fca026605781cb4126a1e9044df24232', ['General', 'Hello']],
    [['Foo', 'Hello'], 'a311262e065454b75da111d535b8dacd', ['Hello']],
    [['Hel.*'], '83fee93c1bcd8b9a5a923ffacdc636c7', ['Hello', 'Help.Me']],
    [['Foo', 'Help'], undefined, []],
    [[], undefined, []],
  ];
  for (const [names, md5, keys] of cases) {
    const { Messages } = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: names }));
    const m = Messages![0]!;
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, 'msg');
    assert.equal(m.MD5OfBody, '6e2baaf3b97dbeef01c0043275f9a0e7');
    assert.equal(m.MD5OfMessageAttributes, md5, names.join(','));
    assert.deepEqual(Object.keys(m.MessageAttributes ?? {}).sort(), keys);
    assert.equal(m.Attributes, undefined, 'no system attributes asked for');
  }
  const { Messages } = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'] }));
  const attrs = Messages![0]!.Attributes!;
  assert.deepEqual(Object.keys(attrs).sort(), ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp']);
  assert.equal(attrs.ApproximateReceiveCount, String(cases.length + 1));
  assert.equal(attrs.SenderId, '000000000000');
  assert.ok(Number(attrs.SentTimestamp) >= before && Number(attrs.SentTimestamp) <= Date.now());
  assert.ok(Number(attrs.ApproximateFirstReceiveTimestamp) >= Number(attrs.SentTimestamp));
  const one = await h.sqs.send(
    new ReceiveMessageCommand({ QueueUrl, AttributeNames: ['SenderId', 'SequenceNumber'] as unknown as 'All'[] }),
  );
  assert.deepEqual(one.Messages![0]!.Attributes, { SenderId: '000000000000' });
  const bad = await rejection(h.sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['Colour' as 'All'] })));
  assert.equal(bad.name, 'InvalidAttributeName');
});

test('binary attributes round-trip; their MD5 is the value AWS returned for the same bytes; AWSTraceHeader is a system attribute', async () => {
  const QueueUrl = await queue('binary');
  const bytes = Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1');
  const sent = await h.sqs.send(
    new SendMessageCommand({
      QueueUrl,
      MessageBody: 'test',
      MessageAttributes: { attr1: { DataType: 'Binary', BinaryValue: bytes } },
      MessageSystemAttributes: {
        AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' },
      },
    }),
  );
  assert.equal(sent.MD5OfMessageAttributes, '8cbe4db156db8a94db8b801b7addb984');
  assert.match(sent.MD5OfMessageSystemAttributes!, /^[0-9a-f]{32}$/);
  const { Messages } = await h.sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['AWSTraceHeader'] }),
  );
  const m = Messages![0]!;
  assert.equal(m.MD5OfMessageAttributes, '8cbe4db156db8a94db8b801b7addb984');
  assert.deepEqual(Buffer.from(m.MessageAttributes!.attr1!.BinaryValue!), bytes);
  assert.equal(m.MessageAttributes!.attr1!.DataType, 'Binary');
  assert.deepEqual(m.Attributes, { AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' });
});

test('bodies: any XML character survives (CR, emoji, CJK); an empty body is MissingParameter, a control character InvalidMessageContents', async () => {
  const QueueUrl = await queue('bodies');
  const body = 'line1\r\nline2\t<b>&amp;</b> "q" \'a\' 🙂 日本';
  await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
  const { Messages } = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  assert.equal(Messages![0]!.Body, body);
  const empty = await rejection(h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '' })));
  assert.equal(empty.Code, 'MissingParameter');
  assert.equal(empty.message, 'The request must contain the parameter MessageBody.');
  const control = await rejection(h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'bell\u0007' })));
  assert.equal(control.name, 'InvalidMessageContents');
  assert.match(control.message, /#x7/);
});

test('limits: MaximumMessageSize counts body and attributes; attribute checks; DelaySeconds 0-900', async () => {
  const QueueUrl = await queue('limits');
  const attrs = { k: { DataType: 'String', StringValue: 'x' } }; // 1 + 6 + 1 bytes
  await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a'.repeat(1048576 - 8), MessageAttributes: attrs }));
  const big = await rejection(
    h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a'.repeat(1048576 - 7), MessageAttributes: attrs })),
  );
  assert.equal(big.Code, 'InvalidParameterValue');
  assert.equal(big.message, 'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.');
  await h.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { MaximumMessageSize: '1024' } }));
  await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a'.repeat(1024) }));
  const small = await rejection(h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a'.repeat(1025) })));
  assert.match(small.message, /Message must be shorter than 1024 bytes/);
  const attributeCases: [Record<string, { DataType: string; StringValue?: string }>, RegExp][] = [
    [{ e: { DataType: 'String', StringValue: '' } }, /must contain a non-empty value of type 'String'/],
    [{ n: { DataType: 'Number', StringValue: 'twelve' } }, /to a number/],
    [{ 'AWS.x': { DataType: 'String', StringValue: 'v' } }, /reserved for internal use/],
    [{ 'bad name': { DataType: 'String', StringValue: 'v' } }, /can only contain/],
    [{ t: { DataType: 'Text', StringValue: 'v' } }, /supported type prefixes/],
    [
      Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }])),
      /exceeds the allowed maximum \[10\]/,
    ],
  ];
  for (const [MessageAttributes, message] of attributeCases) {
    const err = await rejection(h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageAttributes })));
    assert.equal(err.Code, 'InvalidParameterValue', JSON.stringify(MessageAttributes).slice(0, 60));
    assert.match(err.message, message);
  }
  await h.sqs.send(
    new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageAttributes: { n: { DataType: 'Number.int', StringValue: '-1.5e3' } } }),
  );
  const delay = await rejection(h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', DelaySeconds: 901 })));
  assert.equal(delay.Code, 'InvalidParameterValue');
  const max = await rejection(h.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })));
  assert.equal(max.message, 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.');
  const wait = await rejection(h.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 21 })));
  assert.equal(wait.message, 'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.');
});

test('SendMessageBatch: per-entry results and failures; empty, too many, repeated and invalid ids, too long', async () => {
  const QueueUrl = await queue('batch');
  const out = await h.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'first', MessageAttributes: { Hello: { DataType: 'String', StringValue: 'There' } } },
        { Id: 'b', MessageBody: '' },
        { Id: 'c-2_x', MessageBody: 'third', DelaySeconds: 0 },
      ],
    }),
  );
  assert.deepEqual(
    out.Successful!.map((s) => [s.Id, s.MD5OfMessageBody, s.MD5OfMessageAttributes]),
    [
      ['a', '8b04d5e3775d298e78455efc5ca404d5', 'a311262e065454b75da111d535b8dacd'],
      ['c-2_x', 'dd5c8bf51558ffcbe5007071908e9524', undefined],
    ],
  );
  assert.deepEqual(out.Failed, [
    { Id: 'b', SenderFault: true, Code: 'MissingParameter', Message: 'The request must contain the parameter MessageBody.' },
  ]);
  const errors: [SendMessageBatchRequestEntry[], string, RegExp][] = [
    [[], 'EmptyBatchRequest', /at least one SendMessageBatchRequestEntry/],
    [Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })), 'TooManyEntriesInBatchRequest', /You have sent 11\./],
    [
      [
        { Id: 'same', MessageBody: 'x' },
        { Id: 'same', MessageBody: 'y' },
      ],
      'BatchEntryIdsNotDistinct',
      /Id same repeated/,
    ],
    [[{ Id: 'no spaces', MessageBody: 'x' }], 'InvalidBatchEntryId', /alphanumeric characters, hyphens and underscores/],
    [
      Array.from({ length: 2 }, (_, i) => ({ Id: `big${i}`, MessageBody: 'a'.repeat(600_000) })),
      'BatchRequestTooLong',
      /cannot be longer than 1048576 bytes. You have sent 1200000 bytes/,
    ],
  ];
  for (const [Entries, name, message] of errors) {
    const err = await rejection(h.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries })));
    assert.equal(err.name, name);
    assert.equal(err.Code, `AWS.SimpleQueueService.${name}`);
    assert.match(err.message, message);
  }
  assert.equal((await count(QueueUrl)).ApproximateNumberOfMessages, '2', 'a refused batch queues nothing');
});

test('receipt handles: new per receive; only the latest deletes; garbage is ReceiptHandleIsInvalid; a deleted one is a quiet success', async () => {
  const QueueUrl = await queue('handles');
  await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'once' }));
  const first = (await h.sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }))).Messages![0]!;
  const second = (await h.sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 30 }))).Messages![0]!;
  assert.equal(second.MessageId, first.MessageId);
  assert.notEqual(second.ReceiptHandle, first.ReceiptHandle);
  // AWS: with an older handle "the request succeeds, but the message will not be deleted".
  await h.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle }));
  assert.equal((await count(QueueUrl)).ApproximateNumberOfMessagesNotVisible, '1');
  const stale = await rejection(
    h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0 })),
  );
  assert.equal(stale.Code, 'InvalidParameterValue');
  assert.match(stale.message, /Message does not exist or is not available for visibility timeout change/);
  await h.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second.ReceiptHandle }));
  const after = await count(QueueUrl);
  assert.equal(after.ApproximateNumberOfMessages, '0');
  assert.equal(after.ApproximateNumberOfMessagesNotVisible, '0');
  await h.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second.ReceiptHandle }));
  const garbage = await rejection(h.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'garbage' })));
  assert.equal(garbage.name, 'ReceiptHandleIsInvalid');
  assert.equal(garbage.message, 'The input receipt handle "garbage" is not a valid receipt handle.');
  const otherQueue = await queue('handles-other');
  const foreign = await rejection(h.sqs.send(new DeleteMessageCommand({ QueueUrl: otherQueue, ReceiptHandle: second.ReceiptHandle })));
  assert.equal(foreign.name, 'ReceiptHandleIsInvalid');
});

test('ChangeMessageVisibility(Batch) and DeleteMessageBatch: visible again at 0, per-entry failures', async () => {
  const QueueUrl = await queue('visibility');
  await h.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: ['1', '2', '3'].map((Id) => ({ Id, MessageBody: `m${Id}` })) }));
  const got = (await h.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages!;
  assert.deepEqual(got.map((m) => m.Body).sort(), ['m1', 'm2', 'm3']);
  assert.equal((await h.sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined, 'all in flight');
  await h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: got[0]!.ReceiptHandle, VisibilityTimeout: 0 }));
  const again = (await h.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages!;
  assert.deepEqual(
    again.map((m) => m.MessageId),
    [got[0]!.MessageId],
  );
  const range = await rejection(
    h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: again[0]!.ReceiptHandle, VisibilityTimeout: 43201 })),
  );
  assert.equal(range.Code, 'InvalidParameterValue');
  const changed = await h.sqs.send(
    new ChangeMessageVisibilityBatchCommand({
      QueueUrl,
      Entries: [
        { Id: 'ok', ReceiptHandle: got[1]!.ReceiptHandle, VisibilityTimeout: 0 },
        { Id: 'bad', ReceiptHandle: 'nope', VisibilityTimeout: 0 },
      ],
    }),
  );
  assert.deepEqual(changed.Successful, [{ Id: 'ok' }]);
  assert.deepEqual(
    changed.Failed?.map((f) => [f.Id, f.Code, f.SenderFault]),
    [['bad', 'ReceiptHandleIsInvalid', true]],
  );
  const third = (await h.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages!;
  assert.deepEqual(
    third.map((m) => m.MessageId),
    [got[1]!.MessageId],
  );
  const deleted = await h.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl,
      Entries: [
        { Id: 'x', ReceiptHandle: again[0]!.ReceiptHandle },
        { Id: 'y', ReceiptHandle: third[0]!.ReceiptHandle },
        { Id: 'z', ReceiptHandle: got[2]!.ReceiptHandle },
        { Id: 'w', ReceiptHandle: 'garbage' },
      ],
    }),
  );
  assert.deepEqual(
    deleted.Successful?.map((s) => s.Id),
    ['x', 'y', 'z'],
  );
  assert.deepEqual(
    deleted.Failed?.map((f) => [f.Id, f.Code]),
    [['w', 'ReceiptHandleIsInvalid']],
  );
  const left = await count(QueueUrl);
  assert.equal(Number(left.ApproximateNumberOfMessages) + Number(left.ApproximateNumberOfMessagesNotVisible), 0);
  const empty = await rejection(h.sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [] })));
  assert.equal(empty.name, 'EmptyBatchRequest');
});
