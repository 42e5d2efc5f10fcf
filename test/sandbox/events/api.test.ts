/** EventBridge over real HTTP with the JS SDK (@aws-sdk/client-eventbridge): every operation, and AWS's errors. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  ListArchivesCommand,
  ListEventBusesCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  TestEventPatternCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { errorOf } from '../lambda/helpers.js';

let sb: Sandbox;
let eb: EventBridgeClient;
const log: string[] = [];

before(async () => {
  sb = await startSandbox({ port: 0, log: (line) => log.push(line) });
  eb = new EventBridgeClient({ endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
after(async () => {
  eb.destroy();
  await sb.close();
});

const FN = (name: string) => `arn:aws:lambda:eu-west-1:000000000000:function:${name}`;
const pattern = JSON.stringify({ source: ['my.app'], 'detail-type': ['Order Placed'] });

test('PutRule / DescribeRule / ListRules / EnableRule / DisableRule / DeleteRule', async () => {
  const put = await eb.send(new PutRuleCommand({ Name: 'orders', EventPattern: pattern, Description: 'orders rule' }));
  assert.equal(put.RuleArn, 'arn:aws:events:eu-west-1:000000000000:rule/orders');

  const described = await eb.send(new DescribeRuleCommand({ Name: 'orders' }));
  assert.equal(described.Name, 'orders');
  assert.equal(described.Arn, put.RuleArn);
  assert.equal(described.EventPattern, pattern);
  assert.equal(described.State, 'ENABLED');
  assert.equal(described.Description, 'orders rule');
  assert.equal(described.EventBusName, 'default');
  assert.equal(described.CreatedBy, '000000000000');
  assert.equal(described.ScheduleExpression, undefined);

  await eb.send(new DisableRuleCommand({ Name: 'orders' }));
  assert.equal((await eb.send(new DescribeRuleCommand({ Name: 'orders' }))).State, 'DISABLED');
  await eb.send(new EnableRuleCommand({ Name: 'orders' }));
  assert.equal((await eb.send(new DescribeRuleCommand({ Name: 'orders' }))).State, 'ENABLED');

  // PutRule again replaces the settings: an omitted Description is not kept (API reference, PutRule).
  await eb.send(new PutRuleCommand({ Name: 'orders', EventPattern: pattern, State: 'DISABLED' }));
  const replaced = await eb.send(new DescribeRuleCommand({ Name: 'orders' }));
  assert.equal(replaced.Description, undefined);
  assert.equal(replaced.State, 'DISABLED');

  // A schedule is stored and answered; the sandbox says it does not run it.
  await eb.send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'rate(1 day)' }));
  assert.equal((await eb.send(new DescribeRuleCommand({ Name: 'nightly' }))).ScheduleExpression, 'rate(1 day)');
  assert.ok(log.some((l) => l.includes('nightly') && l.includes('does not run schedules')));

  for (let i = 0; i < 4; i++) await eb.send(new PutRuleCommand({ Name: `page-${i}`, EventPattern: pattern }));
  const first = await eb.send(new ListRulesCommand({ NamePrefix: 'page-', Limit: 3 }));
  assert.deepEqual(
    first.Rules?.map((r) => r.Name),
    ['page-0', 'page-1', 'page-2'],
  );
  assert.ok(first.NextToken);
  const second = await eb.send(new ListRulesCommand({ NamePrefix: 'page-', Limit: 3, NextToken: first.NextToken }));
  assert.deepEqual(
    second.Rules?.map((r) => r.Name),
    ['page-3'],
  );
  assert.equal(second.NextToken, undefined);
  const all = await eb.send(new ListRulesCommand({}));
  const listed = all.Rules?.find((r) => r.Name === 'orders');
  assert.deepEqual({ ...listed }, { Name: 'orders', Arn: put.RuleArn, EventPattern: pattern, State: 'DISABLED', EventBusName: 'default' });

  await eb.send(new DeleteRuleCommand({ Name: 'page-0' }));
  await eb.send(new DeleteRuleCommand({ Name: 'page-0' })); // deleting a missing rule is not an error
  assert.equal((await errorOf(eb.send(new DescribeRuleCommand({ Name: 'page-0' })))).name, 'ResourceNotFoundException');
});

test('PutRule errors: names, patterns, schedules, states, buses', async () => {
  const cases: [ConstructorParameters<typeof PutRuleCommand>[0], string, RegExp][] = [
    [
      { Name: 'bad name', EventPattern: pattern },
      'ValidationException',
      /^1 validation error detected: Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\\.\\-_A-Za-z0-9\]\+$/,
    ],
    [{ Name: 'x'.repeat(65), EventPattern: pattern }, 'ValidationException', /Member must have length less than or equal to 64/],
    [{ Name: 'none' }, 'ValidationException', /^Parameter\(s\) EventPattern or ScheduleExpression must be specified\.$/],
    [
      { Name: 'p', EventPattern: '{"source":"my.app"}' },
      'InvalidEventPatternException',
      /^Event pattern is not valid\. Reason: "source" must be an object or an array$/,
    ],
    [{ Name: 'p', EventPattern: '{not json' }, 'InvalidEventPatternException', /^Event pattern is not valid\. Reason: /],
    [{ Name: 'p', EventPattern: '{"n":[{"numeric":[">",0,">",0]}]}' }, 'InvalidEventPatternException', /Bad numeric range operator: >/],
    [
      { Name: 'p', EventPattern: JSON.stringify({ source: ['x'.repeat(4096)] }) },
      'ValidationException',
      /at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to 4096$/,
    ],
    [{ Name: 's', ScheduleExpression: 'rate(5 minute)' }, 'ValidationException', /^Parameter ScheduleExpression is not valid\.$/],
    [{ Name: 's', ScheduleExpression: 'cron(INVALID)' }, 'ValidationException', /^Parameter ScheduleExpression is not valid\.$/],
    [
      { Name: 's', EventPattern: pattern, State: 'ON' as never },
      'ValidationException',
      /Member must satisfy enum value set: \[ENABLED, DISABLED/,
    ],
    [{ Name: 's', EventPattern: pattern, EventBusName: 'nope' }, 'ResourceNotFoundException', /^Event bus nope does not exist\.$/],
  ];
  for (const [params, name, message] of cases) {
    const err = await errorOf(eb.send(new PutRuleCommand(params)));
    assert.equal(err.name, name, JSON.stringify(params));
    assert.equal(err.status, 400);
    assert.match(err.message, message, JSON.stringify(params));
  }
  const missing = await errorOf(eb.send(new DescribeRuleCommand({ Name: 'missing' })));
  assert.deepEqual(missing, {
    name: 'ResourceNotFoundException',
    status: 400,
    message: 'Rule missing does not exist on EventBus default.',
  });
  assert.equal((await errorOf(eb.send(new EnableRuleCommand({ Name: 'missing' })))).name, 'ResourceNotFoundException');
  const notImplemented = await errorOf(eb.send(new ListArchivesCommand({})));
  assert.equal(notImplemented.status, 501);
  assert.match(notImplemented.message, /events ListArchives is not implemented by the s3trigger sandbox/);
});

test('PutTargets / ListTargetsByRule / ListRuleNamesByTarget / RemoveTargets, and DeleteRule while targets remain', async () => {
  await eb.send(new PutRuleCommand({ Name: 'with-targets', EventPattern: pattern }));
  const put = await eb.send(
    new PutTargetsCommand({
      Rule: 'with-targets',
      Targets: [
        { Id: 'fn', Arn: FN('handler') },
        { Id: 'queue', Arn: 'arn:aws:sqs:eu-west-1:000000000000:orders', InputPath: '$.detail' },
        { Id: 'topic', Arn: 'arn:aws:sns:eu-west-1:000000000000:orders', Input: '{"fixed":true}' },
        { Id: 'bad-arn', Arn: 'not-an-arn' },
      ],
    }),
  );
  assert.equal(put.FailedEntryCount, 1);
  assert.deepEqual(put.FailedEntries, [
    {
      TargetId: 'bad-arn',
      ErrorCode: 'ValidationException',
      ErrorMessage: 'Parameter not-an-arn is not valid. Reason: Provided Arn is not in correct format.',
    },
  ]);
  assert.ok(log.some((l) => l.includes('rule with-targets target fn') && l.includes('does not exist (yet)')));

  const listed = await eb.send(new ListTargetsByRuleCommand({ Rule: 'with-targets' }));
  assert.deepEqual(listed.Targets, [
    { Id: 'fn', Arn: FN('handler') },
    { Id: 'queue', Arn: 'arn:aws:sqs:eu-west-1:000000000000:orders', InputPath: '$.detail' },
    { Id: 'topic', Arn: 'arn:aws:sns:eu-west-1:000000000000:orders', Input: '{"fixed":true}' },
  ]);
  const paged = await eb.send(new ListTargetsByRuleCommand({ Rule: 'with-targets', Limit: 2 }));
  assert.equal(paged.Targets?.length, 2);
  assert.equal(
    (await eb.send(new ListTargetsByRuleCommand({ Rule: 'with-targets', NextToken: paged.NextToken }))).Targets?.[0]?.Id,
    'topic',
  );

  // The same Id again replaces that target.
  await eb.send(new PutTargetsCommand({ Rule: 'with-targets', Targets: [{ Id: 'fn', Arn: FN('other') }] }));
  assert.equal((await eb.send(new ListTargetsByRuleCommand({ Rule: 'with-targets' }))).Targets?.[0]?.Arn, FN('other'));
  assert.deepEqual((await eb.send(new ListRuleNamesByTargetCommand({ TargetArn: FN('other') }))).RuleNames, ['with-targets']);

  const deleting = await errorOf(eb.send(new DeleteRuleCommand({ Name: 'with-targets' })));
  assert.deepEqual(deleting, { name: 'ValidationException', status: 400, message: "Rule can't be deleted since it has targets." });

  const removed = await eb.send(new RemoveTargetsCommand({ Rule: 'with-targets', Ids: ['fn', 'queue', 'topic'] }));
  assert.equal(removed.FailedEntryCount, 0);
  assert.deepEqual((await eb.send(new ListTargetsByRuleCommand({ Rule: 'with-targets' }))).Targets, []);
  await eb.send(new DeleteRuleCommand({ Name: 'with-targets' }));
});

test('PutTargets errors: missing rule, target ids, input settings, the five-target quota', async () => {
  await eb.send(new PutRuleCommand({ Name: 'quota', EventPattern: pattern }));
  const errorCases: [ConstructorParameters<typeof PutTargetsCommand>[0], string, string][] = [
    [
      { Rule: 'missing', Targets: [{ Id: 'a', Arn: FN('a') }] },
      'ResourceNotFoundException',
      'Rule missing does not exist on EventBus default.',
    ],
    [
      { Rule: 'quota', Targets: [{ Id: '!@#$', Arn: FN('a') }] },
      'ValidationException',
      String.raw`1 validation error detected: Value '!@#$' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+`,
    ],
    [
      {
        Rule: 'quota',
        Targets: [
          { Id: 'ok', Arn: FN('a') },
          { Id: 'x'.repeat(65), Arn: FN('a') },
        ],
      },
      'ValidationException',
      `1 validation error detected: Value '${'x'.repeat(65)}' at 'targets.2.member.id' failed to satisfy constraint: Member must have length less than or equal to 64`,
    ],
    [
      { Rule: 'quota', Targets: [{ Id: 'both', Arn: FN('a'), InputPath: '$.detail', InputTransformer: { InputTemplate: '"x"' } }] },
      'ValidationException',
      'Only one of Input, InputPath, or InputTransformer must be provided for target both.',
    ],
    [
      {
        Rule: 'quota',
        Targets: [{ Id: 'tpl', Arn: FN('a'), InputTransformer: { InputPathsMap: { a: '$.detail.a' }, InputTemplate: '"<a> <b>"' } }],
      },
      'ValidationException',
      'InputTemplate for target tpl contains invalid placeholder b.',
    ],
    [
      {
        Rule: 'quota',
        Targets: [{ Id: 'keys', Arn: FN('a'), InputTransformer: { InputPathsMap: { 'a.b': '$.a' }, InputTemplate: '"<a.b>"' } }],
      },
      'ValidationException',
      String.raw`1 validation error detected: Value '{"a.b":"$.a"}' at 'targets.1.member.inputTransformer.inputPathsMap' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [A-Za-z0-9\_\-]+]`,
    ],
    [
      { Rule: 'quota', Targets: Array.from({ length: 6 }, (_, i) => ({ Id: `t${i}`, Arn: FN(`f${i}`) })) },
      'LimitExceededException',
      'The requested resource exceeds the maximum number allowed.',
    ],
  ];
  for (const [params, name, message] of errorCases) {
    assert.deepEqual(await errorOf(eb.send(new PutTargetsCommand(params))), { name, status: 400, message });
  }
  assert.deepEqual((await eb.send(new ListTargetsByRuleCommand({ Rule: 'quota' }))).Targets, [], 'a refused request adds nothing');
});

test('PutEvents: event ids, per-entry failures as AWS answers them, request limits', async () => {
  const ok = await eb.send(
    new PutEventsCommand({
      Entries: [
        { Source: 'my.app', DetailType: 'Order Placed', Detail: '{"id":1}', Resources: ['arn:aws:s3:::b'], Time: new Date() },
        { DetailType: 'x', Detail: '{}' },
        { Source: 'my.app', Detail: '{}' },
        { Source: 'my.app', DetailType: 'x' },
        { Source: 'my.app', DetailType: 'x', Detail: '"a string"' },
        { Source: 'my.app', DetailType: 'x', Detail: '[1]' },
        { Source: 'my.app', DetailType: 'x', Detail: '{bad' },
        { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}' },
        { Source: 'my.app', DetailType: 'x', Detail: '{}', EventBusName: 'no-such-bus' },
      ],
    }),
  );
  assert.equal(ok.FailedEntryCount, 7);
  const [first, ...rest] = ok.Entries!;
  assert.match(first!.EventId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const required = (m: string) => ({
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${m} is not valid. Reason: ${m} is a required argument.`,
  });
  const malformed = { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  assert.deepEqual(rest.slice(0, 7), [
    required('Source'),
    required('DetailType'),
    required('Detail'),
    malformed,
    malformed,
    malformed,
    { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
  ]);
  // An entry for a bus that does not exist gets an id and goes nowhere, as on AWS; the sandbox says so.
  assert.ok(rest[7]?.EventId);
  assert.ok(log.some((l) => l.includes('event bus no-such-bus does not exist')));

  const tooMany = await errorOf(
    eb.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' })) })),
  );
  assert.equal(tooMany.name, 'ValidationException');
  assert.match(tooMany.message, /at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/);
  const big = await errorOf(
    eb.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: JSON.stringify({ a: 'x'.repeat(256 * 1024) }) }] })),
  );
  assert.deepEqual(big, {
    name: 'ValidationException',
    status: 400,
    message: 'Total size of the entries in the request is over the limit.',
  });
});

test('TestEventPattern: Result, an invalid event, an invalid pattern', async () => {
  const event = {
    id: 'e1',
    account: '000000000000',
    source: 'my.app',
    time: '2026-01-01T00:00:00Z',
    region: 'eu-west-1',
    'detail-type': 'Order Placed',
    resources: [],
    detail: { total: 42 },
  };
  const test = (p: object, e: object = event) =>
    eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(p), Event: JSON.stringify(e) }));
  assert.equal((await test({ source: ['my.app'], detail: { total: [{ numeric: ['>', 40] }] } })).Result, true);
  assert.equal((await test({ source: ['my.app'], detail: { total: [{ numeric: ['>', 50] }] } })).Result, false);
  const { id: _id, ...withoutId } = event;
  assert.deepEqual(await errorOf(test({ source: ['my.app'] }, withoutId)), {
    name: 'ValidationException',
    status: 400,
    message: 'Parameter Event is not valid.',
  });
  assert.deepEqual(await errorOf(test({ source: [] })), {
    name: 'InvalidEventPatternException',
    status: 400,
    message: 'Event pattern is not valid. Reason: Empty arrays are not allowed',
  });
});

test('DescribeEventBus / ListEventBuses for the default bus; CreateEventBus / DeleteEventBus; rules on a custom bus', async () => {
  const described = await eb.send(new DescribeEventBusCommand({}));
  assert.equal(described.Name, 'default');
  assert.equal(described.Arn, 'arn:aws:events:eu-west-1:000000000000:event-bus/default');
  assert.ok(described.CreationTime instanceof Date);
  assert.equal((await eb.send(new DescribeEventBusCommand({ Name: described.Arn }))).Name, 'default');

  const created = await eb.send(new CreateEventBusCommand({ Name: 'orders-bus', Description: 'orders' }));
  assert.equal(created.EventBusArn, 'arn:aws:events:eu-west-1:000000000000:event-bus/orders-bus');
  assert.deepEqual(await errorOf(eb.send(new CreateEventBusCommand({ Name: 'orders-bus' }))), {
    name: 'ResourceAlreadyExistsException',
    status: 400,
    message: 'Event bus orders-bus already exists.',
  });
  const buses = await eb.send(new ListEventBusesCommand({}));
  assert.deepEqual(
    buses.EventBuses?.map((b) => b.Name),
    ['default', 'orders-bus'],
  );
  assert.deepEqual(
    (await eb.send(new ListEventBusesCommand({ NamePrefix: 'orders' }))).EventBuses?.map((b) => b.Name),
    ['orders-bus'],
  );

  const rule = await eb.send(new PutRuleCommand({ Name: 'on-custom', EventBusName: 'orders-bus', EventPattern: pattern }));
  assert.equal(rule.RuleArn, 'arn:aws:events:eu-west-1:000000000000:rule/orders-bus/on-custom');
  assert.equal(
    (await eb.send(new DescribeRuleCommand({ Name: 'on-custom', EventBusName: created.EventBusArn }))).EventBusName,
    'orders-bus',
  );
  assert.equal((await errorOf(eb.send(new DescribeRuleCommand({ Name: 'on-custom' })))).name, 'ResourceNotFoundException');
  assert.deepEqual(
    await errorOf(eb.send(new PutRuleCommand({ Name: 'sched', EventBusName: 'orders-bus', ScheduleExpression: 'rate(5 minutes)' }))),
    {
      name: 'ValidationException',
      status: 400,
      message: 'ScheduleExpression is supported only on the default event bus.',
    },
  );

  assert.deepEqual(await errorOf(eb.send(new DeleteEventBusCommand({ Name: 'default' }))), {
    name: 'ValidationException',
    status: 400,
    message: 'Cannot delete event bus default.',
  });
  await eb.send(new DeleteEventBusCommand({ Name: 'orders-bus' }));
  assert.deepEqual(await errorOf(eb.send(new DescribeEventBusCommand({ Name: 'orders-bus' }))), {
    name: 'ResourceNotFoundException',
    status: 400,
    message: 'Event bus orders-bus does not exist.',
  });
});

test('tags: PutRule and CreateEventBus Tags, TagResource, UntagResource, ListTagsForResource; PutRule updates keep the tags', async () => {
  const { RuleArn } = await eb.send(new PutRuleCommand({ Name: 'tagged', EventPattern: pattern, Tags: [{ Key: 'team', Value: 'a' }] }));
  const tagsOf = async (arn: string) => (await eb.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags;
  assert.deepEqual(await tagsOf(RuleArn!), [{ Key: 'team', Value: 'a' }]);
  await eb.send(
    new TagResourceCommand({
      ResourceARN: RuleArn,
      Tags: [
        { Key: 'team', Value: 'b' },
        { Key: 'env', Value: 'dev' },
      ],
    }),
  );
  assert.deepEqual(await tagsOf(RuleArn!), [
    { Key: 'team', Value: 'b' },
    { Key: 'env', Value: 'dev' },
  ]);
  // "If you are updating an existing rule, any tags you specify in the PutRule operation are ignored." (API reference)
  await eb.send(new PutRuleCommand({ Name: 'tagged', EventPattern: pattern, Tags: [{ Key: 'other', Value: 'x' }] }));
  await eb.send(new UntagResourceCommand({ ResourceARN: RuleArn, TagKeys: ['team'] }));
  assert.deepEqual(await tagsOf(RuleArn!), [{ Key: 'env', Value: 'dev' }]);

  const { EventBusArn } = await eb.send(new CreateEventBusCommand({ Name: 'tagged-bus', Tags: [{ Key: 'k', Value: 'v' }] }));
  assert.deepEqual(await tagsOf(EventBusArn!), [{ Key: 'k', Value: 'v' }]);
  assert.deepEqual(await tagsOf('arn:aws:events:eu-west-1:000000000000:event-bus/default'), []);
  assert.deepEqual(
    await errorOf(eb.send(new ListTagsForResourceCommand({ ResourceARN: 'arn:aws:events:eu-west-1:000000000000:rule/nope' }))),
    {
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'Rule nope does not exist on EventBus default.',
    },
  );
});
