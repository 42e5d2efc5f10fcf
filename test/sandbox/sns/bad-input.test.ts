/** Raw, malformed SNS requests: each gets an AWS error code in the query protocol's shape, never a 500 or a crash. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rawRequest, sigV4 } from '../raw-http.js';
import { type SnsFixture, startSnsFixture } from './helpers.js';

let f: SnsFixture;
before(async () => {
  f = await startSnsFixture();
});
after(async () => {
  await f.close();
});

const TOPIC = 'arn:aws:sns:eu-west-1:000000000000:bad-input';

const CASES: [string, string, number][] = [
  ['Version=2010-03-31', 'MissingAction', 400],
  ['Action=Publish', 'InvalidParameter', 400],
  [`Action=Publish&TopicArn=${TOPIC}`, 'ValidationError', 400],
  [
    `Action=Publish&TopicArn=${TOPIC}&Message=m&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v`,
    'ParameterValueInvalid',
    400,
  ],
  [
    `Action=Publish&TopicArn=${TOPIC}&Message=m&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.StringValue=v`,
    'ValidationError',
    400,
  ],
  [`Action=Subscribe&TopicArn=${TOPIC}`, 'ValidationError', 400],
  [`Action=Subscribe&TopicArn=${TOPIC}&Protocol=lambda`, 'InvalidParameter', 400],
  [`Action=Subscribe&TopicArn=${TOPIC}&Protocol=http&Endpoint=not%20a%20url`, 'InvalidParameter', 400],
  [
    `Action=Subscribe&TopicArn=${TOPIC}&Protocol=sqs&Endpoint=arn:aws:sqs:eu-west-1:000000000000:q&Attributes.entry.1.key=FilterPolicy&Attributes.entry.1.value=%7Bnope`,
    'InvalidParameter',
    400,
  ],
  [`Action=SetTopicAttributes&TopicArn=${TOPIC}&AttributeName=Policy&AttributeValue=%5B`, 'InvalidParameter', 400],
  [`Action=SetTopicAttributes&TopicArn=${TOPIC}`, 'ValidationError', 400],
  ['Action=ListTopics&NextToken=%%%', 'InvalidParameter', 400],
  ['Action=GetSubscriptionAttributes&SubscriptionArn=arn:aws:sns:eu-west-1:000000000000:t:not-a-uuid', 'InvalidParameter', 400],
  [`Action=PublishBatch&TopicArn=${TOPIC}`, 'EmptyBatchRequest', 400],
  [`Action=PublishBatch&TopicArn=${TOPIC}&PublishBatchRequestEntries.member.1.Id=a`, 'ValidationError', 400],
  [`Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=nope`, 'InvalidParameter', 400],
  ['Action=CreateTopic&Name=ok-name&Attributes.entry.1.key=Nonsense&Attributes.entry.1.value=1', 'InvalidParameter', 400],
];

test('malformed requests get AWS error codes, never a 500', async () => {
  const headers = { ...sigV4('sns'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const created = await rawRequest(f.sandbox.endpoint, { method: 'POST', path: '/', headers, body: 'Action=CreateTopic&Name=bad-input' });
  assert.equal(created.status, 200, created.body);
  for (const [body, code, status] of CASES) {
    const res = await rawRequest(f.sandbox.endpoint, { method: 'POST', path: '/', headers, body });
    assert.equal(res.status, status, `${body}: ${res.body}`);
    assert.match(res.body, new RegExp(`<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code>`), body);
  }
  assert.equal(f.lines.filter((l) => l.includes('internal error')).length, 0, f.lines.join('\n'));
});
