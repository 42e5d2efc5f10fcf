import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { S3EventRecord } from 'aws-lambda';
import { route } from '../../../src/sandbox/lambda/api.js';
import { deliverS3Notification } from '../../../src/sandbox/glue/s3-notifications.js';
import { s3EventPayload } from '../../../src/sandbox/glue/s3-to-lambda.js';
import type { S3Notification } from '../../../src/sandbox/context.js';
import { absentServices } from '../../../src/sandbox/absent-services.js';

test('route maps Lambda REST paths (SDK and botocore spellings) to operations', () => {
  const arn = encodeURIComponent('arn:aws:lambda:eu-west-1:000000000000:function:fn');
  const cases: [string, string, ReturnType<typeof route>][] = [
    ['POST', '/2015-03-31/functions', { op: 'CreateFunction' }],
    ['POST', '/2015-03-31/functions/', { op: 'CreateFunction' }],
    ['GET', '/2015-03-31/functions/', { op: 'ListFunctions' }],
    ['GET', '/2015-03-31/functions/fn', { op: 'GetFunction', name: 'fn' }],
    [
      'GET',
      `/2015-03-31/functions/${arn}/configuration`,
      { op: 'GetFunctionConfiguration', name: 'arn:aws:lambda:eu-west-1:000000000000:function:fn' },
    ],
    ['DELETE', '/2015-03-31/functions/fn', { op: 'DeleteFunction', name: 'fn' }],
    ['PUT', '/2015-03-31/functions/fn/code', { op: 'UpdateFunctionCode', name: 'fn' }],
    ['PUT', '/2015-03-31/functions/fn/configuration', { op: 'UpdateFunctionConfiguration', name: 'fn' }],
    ['POST', '/2015-03-31/functions/fn/invocations', { op: 'Invoke', name: 'fn' }],
    ['POST', '/2015-03-31/functions/fn/policy', { op: 'AddPermission', name: 'fn' }],
    ['GET', '/2015-03-31/functions/fn/policy', { op: 'GetPolicy', name: 'fn' }],
    ['DELETE', '/2015-03-31/functions/fn/policy/s3', { op: 'RemovePermission', name: 'fn', sid: 's3' }],
    ['POST', '/2014-11-13/functions/fn/invoke-async/', { op: 'InvokeAsync', name: 'fn' }],
    ['GET', '/2015-03-31/functions/fn/aliases', { op: 'ListAliases', name: 'fn' }],
    ['PUT', '/2015-03-31/functions/fn/aliases/live', { op: 'UpdateAlias', name: 'fn', alias: 'live' }],
    ['POST', '/2015-03-31/functions/fn/versions', { op: 'PublishVersion', name: 'fn' }],
    ['GET', '/2015-03-31/functions/fn/no-such-thing', undefined],
    ['PATCH', '/2015-03-31/functions/fn', undefined],
    ['GET', '/bucket/key', undefined],
  ];
  for (const [method, path, expected] of cases) assert.deepEqual(route(method, path), expected, `${method} ${path}`);
});

const record = { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k' } } } as S3EventRecord;
const arn = 'arn:aws:lambda:eu-west-1:000000000000:function:fn';

test('deliverS3Notification: lambda -> one async invoke with {"Records":[record]}; others (no such queue/topic, EventBridge not running) logged and dropped', () => {
  const cases: { destination: S3Notification['destination']; exists: boolean; invoked: boolean; log?: RegExp }[] = [
    { destination: { kind: 'lambda', arn, configurationId: 'c' }, exists: true, invoked: true },
    { destination: { kind: 'lambda', arn, configurationId: 'c' }, exists: false, invoked: false, log: /function .*fn does not exist/ },
    {
      destination: { kind: 'queue', arn: 'arn:aws:sqs:eu-west-1:000000000000:q', configurationId: 'c' },
      exists: true,
      invoked: false,
      log: /queue .*:q does not exist/,
    },
    {
      destination: { kind: 'topic', arn: 'arn:aws:sns:eu-west-1:000000000000:t', configurationId: 'c' },
      exists: true,
      invoked: false,
      log: /topic .*:t does not exist/,
    },
    { destination: { kind: 'eventbridge' }, exists: true, invoked: false, log: /EventBridge service is not running/ },
  ];
  for (const c of cases) {
    const invoked: [string, string][] = [];
    const logs: string[] = [];
    const n: S3Notification = { record, destination: c.destination };
    const functions = {
      allowsInvoke: () => true,
      exists: () => c.exists,
      functionFor: () => (c.exists ? 'fn' : undefined),
      invokeAsync: (name: string, payload: string) => {
        invoked.push([name, payload]);
        return 'id';
      },
    };
    deliverS3Notification(n, {
      ...absentServices(),
      functions,
      accountId: '000000000000',
      strict: false,
      log: (l) => logs.push(l),
    });
    assert.deepEqual(invoked, c.invoked ? [['fn', JSON.stringify({ Records: [record] })]] : []);
    if (c.log) assert.match(logs.join('\n'), c.log);
    else assert.deepEqual(logs, []);
  }
  assert.deepEqual(JSON.parse(s3EventPayload({ record })), { Records: [record] });
});
