/** Filter policies: AWS's documented examples (SNS Developer Guide, "Amazon SNS message filtering"), table-tested. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type FilterAttribute, matchesFilterPolicy, validateFilterPolicy } from '../../../src/sandbox/sns/filter-policy.js';

/** The guide's example message attributes. */
const ATTRIBUTES: Record<string, FilterAttribute> = {
  customer_interests: { DataType: 'String.Array', StringValue: '["soccer", "rugby", "hockey"]' },
  store: { DataType: 'String', StringValue: 'example_corp' },
  event: { DataType: 'String', StringValue: 'order_placed' },
  price_usd: { DataType: 'Number', StringValue: '210.75' },
  source_ip: { DataType: 'String', StringValue: '10.0.0.255' },
  image: { DataType: 'Binary' },
};

const attributeCases: [string, object, boolean][] = [
  [
    'the guide’s combined policy',
    {
      store: ['example_corp'],
      event: [{ 'anything-but': 'order_cancelled' }],
      customer_interests: ['rugby', 'football', 'baseball'],
      price_usd: [{ numeric: ['>=', 100] }],
    },
    true,
  ],
  ['exact string', { store: ['example_corp'] }, true],
  ['exact string, other value', { store: ['example_retail'] }, false],
  ['values in one array are alternatives', { store: ['example_retail', 'example_corp'] }, true],
  ['keys must all match', { store: ['example_corp'], event: ['order_cancelled'] }, false],
  ['String.Array matches when any element does', { customer_interests: ['rugby'] }, true],
  ['String.Array with no element matching', { customer_interests: ['tennis'] }, false],
  ['prefix', { event: [{ prefix: 'order' }] }, true],
  ['prefix, no match', { event: [{ prefix: 'ship' }] }, false],
  ['suffix', { event: [{ suffix: '_placed' }] }, true],
  ['equals-ignore-case', { store: [{ 'equals-ignore-case': 'EXAMPLE_CORP' }] }, true],
  ['wildcard', { store: [{ wildcard: 'example_*' }] }, true],
  ['wildcard, no match', { store: [{ wildcard: '*_retail' }] }, false],
  ['anything-but a value', { store: [{ 'anything-but': 'example_retail' }] }, true],
  ['anything-but a list containing the value', { store: [{ 'anything-but': ['example_corp', 'example_retail'] }] }, false],
  ['anything-but a prefix', { event: [{ 'anything-but': { prefix: 'order-' } }] }, true],
  ['anything-but a prefix that matches', { event: [{ 'anything-but': { prefix: 'order_' } }] }, false],
  ['anything-but on a missing attribute', { color: [{ 'anything-but': 'red' }] }, false],
  ['numeric exact', { price_usd: [{ numeric: ['=', 210.75] }] }, true],
  ['numeric range excluding the value', { price_usd: [{ numeric: ['>', 0, '<=', 150] }] }, false],
  ['numeric range including the value', { price_usd: [{ numeric: ['>', 100, '<', 300] }] }, true],
  ['a number literal matches a Number attribute', { price_usd: [210.75] }, true],
  ['a string literal does not match a Number attribute', { price_usd: ['210.75'] }, false],
  ['numeric does not match a String attribute', { store: [{ numeric: ['>', 0] }] }, false],
  ['exists true', { store: [{ exists: true }] }, true],
  ['exists true on a missing attribute', { color: [{ exists: true }] }, false],
  ['exists false on a missing attribute', { color: [{ exists: false }] }, true],
  ['exists false on a present attribute', { store: [{ exists: false }] }, false],
  ['an exact value on a missing attribute', { color: ['red'] }, false],
  ['binary attributes are not matched', { image: [{ exists: true }] }, false],
  ['cidr', { source_ip: [{ cidr: '10.0.0.0/24' }] }, true],
  ['cidr, other network', { source_ip: [{ cidr: '10.0.1.0/24' }] }, false],
  [
    '$or: one branch matches',
    { store: ['example_corp'], $or: [{ event: ['order_cancelled'] }, { price_usd: [{ numeric: ['>', 200] }] }] },
    true,
  ],
  ['$or: no branch matches', { $or: [{ event: ['order_cancelled'] }, { price_usd: [{ numeric: ['<', 200] }] }] }, false],
];

for (const [name, policy, expected] of attributeCases) {
  test(`MessageAttributes scope: ${name}`, () => {
    assert.equal(validateFilterPolicy(policy, 'MessageAttributes'), undefined);
    assert.equal(matchesFilterPolicy(JSON.stringify(policy), 'MessageAttributes', { body: 'ignored', attributes: ATTRIBUTES }), expected);
  });
}

/** An S3 event as SNS publishes it: filtering on its body reaches through the Records array. */
const S3_BODY = JSON.stringify({
  Records: [
    {
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: 'uploads' }, object: { key: 'images/cat.jpg', size: 1024 } },
    },
  ],
});

const bodyCases: [string, object, string, boolean][] = [
  ['nested exact value through an array of records', { Records: { eventName: ['ObjectCreated:Put'] } }, S3_BODY, true],
  ['nested prefix on the key', { Records: { s3: { object: { key: [{ prefix: 'images/' }] } } } }, S3_BODY, true],
  ['nested suffix that does not match', { Records: { s3: { object: { key: [{ suffix: '.png' }] } } } }, S3_BODY, false],
  ['numeric on a JSON number', { Records: { s3: { object: { size: [{ numeric: ['>', 1000] }] } } } }, S3_BODY, true],
  ['exists false on a missing field', { Records: { s3: { object: { versionId: [{ exists: false }] } } } }, S3_BODY, true],
  [
    'the guide’s $or example',
    { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
    JSON.stringify({ source: 'aws.cloudwatch', namespace: 'AWS/EC2', metricName: 'NetworkIn' }),
    true,
  ],
  ['a body that is not JSON never matches', { a: [{ exists: false }] }, 'plain text', false],
  ['null matches a JSON null', { a: [null] }, '{"a":null}', true],
  ['booleans match exactly', { a: [true] }, '{"a":false}', false],
];

for (const [name, policy, body, expected] of bodyCases) {
  test(`MessageBody scope: ${name}`, () => {
    assert.equal(validateFilterPolicy(policy, 'MessageBody'), undefined);
    assert.equal(matchesFilterPolicy(JSON.stringify(policy), 'MessageBody', { body, attributes: {} }), expected);
  });
}

test('no policy, or an empty one, lets everything through', () => {
  assert.equal(matchesFilterPolicy(undefined, undefined, { body: 'x', attributes: {} }), true);
  assert.equal(matchesFilterPolicy('{}', 'MessageAttributes', { body: 'x', attributes: {} }), true);
});

/** Invalid policies and the first line of AWS's message for each (recorded from AWS in LocalStack's snapshots). */
const invalid: [object, 'MessageAttributes' | 'MessageBody', string][] = [
  [{ key: [['value']] }, 'MessageAttributes', 'Match value must be String, number, true, false, or null'],
  [{ key: [{ 'wrong-operator': true }] }, 'MessageAttributes', 'Unrecognized match type wrong-operator'],
  [{ key: [{ suffix: 'value', prefix: 'value2' }] }, 'MessageAttributes', 'Only one key allowed in match expression'],
  [{ key: [] }, 'MessageAttributes', 'Empty arrays are not allowed'],
  [{ key: [{ suffix: 100 }] }, 'MessageAttributes', 'suffix match pattern must be a string'],
  [{ key: 'value' }, 'MessageBody', '"key" must be an object or an array'],
  [{ key: [{ numeric: [] }] }, 'MessageAttributes', 'Invalid member in numeric match: ]'],
  [{ key: [{ numeric: ['operator'] }] }, 'MessageAttributes', 'Unrecognized numeric range operator: operator'],
  [{ key: [{ numeric: [1, '<='] }] }, 'MessageAttributes', 'Invalid member in numeric match: 1'],
  [{ key: [{ numeric: ['=', '000'] }] }, 'MessageAttributes', 'Value of equals must be numeric'],
  [{ key: [{ numeric: ['<', 100, '>', 10] }] }, 'MessageAttributes', 'Too many elements in numeric expression'],
  [{ key: [{ numeric: ['>=', 1, '>', 2] }] }, 'MessageAttributes', 'Bad numeric range operator: >'],
  [{ key: [{ numeric: ['>', 3, '<', 1] }] }, 'MessageAttributes', 'Bottom must be less than top'],
  [{ key: [{ numeric: ['>', 20, 30] }] }, 'MessageAttributes', 'Bad value in numeric range: 30'],
  [{ key: [{ numeric: ['>', 20, '<', 30, '<', 50] }] }, 'MessageAttributes', 'Too many terms in numeric range expression'],
  [{ key: [{ exists: 'no' }] }, 'MessageAttributes', 'exists match pattern must be either true or false.'],
  [{ key: [{ 'anything-but': { suffix: 'test' } }] }, 'MessageAttributes', 'Unsupported anything-but pattern: suffix'],
  [{ key: [{ 'anything-but': { exists: false } }] }, 'MessageAttributes', 'Unsupported anything-but pattern: exists'],
  [{ a: [1], b: [1], c: [1], d: [1], e: [1], f: [1] }, 'MessageAttributes', 'Filter policy can not have more than 5 keys'],
  [
    { a: Array.from({ length: 10 }, (_, i) => i), b: Array.from({ length: 10 }, (_, i) => i), c: [1, 2] },
    'MessageAttributes',
    'Filter policy is too complex',
  ],
  [{ a: { b: ['c'] } }, 'MessageAttributes', 'nested'],
];

for (const [policy, scope, message] of invalid) {
  test(`invalid policy: ${message} (${JSON.stringify(policy).slice(0, 60)})`, () => {
    assert.equal(validateFilterPolicy(policy, scope), message);
  });
}
