/**
 * The pure parts of the sandbox's SQS, table-tested: the MD5 of message attributes (against digests AWS returned
 * for the same attributes, recorded in LocalStack's AWS-validated snapshots, and the documented byte layout), queue
 * attribute and RedrivePolicy validation, message body and attribute checks, attribute selection, query parsing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SqsError } from '../../../src/sandbox/sqs/errors.js';
import { md5Hex, md5OfAttributes, type StoredAttribute } from '../../../src/sandbox/sqs/md5.js';
import { checkAttributes, checkBody, checkDelay, messageSize } from '../../../src/sandbox/sqs/message-input.js';
import { selectAttributes } from '../../../src/sandbox/sqs/ops-messages.js';
import { parseRedrivePolicy, requestedQueueAttributes, validateQueueAttributes } from '../../../src/sandbox/sqs/queue-attributes.js';
import { queryInput, queryResultXml } from '../../../src/sandbox/sqs/query-wire.js';

const str = (StringValue: string, DataType = 'String'): StoredAttribute => ({ DataType, StringValue });

test('MD5 of message attributes: digests AWS returned for these attributes', () => {
  const traceparent = Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1').toString('base64');
  const rows: [Record<string, StoredAttribute>, string | undefined][] = [
    [{ MyAttribute: str('foobar') }, 'adb59cd4678ea5a855436b949cd07ab6'],
    [{ Foo: str('Bar') }, 'ae7155c6026991b6d54b11589678bf9c'],
    [{ k: str('x') }, 'a45daa70926828a2f0a1db3418e6feb4'],
    [{ Hello: str('There') }, 'a311262e065454b75da111d535b8dacd'],
    [{ Hello: str('There'), General: str('Kenobi') }, 'fca026605781cb4126a1e9044df24232'],
    [{ 'Help.Me': str('Me'), Hello: str('There') }, '83fee93c1bcd8b9a5a923ffacdc636c7'],
    [{ 'Help.Me': str('Me'), Hello: str('There'), General: str('Kenobi') }, '4c360f3fdafd970e05fae2f149d997f5'],
    [{ General: str('Kenobi'), 'Help.Me': str('Me'), Hello: str('There') }, '4c360f3fdafd970e05fae2f149d997f5'],
    [{ attr1: { DataType: 'Binary', BinaryValue: traceparent } }, '8cbe4db156db8a94db8b801b7addb984'],
    [{}, undefined],
  ];
  for (const [attributes, md5] of rows) assert.equal(md5OfAttributes(attributes), md5, JSON.stringify(attributes));
});

test('MD5 of message attributes: the documented layout (length-prefixed name, type, transport byte 1/2, length-prefixed value)', () => {
  const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  const part = (s: string | Buffer) => {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    return Buffer.concat([u32(b.length), b]);
  };
  const layout = Buffer.concat([
    part('b'),
    part('Binary.gif'),
    Buffer.of(2),
    part(Buffer.of(0, 255)),
    part('n'),
    part('Number.int'),
    Buffer.of(1),
    part('42'),
    part('ü'),
    part('String'),
    Buffer.of(1),
    part('日本'),
  ]);
  const expected = createHash('md5').update(layout).digest('hex');
  const attributes = {
    ü: str('日本'),
    n: str('42', 'Number.int'),
    b: { DataType: 'Binary.gif', BinaryValue: Buffer.of(0, 255).toString('base64') },
  };
  assert.equal(md5OfAttributes(attributes), expected);
  assert.equal(md5Hex('test'), '098f6bcd4621d373cade4e832627b4f6');
  assert.equal(md5Hex('日本'), createHash('md5').update(Buffer.from('日本', 'utf8')).digest('hex'));
});

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof SqsError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'ok';
};

test('queue attributes: ranges, booleans, JSON policies, unknown and read-only names', () => {
  const rows: [Record<string, string>, RegExp | Record<string, string>][] = [
    [{ VisibilityTimeout: '0' }, { VisibilityTimeout: '0' }],
    [{ VisibilityTimeout: '43200' }, { VisibilityTimeout: '43200' }],
    [{ VisibilityTimeout: '43201' }, /^InvalidAttributeValue: Invalid value for the parameter VisibilityTimeout\.$/],
    [{ VisibilityTimeout: '-1' }, /^InvalidAttributeValue/],
    [{ VisibilityTimeout: '1.5' }, /^InvalidAttributeValue/],
    [{ DelaySeconds: '900' }, { DelaySeconds: '900' }],
    [{ DelaySeconds: '901' }, /^InvalidAttributeValue/],
    [{ MaximumMessageSize: '1024' }, { MaximumMessageSize: '1024' }],
    [{ MaximumMessageSize: '1048577' }, /^InvalidAttributeValue/],
    [{ MessageRetentionPeriod: '59' }, /^InvalidAttributeValue/],
    [{ MessageRetentionPeriod: '1209600' }, { MessageRetentionPeriod: '1209600' }],
    [{ ReceiveMessageWaitTimeSeconds: '21' }, /^InvalidAttributeValue/],
    [{ SqsManagedSseEnabled: 'FALSE' }, { SqsManagedSseEnabled: 'false' }],
    [{ SqsManagedSseEnabled: 'yes' }, /^InvalidAttributeValue/],
    [{ Policy: '{"Statement":[]}' }, { Policy: '{"Statement":[]}' }],
    [{ Policy: '' }, { Policy: '' }],
    [{ Policy: '[1]' }, /^InvalidAttributeValue: Invalid value for the parameter Policy\.$/],
    [{ ApproximateNumberOfMessages: '1' }, /^InvalidAttributeName: Unknown Attribute ApproximateNumberOfMessages\.$/],
    [{ FifoQueue: 'false' }, /^InvalidAttributeName: Unknown Attribute FifoQueue\.$/],
    [{ ContentBasedDeduplication: 'false' }, /^InvalidAttributeName: Unknown Attribute ContentBasedDeduplication\.$/],
    [
      { DeduplicationScope: 'queue' },
      /^InvalidAttributeName: You can specify the DeduplicationScope only when FifoQueue is set to true\.$/,
    ],
    [{ visibilitytimeout: '1' }, /^InvalidAttributeName/],
  ];
  for (const [given, expected] of rows) {
    if (expected instanceof RegExp)
      assert.match(
        code(() => validateQueueAttributes(given)),
        expected,
        JSON.stringify(given),
      );
    else assert.deepEqual(validateQueueAttributes(given), expected);
  }
  assert.equal(requestedQueueAttributes(['All', 'QueueArn']), 'all');
  assert.deepEqual(requestedQueueAttributes(['QueueArn', 'FifoQueue']), new Set(['QueueArn', 'FifoQueue']));
  assert.match(
    code(() => requestedQueueAttributes(['QueueArn', 'Nope'])),
    /^InvalidAttributeName: Unknown Attribute Nope\.$/,
  );
});

test('RedrivePolicy: a JSON map with deadLetterTargetArn and maxReceiveCount 1-1000 (number or numeric string)', () => {
  const arn = 'arn:aws:sqs:eu-west-1:000000000000:dlq';
  assert.deepEqual(parseRedrivePolicy(JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: '5' })), {
    deadLetterTargetArn: arn,
    maxReceiveCount: 5,
  });
  assert.deepEqual(parseRedrivePolicy(JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 1000 })), {
    deadLetterTargetArn: arn,
    maxReceiveCount: 1000,
  });
  const bad: [string, RegExp][] = [
    ['not json', /^InvalidAttributeValue/],
    [JSON.stringify({ maxReceiveCount: 1 }), /^InvalidParameterValue: .*'deadLetterTargetArn' is missing/],
    [
      JSON.stringify({ deadLetterTargetArn: 'dummy', maxReceiveCount: 1 }),
      /^InvalidParameterValue: .*Invalid value for deadLetterTargetArn/,
    ],
    [JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 0 }), /valid values are from 1 to 1000 both inclusive/],
    [JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 1001 }), /valid values are from 1 to 1000 both inclusive/],
    [JSON.stringify({ deadLetterTargetArn: arn }), /Invalid value for maxReceiveCount: undefined/],
  ];
  for (const [value, message] of bad)
    assert.match(
      code(() => parseRedrivePolicy(value)),
      message,
      value,
    );
  assert.deepEqual(
    JSON.parse(
      validateQueueAttributes({ RedrivePolicy: JSON.stringify({ maxReceiveCount: '2', deadLetterTargetArn: arn }) }).RedrivePolicy!,
    ),
    {
      deadLetterTargetArn: arn,
      maxReceiveCount: 2,
    },
  );
});

test('message bodies: the XML character set, nothing empty', () => {
  const rows: [unknown, RegExp | 'ok'][] = [
    ['plain', 'ok'],
    ['tab\tnew\nline\rcr', 'ok'],
    ['emoji 🙂 and \uE000 and \uFFFD', 'ok'],
    ['', /^MissingParameter: The request must contain the parameter MessageBody\.$/],
    [undefined, /^MissingParameter/],
    [42, /^MissingParameter/],
    ['nul\u0000', /^InvalidMessageContents: Invalid binary character '#x0'/],
    ['vt\u000B', /#xB/],
    ['lone \uD800 surrogate', /#xD800/],
    ['not a char \uFFFE', /#xFFFE/],
  ];
  for (const [body, expected] of rows) {
    const got = code(() => checkBody(body));
    if (expected === 'ok') assert.equal(got, 'ok', String(body));
    else assert.match(got, expected, String(body));
  }
});

test('message attributes: names, data types, values, count; stored with binaries in base64', () => {
  assert.deepEqual(
    checkAttributes({
      s: { DataType: 'String', StringValue: 'v' },
      'n.x-y_z': { DataType: 'Number.float', StringValue: '-1.5e10' },
      b: { DataType: 'Binary', BinaryValue: 'AAE=' },
    }),
    { s: str('v'), 'n.x-y_z': str('-1.5e10', 'Number.float'), b: { DataType: 'Binary', BinaryValue: 'AAE=' } },
  );
  const rows: [unknown, RegExp][] = [
    [{ s: { DataType: 'String', StringValue: '' } }, /must contain a non-empty value of type 'String'/],
    [{ s: { DataType: 'String' } }, /must contain a non-empty value of type 'String'/],
    [{ n: { DataType: 'Number', StringValue: '1,5' } }, /Can't cast the value of message \(user\) attribute 'n' to a number/],
    [{ b: { DataType: 'Binary', BinaryValue: '' } }, /non-empty value of type 'Binary'/],
    [{ s: { StringValue: 'v' } }, /non-empty message attribute type/],
    [{ s: { DataType: 'Str', StringValue: 'v' } }, /supported type prefixes: Binary, Number, String/],
    [{ 'aws.x': { DataType: 'String', StringValue: 'v' } }, /reserved for internal use/],
    [{ 'Amazon.x': { DataType: 'String', StringValue: 'v' } }, /reserved for internal use/],
    [{ '.x': { DataType: 'String', StringValue: 'v' } }, /cannot start or end with '\.'/],
    [{ 'x.': { DataType: 'String', StringValue: 'v' } }, /cannot start or end with '\.'/],
    [{ 'a b': { DataType: 'String', StringValue: 'v' } }, /can only contain upper and lower score characters/],
    [{ ['x'.repeat(257)]: { DataType: 'String', StringValue: 'v' } }, /shorter than 256 Bytes/],
    [{ s: { DataType: 'String', StringListValues: ['a'] } }, /StringListValues and BinaryListValues are reserved/],
    [
      Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }])),
      /\[11\] exceeds the allowed maximum \[10\]/,
    ],
  ];
  for (const [given, message] of rows) {
    const got = code(() => checkAttributes(given));
    assert.match(got, /^InvalidParameterValue: /, JSON.stringify(given).slice(0, 80));
    assert.match(got, message);
  }
  assert.deepEqual(checkAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1' } }, 'system'), {
    AWSTraceHeader: str('Root=1'),
  });
  assert.match(
    code(() => checkAttributes({ Other: { DataType: 'String', StringValue: 'x' } }, 'system')),
    /^InvalidParameterValue/,
  );
});

test('message size counts body, attribute names, data types and values; DelaySeconds 0-900 or the queue default', () => {
  assert.equal(messageSize('ab', {}), 2);
  assert.equal(messageSize('日', { k: str('x') }), 3 + 1 + 6 + 1);
  assert.equal(messageSize('', { b: { DataType: 'Binary', BinaryValue: 'AAEC' } }), 1 + 6 + 3);
  assert.equal(checkDelay(undefined, 7), 7);
  assert.equal(checkDelay(0, 7), 0);
  assert.equal(checkDelay(900, 0), 900);
  assert.match(
    code(() => checkDelay(901, 0)),
    /^InvalidParameterValue: Value 901 for parameter DelaySeconds is invalid/,
  );
  assert.match(
    code(() => checkDelay(-1, 0)),
    /^InvalidParameterValue/,
  );
});

test('MessageAttributeNames selection, as AWS answers it', () => {
  const attributes = { 'Help.Me': str('Me'), Hello: str('There'), General: str('Kenobi') };
  const rows: [string[], string[]][] = [
    [['All'], ['General', 'Hello', 'Help.Me']],
    [['*'], ['General', 'Hello', 'Help.Me']],
    [['.*'], ['General', 'Hello', 'Help.Me']],
    [['Hel.*'], ['Hello', 'Help.Me']],
    [['Help.*'], ['Help.Me']],
    [['Hello', 'Foo'], ['Hello']],
    [['AWS.'], []],
    [[], []],
  ];
  for (const [names, keys] of rows) assert.deepEqual(Object.keys(selectAttributes(attributes, names)).sort(), keys, names.join(','));
});

test('query protocol: flattened parameters read into the JSON input shape; results written as botocore reads them', () => {
  const params = new URLSearchParams([
    ['Action', 'SendMessageBatch'],
    ['Version', '2012-11-05'],
    ['QueueUrl', 'http://localhost:4566/000000000000/q'],
    ['SendMessageBatchRequestEntry.1.Id', 'a'],
    ['SendMessageBatchRequestEntry.1.MessageBody', 'body a'],
    ['SendMessageBatchRequestEntry.1.DelaySeconds', '5'],
    ['SendMessageBatchRequestEntry.1.MessageAttribute.1.Name', 'k'],
    ['SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType', 'Binary'],
    ['SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.BinaryValue', 'AQI='],
    ['SendMessageBatchRequestEntry.2.Id', 'b'],
    ['SendMessageBatchRequestEntry.2.MessageBody', 'body b'],
  ]);
  assert.deepEqual(queryInput(params), {
    QueueUrl: 'http://localhost:4566/000000000000/q',
    Entries: [
      { Id: 'a', MessageBody: 'body a', DelaySeconds: 5, MessageAttributes: { k: { DataType: 'Binary', BinaryValue: 'AQI=' } } },
      { Id: 'b', MessageBody: 'body b' },
    ],
  });
  const receive = new URLSearchParams(
    'Action=ReceiveMessage&MaxNumberOfMessages=10&WaitTimeSeconds=x&AttributeName.1=All&MessageAttributeName.1=Hel.*&MessageAttributeName.2=Foo&MessageSystemAttributeName.1=SenderId',
  );
  assert.deepEqual(queryInput(receive), {
    MaxNumberOfMessages: 10,
    WaitTimeSeconds: 'x',
    AttributeNames: ['All'],
    MessageAttributeNames: ['Hel.*', 'Foo'],
    MessageSystemAttributeNames: ['SenderId'],
  });
  const create = new URLSearchParams(
    'Action=CreateQueue&QueueName=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=3&Tag.1.Key=team&Tag.1.Value=a',
  );
  assert.deepEqual(queryInput(create), { QueueName: 'q', Attributes: { DelaySeconds: '3' }, tags: { team: 'a' }, Tags: { team: 'a' } });

  assert.equal(
    queryResultXml('ReceiveMessage', {
      Messages: [
        {
          MessageId: 'm',
          Body: 'a\r\n<b>',
          Attributes: { SenderId: '1' },
          MessageAttributes: { k: { DataType: 'Binary', BinaryValue: 'AQI=' } },
        },
      ],
    }),
    '<Message><MessageId>m</MessageId><Body>a&#xD;\n&lt;b&gt;</Body><Attribute><Name>SenderId</Name><Value>1</Value></Attribute>' +
      '<MessageAttribute><Name>k</Name><Value><DataType>Binary</DataType><BinaryValue>AQI=</BinaryValue></Value></MessageAttribute></Message>',
  );
  assert.equal(
    queryResultXml('DeleteMessageBatch', {
      Successful: [{ Id: 'a' }],
      Failed: [{ Id: 'b', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'x' }],
    }),
    '<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>' +
      '<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>ReceiptHandleIsInvalid</Code><Message>x</Message></BatchResultErrorEntry>',
  );
  assert.equal(queryResultXml('ListQueues', { QueueUrls: ['u1', 'u2'] }), '<QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl>');
  assert.equal(queryResultXml('DeleteQueue', {}), undefined);
});
