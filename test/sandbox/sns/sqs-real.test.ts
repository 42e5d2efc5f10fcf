/**
 * SNS -> SQS end to end with the sandbox's own SQS: @aws-sdk/client-sqs receives what a topic delivers, as JSON
 * notification and as raw message with its attributes; the queue policy decides under --strict.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type SnsFixture, startSnsFixture } from './helpers.js';

let f: SnsFixture;
let sqs: SQSClient;
before(async () => {
  f = await startSnsFixture();
  sqs = sqsClient(f);
});
after(async () => {
  sqs.destroy();
  await f.close();
});

function sqsClient(fx: SnsFixture): SQSClient {
  return new SQSClient({
    endpoint: fx.sandbox.endpoint,
    region: fx.sandbox.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

async function queue(client: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

async function receiveOne(client: SQSClient, url: string): Promise<Message> {
  const out = await client.send(
    new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5, MaxNumberOfMessages: 1, MessageAttributeNames: ['All'] }),
  );
  assert.equal(out.Messages?.length, 1, 'one message within 5 s');
  return out.Messages![0]!;
}

const allowTopic = (queueArn: string, topicArn: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  });

test('an SQS subscription receives the JSON notification; a raw one the message with its attributes', async () => {
  const q = await queue(sqs, 'sns-inbox');
  const raw = await queue(sqs, 'sns-raw');
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'to-sqs' }));
  const { SubscriptionArn } = await f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }));
  await f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: raw.arn, Attributes: { RawMessageDelivery: 'true' } }));
  const { MessageId } = await f.sns.send(
    new PublishCommand({
      TopicArn,
      Message: 'hello queue',
      Subject: 'Hi',
      MessageAttributes: { color: { DataType: 'String', StringValue: 'blue' } },
    }),
  );
  const note = await receiveOne(sqs, q.url);
  const doc = JSON.parse(note.Body!);
  assert.deepEqual(
    [doc.Type, doc.MessageId, doc.TopicArn, doc.Subject, doc.Message],
    ['Notification', MessageId, TopicArn, 'Hi', 'hello queue'],
  );
  assert.equal(doc.UnsubscribeURL, `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`);
  assert.deepEqual(doc.MessageAttributes, { color: { Type: 'String', Value: 'blue' } });
  assert.equal(note.MessageAttributes, undefined, 'the JSON notification carries the attributes in its body only');
  const rawMessage = await receiveOne(sqs, raw.url);
  assert.equal(rawMessage.Body, 'hello queue');
  assert.deepEqual(rawMessage.MessageAttributes, { color: { DataType: 'String', StringValue: 'blue' } });
  assert.ok(
    f.lines.some((l) => l.includes('AWS would refuse sqs:SendMessage') && l.includes('sns-inbox')),
    f.lines.join('\n'),
  );
});

test('--strict: nothing reaches a queue whose policy does not allow the topic; after set-queue-attributes Policy it does', async () => {
  const strict = await startSnsFixture({ strict: true });
  const client = sqsClient(strict);
  try {
    const q = await queue(client, 'strict-inbox');
    const { TopicArn } = await strict.sns.send(new CreateTopicCommand({ Name: 'strict-to-sqs' }));
    await strict.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }));
    await strict.sns.send(new PublishCommand({ TopicArn, Message: 'refused' }));
    const none = await client.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 1 }));
    assert.equal(none.Messages, undefined);
    assert.ok(
      strict.lines.some((l) => l.includes('refused delivery') && l.includes(' sqs set-queue-attributes --queue-url ')),
      strict.lines.join('\n'),
    );
    await client.send(new SetQueueAttributesCommand({ QueueUrl: q.url, Attributes: { Policy: allowTopic(q.arn, TopicArn!) } }));
    await strict.sns.send(new PublishCommand({ TopicArn, Message: 'allowed' }));
    const got = await receiveOne(client, q.url);
    assert.equal(JSON.parse(got.Body!).Message, 'allowed');
  } finally {
    client.destroy();
    await strict.close();
  }
});
