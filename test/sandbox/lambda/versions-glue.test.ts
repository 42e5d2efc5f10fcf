/**
 * Qualified ARNs wherever a function ARN goes, driven with the AWS SDK against the sandbox: an SNS subscription, an
 * EventBridge target and an SQS event source mapping naming `function:f:live` run the version the alias points at
 * (START `Version: 1` in a `[1]` stream); an unknown alias is refused where AWS refuses it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { errorOf, ROLE } from './helpers.js';

let sandbox: Sandbox;
let aliasArn: string;
let common: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };

const handler = (tag: string) => ({
  'index.mjs': `export const handler = async (event) => { console.log('${tag}', JSON.stringify(event)); };`,
});

before(async () => {
  sandbox = await startSandbox({ port: 0 });
  common = { endpoint: sandbox.endpoint, region: sandbox.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const lambda = new LambdaClient(common);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'f',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zipPackage(handler('code-one')) },
    }),
  );
  await lambda.send(new PublishVersionCommand({ FunctionName: 'f' }));
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'f', ZipFile: zipPackage(handler('code-latest')) }));
  ({ AliasArn: aliasArn } = (await lambda.send(new CreateAliasCommand({ FunctionName: 'f', Name: 'live', FunctionVersion: '1' }))) as {
    AliasArn: string;
  });
  lambda.destroy();
});
after(async () => {
  await sandbox?.close();
});

/** The START lines and streams of invocations whose log holds `marker`. */
async function startsFor(marker: string): Promise<{ start: string; stream: string }[]> {
  const logs = new CloudWatchLogsClient(common);
  try {
    for (let i = 0; i < 100; i++) {
      const { events = [] } = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/f' }));
      const hits = events.filter((e) => e.message?.includes(marker));
      if (hits.length) {
        // Version 1's own code ran, not $LATEST's.
        for (const h of hits) assert.match(h.message!, /code-one/);
        const streams = new Set(hits.map((e) => e.logStreamName));
        return events
          .filter((e) => e.message?.startsWith('START ') && streams.has(e.logStreamName))
          .map((e) => ({ start: e.message!.trim(), stream: e.logStreamName! }));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no invocation logged ${marker}`);
  } finally {
    logs.destroy();
  }
}

function assertVersionOne(starts: { start: string; stream: string }[]): void {
  assert.ok(starts.length > 0);
  for (const s of starts) {
    assert.match(s.start, / Version: 1$/);
    assert.match(s.stream, /\/\[1\][0-9a-f]{32}$/);
  }
}

test('SNS subscription to function:f:live runs version 1', async () => {
  const sns = new SNSClient(common);
  try {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'alias-topic' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: aliasArn }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'via-sns' }));
  } finally {
    sns.destroy();
  }
  assertVersionOne(await startsFor('via-sns'));
});

test('EventBridge target function:f:live runs version 1', async () => {
  const events = new EventBridgeClient(common);
  try {
    await events.send(new PutRuleCommand({ Name: 'alias-rule', EventPattern: JSON.stringify({ source: ['alias.test'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'alias-rule', Targets: [{ Id: 'fn', Arn: aliasArn }] }));
    await events.send(
      new PutEventsCommand({ Entries: [{ Source: 'alias.test', DetailType: 't', Detail: JSON.stringify({ m: 'via-events' }) }] }),
    );
  } finally {
    events.destroy();
  }
  assertVersionOne(await startsFor('via-events'));
});

test('SQS event source mapping on f:live runs version 1; an unknown alias is refused', async () => {
  const sqs = new SQSClient(common);
  const lambda = new LambdaClient(common);
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'alias-q' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const refused = await errorOf(
      lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: Attributes!.QueueArn!, FunctionName: 'f:nope' })),
    );
    assert.equal(refused.name, 'InvalidParameterValueException');
    const mapping = await lambda.send(
      new CreateEventSourceMappingCommand({ EventSourceArn: Attributes!.QueueArn!, FunctionName: 'f:live' }),
    );
    assert.match(mapping.FunctionArn!, /:function:f:live$/);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'via-sqs' }));
  } finally {
    sqs.destroy();
    lambda.destroy();
  }
  assertVersionOne(await startsFor('via-sqs'));
});
