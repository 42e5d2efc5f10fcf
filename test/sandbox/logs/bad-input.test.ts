import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startLogsFixture, type LogsFixture } from './helpers.js';
import { sigV4 } from '../raw-http.js';

let fx: LogsFixture;
before(async () => {
  fx = await startLogsFixture();
});
after(() => fx.close());

async function call(target: string | undefined, body: string) {
  const headers: Record<string, string> = { ...sigV4('logs'), 'content-type': 'application/x-amz-json-1.1' };
  if (target) headers['x-amz-target'] = target;
  const res = await fetch(`${fx.sandbox.endpoint}/`, { method: 'POST', headers, body });
  return {
    status: res.status,
    errorType: res.headers.get('x-amzn-errortype'),
    json: (await res.json()) as { __type?: string; message?: string },
  };
}

const cases: { name: string; target: string; body: string; type: string; message?: RegExp }[] = [
  { name: 'unknown operation', target: 'Logs_20140328.FlyToTheMoon', body: '{}', type: 'UnknownOperationException' },
  { name: 'malformed JSON', target: 'Logs_20140328.DescribeLogGroups', body: '{"limit": ', type: 'SerializationException' },
  { name: 'JSON that is not an object', target: 'Logs_20140328.DescribeLogGroups', body: '[1,2]', type: 'SerializationException' },
  {
    name: 'missing log group',
    target: 'Logs_20140328.FilterLogEvents',
    body: '{"logGroupName":"/aws/lambda/none"}',
    type: 'ResourceNotFoundException',
    message: /^The specified log group does not exist\.$/,
  },
  {
    name: 'missing required field',
    target: 'Logs_20140328.CreateLogGroup',
    body: '{}',
    type: 'InvalidParameterException',
    message: /Value null at 'logGroupName'/,
  },
  {
    name: 'invalid group name',
    target: 'Logs_20140328.CreateLogGroup',
    body: '{"logGroupName":"bad name!"}',
    type: 'InvalidParameterException',
  },
  {
    name: 'wrong field type',
    target: 'Logs_20140328.FilterLogEvents',
    body: '{"logGroupName":"g","limit":"ten"}',
    type: 'InvalidParameterException',
  },
  {
    name: 'empty batch',
    target: 'Logs_20140328.PutLogEvents',
    body: '{"logGroupName":"g","logStreamName":"s","logEvents":[]}',
    type: 'InvalidParameterException',
  },
  {
    name: 'events of the wrong shape',
    target: 'Logs_20140328.PutLogEvents',
    body: '{"logGroupName":"g","logStreamName":"s","logEvents":[null,{"message":1}]}',
    type: 'InvalidParameterException',
  },
  { name: 'live tail without groups', target: 'Logs_20140328.StartLiveTail', body: '{}', type: 'InvalidParameterException' },
];

for (const c of cases) {
  test(`bad input: ${c.name} -> ${c.type}`, async () => {
    const r = await call(c.target, c.body);
    assert.equal(r.status, 400);
    assert.equal(r.errorType, c.type);
    assert.equal(r.json.__type, c.type);
    assert.equal(typeof r.json.message, 'string');
    if (c.message) assert.match(r.json.message!, c.message);
  });
}

test('the server keeps serving after bad input', async () => {
  await call('Logs_20140328.DescribeLogGroups', '{"limit": ');
  const res = await fx.logs.send(new DescribeLogGroupsCommand({}));
  assert.deepEqual(res.logGroups, []);
});
