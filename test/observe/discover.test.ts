import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoveryFrom, functionNameOf, notifiesFor, notifyWarning } from '../../src/observe/discover.js';
import { eventNameMatches as eventMatches } from '../../src/aws/s3-events.js';
import { buildChain } from '../../src/observe/chain.js';

const FN = 'arn:aws:lambda:eu-west-1:000000000000:function:event-handler';
const config = {
  LambdaFunctionConfigurations: [
    {
      LambdaFunctionArn: FN,
      Events: ['s3:ObjectCreated:*'] as const,
      Filter: {
        Key: {
          FilterRules: [
            { Name: 'Prefix' as const, Value: 'in/' },
            { Name: 'Suffix' as const, Value: '.txt' },
          ],
        },
      },
    },
    { LambdaFunctionArn: `${FN}:live`, Events: ['s3:ObjectRemoved:Delete'] as const },
  ],
  TopicConfigurations: [{ TopicArn: 'arn:aws:sns:eu-west-1:000000000000:t', Events: ['s3:ObjectCreated:Copy'] as const }],
};
type Config = Parameters<typeof notifiesFor>[0];
const cfg = config as unknown as Config;

const notifyCases: [eventName: string, key: string, expect: boolean][] = [
  ['ObjectCreated:Put', 'in/a.txt', true],
  ['ObjectCreated:Put', 'in/a.csv', false],
  ['ObjectCreated:Put', 'out/a.txt', false],
  ['ObjectCreated:Copy', 'anything', true],
  ['ObjectRemoved:Delete', 'x', true],
  ['ObjectRemoved:DeleteMarkerCreated', 'x', false],
  ['ObjectCreated:CompleteMultipartUpload', 'in/big.txt', true],
];
for (const [eventName, key, expect] of notifyCases) {
  test(`notifiesFor ${eventName} ${key} = ${expect}`, () => assert.equal(notifiesFor(cfg, eventName, key), expect));
}

test('notifiesFor: EventBridge gets everything', () =>
  assert.equal(notifiesFor({ EventBridgeConfiguration: {} }, 'ObjectCreated:Post', 'x'), true));
test('notifiesFor: an empty configuration notifies nothing', () => assert.equal(notifiesFor({}, 'ObjectCreated:Put', 'x'), false));

test('notifyWarning says why', () => {
  assert.equal(notifyWarning(cfg, 'b', 'ObjectCreated:Put', 'in/a.txt'), undefined);
  assert.match(notifyWarning(cfg, 'b', 'ObjectCreated:Put', 'a.csv') ?? '', /will not notify anything/);
  assert.match(notifyWarning({}, 'b', 'ObjectCreated:Put', 'a') ?? '', /has no event notifications/);
  assert.equal(notifyWarning(undefined, 'b', 'ObjectCreated:Put', 'a'), undefined);
});

const eventCases: [configured: string, name: string, expect: boolean][] = [
  ['s3:ObjectCreated:*', 'ObjectCreated:Put', true],
  ['s3:ObjectCreated:Put', 'ObjectCreated:Put', true],
  ['s3:ObjectCreated:Put', 'ObjectCreated:Post', false],
  ['s3:ObjectRemoved:*', 'ObjectCreated:Put', false],
  ['ObjectCreated:*', 's3:ObjectCreated:Copy', true],
];
for (const [configured, name, expect] of eventCases) {
  test(`eventMatches ${configured} ~ ${name} = ${expect}`, () => assert.equal(eventMatches(configured, name), expect));
}

const fnCases: [string, string][] = [
  ['event-handler', 'event-handler'],
  [FN, 'event-handler'],
  [`${FN}:live`, 'event-handler'],
];
for (const [input, name] of fnCases) test(`functionNameOf ${input}`, () => assert.equal(functionNameOf(input), name));

test('discoveryFrom: functions, groups and destinations from the configuration', () => {
  const { chain, ...rest } = discoveryFrom('b', cfg, {}, { region: 'eu-west-1' });
  assert.deepEqual(rest, {
    bucket: 'b',
    functions: ['event-handler'],
    logGroups: ['/aws/lambda/event-handler'],
    destinations: ['events go to SNS topic arn:aws:sns:eu-west-1:000000000000:t'],
    warnings: [],
  });
  assert.equal(chain?.summary, 'b → event-handler');
});

test('discoveryFrom: the followed chain gives the functions; each link not followed is a warning', () => {
  const topic = 'arn:aws:sns:eu-west-1:000000000000:t';
  const chain = buildChain(
    'b',
    { TopicConfigurations: [{ TopicArn: topic, Events: ['s3:ObjectCreated:*'] }] },
    {
      topics: new Map([
        [
          topic,
          [
            { protocol: 'lambda', endpoint: 'arn:aws:lambda:eu-west-1:000000000000:function:fn-a', subscriptionArn: `${topic}:1` },
            { protocol: 'lambda', endpoint: 'arn:aws:lambda:eu-west-1:000000000000:function:fn-b', subscriptionArn: `${topic}:2` },
            { protocol: 'email', endpoint: 'ops@example.com', subscriptionArn: `${topic}:3` },
          ],
        ],
      ]),
      queues: new Map(),
    },
  );
  const d = discoveryFrom('b', { TopicConfigurations: config.TopicConfigurations } as unknown as Config, {}, { chain });
  assert.deepEqual(d.functions, ['fn-a', 'fn-b']);
  assert.deepEqual(d.logGroups, ['/aws/lambda/fn-a', '/aws/lambda/fn-b']);
  assert.equal(d.chain?.summary, 'b → SNS t → fn-a, fn-b');
  assert.deepEqual(d.warnings, ['not followed: SNS t → email ops@example.com: not a Lambda function or an SQS queue (not followed)']);
  const o = discoveryFrom(
    'b',
    { TopicConfigurations: config.TopicConfigurations } as unknown as Config,
    { functions: ['mine'] },
    { chain },
  );
  assert.deepEqual(o.logGroups, ['/aws/lambda/mine'], '--function still overrides');
});

test('discoveryFrom: --function and --log-group override', () => {
  const d = discoveryFrom('b', cfg, { functions: ['other', FN], logGroups: ['/custom'] });
  assert.deepEqual(d.functions, ['other', 'event-handler']);
  assert.deepEqual(d.logGroups, ['/aws/lambda/other', '/aws/lambda/event-handler', '/custom']);
});

test('discoveryFrom: only --log-group keeps the discovered function names', () => {
  const d = discoveryFrom('b', cfg, { logGroups: ['/custom'] });
  assert.deepEqual(d.functions, ['event-handler']);
  assert.deepEqual(d.logGroups, ['/custom']);
});

test('discoveryFrom: SNS only -> says where events go and what to pass', () => {
  const d = discoveryFrom('b', { TopicConfigurations: config.TopicConfigurations } as unknown as Config, {});
  assert.deepEqual(d.logGroups, []);
  assert.match(d.warnings[0]!, /SNS topic .*--function NAME/);
});

test('discoveryFrom: a read error becomes a warning', () => {
  const d = discoveryFrom('b', undefined, {}, { readError: { code: 'NoSuchBucket', message: 'x' } });
  assert.match(d.warnings[0]!, /does not exist yet/);
  const e = discoveryFrom('b', undefined, { functions: ['f'] }, { readError: { code: 'AccessDenied', message: 'denied' } });
  assert.deepEqual(e.logGroups, ['/aws/lambda/f']);
  assert.match(e.warnings[0]!, /AccessDenied/);
});

test('discoveryFrom: a function in another region is flagged', () => {
  const d = discoveryFrom('b', cfg, {}, { region: 'us-east-1' });
  assert.match(d.warnings[0]!, /is in eu-west-1/);
});
