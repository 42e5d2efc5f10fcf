/**
 * An SQS target on the sandbox's own SQS service (@aws-sdk/client-sqs): PutEvents -> rule -> SendMessage, the message
 * read back with ReceiveMessage; under --strict the queue policy decides. Skips when the sandbox has no SQS service.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';

let sb: Sandbox;
let eb: EventBridgeClient;
let sqs: SQSClient;
const log: string[] = [];

before(async () => {
  sb = await startSandbox({ port: 0, log: (line) => log.push(line) });
  const common = { endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  eb = new EventBridgeClient(common);
  sqs = new SQSClient(common);
});
after(async () => {
  eb.destroy();
  sqs.destroy();
  await sb.close();
});

async function receive(url: string): Promise<string[]> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
  return (out.Messages ?? []).map((m) => m.Body ?? '');
}

test('SQS target: the event JSON is the message body; --strict delivers only what the queue policy allows', async (t) => {
  let url: string;
  try {
    url = (await sqs.send(new CreateQueueCommand({ QueueName: 'eb-target' }))).QueueUrl!;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 501) {
      return t.skip('the sandbox has no SQS service on this branch');
    }
    throw err;
  }
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const { RuleArn } = await eb.send(new PutRuleCommand({ Name: 'to-queue', EventPattern: JSON.stringify({ source: ['shop'] }) }));
  await eb.send(new PutTargetsCommand({ Rule: 'to-queue', Targets: [{ Id: 'q', Arn: arn }] }));

  const put = await eb.send(
    new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order Placed', Detail: '{"n":1}', Resources: ['arn:aws:s3:::b'] }] }),
  );
  const [body] = await receive(url);
  const event = JSON.parse(body!);
  assert.equal(event.id, put.Entries![0]!.EventId);
  assert.equal(event.version, '0');
  assert.equal(event['detail-type'], 'Order Placed');
  assert.equal(event.source, 'shop');
  assert.equal(event.account, '000000000000');
  assert.equal(event.region, sb.region);
  assert.deepEqual(event.resources, ['arn:aws:s3:::b']);
  assert.deepEqual(event.detail, { n: 1 });
  assert.ok(log.some((l) => l.includes('AWS would refuse it') && l.includes('sqs set-queue-attributes --queue-url')));

  sb.context.strict = true;
  try {
    await eb.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order Placed', Detail: '{"n":2}' }] }));
    assert.deepEqual(await receive(url), [], 'refused without a queue policy');
    assert.ok(log.some((l) => l.includes('refused (--strict)') && l.includes(arn)));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arn,
          Condition: { ArnEquals: { 'aws:SourceArn': RuleArn } },
        },
      ],
    };
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(policy) } }));
    await eb.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order Placed', Detail: '{"n":3}' }] }));
    const bodies = await receive(url);
    assert.deepEqual(
      bodies.map((b) => JSON.parse(b).detail),
      [{ n: 3 }],
    );
  } finally {
    sb.context.strict = false;
  }
});
