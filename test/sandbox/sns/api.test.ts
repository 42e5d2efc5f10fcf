/** The sandbox's SNS API over real HTTP with @aws-sdk/client-sns: every operation, AWS's errors, paging, persistence. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTopicsCommand,
  type ListTopicsCommandOutput,
  PublishBatchCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { rawRequest, sigV4 } from '../raw-http.js';
import { errorOf, type SnsFixture, startSnsFixture } from './helpers.js';

let f: SnsFixture;
before(async () => {
  f = await startSnsFixture();
});
after(async () => {
  await f.close();
});

const ACCOUNT = '000000000000';
const fnArn = (name: string) => `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`;
const queueArn = (name: string) => `arn:aws:sqs:eu-west-1:${ACCOUNT}:${name}`;

test('CreateTopic answers the topic ARN, is idempotent, and refuses different attributes or tags as AWS does', async () => {
  const a = await f.sns.send(
    new CreateTopicCommand({ Name: 'uploads', Attributes: { DisplayName: 'Uploads' }, Tags: [{ Key: 'team', Value: 'a' }] }),
  );
  assert.equal(a.TopicArn, `arn:aws:sns:eu-west-1:${ACCOUNT}:uploads`);
  const again = await f.sns.send(new CreateTopicCommand({ Name: 'uploads' }));
  assert.equal(again.TopicArn, a.TopicArn);
  const same = await f.sns.send(new CreateTopicCommand({ Name: 'uploads', Attributes: { DisplayName: 'Uploads' } }));
  assert.equal(same.TopicArn, a.TopicArn);
  assert.deepEqual(await errorOf(f.sns.send(new CreateTopicCommand({ Name: 'uploads', Attributes: { DisplayName: 'Other' } }))), {
    name: 'InvalidParameterException',
    status: 400,
    message: 'Invalid parameter: Attributes Reason: Topic already exists with different attributes',
  });
  const tags = await errorOf(f.sns.send(new CreateTopicCommand({ Name: 'uploads', Tags: [{ Key: 'team', Value: 'b' }] })));
  assert.equal(tags.message, 'Invalid parameter: Tags Reason: Topic already exists with different tags');
  for (const bad of ['', 'a'.repeat(257), 'has space', 'dot.fifo']) {
    const e = await errorOf(f.sns.send(new CreateTopicCommand({ Name: bad })));
    assert.deepEqual([e.name, e.message], ['InvalidParameterException', 'Invalid parameter: Topic Name'], bad);
  }
  const fifo = await f.sns.send(new CreateTopicCommand({ Name: 'orders.fifo', Attributes: { FifoTopic: 'true' } }));
  assert.equal(fifo.TopicArn, `arn:aws:sns:eu-west-1:${ACCOUNT}:orders.fifo`);
  const fifoAttrs = (await f.sns.send(new GetTopicAttributesCommand({ TopicArn: fifo.TopicArn }))).Attributes!;
  assert.deepEqual([fifoAttrs.FifoTopic, fifoAttrs.ContentBasedDeduplication], ['true', 'false']);
  assert.equal(a.TopicArn && (await f.sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn }))).Attributes!.FifoTopic, undefined);
});

test('TagResource, UntagResource, ListTagsForResource on a topic; a missing topic is ResourceNotFound', async () => {
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'tagged', Tags: [{ Key: 'k1', Value: 'v1' }] }));
  await f.sns.send(
    new TagResourceCommand({
      ResourceArn: TopicArn,
      Tags: [
        { Key: 'k2', Value: 'v2' },
        { Key: 'k1', Value: 'v1b' },
      ],
    }),
  );
  await f.sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ['k2'] }));
  const { Tags } = await f.sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }));
  assert.deepEqual(Tags, [{ Key: 'k1', Value: 'v1b' }]);
  const e = await errorOf(f.sns.send(new ListTagsForResourceCommand({ ResourceArn: `${TopicArn}-gone` })));
  assert.deepEqual([e.name, e.status, e.message], ['ResourceNotFoundException', 404, 'Resource does not exist']);
});

test('GetTopicAttributes: AWS default policy (owner only), counts, EffectiveDeliveryPolicy; SetTopicAttributes; errors', async () => {
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'attrs' }));
  const { Attributes: a } = await f.sns.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.ok(a);
  assert.equal(a.TopicArn, TopicArn);
  assert.equal(a.Owner, ACCOUNT);
  assert.equal(a.DisplayName, '');
  assert.deepEqual([a.SubscriptionsConfirmed, a.SubscriptionsPending, a.SubscriptionsDeleted], ['0', '0', '0']);
  const policy = JSON.parse(a.Policy!);
  assert.equal(policy.Id, '__default_policy_ID');
  assert.deepEqual(policy.Statement[0].Condition, { StringEquals: { 'AWS:SourceOwner': ACCOUNT } });
  assert.ok(policy.Statement[0].Action.includes('SNS:Publish'));
  assert.equal(JSON.parse(a.EffectiveDeliveryPolicy!).http.defaultHealthyRetryPolicy.numRetries, 3);

  await f.sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DisplayName', AttributeValue: 'Shown' }));
  const after = (await f.sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
  assert.equal(after.DisplayName, 'Shown');
  assert.equal(
    (await errorOf(f.sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'FifoTopic', AttributeValue: 'false' })))).message,
    'Invalid parameter: AttributeName',
  );
  assert.deepEqual(await errorOf(f.sns.send(new GetTopicAttributesCommand({ TopicArn: `${TopicArn}-missing` }))), {
    name: 'NotFoundException',
    status: 404,
    message: 'Topic does not exist',
  });
  assert.equal(
    (await errorOf(f.sns.send(new GetTopicAttributesCommand({ TopicArn: 'not-an-arn' })))).message,
    'Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1',
  );
});

test('the context sees the topic policy: s3.amazonaws.com may not publish under the default policy, may under a granting one', async () => {
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'from-s3' }));
  const bucket = 'arn:aws:s3:::my-bucket';
  assert.equal(f.sandbox.context.topics.exists(TopicArn!), true);
  assert.equal(f.sandbox.context.topics.allowsPublish(TopicArn!, 's3.amazonaws.com', bucket), false);
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'SNS:Publish',
        Resource: TopicArn,
        // The S3 User Guide's walkthrough policy ("Granting permissions to publish messages to an SNS topic").
        Condition: { ArnLike: { 'aws:SourceArn': bucket }, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      },
    ],
  };
  await f.sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'Policy', AttributeValue: JSON.stringify(policy) }));
  assert.equal(f.sandbox.context.topics.allowsPublish(TopicArn!, 's3.amazonaws.com', bucket), true);
  assert.equal(f.sandbox.context.topics.allowsPublish(TopicArn!, 's3.amazonaws.com', 'arn:aws:s3:::other'), false);
});

test('Subscribe lambda and sqs (confirmed at once), idempotent; list, attributes, unsubscribe; AWS errors', async () => {
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'subs' }));
  const l = await f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: fnArn('worker') }));
  assert.match(l.SubscriptionArn!, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
  const again = await f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: fnArn('worker') }));
  assert.equal(again.SubscriptionArn, l.SubscriptionArn);
  const q = await f.sns.send(
    new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn('inbox'), Attributes: { RawMessageDelivery: 'true' } }),
  );
  const attrs = (await f.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: q.SubscriptionArn }))).Attributes!;
  assert.deepEqual(
    {
      Protocol: attrs.Protocol,
      Endpoint: attrs.Endpoint,
      RawMessageDelivery: attrs.RawMessageDelivery,
      PendingConfirmation: attrs.PendingConfirmation,
      ConfirmationWasAuthenticated: attrs.ConfirmationWasAuthenticated,
      Owner: attrs.Owner,
      TopicArn: attrs.TopicArn,
      SubscriptionArn: attrs.SubscriptionArn,
    },
    {
      Protocol: 'sqs',
      Endpoint: queueArn('inbox'),
      RawMessageDelivery: 'true',
      PendingConfirmation: 'false',
      ConfirmationWasAuthenticated: 'true',
      Owner: ACCOUNT,
      TopicArn,
      SubscriptionArn: q.SubscriptionArn,
    },
  );
  const conflict = await errorOf(
    f.sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn('inbox'), Attributes: { RawMessageDelivery: 'false' } }),
    ),
  );
  assert.equal(conflict.message, 'Invalid parameter: Attributes Reason: Subscription already exists with different attributes');

  const byTopic = await f.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.deepEqual(byTopic.Subscriptions!.map((s) => [s.Protocol, s.Endpoint, s.Owner, s.TopicArn]).sort(), [
    ['lambda', fnArn('worker'), ACCOUNT, TopicArn],
    ['sqs', queueArn('inbox'), ACCOUNT, TopicArn],
  ]);
  const all = await f.sns.send(new ListSubscriptionsCommand({}));
  assert.ok(all.Subscriptions!.some((s) => s.SubscriptionArn === l.SubscriptionArn));
  const counts = (await f.sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
  assert.equal(counts.SubscriptionsConfirmed, '2');

  await f.sns.send(new UnsubscribeCommand({ SubscriptionArn: l.SubscriptionArn }));
  await f.sns.send(new UnsubscribeCommand({ SubscriptionArn: l.SubscriptionArn })); // idempotent, as AWS
  const left = await f.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.deepEqual(
    left.Subscriptions!.map((s) => s.Protocol),
    ['sqs'],
  );
  assert.equal((await f.sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.SubscriptionsDeleted, '1');
  assert.deepEqual(await errorOf(f.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: l.SubscriptionArn }))), {
    name: 'NotFoundException',
    status: 404,
    message: 'Subscription does not exist',
  });

  const cases: [{ Protocol: string; Endpoint: string }, string][] = [
    [{ Protocol: 'carrier-pigeon', Endpoint: 'x' }, 'Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon'],
    [{ Protocol: 'sqs', Endpoint: 'https://sqs.eu-west-1.amazonaws.com/000000000000/q' }, 'Invalid parameter: SQS endpoint ARN'],
    [{ Protocol: 'http', Endpoint: 'http://example.com/hook' }, 'only to this machine'],
    [{ Protocol: 'email', Endpoint: 'me@example.com' }, 'does not deliver to email subscriptions'],
  ];
  for (const [input, message] of cases) {
    const e = await errorOf(f.sns.send(new SubscribeCommand({ TopicArn, ...input })));
    assert.equal(e.name, 'InvalidParameterException', JSON.stringify(input));
    assert.ok(e.message.includes(message), `${e.message} / ${message}`);
  }
  const raw = await errorOf(
    f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: fnArn('x'), Attributes: { RawMessageDelivery: 'true' } })),
  );
  assert.equal(raw.message, 'Invalid parameter: Attributes Reason: Delivery protocol [lambda] does not support raw message delivery.');
  assert.equal(
    (await errorOf(f.sns.send(new UnsubscribeCommand({ SubscriptionArn: 'garbage' })))).message,
    'Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1',
  );
});

test('SetSubscriptionAttributes: RawMessageDelivery, FilterPolicy with scope, RedrivePolicy; AWS messages for bad values', async () => {
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'sub-attrs' }));
  const { SubscriptionArn } = await f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn('filtered') }));
  const set = (AttributeName: string, AttributeValue: string) =>
    f.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue }));
  await set('RawMessageDelivery', 'true');
  await set('FilterPolicy', JSON.stringify({ store: ['example_corp'] }));
  await set('RedrivePolicy', JSON.stringify({ deadLetterTargetArn: queueArn('dlq') }));
  let a = (await f.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
  assert.equal(a.RawMessageDelivery, 'true');
  assert.deepEqual(JSON.parse(a.FilterPolicy!), { store: ['example_corp'] });
  assert.equal(a.FilterPolicyScope, 'MessageAttributes');
  assert.equal(JSON.parse(a.RedrivePolicy!).deadLetterTargetArn, queueArn('dlq'));
  await set('FilterPolicyScope', 'MessageBody');
  await set('FilterPolicy', JSON.stringify({ order: { kind: ['book'] } }));
  a = (await f.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
  assert.equal(a.FilterPolicyScope, 'MessageBody');

  const errors: [string, string, string][] = [
    ['RawMessageDelivery', 'test-ValUe', 'Invalid parameter: RawMessageDelivery: Invalid value [test-ValUe]. Must be true or false.'],
    ['Fake', 'x', 'Invalid parameter: AttributeName'],
    [
      'FilterPolicyScope',
      'RandomValue',
      'Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes',
    ],
    [
      'RedrivePolicy',
      JSON.stringify({ deadLetterTargetArn: 'nope' }),
      'Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn',
    ],
    ['FilterPolicy', JSON.stringify({ key_a: 'value_one' }), 'Invalid parameter: FilterPolicy: "key_a" must be an object or an array'],
    [
      'FilterPolicy',
      JSON.stringify({ a: [1], b: [1], c: [1], d: [1], e: [1], f: [1] }),
      'Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys',
    ],
  ];
  for (const [name, value, message] of errors) {
    const e = await errorOf(set(name, value));
    assert.deepEqual([e.name, e.message], ['InvalidParameterException', message], name);
  }
  await set('FilterPolicyScope', 'MessageAttributes').then(
    () => assert.fail('a nested policy under MessageAttributes scope must be refused'),
    (err: Error) =>
      assert.equal(err.message, 'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy'),
  );
});

test('Publish: MessageId; TargetArn works too; AWS validation of message, subject, attributes and structure', async () => {
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'pub' }));
  const out = await f.sns.send(new PublishCommand({ TopicArn, Message: 'hello', Subject: 'Grüße' }));
  assert.match(out.MessageId!, /^[0-9a-f-]{36}$/);
  assert.match((await f.sns.send(new PublishCommand({ TargetArn: TopicArn, Message: 'hi' }))).MessageId!, /^[0-9a-f-]{36}$/);
  const cases: [object, string, string][] = [
    [{ Message: '' }, 'InvalidParameterException', 'Invalid parameter: Empty message'],
    [{ Message: 'x'.repeat(262_145) }, 'InvalidParameterException', 'Invalid parameter: Message too long'],
    [{ Message: 'm', Subject: 'line\nbreak' }, 'InvalidParameterException', 'Invalid parameter: Subject'],
    [{ Message: 'm', Subject: 's'.repeat(101) }, 'InvalidParameterException', 'Invalid parameter: Subject'],
    [
      { Message: 'not json', MessageStructure: 'json' },
      'InvalidParameterException',
      'Invalid parameter: Message Structure - JSON message body failed to parse',
    ],
    [
      { Message: '{"sqs":"x"}', MessageStructure: 'json' },
      'InvalidParameterException',
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    ],
    [
      { Message: 'm', MessageAttributes: { attr1: { DataType: 'Blob', StringValue: 'x' } } },
      'InvalidParameterValueException',
      "The message attribute 'attr1' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.",
    ],
    [
      { Message: 'm', MessageAttributes: { attr1: { DataType: 'String', StringValue: '' } } },
      'InvalidParameterValueException',
      "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'String'.",
    ],
    [
      { Message: 'm', MessageAttributes: { attr1: { DataType: 'Number', StringValue: 'abc' } } },
      'InvalidParameterValueException',
      "Could not cast message attribute 'attr1' value to number.",
    ],
    [
      { Message: 'm', MessageAttributes: { attr1: { DataType: 'Binary', StringValue: 'abc' } } },
      'InvalidParameterValueException',
      "The message attribute 'attr1' with type 'Binary' must use field 'Binary'.",
    ],
    [
      { Message: 'm', MessageAttributes: { 'a^b': { DataType: 'String', StringValue: 'v' } } },
      'InvalidParameterValueException',
      "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.",
    ],
    [
      { Message: 'm', MessageAttributes: { '.a': { DataType: 'String', StringValue: 'v' } } },
      'InvalidParameterValueException',
      "Invalid message attribute name starting with character '.' was found.",
    ],
  ];
  for (const [input, name, message] of cases) {
    const e = await errorOf(f.sns.send(new PublishCommand({ TopicArn, ...input } as never)));
    assert.deepEqual([e.name, e.status, e.message], [name, 400, message], JSON.stringify(input).slice(0, 80));
  }
  assert.deepEqual(await errorOf(f.sns.send(new PublishCommand({ TopicArn: `${TopicArn}-gone`, Message: 'm' }))), {
    name: 'NotFoundException',
    status: 404,
    message: 'Topic does not exist',
  });
  const fifo = await f.sns.send(
    new CreateTopicCommand({ Name: 'pub.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } }),
  );
  assert.equal(
    (await errorOf(f.sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: 'm' })))).message,
    'Invalid parameter: The MessageGroupId parameter is required for FIFO topics',
  );
  const seq = await f.sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: 'm', MessageGroupId: 'g' }));
  assert.match(seq.SequenceNumber ?? '', /^\d{20}$/);
});

test('PublishBatch: Successful and Failed members; AWS batch errors', async () => {
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'batch' }));
  const out = await f.sns.send(
    new PublishBatchCommand({
      TopicArn,
      PublishBatchRequestEntries: [
        { Id: 'one', Message: 'first', MessageAttributes: { n: { DataType: 'Number', StringValue: '1' } } },
        { Id: 'two', Message: '' },
        { Id: 'three', Message: 'third', Subject: 'S' },
      ],
    }),
  );
  assert.deepEqual(
    out.Successful!.map((s) => s.Id),
    ['one', 'three'],
  );
  assert.ok(out.Successful!.every((s) => /^[0-9a-f-]{36}$/.test(s.MessageId!)));
  assert.deepEqual(out.Failed, [{ Id: 'two', Code: 'InvalidParameter', Message: 'Invalid parameter: Empty message', SenderFault: true }]);
  const entries = (n: number, id = (i: number) => `m${i}`) => Array.from({ length: n }, (_, i) => ({ Id: id(i), Message: 'x' }));
  const cases: [object[], string, string][] = [
    [entries(11), 'TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.'],
    [entries(2, () => 'same'), 'BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.'],
    [
      entries(1, () => 'message.id'),
      'InvalidBatchEntryId',
      'The Id of a batch entry in the batch request contains an impermissible character: message.id',
    ],
  ];
  for (const [list, code, message] of cases) {
    const e = await errorOf(f.sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: list as never })));
    assert.deepEqual([e.name.replace(/Exception$/, ''), e.message], [code, message]);
  }
});

test('ListTopics pages by 100 with NextToken; DeleteTopic removes topic and subscriptions, and is idempotent', async () => {
  const made: string[] = [];
  for (let i = 0; i < 120; i++)
    made.push((await f.sns.send(new CreateTopicCommand({ Name: `page-${String(i).padStart(3, '0')}` }))).TopicArn!);
  const first = await f.sns.send(new ListTopicsCommand({}));
  assert.equal(first.Topics!.length, 100);
  assert.ok(first.NextToken);
  const seen = first.Topics!.map((t) => t.TopicArn!);
  let token: string | undefined = first.NextToken;
  while (token) {
    const next: ListTopicsCommandOutput = await f.sns.send(new ListTopicsCommand({ NextToken: token }));
    seen.push(...next.Topics!.map((t) => t.TopicArn!));
    token = next.NextToken;
  }
  assert.equal(new Set(seen).size, seen.length);
  for (const arn of made) assert.ok(seen.includes(arn));
  const { SubscriptionArn } = await f.sns.send(new SubscribeCommand({ TopicArn: made[0], Protocol: 'lambda', Endpoint: fnArn('f') }));
  for (const arn of made) await f.sns.send(new DeleteTopicCommand({ TopicArn: arn }));
  await f.sns.send(new DeleteTopicCommand({ TopicArn: made[0] }));
  const rest = await f.sns.send(new ListTopicsCommand({}));
  assert.ok(!rest.Topics!.some((t) => made.includes(t.TopicArn!)));
  assert.equal((await errorOf(f.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })))).name, 'NotFoundException');
});

test('http subscriptions to loopback: pending, SubscriptionConfirmation POSTed with a token, ConfirmSubscription, then notifications', async () => {
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'web' }));
    const sub = await f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: url }));
    assert.equal(sub.SubscriptionArn, 'pending confirmation');
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const confirmation = received[0]!;
    assert.equal(confirmation.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
    const doc = JSON.parse(confirmation.body);
    assert.equal(doc.Type, 'SubscriptionConfirmation');
    assert.equal(doc.TopicArn, TopicArn);
    assert.ok(doc.SubscribeURL.includes(`Token=${doc.Token}`));
    const listed = await f.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.equal(listed.Subscriptions![0]!.SubscriptionArn, 'PendingConfirmation');
    assert.equal(
      (await errorOf(f.sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: 'wrong' })))).message,
      'Invalid parameter: Token',
    );
    const confirmed = await f.sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: doc.Token }));
    assert.match(confirmed.SubscriptionArn!, new RegExp(`^${TopicArn}:`));
    await f.sns.send(new PublishCommand({ TopicArn, Message: 'to the web', Subject: 'Hook' }));
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const note = received[1]!;
    assert.equal(note.headers['x-amz-sns-message-type'], 'Notification');
    assert.equal(note.headers['x-amz-sns-subscription-arn'], confirmed.SubscriptionArn);
    const body = JSON.parse(note.body);
    assert.deepEqual([body.Type, body.Message, body.Subject, body.TopicArn], ['Notification', 'to the web', 'Hook', TopicArn]);
  } finally {
    server.close();
  }
});

test('raw query protocol: XML answer in the SNS namespace with the request id; unknown actions are 501', async () => {
  const form = { ...sigV4('sns'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const created = await rawRequest(f.sandbox.endpoint, {
    method: 'POST',
    path: '/',
    headers: form,
    body: 'Action=CreateTopic&Version=2010-03-31&Name=raw',
  });
  assert.equal(created.status, 200, created.body);
  assert.match(
    created.body,
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<CreateTopicResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/">/,
  );
  assert.match(created.body, /<CreateTopicResult><TopicArn>arn:aws:sns:eu-west-1:000000000000:raw<\/TopicArn><\/CreateTopicResult>/);
  assert.match(created.body, new RegExp(`<RequestId>${created.headers['x-amzn-requestid']}</RequestId>`));
  const deleted = await rawRequest(f.sandbox.endpoint, {
    method: 'POST',
    path: '/',
    headers: form,
    body: `Action=DeleteTopic&Version=2010-03-31&TopicArn=${encodeURIComponent('arn:aws:sns:eu-west-1:000000000000:raw')}`,
  });
  assert.match(deleted.body, /<DeleteTopicResponse xmlns="[^"]+"><ResponseMetadata>/);
  const other = await rawRequest(f.sandbox.endpoint, {
    method: 'POST',
    path: '/',
    headers: form,
    body: 'Action=CreateSMSSandboxPhoneNumber&Version=2010-03-31',
  });
  assert.equal(other.status, 501);
  assert.match(other.body, /<Code>NotImplemented<\/Code>/);
});

test('topics, attributes and subscriptions survive a restart on the same data dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-sns-data-'));
  try {
    const one = await startSnsFixture({ dataDir: dir });
    const { TopicArn } = await one.sns.send(new CreateTopicCommand({ Name: 'kept', Attributes: { DisplayName: 'Kept' } }));
    const { SubscriptionArn } = await one.sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn('kept-q'), Attributes: { FilterPolicy: '{"a":["b"]}' } }),
    );
    await one.close();
    const two = await startSnsFixture({ dataDir: dir });
    try {
      assert.equal((await two.sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.DisplayName, 'Kept');
      const attrs = (await two.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
      assert.equal(attrs.FilterPolicy, '{"a":["b"]}');
      assert.equal(two.sandbox.context.topics.exists(TopicArn!), true);
    } finally {
      await two.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
