import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChain, chainSummary, patternConcernsBucket, type ChainWorld, type NotificationConfig } from '../../src/observe/chain.js';
import { functionsFor, looselyMatches, prunePattern, routeAccepts } from '../../src/observe/chain-expect.js';
import { failureOf } from '../../src/observe/chain-read.js';
import type { Chain, ChainRoute } from '../../src/events.js';
import type { Event } from '@aws-sdk/client-s3';

const A = '000000000000';
const fn = (name: string) => `arn:aws:lambda:eu-west-1:${A}:function:${name}`;
const TOPIC = `arn:aws:sns:eu-west-1:${A}:test-bucket-events`;
const QUEUE = `arn:aws:sqs:eu-west-1:${A}:uploads`;
const QUEUE2 = `arn:aws:sqs:eu-west-1:${A}:audit`;
const sub = (protocol: string, endpoint: string, n = 1) => ({ protocol, endpoint, subscriptionArn: `${TOPIC}:sub-${n}` });
const created: Event[] = ['s3:ObjectCreated:*'];
const S3_PATTERN = JSON.stringify({ source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['test-bucket'] } } });

const world = (w: Partial<ChainWorld>): ChainWorld => ({ topics: new Map(), queues: new Map(), ...w });

const chainCases: {
  name: string;
  config: NotificationConfig;
  world: ChainWorld;
  summary: string;
  functions: string[];
  unfollowed: RegExp[];
}[] = [
  {
    name: 'direct',
    config: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: fn('event-handler'), Events: created }] },
    world: world({}),
    summary: 'test-bucket → event-handler',
    functions: ['event-handler'],
    unfollowed: [],
  },
  {
    name: 'SNS fan-out to two functions (the Jets shape)',
    config: { TopicConfigurations: [{ TopicArn: TOPIC, Events: created }] },
    world: world({ topics: new Map([[TOPIC, [sub('lambda', fn('event-handler'), 1), sub('lambda', fn('event-indexer'), 2)]]]) }),
    summary: 'test-bucket → SNS test-bucket-events → event-handler, event-indexer',
    functions: ['event-handler', 'event-indexer'],
    unfollowed: [],
  },
  {
    name: 'SNS -> SQS -> event source mapping, and a queue without a mapping',
    config: { TopicConfigurations: [{ TopicArn: TOPIC, Events: created }] },
    world: world({
      topics: new Map([[TOPIC, [sub('sqs', QUEUE, 1), sub('sqs', QUEUE2, 2)]]]),
      queues: new Map([
        [QUEUE, [{ functionArn: fn('worker'), state: 'Enabled' }]],
        [QUEUE2, []],
      ]),
    }),
    summary: 'test-bucket → SNS test-bucket-events → SQS uploads → worker',
    functions: ['worker'],
    unfollowed: [/^SNS test-bucket-events → SQS audit: no event source mapping reads the queue/],
  },
  {
    name: 'SQS queue with a mapping, a disabled one named',
    config: { QueueConfigurations: [{ QueueArn: QUEUE, Events: created }] },
    world: world({
      queues: new Map([
        [
          QUEUE,
          [
            { functionArn: fn('worker'), state: 'Enabled' },
            { functionArn: fn('old'), state: 'Disabled' },
          ],
        ],
      ]),
    }),
    summary: 'test-bucket → SQS uploads → worker',
    functions: ['worker'],
    unfollowed: [/^SQS uploads → old: the event source mapping is Disabled$/],
  },
  {
    name: 'a topic that cannot be read, a pending and an email subscription',
    config: {
      TopicConfigurations: [
        { TopicArn: TOPIC, Events: created },
        { TopicArn: `${TOPIC}-2`, Events: created },
      ],
    },
    world: world({
      topics: new Map<string, ChainWorld['topics'] extends ReadonlyMap<string, infer V> ? V : never>([
        [TOPIC, { error: 'SNS ListSubscriptionsByTopic: AuthorizationError: not authorized' }],
        [
          `${TOPIC}-2`,
          [
            { protocol: 'lambda', endpoint: fn('x'), subscriptionArn: 'PendingConfirmation' },
            { protocol: 'email', endpoint: 'a@example.com', subscriptionArn: `${TOPIC}-2:9` },
          ],
        ],
      ]),
    }),
    summary: 'test-bucket → (no function reached: 3 link(s) not followed)',
    functions: [],
    unfollowed: [
      /^SNS test-bucket-events: cannot list its subscriptions \(.*AuthorizationError/,
      /pending confirmation/,
      /email a@example.com: not a Lambda/,
    ],
  },
  {
    name: 'EventBridge: a rule for the bucket with Lambda, SQS and SNS targets followed onward, a rule for another bucket left out, a Step Functions target named',
    config: { EventBridgeConfiguration: {} },
    world: world({
      topics: new Map([[TOPIC, [sub('lambda', fn('via-sns'))]]]),
      queues: new Map([[QUEUE, [{ functionArn: fn('via-sqs'), state: 'Enabled' }]]]),
      rules: [
        {
          name: 's3-created',
          eventPattern: S3_PATTERN,
          state: 'ENABLED',
          targets: [{ arn: fn('eb-handler') }, { arn: QUEUE }, { arn: TOPIC }, { arn: `arn:aws:states:eu-west-1:${A}:stateMachine:sm` }],
        },
        {
          name: 'other-bucket',
          eventPattern: JSON.stringify({ source: ['aws.s3'], detail: { bucket: { name: ['other'] } } }),
          state: 'ENABLED',
          targets: [{ arn: fn('nope') }],
        },
        { name: 'ec2', eventPattern: JSON.stringify({ source: ['aws.ec2'] }), state: 'ENABLED', targets: [{ arn: fn('nope') }] },
        { name: 'off', eventPattern: S3_PATTERN, state: 'DISABLED', targets: [{ arn: fn('nope') }] },
      ],
    }),
    summary:
      'test-bucket → EventBridge rule s3-created → eb-handler; test-bucket → EventBridge rule s3-created → SQS uploads → via-sqs; ' +
      'test-bucket → EventBridge rule s3-created → SNS test-bucket-events → via-sns',
    functions: ['eb-handler', 'via-sqs', 'via-sns'],
    unfollowed: [/stateMachine:sm: not a Lambda function, SQS queue or SNS topic/, /^EventBridge rule off: the rule is DISABLED$/],
  },
  {
    name: 'EventBridge on a target without the API (moto without EventBridge)',
    config: { EventBridgeConfiguration: {}, LambdaFunctionConfigurations: [{ LambdaFunctionArn: fn('direct'), Events: created }] },
    world: world({ rules: { error: 'EventBridge ListRules is not available on this target (UnknownOperationException)' } }),
    summary: 'test-bucket → direct',
    functions: ['direct'],
    unfollowed: [/^EventBridge \(default bus\): cannot list its rules \(EventBridge ListRules is not available/],
  },
  {
    name: 'EventBridge with no rule for the bucket',
    config: { EventBridgeConfiguration: {} },
    world: world({ rules: [] }),
    summary: 'test-bucket → (no function reached: 1 link(s) not followed)',
    functions: [],
    unfollowed: [/no rule matches S3 events of bucket test-bucket/],
  },
];

for (const c of chainCases) {
  test(`buildChain: ${c.name}`, () => {
    const chain = buildChain('test-bucket', c.config, c.world);
    assert.equal(chain.summary, c.summary);
    assert.deepEqual([...new Set(chain.routes.map((r) => r.function))], c.functions);
    assert.equal(chain.unfollowed.length, c.unfollowed.length, chain.unfollowed.join('\n'));
    for (const [i, re] of c.unfollowed.entries()) assert.match(chain.unfollowed[i]!, re);
  });
}

test('buildChain: a topic never read is named, not skipped', () => {
  const chain = buildChain('b', { TopicConfigurations: [{ TopicArn: TOPIC, Events: created }] }, world({}));
  assert.deepEqual(chain.unfollowed, ['SNS test-bucket-events: its subscriptions were not read']);
});

test('chainSummary: no routes', () => assert.equal(chainSummary('b', []), 'b → (no function reached)'));

test('patternConcernsBucket', () => {
  assert.equal(patternConcernsBucket(S3_PATTERN, 'test-bucket'), true);
  assert.equal(patternConcernsBucket(S3_PATTERN, 'other'), false);
  assert.equal(
    patternConcernsBucket(JSON.stringify({ source: ['aws.s3'], detail: { bucket: { name: [{ prefix: 'test' }] } } }), 'x'),
    true,
  );
  assert.equal(patternConcernsBucket(undefined, 'b'), false, 'a scheduled rule');
});

const route = (r: Partial<ChainRoute>): ChainRoute => ({ hops: [], function: 'f', ...r });
const sns = { kind: 'sns' as const, arn: TOPIC, name: 'test-bucket-events' };
const eb = { kind: 'eventbridge' as const, rule: 'r', bus: 'default' };
const put = { bucket: 'test-bucket', key: 'in/a b.txt', eventNames: ['ObjectCreated:Put'] };
const del = { bucket: 'test-bucket', key: 'in/a b.txt', eventNames: ['ObjectRemoved:Delete', 'ObjectRemoved:DeleteMarkerCreated'] };

const acceptCases: [name: string, route: ChainRoute, event: typeof put, accepts: boolean][] = [
  ['event name wildcard', route({ events: created }), put, true],
  ['other event', route({ events: ['s3:ObjectRemoved:*'] }), put, false],
  ['delete marker only', route({ events: ['s3:ObjectRemoved:DeleteMarkerCreated'] }), del, true],
  ['prefix filter', route({ events: created, filterRules: [{ Name: 'Prefix', Value: 'in/' }] }), put, true],
  ['suffix filter on the encoded key', route({ events: created, filterRules: [{ Name: 'suffix', Value: 'a+b.txt' }] }), put, true],
  ['suffix filter refuses', route({ events: created, filterRules: [{ Name: 'Suffix', Value: '.csv' }] }), put, false],
  [
    'SNS body policy on eventName accepts',
    route({
      hops: [sns],
      events: created,
      filterPolicy: { scope: 'MessageBody', policy: '{"Records":{"eventName":["ObjectCreated:Put"]}}' },
    }),
    put,
    true,
  ],
  [
    'SNS body policy on eventName refuses',
    route({
      hops: [sns],
      events: created,
      filterPolicy: { scope: 'MessageBody', policy: '{"Records":{"eventName":["ObjectCreated:Copy"]}}' },
    }),
    put,
    false,
  ],
  [
    'SNS body policy with a key prefix (encoded key)',
    route({
      hops: [sns],
      events: created,
      filterPolicy: { scope: 'MessageBody', policy: '{"Records":{"s3":{"object":{"key":[{"prefix":"in/a+b"}]}}}}' },
    }),
    put,
    true,
  ],
  [
    'SNS attribute policy: S3 publishes no attributes',
    route({ hops: [sns], events: created, filterPolicy: { scope: 'MessageAttributes', policy: '{"store":["x"]}' } }),
    put,
    false,
  ],
  [
    'SNS policy not simple: ignored',
    route({ hops: [sns], events: created, filterPolicy: { scope: 'MessageAttributes', policy: '{"price":[{"numeric":[">",0]}]}' } }),
    put,
    true,
  ],
  [
    'EventBridge: every event, bucket filters ignored',
    route({ hops: [eb], eventPattern: JSON.stringify({ source: ['aws.s3'] }) }),
    del,
    true,
  ],
  ['EventBridge: Object Created only', route({ hops: [eb], eventPattern: S3_PATTERN }), del, false],
  ['EventBridge: Object Created on a PUT', route({ hops: [eb], eventPattern: S3_PATTERN }), put, true],
  [
    'EventBridge: key prefix',
    route({ hops: [eb], eventPattern: JSON.stringify({ detail: { object: { key: [{ prefix: 'out/' }] } } }) }),
    put,
    false,
  ],
  ['EventBridge: reason', route({ hops: [eb], eventPattern: JSON.stringify({ detail: { reason: ['PutObject'] } }) }), put, true],
  ['EventBridge: another reason', route({ hops: [eb], eventPattern: JSON.stringify({ detail: { reason: ['CopyObject'] } }) }), put, false],
  [
    'EventBridge: deletion-type',
    route({ hops: [eb], eventPattern: JSON.stringify({ detail: { 'deletion-type': ['Delete Marker Created'] } }) }),
    del,
    true,
  ],
  [
    'EventBridge: anything-but a reason',
    route({ hops: [eb], eventPattern: JSON.stringify({ detail: { reason: [{ 'anything-but': ['PutObject'] }] } }) }),
    put,
    false,
  ],
  [
    'EventBridge: wildcard on the key',
    route({ hops: [eb], eventPattern: JSON.stringify({ detail: { object: { key: [{ wildcard: 'in/*.txt' }] } } }) }),
    put,
    true,
  ],
  [
    'EventBridge: $or of detail-types',
    route({
      hops: [eb],
      eventPattern: JSON.stringify({ $or: [{ 'detail-type': ['Object Deleted'] }, { detail: { reason: ['CopyObject'] } }] }),
    }),
    put,
    false,
  ],
  [
    'EventBridge: a $or branch on an unknown field matches anything',
    route({
      hops: [eb],
      eventPattern: JSON.stringify({ $or: [{ 'detail-type': ['Object Deleted'] }, { detail: { requester: ['123'] } }] }),
    }),
    put,
    true,
  ],
  [
    'EventBridge: a field not known beforehand counts as matching',
    route({ hops: [eb], eventPattern: JSON.stringify({ detail: { object: { size: [{ numeric: ['>', 1000] }] } } }) }),
    put,
    true,
  ],
];
for (const [name, r, event, accepts] of acceptCases) {
  test(`routeAccepts: ${name} = ${accepts}`, () => assert.equal(routeAccepts(r, event), accepts));
}

test('functionsFor: distinct functions whose route accepts the event', () => {
  const chain: Pick<Chain, 'routes'> = {
    routes: [
      route({ hops: [sns], function: 'a', events: created }),
      route({ hops: [sns], function: 'b', events: created }),
      route({ hops: [], function: 'a', events: ['s3:ObjectCreated:Put'] }),
      route({ hops: [sns], function: 'c', events: ['s3:ObjectRemoved:*'] }),
    ],
  };
  assert.deepEqual(functionsFor(chain, put), ['a', 'b']);
  assert.deepEqual(functionsFor(chain, del), ['c']);
});

test('prunePattern keeps only the conditions on known fields', () => {
  const shape = { source: 'aws.s3', detail: { bucket: { name: 'b' }, object: { key: 'k' } } };
  assert.deepEqual(
    prunePattern(
      { source: ['aws.s3'], account: ['1'], detail: { object: { key: [{ prefix: 'k' }], size: [{ numeric: ['>', 1] }] } } },
      shape,
    ),
    { source: ['aws.s3'], detail: { object: { key: [{ prefix: 'k' }] } } },
  );
});

test('looselyMatches: arrays in the event match by any element; $or is not evaluated', () => {
  assert.equal(looselyMatches({ Records: { eventName: ['x'] } }, { Records: [{ eventName: 'y' }, { eventName: 'x' }] }), true);
  assert.equal(looselyMatches({ $or: [{ a: ['1'] }] }, { a: '2' }), true);
});

test('failureOf: a missing API and a refusal read differently', () => {
  assert.match(
    failureOf({ name: 'UnknownOperationException', message: 'x', $metadata: { httpStatusCode: 400 } }, 'EventBridge ListRules').error,
    /not available on this target/,
  );
  assert.equal(
    failureOf({ name: 'AccessDeniedException', message: 'User is not authorized', $metadata: { httpStatusCode: 403 } }, 'SNS X').error,
    'SNS X: AccessDeniedException: User is not authorized',
  );
});
