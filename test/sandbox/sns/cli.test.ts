/**
 * The SNS walkthrough with the AWS CLI v2 (and v1 when present) and boto3 against the sandbox: create-topic,
 * subscribe a Lambda function, publish, list-subscriptions-by-topic; the function's log shows the SNS record.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { AWS_CLIS, findCli, hasBoto3 } from '../../aws-cli.js';
import { cliEnv } from '../logs/helpers.js';
import { logMessages, type SnsFixture, startSnsFixture } from './helpers.js';

const run = promisify(execFile);
let f: SnsFixture;
let dir: string;

before(async () => {
  f = await startSnsFixture();
  dir = mkdtempSync(join(tmpdir(), 's3trigger-sns-cli-'));
  writeFileSync(join(dir, 'empty'), '');
  writeFileSync(
    join(dir, 'fn.zip'),
    zipPackage({ 'index.mjs': "export const handler = async (event) => { console.log('SNS-EVENT ' + JSON.stringify(event)); };" }),
  );
});
after(async () => {
  await f.close();
  rmSync(dir, { recursive: true, force: true });
});

const events = (messages: string[]) =>
  messages.filter((m) => m.includes('SNS-EVENT ')).map((m) => JSON.parse(m.slice(m.indexOf('SNS-EVENT ') + 10).trim()));

for (const [label, candidate, major] of AWS_CLIS) {
  test(`AWS CLI ${label}: create-topic, subscribe a function, publish, list-subscriptions-by-topic`, async (t) => {
    const cli = await findCli(candidate, major);
    if (!cli) return t.skip(`AWS CLI ${label} not found`);
    const aws = async (...args: string[]) => {
      const { stdout } = await run(cli, ['--endpoint-url', f.sandbox.endpoint, '--output', 'json', ...args], {
        env: cliEnv(f.sandbox, join(dir, 'empty')),
        cwd: dir,
        timeout: 60_000,
      });
      return stdout.trim() ? JSON.parse(stdout) : {};
    };
    const fn = `cli-${label}-listener`;
    const created = await aws(
      'lambda',
      'create-function',
      '--function-name',
      fn,
      '--runtime',
      'nodejs20.x',
      '--handler',
      'index.handler',
      '--zip-file',
      'fileb://fn.zip',
      '--role',
      'arn:aws:iam::000000000000:role/lambda-role',
    );
    const { TopicArn } = await aws('sns', 'create-topic', '--name', `cli-${label}-topic`);
    assert.equal(TopicArn, `arn:aws:sns:eu-west-1:000000000000:cli-${label}-topic`);
    const { SubscriptionArn } = await aws(
      'sns',
      'subscribe',
      '--topic-arn',
      TopicArn,
      '--protocol',
      'lambda',
      '--notification-endpoint',
      created.FunctionArn,
    );
    assert.match(SubscriptionArn, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    const { MessageId } = await aws(
      'sns',
      'publish',
      '--topic-arn',
      TopicArn,
      '--message',
      'hello from the cli',
      '--subject',
      'CLI',
      '--message-attributes',
      '{"via":{"DataType":"String","StringValue":"cli"}}',
    );
    const listed = await aws('sns', 'list-subscriptions-by-topic', '--topic-arn', TopicArn);
    assert.deepEqual(listed.Subscriptions, [
      { SubscriptionArn, Owner: '000000000000', Protocol: 'lambda', Endpoint: created.FunctionArn, TopicArn },
    ]);
    const attrs = await aws('sns', 'get-topic-attributes', '--topic-arn', TopicArn);
    assert.equal(attrs.Attributes.SubscriptionsConfirmed, '1');
    const [event] = events(await logMessages(f.logs, fn, (m) => events(m).length === 1));
    const sns = event.Records[0].Sns;
    assert.deepEqual(
      [sns.MessageId, sns.Message, sns.Subject, sns.MessageAttributes],
      [MessageId, 'hello from the cli', 'CLI', { via: { Type: 'String', Value: 'cli' } }],
    );
    const missing = await run(
      cli,
      ['--endpoint-url', f.sandbox.endpoint, 'sns', 'publish', '--topic-arn', `${TopicArn}-gone`, '--message', 'x'],
      { env: cliEnv(f.sandbox, join(dir, 'empty')), cwd: dir },
    ).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    assert.match(missing, /NotFound.*Topic does not exist/);
  });
}

const BOTO = `
import json, sys, boto3
endpoint, fn_arn = sys.argv[1], sys.argv[2]
sns = boto3.client('sns', endpoint_url=endpoint, region_name='eu-west-1', aws_access_key_id='test', aws_secret_access_key='test')
arn = sns.create_topic(Name='boto-topic', Attributes={'DisplayName': 'Boto'})['TopicArn']
sub = sns.subscribe(TopicArn=arn, Protocol='lambda', Endpoint=fn_arn, ReturnSubscriptionArn=True)['SubscriptionArn']
msg = sns.publish(TopicArn=arn, Message='hello from boto3', MessageAttributes={'n': {'DataType': 'Number', 'StringValue': '3'}})['MessageId']
subs = sns.list_subscriptions_by_topic(TopicArn=arn)['Subscriptions']
attrs = sns.get_topic_attributes(TopicArn=arn)['Attributes']
try:
    sns.get_subscription_attributes(SubscriptionArn=arn + ':00000000-0000-0000-0000-000000000000')
    err = None
except sns.exceptions.NotFoundException as e:
    err = e.response['Error']['Message']
print(json.dumps({'arn': arn, 'sub': sub, 'msg': msg, 'subs': subs, 'display': attrs['DisplayName'], 'err': err}))
`;

test('boto3: create_topic, subscribe, publish, list_subscriptions_by_topic, get_topic_attributes, NotFound', async (t) => {
  if (!(await hasBoto3())) return t.skip('python3 with boto3 not found');
  const fn = 'boto-listener';
  const { FunctionArn } = await f.lambda.send(
    new CreateFunctionCommand({
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Code: {
        ZipFile: zipPackage({ 'index.mjs': "export const handler = async (e) => { console.log('SNS-EVENT ' + JSON.stringify(e)); };" }),
      },
    }),
  );
  const { stdout } = await run('python3', ['-c', BOTO, f.sandbox.endpoint, FunctionArn!], { env: cliEnv(f.sandbox, join(dir, 'empty')) });
  const out = JSON.parse(stdout);
  assert.equal(out.display, 'Boto');
  assert.deepEqual(out.subs, [
    { SubscriptionArn: out.sub, Owner: '000000000000', Protocol: 'lambda', Endpoint: FunctionArn, TopicArn: out.arn },
  ]);
  assert.equal(out.err, 'Subscription does not exist');
  const [event] = events(await logMessages(f.logs, fn, (m) => events(m).length === 1));
  assert.deepEqual(
    [event.Records[0].Sns.MessageId, event.Records[0].Sns.Message, event.Records[0].Sns.MessageAttributes],
    [out.msg, 'hello from boto3', { n: { Type: 'Number', Value: '3' } }],
  );
});
