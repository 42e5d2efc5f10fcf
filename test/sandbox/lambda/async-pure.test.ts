/** Pure rules of asynchronous invocation: routes, settings validation, destination kinds, records, DLQ messages, backoff. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asyncRoute } from '../../../src/sandbox/lambda/async/api.js';
import { throttleRetryMs } from '../../../src/sandbox/lambda/async/backoff.js';
import { destinationKind, readEventInvokeSettings, validateDeadLetterConfig } from '../../../src/sandbox/lambda/async/config.js';
import { deadLetterMessage, invocationRecord, type AsyncEventEnd } from '../../../src/sandbox/lambda/async/record.js';
import { LambdaError } from '../../../src/sandbox/lambda/errors.js';

test('routes: event-invoke-config and concurrency under their API versions only', () => {
  const cases: [string, string, string | undefined][] = [
    ['PUT', '/2019-09-25/functions/f/event-invoke-config', 'PutFunctionEventInvokeConfig'],
    ['GET', '/2019-09-25/functions/f/event-invoke-config', 'GetFunctionEventInvokeConfig'],
    ['POST', '/2019-09-25/functions/f/event-invoke-config', 'UpdateFunctionEventInvokeConfig'],
    ['DELETE', '/2019-09-25/functions/f/event-invoke-config', 'DeleteFunctionEventInvokeConfig'],
    ['GET', '/2019-09-25/functions/f/event-invoke-config/list', 'ListFunctionEventInvokeConfigs'],
    ['PUT', '/2017-10-31/functions/f/concurrency', 'PutFunctionConcurrency'],
    ['DELETE', '/2017-10-31/functions/f/concurrency', 'DeleteFunctionConcurrency'],
    ['GET', '/2019-09-30/functions/f/concurrency', 'GetFunctionConcurrency'],
    ['GET', '/2017-10-31/functions/f/concurrency', undefined],
    ['PUT', '/2015-03-31/functions/f/event-invoke-config', undefined],
    ['GET', '/2015-03-31/functions/f', undefined],
  ];
  for (const [method, path, op] of cases) assert.equal(asyncRoute(method, path)?.op, op, `${method} ${path}`);
  assert.equal(
    asyncRoute('GET', '/2019-09-25/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A000000000000%3Afunction%3Af/event-invoke-config')?.name,
    'arn:aws:lambda:eu-west-1:000000000000:function:f',
  );
});

test('destination kinds: SQS, SNS, Lambda functions and EventBridge buses; nothing else', () => {
  const cases: [string, string | undefined][] = [
    ['arn:aws:sqs:eu-west-1:000000000000:q', 'sqs'],
    ['arn:aws:sns:eu-west-1:000000000000:t', 'sns'],
    ['arn:aws:lambda:eu-west-1:000000000000:function:f', 'lambda'],
    ['arn:aws:lambda:eu-west-1:000000000000:function:f:live', 'lambda'],
    ['arn:aws:events:eu-west-1:000000000000:event-bus/default', 'events'],
    ['arn:aws:events:eu-west-1:000000000000:rule/r', undefined],
    ['arn:aws:lambda:eu-west-1:000000000000:layer:l', undefined],
    ['arn:aws:s3:::bucket', undefined],
    ['q', undefined],
  ];
  for (const [arn, kind] of cases) assert.equal(destinationKind(arn), kind, arn);
});

test('settings: ranges, types and the empty request, as Lambda words them', () => {
  const err = (body: Record<string, unknown>) => {
    const r = readEventInvokeSettings(body, 'me');
    return r instanceof LambdaError ? `${r.code}: ${r.message}` : 'ok';
  };
  assert.equal(err({ MaximumRetryAttempts: 0 }), 'ok');
  assert.equal(err({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 }), 'ok');
  assert.equal(err({ MaximumEventAgeInSeconds: 21_600 }), 'ok');
  assert.match(err({ MaximumRetryAttempts: -1 }), /^ValidationException: .*greater than or equal to 0$/);
  assert.match(err({ MaximumRetryAttempts: 1.5 }), /^SerializationException/);
  assert.match(err({ MaximumRetryAttempts: '1' }), /^SerializationException/);
  assert.match(err({}), /^InvalidParameterValueException: You must specify/);
  assert.match(
    err({ DestinationConfig: { OnSuccess: { Destination: 'arn:aws:lambda:eu-west-1:000000000000:function:me' } } }),
    /destination for itself/,
  );
  assert.deepEqual(readEventInvokeSettings({ DestinationConfig: { OnFailure: { Destination: '' } } }, 'me'), {
    DestinationConfig: { OnFailure: {} },
  });
});

test('DeadLetterConfig: an SQS queue or SNS topic, or empty to remove', () => {
  assert.equal(validateDeadLetterConfig(undefined), undefined);
  assert.equal(validateDeadLetterConfig({ TargetArn: '' }), undefined);
  assert.equal(validateDeadLetterConfig({ TargetArn: 'arn:aws:sqs:eu-west-1:000000000000:q' }), undefined);
  assert.equal(validateDeadLetterConfig({ TargetArn: 'arn:aws:sns:eu-west-1:000000000000:t' }), undefined);
  assert.equal(
    validateDeadLetterConfig({ TargetArn: 'arn:aws:lambda:eu-west-1:000000000000:function:f' })?.code,
    'InvalidParameterValueException',
  );
  assert.equal(validateDeadLetterConfig({ TargetArn: 'queue' })?.code, 'ValidationException');
  assert.equal(validateDeadLetterConfig({ TargetArn: 5 })?.code, 'SerializationException');
});

const END: AsyncEventEnd = {
  requestId: 'r-1',
  functionName: 'f',
  functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:f',
  payload: '{"k":"v"}',
  condition: 'RetriesExhausted',
  attempts: 3,
  outcome: { requestId: 'r-1', status: 'error', payload: '{"errorType":"Error","errorMessage":"bad"}', durationMs: 3, logTail: '' },
  at: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
};

test("invocation record: Lambda's version 1.0 shape", () => {
  assert.deepEqual(invocationRecord(END), {
    version: '1.0',
    timestamp: '2026-01-02T03:04:05.678Z',
    requestContext: {
      requestId: 'r-1',
      functionArn: `${END.functionArn}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: { k: 'v' },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'Error', errorMessage: 'bad' },
  });
  const success = invocationRecord({
    ...END,
    condition: 'Success',
    attempts: 1,
    outcome: { ...END.outcome!, status: 'success', payload: '"done"' },
  });
  assert.deepEqual(success.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
  assert.equal(success.responsePayload, 'done');
  const never = invocationRecord({ ...END, attempts: 0, outcome: undefined });
  assert.equal('responseContext' in never, false);
  assert.equal('responsePayload' in never, false);
});

test('dead-letter message: the event as body; RequestID, ErrorCode, ErrorMessage (first 1 KB)', () => {
  assert.deepEqual(deadLetterMessage(END), {
    body: '{"k":"v"}',
    attributes: {
      RequestID: { DataType: 'String', StringValue: 'r-1' },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: 'bad' },
    },
  });
  const long = deadLetterMessage({ ...END, outcome: { ...END.outcome!, payload: JSON.stringify({ errorMessage: 'é'.repeat(2000) }) } });
  assert.ok(Buffer.byteLength(long.attributes.ErrorMessage!.StringValue!) <= 1024);
  assert.equal(deadLetterMessage({ ...END, outcome: undefined }).attributes.ErrorCode!.StringValue, '429');
});

test('throttled events back off from 1 s, doubling, to at most 5 minutes', () => {
  assert.deepEqual([0, 1, 2, 3].map(throttleRetryMs), [1000, 2000, 4000, 8000]);
  assert.equal(throttleRetryMs(9), 300_000);
  assert.equal(throttleRetryMs(1000), 300_000);
});
