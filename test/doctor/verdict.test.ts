/** The doctor's pure parts: verdicts from gathered facts (table-driven), the text and JSON renderings, input checks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doctorInputs } from '../../src/doctor/command.js';
import { type DoctorFacts, failed, type FunctionFacts, got, type QueueFacts, type TopicFacts } from '../../src/doctor/facts.js';
import { regionOfLocation } from '../../src/doctor/gather.js';
import type { NotificationConfig } from '../../src/observe/chain.js';
import { renderJson, renderText } from '../../src/doctor/render.js';
import { derivedKeyChain, describeRules, judge } from '../../src/doctor/verdict.js';
import { AppError } from '../../src/errors.js';

const ACCOUNT = '123456789012';
/** A notification configuration as the SDK types it (its Events are a union of literals). */
const cfg = (c: unknown) => got(c as NotificationConfig);
const fnArn = (name: string) => `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`;
const topicArn = `arn:aws:sns:eu-west-1:${ACCOUNT}:uploads`;
const queueArn = `arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs`;

const allowPolicy = (principal: string, sourceArn: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: principal },
        Action: 'lambda:InvokeFunction',
        Condition: { ArnLike: { 'AWS:SourceArn': sourceArn } },
      },
    ],
  });

const healthy = (name: string, principal = 's3.amazonaws.com', sourceArn = 'arn:aws:s3:::b'): FunctionFacts => ({
  exists: got({ arn: fnArn(name) }),
  policy: got(allowPolicy(principal, sourceArn)),
  logGroup: got(true),
});

const lambdaConfig = (over: Record<string, unknown> = {}) => ({
  LambdaFunctionConfigurations: [{ Id: 'direct', LambdaFunctionArn: fnArn('fn'), Events: ['s3:ObjectCreated:*'], ...over }],
});

function facts(over: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    bucket: 'b',
    key: 'a.txt',
    eventName: 'ObjectCreated:Put',
    region: 'eu-west-1',
    isRealAws: false,
    bucketRegion: got('eu-west-1'),
    notification: cfg(lambdaConfig()),
    functions: new Map([['fn', healthy('fn')]]),
    topics: new Map(),
    queues: new Map(),
    rules: got([]),
    tail: got({ live: true }),
    recentKeys: new Map([['fn', got(['a.txt'])]]),
    ...over,
  };
}

interface Case {
  name: string;
  facts: DoctorFacts;
  exit: 0 | 1;
  id: string;
  status: 'ok' | 'fail' | 'unknown';
  detail?: RegExp;
  fix?: RegExp;
}

const snsConfig = { TopicConfigurations: [{ Id: 'topic', TopicArn: topicArn, Events: ['s3:ObjectCreated:*'] }] };
const topicPolicy = JSON.stringify({
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'SNS:Publish',
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::b' } },
    },
  ],
});
const topic = (subs: TopicFacts['subscriptions']): Map<string, TopicFacts> =>
  new Map([[topicArn, { attributes: got({ policy: topicPolicy }), subscriptions: subs }]]);
const sub = (filterPolicy?: string, filterPolicyScope?: string) => ({
  protocol: 'lambda',
  endpoint: fnArn('fn'),
  subscriptionArn: `${topicArn}:1`,
  ...(filterPolicy ? { filterPolicy } : {}),
  ...(filterPolicyScope ? { filterPolicyScope } : {}),
});
const snsFn = new Map([['fn', healthy('fn', 'sns.amazonaws.com', topicArn)]]);

const sqsConfig = { QueueConfigurations: [{ Id: 'queue', QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }] };
const queuePolicy = JSON.stringify({
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::b' } },
    },
  ],
});
const queue = (mappings: QueueFacts['mappings']): Map<string, QueueFacts> =>
  new Map([[queueArn, { attributes: got({ policy: queuePolicy }), mappings }]]);

const ruleArn = `arn:aws:events:eu-west-1:${ACCOUNT}:rule/r`;
const s3Pattern = JSON.stringify({ source: ['aws.s3'], detail: { bucket: { name: ['b'] }, object: { key: [{ prefix: 'a' }] } } });
const ebFn = new Map([['fn', healthy('fn', 'events.amazonaws.com', ruleArn)]]);
const rule = (over: Record<string, unknown> = {}) => ({
  name: 'r',
  arn: ruleArn,
  eventPattern: s3Pattern,
  state: 'ENABLED',
  targets: got([{ arn: fnArn('fn') }]),
  ...over,
});

const CASES: Case[] = [
  { name: 'every link ✓', facts: facts(), exit: 0, id: 'permission:fn:s3.amazonaws.com', status: 'ok' },
  {
    name: 'bucket missing',
    facts: facts({ bucketRegion: failed('NoSuchBucket', true) }),
    exit: 1,
    id: 'bucket',
    status: 'fail',
    detail: /does not exist/,
  },
  {
    name: 'bucket in another region',
    facts: facts({ bucketRegion: got('us-east-2') }),
    exit: 0,
    id: 'bucket',
    status: 'fail',
    detail: /is in us-east-2, not eu-west-1/,
    fix: /--region us-east-2/,
  },
  {
    name: 'configuration unreadable',
    facts: facts({ notification: failed('AccessDenied') }),
    exit: 1,
    id: 'notification',
    status: 'unknown',
  },
  {
    name: 'no configuration',
    facts: facts({ notification: cfg({}) }),
    exit: 1,
    id: 'notification',
    status: 'fail',
    fix: /put-bucket-notification-configuration/,
  },
  {
    name: 'event type not covered',
    facts: facts({ notification: cfg(lambdaConfig({ Events: ['s3:ObjectRemoved:*'] })) }),
    exit: 1,
    id: 'events',
    status: 'fail',
    fix: /"s3:ObjectCreated:\*"/,
  },
  {
    name: 'raw filter, encoded key',
    facts: facts({
      key: 'my folder/a b.txt',
      notification: cfg(lambdaConfig({ Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'my folder/' }] } } })),
    }),
    exit: 1,
    id: 'filter:direct',
    status: 'fail',
    detail: /filter prefix 'my folder\/' never matches: S3 compares with the encoded key 'my\+folder\/a\+b\.txt'/,
    fix: /'my\+folder\/'/,
  },
  {
    name: 'suffix does not match',
    facts: facts({ notification: cfg(lambdaConfig({ Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.jpg' }] } } })) }),
    exit: 1,
    id: 'filter:direct',
    status: 'fail',
    detail: /does not end with filter suffix '\.jpg'/,
  },
  {
    name: 'without a key, the accepted keys are listed',
    facts: facts({
      key: undefined,
      notification: cfg(lambdaConfig({ Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } } })),
    }),
    exit: 0,
    id: 'filter:direct',
    status: 'ok',
    detail: /accepts keys with prefix 'in\/'/,
  },
  {
    name: 'function missing',
    facts: facts({
      functions: new Map([['fn', { exists: failed('ResourceNotFound', true), policy: got(undefined), logGroup: got(false) }]]),
    }),
    exit: 1,
    id: 'function:fn',
    status: 'fail',
  },
  {
    name: 'function unreadable is ?',
    facts: facts({ functions: new Map([['fn', { ...healthy('fn'), exists: failed('AccessDenied') }]]) }),
    exit: 0,
    id: 'function:fn',
    status: 'unknown',
  },
  {
    name: 'no resource policy',
    facts: facts({ functions: new Map([['fn', { ...healthy('fn'), policy: got(undefined) }]]) }),
    exit: 1,
    id: 'permission:fn:s3.amazonaws.com',
    status: 'fail',
    detail: /it has no resource policy/,
    fix: /^aws lambda add-permission --function-name fn --statement-id s3invoke --action lambda:InvokeFunction --principal s3\.amazonaws\.com --source-arn arn:aws:s3:::b$/,
  },
  {
    name: 'a policy for another bucket',
    facts: facts({ functions: new Map([['fn', healthy('fn', 's3.amazonaws.com', 'arn:aws:s3:::other')]]) }),
    exit: 1,
    id: 'permission:fn:s3.amazonaws.com',
    status: 'fail',
  },
  {
    name: 'the lax sandbox is named',
    facts: facts({ laxSandbox: true, functions: new Map([['fn', { ...healthy('fn'), policy: got(undefined) }]]) }),
    exit: 1,
    id: 'permission:fn:s3.amazonaws.com',
    status: 'fail',
    detail: /runs without --strict and delivers anyway/,
  },
  {
    name: 'policy unreadable is ?',
    facts: facts({ functions: new Map([['fn', { ...healthy('fn'), policy: failed('AccessDenied') }]]) }),
    exit: 0,
    id: 'permission:fn:s3.amazonaws.com',
    status: 'unknown',
    fix: /add-permission/,
  },
  {
    name: 'never ran: no log group is ?',
    facts: facts({ functions: new Map([['fn', { ...healthy('fn'), logGroup: got(false) }]]) }),
    exit: 0,
    id: 'log-group:fn',
    status: 'unknown',
    detail: /has never run/,
  },
  {
    name: 'topic without subscriptions',
    facts: facts({ notification: cfg(snsConfig), topics: topic(got([])) }),
    exit: 1,
    id: 'subscriptions:uploads',
    status: 'fail',
    fix: /sns subscribe/,
  },
  {
    name: 'topic with a lambda subscription',
    facts: facts({ notification: cfg(snsConfig), topics: topic(got([sub()])), functions: snsFn }),
    exit: 0,
    id: 'permission:fn:sns.amazonaws.com',
    status: 'ok',
  },
  {
    name: 'pending subscription',
    facts: facts({
      notification: cfg(snsConfig),
      topics: topic(got([{ ...sub(), subscriptionArn: 'PendingConfirmation' }])),
      functions: snsFn,
    }),
    exit: 1,
    id: 'subscription:uploads:lambda:fn',
    status: 'fail',
    detail: /pending confirmation/,
  },
  {
    name: 'MessageBody filter policy accepting the encoded key',
    facts: facts({
      key: 'in dir/a.txt',
      notification: cfg(snsConfig),
      topics: topic(got([sub('{"Records":{"s3":{"object":{"key":[{"prefix":"in+dir/"}]}}}}', 'MessageBody')])),
      functions: snsFn,
    }),
    exit: 0,
    id: 'subscription:uploads:lambda:fn:filter',
    status: 'ok',
  },
  {
    name: 'MessageBody filter policy refusing',
    facts: facts({
      notification: cfg(snsConfig),
      topics: topic(got([sub('{"Records":{"eventName":["ObjectRemoved:Delete"]}}', 'MessageBody')])),
      functions: snsFn,
    }),
    exit: 1,
    id: 'subscription:uploads:lambda:fn:filter',
    status: 'fail',
  },
  {
    name: 'attribute filter policy refuses S3',
    facts: facts({ notification: cfg(snsConfig), topics: topic(got([sub('{"kind":["image"]}')])), functions: snsFn }),
    exit: 1,
    id: 'subscription:uploads:lambda:fn:filter',
    status: 'fail',
    detail: /S3 publishes none/,
  },
  {
    name: 'queue without a mapping',
    facts: facts({ notification: cfg(sqsConfig), queues: queue(got([])) }),
    exit: 1,
    id: 'mapping:jobs',
    status: 'fail',
    fix: /create-event-source-mapping/,
  },
  {
    name: 'queue with a disabled mapping',
    facts: facts({ notification: cfg(sqsConfig), queues: queue(got([{ functionArn: fnArn('fn'), state: 'Disabled', uuid: 'u-1' }])) }),
    exit: 1,
    id: 'mapping:jobs:fn',
    status: 'fail',
    fix: /update-event-source-mapping --uuid u-1 --enabled/,
  },
  {
    name: 'queue with a mapping',
    facts: facts({ notification: cfg(sqsConfig), queues: queue(got([{ functionArn: fnArn('fn'), state: 'Enabled' }])) }),
    exit: 0,
    id: 'mapping:jobs:fn',
    status: 'ok',
  },
  {
    name: 'queue policy missing',
    facts: facts({
      notification: cfg(sqsConfig),
      queues: new Map([[queueArn, { attributes: got({}), mappings: got([{ functionArn: fnArn('fn'), state: 'Enabled' }]) }]]),
    }),
    exit: 1,
    id: 'queue-policy:jobs:s3.amazonaws.com',
    status: 'fail',
    fix: /sqs set-queue-attributes/,
  },
  {
    name: 'queue mappings unreadable',
    facts: facts({ notification: cfg(sqsConfig), queues: queue(failed('NotImplemented')) }),
    exit: 1,
    id: 'mapping:jobs',
    status: 'unknown',
  },
  {
    name: 'EventBridge off with a rule waiting',
    facts: facts({ notification: cfg({}), rules: got([rule()]), functions: ebFn }),
    exit: 1,
    id: 'eventbridge',
    status: 'fail',
    fix: /EventBridgeConfiguration/,
  },
  {
    name: 'EventBridge on, rule matches',
    facts: facts({ notification: cfg({ EventBridgeConfiguration: {} }), rules: got([rule()]), functions: ebFn }),
    exit: 0,
    id: 'rule:r',
    status: 'ok',
  },
  {
    name: 'EventBridge on, no rule matches the key',
    facts: facts({ key: 'z.txt', notification: cfg({ EventBridgeConfiguration: {} }), rules: got([rule()]), functions: ebFn }),
    exit: 1,
    id: 'eventbridge-rules',
    status: 'fail',
    fix: /events put-rule/,
  },
  {
    name: 'EventBridge rule disabled',
    facts: facts({ notification: cfg({ EventBridgeConfiguration: {} }), rules: got([rule({ state: 'DISABLED' })]), functions: ebFn }),
    exit: 1,
    id: 'rule:r',
    status: 'fail',
    fix: /events enable-rule --name r/,
  },
  {
    name: 'EventBridge rule without targets',
    facts: facts({ notification: cfg({ EventBridgeConfiguration: {} }), rules: got([rule({ targets: got([]) })]) }),
    exit: 1,
    id: 'rule:r',
    status: 'fail',
    fix: /events put-targets --rule r/,
  },
  {
    name: 'rules unreadable',
    facts: facts({ notification: cfg({ EventBridgeConfiguration: {} }), rules: failed('AccessDenied') }),
    exit: 1,
    id: 'eventbridge-rules',
    status: 'unknown',
  },
  {
    name: 'recursion: nested keys',
    facts: facts({ recentKeys: new Map([['fn', got(['a.jpg', 'thumbs/a.jpg', 'thumbs/thumbs/a.jpg'])]]) }),
    exit: 0,
    id: 'recursion:fn',
    status: 'fail',
    detail: /may be writing into the bucket that triggers it/,
  },
  {
    name: 'recursion on AWS: IAM not checked',
    facts: facts({ isRealAws: true }),
    exit: 0,
    id: 'recursion:fn',
    status: 'unknown',
    detail: /IAM permissions are not checked/,
  },
  {
    name: 'no live tail: polling',
    facts: facts({ tail: got({ live: false, why: 'StartLiveTail refused' }) }),
    exit: 0,
    id: 'tail',
    status: 'ok',
    detail: /polls FilterLogEvents/,
  },
];

for (const c of CASES) {
  test(`verdict: ${c.name}`, () => {
    const v = judge(c.facts);
    assert.equal(v.exitCode, c.exit, JSON.stringify(v.checks, null, 1));
    const check = v.checks.find((x) => x.id === c.id);
    assert.ok(check, `no ${c.id} in ${JSON.stringify(v.checks, null, 1)}`);
    assert.equal(check.status, c.status, check.detail);
    if (c.detail) assert.match(check.detail, c.detail);
    if (c.fix) assert.match(check.fix ?? '', c.fix);
    if (c.status === 'fail') assert.ok(check.fix, 'every ✗ has a fix');
  });
}

test('verdict: fixes carry the endpoint when the target has one', () => {
  const v = judge(facts({ endpoint: 'http://127.0.0.1:4566', functions: new Map([['fn', { ...healthy('fn'), policy: got(undefined) }]]) }));
  assert.match(
    v.checks.find((c) => c.id === 'permission:fn:s3.amazonaws.com')!.fix!,
    /^aws --endpoint-url http:\/\/127\.0\.0\.1:4566 lambda add-permission /,
  );
});

test('derivedKeyChain: three nested keys, not two', () => {
  const table: [string[], boolean][] = [
    [['a.jpg', 'thumbs/a.jpg', 'thumbs/thumbs/a.jpg'], true],
    [['test.txt', 'copy_test.txt'], false],
    [['a', 'b', 'c'], false],
    [[], false],
  ];
  for (const [keys, found] of table) assert.equal(derivedKeyChain(keys) !== undefined, found, keys.join(','));
});

test('describeRules and regionOfLocation', () => {
  assert.equal(describeRules([]), 'every key');
  assert.equal(
    describeRules([
      { Name: 'Prefix', Value: 'a/' },
      { Name: 'suffix', Value: '.jpg' },
    ]),
    "keys with prefix 'a/' and suffix '.jpg'",
  );
  assert.equal(regionOfLocation(undefined), 'us-east-1');
  assert.equal(regionOfLocation(''), 'us-east-1');
  assert.equal(regionOfLocation('EU'), 'eu-west-1');
  assert.equal(regionOfLocation('ap-south-1'), 'ap-south-1');
});

test('render: text marks and fix lines; JSON one document with ok|fail|unknown', () => {
  const v = judge(facts({ functions: new Map([['fn', { ...healthy('fn'), policy: got(undefined), logGroup: got(false) }]]) }));
  const subject = { bucket: 'b', key: 'a.txt', eventName: 'ObjectCreated:Put', target: 'endpoint x' };
  const text = renderText(subject, v);
  assert.match(text, /^s3trigger doctor · bucket b · s3:ObjectCreated:Put on key 'a\.txt' · endpoint x\n/);
  assert.match(text, /\n✓ bucket b exists \(region eu-west-1\)\n/);
  assert.match(text, /\n✗ the resource policy of fn does not allow .*\n {4}fix: aws lambda add-permission /);
  assert.match(text, /\n\? log group \/aws\/lambda\/fn does not exist/);
  assert.match(text, /\n✗ the event reaches no function: fix the ✗ above\n$/);
  const doc = JSON.parse(renderJson(subject, v)) as { checks: { status: string }[]; exitCode: number; event: string };
  assert.equal(doc.exitCode, 1);
  assert.equal(doc.event, 's3:ObjectCreated:Put');
  assert.deepEqual([...new Set(doc.checks.map((c) => c.status))].sort(), ['fail', 'ok', 'unknown']);
});

test('doctorInputs: bad input is a usage error naming the fix; event names with or without s3:', () => {
  const usage = (args: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(
      () => doctorInputs(args),
      (e: unknown) => e instanceof AppError && e.exitCode === 2 && pattern.test(e.message),
    );
  usage({}, /needs --bucket BUCKET/);
  usage({ bucket: 'bkt', event: 'ObjectCreated:Teleport' }, /unknown event 'ObjectCreated:Teleport'/);
  usage({ bucket: 'bkt', key: '' }, /--key must not be empty/);
  usage({ bucket: 'bkt', region: 'eu west' }, /--region 'eu west' is not a region name/);
  usage({ bucket: 'bkt', strict: true }, /add --local/);
  // The main command's checks of the name and the key, with its messages.
  usage({ bucket: 'Bad_B' }, /^invalid bucket name 'Bad_B': may contain only lowercase letters, digits, dots and hyphens$/);
  usage({ bucket: 'b' }, /^invalid bucket name 'b': must be 3 to 63 characters long$/);
  usage({ bucket: 'bkt', key: 'k'.repeat(1025) }, /^--key: the key is 1025 bytes in UTF-8; S3 allows at most 1024$/);
  assert.equal(doctorInputs({ bucket: 'bkt', key: 'k'.repeat(1024) }).key?.length, 1024);
  for (const event of [undefined, 'put', 'ObjectCreated:Put', 's3:ObjectCreated:Put', 'objectcreated:put']) {
    assert.equal(doctorInputs({ bucket: 'bkt', ...(event ? { event } : {}) }).eventName, 'ObjectCreated:Put', String(event));
  }
});
