/** Event source mappings, pure parts: routes, request validation, the SQS event record, batches, partial batch responses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReceivedQueueMessage } from '../../../src/sandbox/context.js';
import { route } from '../../../src/sandbox/lambda/api.js';
import {
  checkSqsSettings,
  checkVisibilityTimeout,
  duplicateMapping,
  isSqsArn,
  type MappingRequest,
  mappingView,
  readMappingRequest,
  type StoredMapping,
} from '../../../src/sandbox/lambda/event-source-mappings/config.js';
import {
  BatchAssembly,
  type BatchOutcome,
  readBatchItemFailures,
  sqsEventPayload,
  sqsRecord,
} from '../../../src/sandbox/lambda/event-source-mappings/sqs-event.js';
import { LambdaError } from '../../../src/sandbox/lambda/errors.js';

const QUEUE = 'arn:aws:sqs:eu-west-1:000000000000:jobs';

function message(id: string, body = 'hello', extra: Partial<ReceivedQueueMessage> = {}): ReceivedQueueMessage {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body,
    attributes: {
      SenderId: '000000000000',
      ApproximateFirstReceiveTimestamp: '1700000000100',
      SentTimestamp: '1700000000000',
      ApproximateReceiveCount: '1',
    },
    messageAttributes: {},
    md5OfBody: '5d41402abc4b2a76b9719d911017c592',
    ...extra,
  };
}

test('route: event source mapping paths (SDK without a trailing slash, botocore with one)', () => {
  const cases: [string, string, ReturnType<typeof route>][] = [
    ['POST', '/2015-03-31/event-source-mappings', { op: 'CreateEventSourceMapping' }],
    ['POST', '/2015-03-31/event-source-mappings/', { op: 'CreateEventSourceMapping' }],
    ['GET', '/2015-03-31/event-source-mappings', { op: 'ListEventSourceMappings' }],
    ['GET', '/2015-03-31/event-source-mappings/', { op: 'ListEventSourceMappings' }],
    ['GET', '/2015-03-31/event-source-mappings/abc-1', { op: 'GetEventSourceMapping', uuid: 'abc-1' }],
    ['PUT', '/2015-03-31/event-source-mappings/abc-1', { op: 'UpdateEventSourceMapping', uuid: 'abc-1' }],
    ['DELETE', '/2015-03-31/event-source-mappings/abc-1/', { op: 'DeleteEventSourceMapping', uuid: 'abc-1' }],
    ['PATCH', '/2015-03-31/event-source-mappings/abc-1', undefined],
    ['DELETE', '/2015-03-31/event-source-mappings', undefined],
    ['GET', '/2015-03-31/event-source-mappings/a/b', undefined],
  ];
  for (const [method, path, expected] of cases) assert.deepEqual(route(method, path), expected, `${method} ${path}`);
});

test('sqsRecord: AWS example field order, the four system attributes first, md5OfMessageAttributes null without attributes', () => {
  const r = sqsRecord(message('m1'), QUEUE);
  assert.deepEqual(Object.keys(r), [
    'messageId',
    'receiptHandle',
    'body',
    'attributes',
    'messageAttributes',
    'md5OfMessageAttributes',
    'md5OfBody',
    'eventSource',
    'eventSourceARN',
    'awsRegion',
  ]);
  assert.deepEqual(Object.keys(r.attributes), ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
  assert.equal(r.md5OfMessageAttributes, null);
  assert.equal(r.eventSource, 'aws:sqs');
  assert.equal(r.eventSourceARN, QUEUE);
  assert.equal(r.awsRegion, 'eu-west-1');

  const fifo = sqsRecord(
    message('m2', 'x', {
      attributes: {
        MessageGroupId: 'g',
        ApproximateReceiveCount: '2',
        SequenceNumber: '1',
        SentTimestamp: '1',
        SenderId: 's',
        ApproximateFirstReceiveTimestamp: '2',
      },
      messageAttributes: { a: { stringValue: 'v', stringListValues: [], binaryListValues: [], dataType: 'String' } },
      md5OfMessageAttributes: 'abc',
    }),
    'arn:aws:sqs:us-east-2:000000000000:q.fifo',
  );
  assert.deepEqual(Object.keys(fifo.attributes), [
    'ApproximateReceiveCount',
    'SentTimestamp',
    'SenderId',
    'ApproximateFirstReceiveTimestamp',
    'MessageGroupId',
    'SequenceNumber',
  ]);
  assert.equal(fifo.md5OfMessageAttributes, 'abc');
  assert.equal(fifo.awsRegion, 'us-east-2');
  assert.deepEqual(
    JSON.parse(sqsEventPayload([message('a'), message('b')], QUEUE)).Records.map((x: { messageId: string }) => x.messageId),
    ['a', 'b'],
  );
});

test('BatchAssembly: stops at BatchSize, asks for at most 10 a receive, and stops before the payload limit', () => {
  const b = new BatchAssembly(QUEUE, 12);
  assert.equal(b.wanted, 10);
  for (let i = 0; i < 10; i++) assert.equal(b.add(message(`m${i}`)), true);
  assert.equal(b.wanted, 2);
  assert.equal(b.full, false);
  b.add(message('m10'));
  b.add(message('m11'));
  assert.equal(b.full, true);

  const one = Buffer.byteLength(sqsEventPayload([message('x', 'y'.repeat(1000))], QUEUE));
  const small = new BatchAssembly(QUEUE, 10, one + 100);
  assert.equal(small.add(message('a', 'y'.repeat(1000))), true);
  assert.equal(small.add(message('b', 'y'.repeat(1000))), false, 'a second record would pass the limit');
  assert.equal(small.full, true);
  assert.equal(small.messages.length, 1);
  // A single message is always taken, whatever its size.
  const tiny = new BatchAssembly(QUEUE, 10, 10);
  assert.equal(tiny.add(message('big', 'z'.repeat(100))), true);
});

test('readBatchItemFailures: AWS success and failure conditions for partial batch responses', () => {
  const ids = new Set(['a', 'b', 'c']);
  const cases: [string, BatchOutcome['kind'], string[]?][] = [
    ['', 'success'],
    ['null', 'success'],
    ['{}', 'success'],
    ['{"statusCode":200}', 'success'],
    ['{"batchItemFailures":null}', 'success'],
    ['{"batchItemFailures":[]}', 'success'],
    ['{"batchItemFailures":[{"itemIdentifier":"b"}]}', 'partial', ['b']],
    ['{"batchItemFailures":[{"itemIdentifier":"b"},{"itemIdentifier":"c"},{"itemIdentifier":"b"}]}', 'partial', ['b', 'c']],
    ['not json', 'failure'],
    ['"ok"', 'failure'],
    ['[{"itemIdentifier":"a"}]', 'failure'],
    ['{"batchItemFailures":"a"}', 'failure'],
    ['{"batchItemFailures":[{"itemIdentifier":""}]}', 'failure'],
    ['{"batchItemFailures":[{"itemIdentifier":null}]}', 'failure'],
    ['{"batchItemFailures":[{"itemId":"a"}]}', 'failure'],
    ['{"batchItemFailures":["a"]}', 'failure'],
    ['{"batchItemFailures":[{"itemIdentifier":"zzz"}]}', 'failure'],
    ['{"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"zzz"}]}', 'failure'],
  ];
  for (const [payload, kind, failed] of cases) {
    const got = readBatchItemFailures(payload, ids);
    assert.equal(got.kind, kind, payload);
    if (failed) assert.deepEqual(got.kind === 'partial' ? got.failed : undefined, failed, payload);
  }
});

function errorOf(fn: () => unknown): { code: string; message: string; status: number } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LambdaError, String(err));
    return { code: err.code, message: err.message, status: err.status };
  }
  throw new Error('expected an error');
}

test('readMappingRequest: model constraints are ValidationException, types SerializationException, stream members refused', () => {
  const base = { EventSourceArn: QUEUE, FunctionName: 'fn' };
  const cases: [MappingRequest, string, RegExp][] = [
    [
      { ...base, BatchSize: 0 },
      'ValidationException',
      /^1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1$/,
    ],
    [{ ...base, BatchSize: 10001 }, 'ValidationException', /at 'batchSize' .*less than or equal to 10000/],
    [
      { ...base, MaximumBatchingWindowInSeconds: 301 },
      'ValidationException',
      /at 'maximumBatchingWindowInSeconds' .*less than or equal to 300/,
    ],
    [{ ...base, MaximumBatchingWindowInSeconds: -1 }, 'ValidationException', /greater than or equal to 0/],
    [
      { ...base, BatchSize: 0, MaximumBatchingWindowInSeconds: 301 },
      'ValidationException',
      /^2 validation errors detected: .*batchSize.*; .*maximumBatchingWindowInSeconds/,
    ],
    [
      { ...base, FunctionResponseTypes: ['Nope'] },
      'ValidationException',
      /Value '\[Nope\]' at 'functionResponseTypes'.*enum value set: \[ReportBatchItemFailures\]/,
    ],
    [
      { ...base, ScalingConfig: { MaximumConcurrency: 1 } },
      'ValidationException',
      /'scalingConfig.maximumConcurrency'.*greater than or equal to 2/,
    ],
    [
      { ...base, EventSourceArn: 'not-an-arn' },
      'ValidationException',
      /at 'eventSourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    ],
    [{ ...base, FunctionName: 'bad name' }, 'ValidationException', /at 'functionName'/],
    [{ ...base, BatchSize: '10' }, 'SerializationException', /BatchSize must be an integer/],
    [{ ...base, BatchSize: 1.5 }, 'SerializationException', /BatchSize/],
    [{ ...base, Enabled: 'yes' }, 'SerializationException', /Enabled must be a boolean/],
    [{ ...base, FunctionResponseTypes: 'ReportBatchItemFailures' }, 'SerializationException', /FunctionResponseTypes/],
    [{ FunctionName: 'fn' }, 'InvalidParameterValueException', /^Unrecognized event source\.$/],
    [{ EventSourceArn: QUEUE }, 'ValidationException', /Value null at 'functionName'/],
    [{ ...base, StartingPosition: 'LATEST' }, 'InvalidParameterValueException', /^StartingPosition is not valid for SQS event sources\.$/],
    [
      { ...base, FilterCriteria: { Filters: [] } },
      'InvalidParameterValueException',
      /FilterCriteria is not supported by the s3trigger sandbox/,
    ],
  ];
  for (const [body, code, message] of cases) {
    const e = errorOf(() => readMappingRequest(body, true));
    assert.equal(e.code, code, JSON.stringify(body));
    assert.match(e.message, message, JSON.stringify(body));
    assert.equal(e.status, 400);
  }
  assert.deepEqual(
    readMappingRequest({ ...base, Enabled: false, BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures'] }, true),
    {
      eventSourceArn: QUEUE,
      functionName: 'fn',
      enabled: false,
      batchSize: 5,
      responseTypes: ['ReportBatchItemFailures'],
    },
  );
  assert.deepEqual(readMappingRequest({ ScalingConfig: {} }, false), { scaling: null });
  assert.deepEqual(readMappingRequest({}, false), {});
});

test('SQS rules: batch above 10 needs a window, FIFO limits, visibility timeout against the function timeout, conflict text', () => {
  const cases: [number, number, boolean, RegExp | undefined][] = [
    [10, 0, false, undefined],
    [11, 0, false, /^Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10$/],
    [11, 1, false, undefined],
    [10000, 300, false, undefined],
    [11, 0, true, /Maximum batch window/],
    [10, 0, true, undefined],
    [10, 1, true, /FIFO/],
  ];
  for (const [batch, window, fifo, message] of cases) {
    if (!message) checkSqsSettings(batch, window, fifo);
    else assert.match(errorOf(() => checkSqsSettings(batch, window, fifo)).message, message);
  }
  checkVisibilityTimeout(30, 30);
  assert.equal(
    errorOf(() => checkVisibilityTimeout(30, 60)).message,
    'Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds',
  );
  const dup = duplicateMapping(QUEUE, 'fn', 'u-1');
  assert.equal(dup.code, 'ResourceConflictException');
  assert.equal(dup.status, 409);
  assert.equal(
    dup.message,
    `An event source mapping with SQS arn (" ${QUEUE} ") and function (" fn ") already exists. Please update or delete the existing mapping with UUID u-1`,
  );
  assert.equal(isSqsArn(QUEUE), true);
  assert.equal(isSqsArn('arn:aws:sqs:eu-west-1:000000000000:q.fifo'), true);
  assert.equal(isSqsArn('arn:aws:kinesis:eu-west-1:000000000000:stream/s'), false);
  assert.equal(isSqsArn('arn:aws:sqs:eu-west-1:000000000000:'), false);
});

test('mappingView: members and states as AWS returns them; ScalingConfig only when set', () => {
  const m: StoredMapping = {
    UUID: 'u-1',
    BatchSize: 10,
    MaximumBatchingWindowInSeconds: 0,
    EventSourceArn: QUEUE,
    FunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:fn',
    LastModified: 1700000000.123,
    Enabled: true,
    FunctionResponseTypes: [],
    EventSourceMappingArn: 'arn:aws:lambda:eu-west-1:000000000000:event-source-mapping:u-1',
  };
  assert.deepEqual(mappingView(m), {
    UUID: 'u-1',
    BatchSize: 10,
    MaximumBatchingWindowInSeconds: 0,
    EventSourceArn: QUEUE,
    FunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:fn',
    LastModified: 1700000000.123,
    State: 'Enabled',
    StateTransitionReason: 'USER_INITIATED',
    FunctionResponseTypes: [],
    EventSourceMappingArn: 'arn:aws:lambda:eu-west-1:000000000000:event-source-mapping:u-1',
  });
  assert.equal(mappingView({ ...m, Enabled: false }).State, 'Disabled');
  assert.equal(mappingView(m, 'Deleting').State, 'Deleting');
  assert.deepEqual(mappingView({ ...m, ScalingConfig: { MaximumConcurrency: 3 } }).ScalingConfig, { MaximumConcurrency: 3 });
});
