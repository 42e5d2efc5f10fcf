import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lambdaGrantCommand, queueGrantCommand, queueUrlOf, servicePolicy, topicGrantCommand } from '../../src/aws/grants.js';
import { resourcePolicyAllows } from '../../src/aws/resource-policy.js';

const sandbox = { endpoint: 'http://127.0.0.1:4566', region: 'eu-west-1' };
const aws = { region: 'eu-west-1' };
const TOPIC = 'arn:aws:sns:eu-west-1:000000000000:uploads';
const QUEUE = 'arn:aws:sqs:eu-west-1:000000000000:jobs';
const RULE = 'arn:aws:events:eu-west-1:000000000000:rule/s3-created';

test('grant commands: one AWS CLI command per kind, pointed at the sandbox when there is one', () => {
  const rows: [string, string, string][] = [
    [
      'lambda for SNS, sandbox',
      lambdaGrantCommand('fn', 'sns.amazonaws.com', TOPIC, sandbox),
      `aws --endpoint-url http://127.0.0.1:4566 lambda add-permission --function-name fn --statement-id sns-uploads --action lambda:InvokeFunction --principal sns.amazonaws.com --source-arn ${TOPIC}`,
    ],
    [
      'lambda ARN with qualifier for EventBridge, AWS',
      lambdaGrantCommand('arn:aws:lambda:eu-west-1:000000000000:function:fn:live', 'events.amazonaws.com', RULE, aws),
      `aws lambda add-permission --function-name fn:live --statement-id events-s3-created --action lambda:InvokeFunction --principal events.amazonaws.com --source-arn ${RULE}`,
    ],
    [
      'queue for SNS',
      queueGrantCommand(QUEUE, 'sns.amazonaws.com', TOPIC, sandbox),
      `aws --endpoint-url http://127.0.0.1:4566 sqs set-queue-attributes --queue-url http://127.0.0.1:4566/000000000000/jobs --attributes '${JSON.stringify(
        {
          Policy: JSON.stringify(servicePolicy(QUEUE, 'sns.amazonaws.com', 'sqs:SendMessage', TOPIC, 'sns-uploads')),
        },
      )}'`,
    ],
    [
      'topic for EventBridge, AWS',
      topicGrantCommand(TOPIC, 'events.amazonaws.com', RULE, aws),
      `aws sns set-topic-attributes --topic-arn ${TOPIC} --attribute-name Policy --attribute-value '${JSON.stringify(
        servicePolicy(TOPIC, 'events.amazonaws.com', 'SNS:Publish', RULE, 'events-s3-created'),
      )}'`,
    ],
  ];
  for (const [name, got, want] of rows) assert.equal(got, want, name);
  assert.equal(queueUrlOf(QUEUE, aws), 'https://sqs.eu-west-1.amazonaws.com/000000000000/jobs');
});

test('servicePolicy grants exactly its principal, action and source', () => {
  const policy = servicePolicy(QUEUE, 'sns.amazonaws.com', 'sqs:SendMessage', TOPIC, 'x');
  const ask = (over: object) =>
    resourcePolicyAllows(policy, { principal: 'sns.amazonaws.com', action: 'sqs:SendMessage', sourceArn: TOPIC, ...over });
  assert.equal(ask({}), true);
  assert.equal(ask({ principal: 's3.amazonaws.com' }), false);
  assert.equal(ask({ sourceArn: `${TOPIC}-other` }), false);
  assert.equal(ask({ action: 'sqs:ReceiveMessage' }), false);
});
