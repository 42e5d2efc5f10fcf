/**
 * SNS -> SQS delivery against a recording `ctx.queues` (the SQS service is built on another branch): the JSON
 * notification in AWS's layout, raw delivery with message attributes, filter policies, the queue policy check under
 * default and --strict, and a missing queue logged.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTopicCommand, PublishCommand, SetSubscriptionAttributesCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import type { QueueMessageAttribute, QueueRegistry } from '../../../src/sandbox/context.js';
import { type SnsFixture, startSnsFixture, until } from './helpers.js';

interface Sent {
  arn: string;
  body: string;
  options?: { messageAttributes?: Record<string, QueueMessageAttribute>; senderId?: string };
}

/** A QueueRegistry that records sends; `allowed` decides allowsSend. */
function recordingQueues(existing: string[], allowed: boolean) {
  const sent: Sent[] = [];
  const checks: [string, string, string][] = [];
  const queues: QueueRegistry = {
    exists: (arn) => existing.includes(arn),
    send: (arn, body, options) => {
      sent.push({ arn, body, ...(options ? { options } : {}) });
      return { messageId: `m-${sent.length}` };
    },
    receive: () => [],
    waitForMessages: async () => {},
    delete: () => false,
    changeVisibility: () => {},
    visibilityTimeoutOf: () => 30,
    allowsSend: (arn, principal, sourceArn) => {
      checks.push([arn, principal, sourceArn]);
      return allowed;
    },
  };
  return { queues, sent, checks };
}

const QUEUE = 'arn:aws:sqs:eu-west-1:000000000000:inbox';
let f: SnsFixture;
before(async () => {
  f = await startSnsFixture();
});
after(async () => {
  await f.close();
});

test('the JSON notification: AWS’s fields, order and layout; Subject omitted when none; attributes as {Type, Value}', async () => {
  const rec = recordingQueues([QUEUE], false);
  f.sandbox.context.queues = rec.queues;
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'to-queue' }));
  const { SubscriptionArn } = await f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: QUEUE }));
  const withSubject = await f.sns.send(
    new PublishCommand({
      TopicArn,
      Message: 'He said "hi"\nthen left',
      Subject: 'Greeting',
      MessageAttributes: { tag: { DataType: 'String', StringValue: 'a' }, n: { DataType: 'Number', StringValue: '7' } },
    }),
  );
  await until(() => rec.sent.length === 1, 'the first send');
  const body = rec.sent[0]!.body;
  assert.equal(rec.sent[0]!.arn, QUEUE);
  const doc = JSON.parse(body);
  assert.deepEqual(Object.keys(doc), [
    'Type',
    'MessageId',
    'TopicArn',
    'Subject',
    'Message',
    'Timestamp',
    'SignatureVersion',
    'Signature',
    'SigningCertURL',
    'UnsubscribeURL',
    'MessageAttributes',
  ]);
  assert.equal(doc.Type, 'Notification');
  assert.equal(doc.MessageId, withSubject.MessageId);
  assert.equal(doc.TopicArn, TopicArn);
  assert.equal(doc.Subject, 'Greeting');
  assert.equal(doc.Message, 'He said "hi"\nthen left');
  assert.match(doc.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(doc.SignatureVersion, '1');
  assert.match(doc.Signature, /^[A-Za-z0-9+/]{342}==$/);
  assert.match(doc.SigningCertURL, /^https:\/\/sns\.eu-west-1\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/);
  assert.equal(doc.UnsubscribeURL, `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`);
  assert.deepEqual(doc.MessageAttributes, { tag: { Type: 'String', Value: 'a' }, n: { Type: 'Number', Value: '7' } });
  // AWS's layout: two-space indent, `"Name" : value`, one attribute a line.
  assert.ok(body.startsWith('{\n  "Type" : "Notification",\n  "MessageId" : "'), body);
  assert.ok(
    body.includes(
      '\n  "MessageAttributes" : {\n    "tag" : {"Type":"String","Value":"a"},\n    "n" : {"Type":"Number","Value":"7"}\n  }\n}',
    ),
    body,
  );
  assert.equal(rec.sent[0]!.options, undefined);

  await f.sns.send(new PublishCommand({ TopicArn, Message: 'no subject' }));
  await until(() => rec.sent.length === 2, 'the second send');
  const plain = JSON.parse(rec.sent[1]!.body);
  assert.equal('Subject' in plain, false);
  assert.equal('MessageAttributes' in plain, false);
  assert.deepEqual(rec.checks[0], [QUEUE, 'sns.amazonaws.com', TopicArn]);
  const warnings = f.lines.filter((l) => l.includes('AWS would refuse sqs:SendMessage'));
  assert.equal(warnings.length, 1, 'warned once per subscription');
  assert.ok(
    warnings[0]!.includes(
      `fix: aws --endpoint-url ${f.sandbox.endpoint} sqs set-queue-attributes --queue-url ${f.sandbox.endpoint}/000000000000/inbox --attributes '`,
    ),
    warnings[0],
  );
  const policy = JSON.parse(JSON.parse(/--attributes '(.*)'$/.exec(warnings[0]!)![1]!).Policy);
  assert.deepEqual(policy.Statement[0].Condition, { ArnLike: { 'aws:SourceArn': TopicArn } });
});

test('raw delivery: the message itself, its attributes as SQS message attributes; a filter policy on the body', async () => {
  const rec = recordingQueues([QUEUE], true);
  f.sandbox.context.queues = rec.queues;
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'raw' }));
  const { SubscriptionArn } = await f.sns.send(
    new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: QUEUE, Attributes: { RawMessageDelivery: 'true' } }),
  );
  await f.sns.send(
    new PublishCommand({
      TopicArn,
      Message: '{"kind":"image"}',
      MessageAttributes: { who: { DataType: 'String', StringValue: 'me' }, bin: { DataType: 'Binary', BinaryValue: new Uint8Array([9]) } },
    }),
  );
  await until(() => rec.sent.length === 1, 'the raw send');
  assert.equal(rec.sent[0]!.body, '{"kind":"image"}');
  const attrs = rec.sent[0]!.options!.messageAttributes!;
  assert.deepEqual(attrs.who, { DataType: 'String', StringValue: 'me' });
  assert.equal(attrs.bin!.DataType, 'Binary');
  assert.deepEqual([...attrs.bin!.BinaryValue!], [9]);

  const set = (AttributeName: string, AttributeValue: string) =>
    f.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue }));
  await set('FilterPolicyScope', 'MessageBody');
  await set('FilterPolicy', JSON.stringify({ kind: ['video'] }));
  await f.sns.send(new PublishCommand({ TopicArn, Message: '{"kind":"image"}' }));
  await f.sns.send(new PublishCommand({ TopicArn, Message: '{"kind":"video"}' }));
  await until(() => rec.sent.length === 2, 'the filtered send');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(
    rec.sent.map((s) => s.body),
    ['{"kind":"image"}', '{"kind":"video"}'],
  );
  assert.equal(
    f.lines.some((l) => l.includes('AWS would refuse') && l.includes('raw')),
    false,
  );
});

test('a missing queue is logged with the message id; --strict refuses a queue whose policy does not allow the topic', async () => {
  const rec = recordingQueues([], true);
  f.sandbox.context.queues = rec.queues;
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'lost' }));
  await f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: QUEUE }));
  const { MessageId } = await f.sns.send(new PublishCommand({ TopicArn, Message: 'x' }));
  await until(() => f.lines.some((l) => l.includes(MessageId!) && l.includes(`queue ${QUEUE} does not exist`)), 'the missing-queue line');
  assert.equal(rec.sent.length, 0);

  const strict = await startSnsFixture({ strict: true });
  try {
    const srec = recordingQueues([QUEUE], false);
    strict.sandbox.context.queues = srec.queues;
    const topic = await strict.sns.send(new CreateTopicCommand({ Name: 'strict-q' }));
    await strict.sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: QUEUE }));
    await strict.sns.send(new PublishCommand({ TopicArn: topic.TopicArn, Message: 'refused' }));
    await until(() => strict.lines.some((l) => l.includes('refused delivery')), 'the refusal');
    assert.equal(srec.sent.length, 0);
    assert.ok(strict.lines.find((l) => l.includes('refused delivery'))!.includes(' sqs set-queue-attributes --queue-url '));
  } finally {
    await strict.close();
  }
});
