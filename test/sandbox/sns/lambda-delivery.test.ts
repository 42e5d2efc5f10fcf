/**
 * SNS -> Lambda end to end: a real Node function (created with @aws-sdk/client-lambda) subscribed to a topic logs the
 * event it gets; the record is read back from CloudWatch Logs (FilterLogEvents) and checked field by field against
 * AWS's shape. Permission handling: default (deliver, log the fix once) and --strict (refuse until add-permission).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AddPermissionCommand, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { logMessages, type SnsFixture, startSnsFixture, until } from './helpers.js';

const HANDLER = `export const handler = async (event) => {
  console.log('SNS-EVENT ' + JSON.stringify(event));
  return 'ok';
};`;

let f: SnsFixture;
before(async () => {
  f = await startSnsFixture();
});
after(async () => {
  await f.close();
});

async function createFunction(fx: SnsFixture, name: string): Promise<string> {
  const out = await fx.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Code: { ZipFile: zipPackage({ 'index.mjs': HANDLER }) },
    }),
  );
  return out.FunctionArn!;
}

/** The events the function logged, parsed. */
const events = (messages: string[]) =>
  messages.filter((m) => m.includes('SNS-EVENT ')).map((m) => JSON.parse(m.slice(m.indexOf('SNS-EVENT ') + 10).trim()));

test('a Lambda subscription gets AWS’s SNS event, field by field and in AWS’s order', async () => {
  const fnArn = await createFunction(f, 'sns-listener');
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'fan-out' }));
  const { SubscriptionArn } = await f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: fnArn }));
  const before = Date.now();
  const { MessageId } = await f.sns.send(
    new PublishCommand({
      TopicArn,
      Message: '{"hello":"world"}',
      Subject: 'Amazon S3 Notification',
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'upload' },
        size: { DataType: 'Number', StringValue: '42' },
        raw: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
      },
    }),
  );
  const [event] = events(await logMessages(f.logs, 'sns-listener', (m) => events(m).length === 1));
  assert.equal(event.Records.length, 1);
  const record = event.Records[0];
  assert.deepEqual(Object.keys(record), ['EventSource', 'EventVersion', 'EventSubscriptionArn', 'Sns']);
  assert.equal(record.EventSource, 'aws:sns');
  assert.equal(record.EventVersion, '1.0');
  assert.equal(record.EventSubscriptionArn, SubscriptionArn);
  const sns = record.Sns;
  assert.deepEqual(Object.keys(sns), [
    'Type',
    'MessageId',
    'TopicArn',
    'Subject',
    'Message',
    'Timestamp',
    'SignatureVersion',
    'Signature',
    'SigningCertUrl',
    'UnsubscribeUrl',
    'MessageAttributes',
  ]);
  assert.equal(sns.Type, 'Notification');
  assert.equal(sns.MessageId, MessageId);
  assert.equal(sns.TopicArn, TopicArn);
  assert.equal(sns.Subject, 'Amazon S3 Notification');
  assert.equal(sns.Message, '{"hello":"world"}');
  assert.match(sns.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Math.abs(Date.parse(sns.Timestamp) - before) < 10_000);
  assert.equal(sns.SignatureVersion, '1');
  assert.match(sns.Signature, /^[A-Za-z0-9+/]{342}==$/);
  assert.match(sns.SigningCertUrl, /^https:\/\/sns\.eu-west-1\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/);
  assert.equal(sns.UnsubscribeUrl, `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`);
  assert.deepEqual(sns.MessageAttributes, {
    kind: { Type: 'String', Value: 'upload' },
    size: { Type: 'Number', Value: '42' },
    raw: { Type: 'Binary', Value: 'AQID' },
  });
  assert.ok(
    f.lines.some(
      (l) =>
        l.includes('AWS would refuse') &&
        l.includes(`fix: aws --endpoint-url ${f.sandbox.endpoint} lambda add-permission --function-name sns-listener`),
    ),
    f.lines.join('\n'),
  );
});

test('Subject is null when none was given; MessageStructure=json gives the lambda entry; ctx.topics.publish takes the same path', async () => {
  const fnArn = await createFunction(f, 'sns-structured');
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'structured' }));
  await f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: fnArn }));
  await f.sns.send(
    new PublishCommand({ TopicArn, MessageStructure: 'json', Message: JSON.stringify({ default: 'plain', lambda: 'for lambda' }) }),
  );
  const first = events(await logMessages(f.logs, 'sns-structured', (m) => events(m).length === 1));
  assert.equal(first[0].Records[0].Sns.Subject, null);
  assert.equal(first[0].Records[0].Sns.Message, 'for lambda');
  assert.deepEqual(first[0].Records[0].Sns.MessageAttributes, {});
  const { messageId } = f.sandbox.context.topics.publish(TopicArn!, { message: 'from s3', subject: 'Amazon S3 Notification' });
  const both = events(await logMessages(f.logs, 'sns-structured', (m) => events(m).length === 2));
  const second = both.find((e) => e.Records[0].Sns.MessageId === messageId);
  assert.ok(second, JSON.stringify(both));
  assert.equal(second.Records[0].Sns.Message, 'from s3');
  assert.equal(second.Records[0].Sns.Subject, 'Amazon S3 Notification');
  assert.throws(() => f.sandbox.context.topics.publish(`${TopicArn}-gone`, { message: 'x' }), /does not exist/);
});

test('a filter policy keeps unmatched messages from the function; a missing function is logged, not dropped silently', async () => {
  const fnArn = await createFunction(f, 'sns-filtered');
  const { TopicArn } = await f.sns.send(new CreateTopicCommand({ Name: 'filtered' }));
  await f.sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'lambda',
      Endpoint: fnArn,
      Attributes: { FilterPolicy: JSON.stringify({ kind: ['keep'] }) },
    }),
  );
  await f.sns.send(
    new PublishCommand({ TopicArn, Message: 'dropped', MessageAttributes: { kind: { DataType: 'String', StringValue: 'skip' } } }),
  );
  await f.sns.send(
    new PublishCommand({ TopicArn, Message: 'kept', MessageAttributes: { kind: { DataType: 'String', StringValue: 'keep' } } }),
  );
  const got = events(await logMessages(f.logs, 'sns-filtered', (m) => events(m).length >= 1));
  await new Promise((r) => setTimeout(r, 300));
  const all = events(await logMessages(f.logs, 'sns-filtered', () => true));
  assert.deepEqual(
    all.map((e) => e.Records[0].Sns.Message),
    ['kept'],
  );
  assert.equal(got.length, 1);
  const ghost = 'arn:aws:lambda:eu-west-1:000000000000:function:no-such-fn';
  await f.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: ghost }));
  const { MessageId } = await f.sns.send(new PublishCommand({ TopicArn, Message: 'to nobody' }));
  await until(() => f.lines.some((l) => l.includes(MessageId!) && l.includes(`function ${ghost} does not exist`)), 'the log line');
});

test('--strict: delivery is refused (one log line naming the fix) until the function allows sns.amazonaws.com', async () => {
  const strict = await startSnsFixture({ strict: true });
  try {
    const fnArn = await createFunction(strict, 'strict-listener');
    const { TopicArn } = await strict.sns.send(new CreateTopicCommand({ Name: 'strict' }));
    await strict.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: fnArn }));
    const { MessageId: refused } = await strict.sns.send(new PublishCommand({ TopicArn, Message: 'refused' }));
    await until(() => strict.lines.some((l) => l.includes('refused delivery') && l.includes('--strict')), 'the refusal');
    const line = strict.lines.find((l) => l.includes('refused delivery'))!;
    assert.ok(
      line.includes(`fix: aws --endpoint-url ${strict.sandbox.endpoint} lambda add-permission --function-name strict-listener`),
      line,
    );
    assert.ok(line.includes(`--principal sns.amazonaws.com --source-arn ${TopicArn}`), line);
    await strict.lambda.send(
      new AddPermissionCommand({
        FunctionName: 'strict-listener',
        StatementId: 'sns',
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: TopicArn,
      }),
    );
    const { MessageId: allowed } = await strict.sns.send(new PublishCommand({ TopicArn, Message: 'allowed' }));
    const got = events(await logMessages(strict.logs, 'strict-listener', (m) => events(m).length >= 1));
    assert.deepEqual(
      got.map((e) => e.Records[0].Sns.MessageId),
      [allowed],
    );
    assert.notEqual(refused, allowed);
  } finally {
    await strict.close();
  }
});
