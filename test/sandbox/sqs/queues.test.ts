/** SQS queue operations with the JS SDK (AWS JSON 1.0): create (idempotent), URLs, listing, attributes, purge, delete, tags. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { rawRequest, sigV4 } from '../raw-http.js';
import { rejection, startSqs, type SqsFixture } from './helpers.js';

let h: SqsFixture;
before(async () => {
  h = await startSqs();
});
after(() => h.close());

test('CreateQueue answers <endpoint>/<account>/<name>; the same attributes again is the same queue, different ones QueueAlreadyExists', async () => {
  const { QueueUrl } = await h.sqs.send(new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '45' } }));
  assert.equal(QueueUrl, `${h.sandbox.endpoint}/000000000000/orders`);
  const again = await h.sqs.send(new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '45' } }));
  assert.equal(again.QueueUrl, QueueUrl);
  const plain = await h.sqs.send(new CreateQueueCommand({ QueueName: 'orders' }));
  assert.equal(plain.QueueUrl, QueueUrl, 'no attributes given: nothing differs');
  const err = await rejection(h.sqs.send(new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '46' } })));
  assert.equal(err.name, 'QueueNameExists');
  assert.equal(err.Code, 'QueueAlreadyExists');
  assert.equal(err.message, 'A queue already exists with the same name and a different value for attribute VisibilityTimeout');
  assert.equal((await h.sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl, QueueUrl);
});

test('queue names and FIFO: bad names are InvalidParameterValue, a .fifo name says the sandbox has no FIFO queues', async () => {
  for (const name of ['has space', 'x'.repeat(81), 'dot.name']) {
    const err = await rejection(h.sqs.send(new CreateQueueCommand({ QueueName: name })));
    assert.equal(err.Code, 'InvalidParameterValue', name);
    assert.match(err.message, /alphanumeric characters, hyphens, or underscores. 1 to 80 in length/);
  }
  const fifo = await rejection(h.sqs.send(new CreateQueueCommand({ QueueName: 'jobs.fifo', Attributes: { FifoQueue: 'true' } })));
  assert.equal(fifo.name, 'UnsupportedOperation');
  assert.match(fifo.message, /FIFO queues are not supported by the s3trigger sandbox yet/);
  const missing = await rejection(h.sqs.send(new GetQueueUrlCommand({ QueueName: 'never-made' })));
  assert.equal(missing.name, 'QueueDoesNotExist');
  assert.equal(missing.Code, 'AWS.SimpleQueueService.NonExistentQueue');
  assert.equal(missing.message, 'The specified queue does not exist.');
});

test('JSON errors carry __type com.amazonaws.sqs#Shape and x-amzn-query-error <code>;Sender, as SQS answers them', async () => {
  const r = await rawRequest(h.sandbox.endpoint, {
    method: 'POST',
    path: '/',
    headers: { ...sigV4('sqs'), 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' },
    body: JSON.stringify({ QueueName: 'never-made' }),
  });
  assert.equal(r.status, 400);
  assert.equal(r.headers['x-amzn-query-error'], 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  assert.match(String(r.headers['content-type']), /^application\/x-amz-json-1\.0/);
  assert.deepEqual(JSON.parse(r.body), { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
  const unknown = await rawRequest(h.sandbox.endpoint, {
    method: 'POST',
    path: '/',
    headers: { ...sigV4('sqs'), 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.Frobnicate' },
    body: '{}',
  });
  assert.equal(unknown.status, 400);
  for (const inherited of ['constructor', '__proto__', 'toString']) {
    const r = await rawRequest(h.sandbox.endpoint, {
      method: 'POST',
      path: '/',
      headers: { ...sigV4('sqs'), 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${inherited}` },
      body: '{}',
    });
    assert.equal(r.status, 400, inherited);
    assert.equal(r.headers['x-amzn-query-error'], 'InvalidAction;Sender');
  }
  const notHere = await rawRequest(h.sandbox.endpoint, {
    method: 'POST',
    path: '/',
    headers: { ...sigV4('sqs'), 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.AddPermission' },
    body: '{}',
  });
  assert.equal(notHere.status, 501);
  assert.match(notHere.body, /sqs AddPermission is not implemented by the s3trigger sandbox/);
  const garbled = await rawRequest(h.sandbox.endpoint, {
    method: 'POST',
    path: '/',
    headers: { ...sigV4('sqs'), 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
    body: '{not json',
  });
  assert.equal(garbled.status, 400);
  assert.match(garbled.body, /SerializationException/);
});

test('ListQueues: QueueNamePrefix, and MaxResults pages with NextToken', async () => {
  for (const name of ['page-a', 'page-b', 'page-c', 'other-1']) await h.sqs.send(new CreateQueueCommand({ QueueName: name }));
  const names = (urls: string[] | undefined) => (urls ?? []).map((u) => u.split('/').pop());
  const prefixed = await h.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'page-' }));
  assert.deepEqual(names(prefixed.QueueUrls), ['page-a', 'page-b', 'page-c']);
  assert.equal(prefixed.NextToken, undefined);
  const first = await h.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'page-', MaxResults: 2 }));
  assert.deepEqual(names(first.QueueUrls), ['page-a', 'page-b']);
  assert.ok(first.NextToken);
  const second = await h.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'page-', MaxResults: 2, NextToken: first.NextToken }));
  assert.deepEqual(names(second.QueueUrls), ['page-c']);
  assert.equal(second.NextToken, undefined);
  const none = await h.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'zzz' }));
  assert.deepEqual(none.QueueUrls ?? [], []);
  const bad = await rejection(h.sqs.send(new ListQueuesCommand({ MaxResults: 1001 })));
  assert.equal(bad.Code, 'InvalidParameterValue');
});

test('GetQueueAttributes: All, named ones, live counts; unknown names are InvalidAttributeName', async () => {
  const before = Math.floor(Date.now() / 1000);
  const { QueueUrl } = await h.sqs.send(
    new CreateQueueCommand({ QueueName: 'attrs', Attributes: { DelaySeconds: '0', MaximumMessageSize: '2048' } }),
  );
  await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'visible' }));
  await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'delayed', DelaySeconds: 60 }));
  await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'in flight' }));
  await h.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
  const all = (await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes!;
  const { CreatedTimestamp, LastModifiedTimestamp, ...rest } = all;
  assert.ok(Number(CreatedTimestamp) >= before && Number(CreatedTimestamp) <= before + 2, CreatedTimestamp);
  assert.equal(LastModifiedTimestamp, CreatedTimestamp);
  assert.deepEqual(rest, {
    ApproximateNumberOfMessages: '1',
    ApproximateNumberOfMessagesDelayed: '1',
    ApproximateNumberOfMessagesNotVisible: '1',
    DelaySeconds: '0',
    MaximumMessageSize: '2048',
    MessageRetentionPeriod: '345600',
    QueueArn: 'arn:aws:sqs:eu-west-1:000000000000:attrs',
    ReceiveMessageWaitTimeSeconds: '0',
    SqsManagedSseEnabled: 'true',
    VisibilityTimeout: '30',
  });
  const named = await h.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'VisibilityTimeout', 'RedrivePolicy'] }),
  );
  assert.deepEqual(named.Attributes, { QueueArn: 'arn:aws:sqs:eu-west-1:000000000000:attrs', VisibilityTimeout: '30' });
  const none = await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl }));
  assert.equal(none.Attributes, undefined);
  const err = await rejection(h.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Bogus' as 'All'] })));
  assert.equal(err.name, 'InvalidAttributeName');
  assert.equal(err.message, 'Unknown Attribute Bogus.');
});

test('SetQueueAttributes: values checked as AWS does, Policy and RedrivePolicy stored and removed with an empty value', async () => {
  const { QueueUrl } = await h.sqs.send(new CreateQueueCommand({ QueueName: 'settable' }));
  const { QueueUrl: dlqUrl } = await h.sqs.send(new CreateQueueCommand({ QueueName: 'settable-dlq' }));
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: '*' }],
  });
  await h.sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl,
      Attributes: {
        VisibilityTimeout: '5',
        Policy: policy,
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:000000000000:settable-dlq', maxReceiveCount: '3' }),
      },
    }),
  );
  const got = (await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes!;
  assert.equal(got.VisibilityTimeout, '5');
  assert.equal(got.Policy, policy);
  assert.deepEqual(JSON.parse(got.RedrivePolicy!), {
    deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:000000000000:settable-dlq',
    maxReceiveCount: 3,
  });
  const sources = await h.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }));
  assert.deepEqual(sources.queueUrls, [QueueUrl]);
  await h.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: '', RedrivePolicy: '' } }));
  const cleared = (await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes!;
  assert.equal(cleared.Policy, undefined);
  assert.equal(cleared.RedrivePolicy, undefined);

  const cases: [Record<string, string>, string, RegExp][] = [
    [{ VisibilityTimeout: '43201' }, 'InvalidAttributeValue', /^Invalid value for the parameter VisibilityTimeout\.$/],
    [{ DelaySeconds: 'soon' }, 'InvalidAttributeValue', /DelaySeconds/],
    [{ MaximumMessageSize: '1023' }, 'InvalidAttributeValue', /MaximumMessageSize/],
    [{ Policy: '{not json' }, 'InvalidAttributeValue', /Policy/],
    [{ QueueArn: 'x' }, 'InvalidAttributeName', /^Unknown Attribute QueueArn\.$/],
    [{ ContentBasedDeduplication: 'true' }, 'InvalidAttributeName', /^Unknown Attribute ContentBasedDeduplication\.$/],
    [{ Colour: 'blue' }, 'InvalidAttributeName', /^Unknown Attribute Colour\.$/],
    [{ FifoQueue: 'true' }, 'InvalidAttributeName', /^Unknown Attribute FifoQueue\.$/],
    [
      { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:000000000000:nope', maxReceiveCount: 1 }) },
      'InvalidParameterValue',
      /Dead-letter target does not exist/,
    ],
    [
      { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:000000000000:settable-dlq', maxReceiveCount: 1001 }) },
      'InvalidParameterValue',
      /valid values are from 1 to 1000 both inclusive/,
    ],
  ];
  for (const [Attributes, code, message] of cases) {
    const err = await rejection(h.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes })));
    assert.equal(err.Code, code, JSON.stringify(Attributes));
    assert.match(err.message, message);
  }
});

test('PurgeQueue empties the queue; DeleteQueue removes it (then QueueDoesNotExist); tags round-trip', async () => {
  const { QueueUrl } = await h.sqs.send(new CreateQueueCommand({ QueueName: 'doomed', tags: { team: 'a' } }));
  await h.sqs.send(new TagQueueCommand({ QueueUrl, Tags: { env: 'dev' } }));
  assert.deepEqual((await h.sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags, { team: 'a', env: 'dev' });
  await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
  await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'two' }));
  await h.sqs.send(new PurgeQueueCommand({ QueueUrl }));
  const counts = await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  assert.equal(counts.Attributes?.ApproximateNumberOfMessages, '0');
  assert.equal((await h.sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined);
  await h.sqs.send(new DeleteQueueCommand({ QueueUrl }));
  const err = await rejection(h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'late' })));
  assert.equal(err.name, 'QueueDoesNotExist');
});

test('a QueueUrl is resolved by account and name, whatever its host (localhost vs 127.0.0.1)', async () => {
  await h.sqs.send(new CreateQueueCommand({ QueueName: 'anyhost' }));
  const port = new URL(h.sandbox.endpoint).port;
  const QueueUrl = `http://localhost:${port}/000000000000/anyhost`;
  const sent = await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'via localhost' }));
  assert.ok(sent.MessageId);
  const otherAccount = await rejection(
    h.sqs.send(new SendMessageCommand({ QueueUrl: QueueUrl.replace('000000000000', '111111111111'), MessageBody: 'x' })),
  );
  assert.equal(otherAccount.name, 'QueueDoesNotExist');
});
