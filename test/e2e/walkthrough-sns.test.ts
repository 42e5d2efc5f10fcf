/**
 * Issue #10's SNS fan-out walkthrough (the Jets shape) with real clients against one sandbox run with --strict, so
 * each permission command matters: `sns create-topic`, two `lambda create-function` + `add-permission` for
 * sns.amazonaws.com + `sns subscribe --protocol lambda`, the topic policy for s3, the notification configuration
 * (a missing topic first: AWS's InvalidArgument), `s3 cp`, and `aws logs tail` shows both functions handling the
 * SNS-wrapped record (and the s3:TestEvent sent on save). Then s3trigger's CI mode over `--via sns`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { cliBuilt, NOT_BUILT, ndjson, runCli, workDir } from '../ci/helpers.js';
import { clis, createLogger, hasBoto3, isTestEvent, type Json, parse, startWalk, tailEvents, type Walk } from './walkthrough-helpers.js';

let walk: Walk;
before(async () => {
  if (cliBuilt) walk = await startWalk('sns', ['--strict']);
});
after(async () => {
  if (cliBuilt) await walk.close();
});

const BUCKET = 'jets-bucket';
const FUNCTIONS = ['fn-resize', 'fn-index'];

/** The SNS records in a function's printed events whose Message is S3's JSON. */
const snsRecords = (events: Json[]): Json[] => events.flatMap((e) => (e.Records ?? []).filter((r: Json) => r.EventSource === 'aws:sns'));
const s3Keys = (records: Json[]): string[] =>
  records.flatMap((r) => (parse(r.Sns.Message)?.Records ?? []).map((s: Json) => s.s3.object.key as string));

test('AWS CLI v2: SNS fan-out to two functions; logs tail shows both handling the SNS-wrapped S3 record', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const { v2 } = await clis();
  if (!v2) return t.skip('AWS CLI v2 (/usr/bin/aws) not found');
  const aws = (...args: string[]) => walk.aws(v2, ...args);
  const region = walk.sb.region;

  await aws('s3', 'mb', `s3://${BUCKET}`);
  const { TopicArn } = await aws('sns', 'create-topic', '--name', 'uploads');
  assert.equal(TopicArn, `arn:aws:sns:${region}:000000000000:uploads`);
  // The two functions are set up side by side: each CLI call costs a Python start.
  await Promise.all(
    FUNCTIONS.map(async (fn) => {
      const arn = await createLogger(walk, v2, fn);
      await aws(
        'lambda',
        'add-permission',
        '--function-name',
        fn,
        '--statement-id',
        'sns-invoke',
        '--action',
        'lambda:InvokeFunction',
        '--principal',
        'sns.amazonaws.com',
        '--source-arn',
        TopicArn,
      );
      const { SubscriptionArn } = await aws(
        'sns',
        'subscribe',
        '--topic-arn',
        TopicArn,
        '--protocol',
        'lambda',
        '--notification-endpoint',
        arn,
      );
      assert.match(SubscriptionArn, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    }),
  );
  const topicConfig = (arn: string) =>
    JSON.stringify({ TopicConfigurations: [{ Id: 'fan-out', TopicArn: arn, Events: ['s3:ObjectCreated:*'] }] });
  const missingArn = `arn:aws:sns:${region}:000000000000:no-such-topic`;
  const refused = await walk.awsFails(
    v2,
    's3api',
    'put-bucket-notification-configuration',
    '--bucket',
    BUCKET,
    '--notification-configuration',
    topicConfig(missingArn),
  );
  assert.match(refused, /\(InvalidArgument\).*Unable to validate the following destination configurations/);

  // --strict: the topic's default policy (owner account only) does not let S3 publish, as on AWS.
  const unpermitted = await walk.awsFails(
    v2,
    's3api',
    'put-bucket-notification-configuration',
    '--bucket',
    BUCKET,
    '--notification-configuration',
    topicConfig(TopicArn),
  );
  assert.match(unpermitted, /\(InvalidArgument\).*Unable to validate the following destination configurations/);
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'SNS:Publish',
        Resource: TopicArn,
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${BUCKET}` } },
      },
    ],
  };
  await aws(
    'sns',
    'set-topic-attributes',
    '--topic-arn',
    TopicArn,
    '--attribute-name',
    'Policy',
    '--attribute-value',
    JSON.stringify(policy),
  );

  await aws('s3api', 'put-bucket-notification-configuration', '--bucket', BUCKET, '--notification-configuration', topicConfig(TopicArn));
  await aws('s3', 'cp', 'test.txt', `s3://${BUCKET}/photos/cat 1.txt`);

  // Wait in-process for both invocations (cheap), then read them the way a user would: `aws logs tail`.
  for (const fn of FUNCTIONS) await walk.events(fn, (e) => s3Keys(snsRecords(e)).includes('photos/cat+1.txt'));
  const tails = await Promise.all(FUNCTIONS.map((fn) => tailEvents(walk, v2, `/aws/lambda/${fn}`)));
  for (const [i, fn] of FUNCTIONS.entries()) {
    const records = snsRecords(tails[i]!);
    const put = records.find((r) => s3Keys([r]).includes('photos/cat+1.txt'));
    assert.ok(put, `${fn} handled the PUT's SNS record: ${JSON.stringify(records)}`);
    assert.equal(put.EventSource, 'aws:sns');
    assert.equal(put.EventVersion, '1.0');
    assert.match(put.EventSubscriptionArn, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    assert.equal(put.Sns.Type, 'Notification');
    assert.equal(put.Sns.TopicArn, TopicArn);
    assert.equal(put.Sns.Subject, 'Amazon S3 Notification');
    assert.match(put.Sns.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(put.Sns.MessageId, /^[0-9a-f-]{36}$/);
    assert.equal(put.Sns.SignatureVersion, '1');
    assert.equal(typeof put.Sns.Signature, 'string');
    assert.match(put.Sns.SigningCertUrl, /^https?:\/\/.+\.pem$/);
    assert.ok(put.Sns.UnsubscribeUrl.includes(`SubscriptionArn=${put.EventSubscriptionArn}`), put.Sns.UnsubscribeUrl);
    assert.deepEqual(put.Sns.MessageAttributes, {});
    const message = parse(put.Sns.Message)!;
    assert.deepEqual(Object.keys(message), ['Records']);
    assert.equal(message.Records.length, 1);
    const s3 = message.Records[0];
    assert.equal(s3.eventSource, 'aws:s3');
    assert.equal(s3.eventName, 'ObjectCreated:Put');
    assert.equal(s3.s3.bucket.name, BUCKET);
    assert.equal(s3.s3.configurationId, 'fan-out');
    assert.equal(s3.s3.object.size, 29);

    const test = records.find((r) => isTestEvent(parse(r.Sns.Message) ?? {}, BUCKET));
    assert.ok(test, `${fn} got the s3:TestEvent sent when the configuration was saved`);
    assert.equal(test.Sns.Subject, 'Amazon S3 Notification');
    assert.ok(records.indexOf(test) < records.indexOf(put), 'the test event came first');
  }
  // Both functions handled the same SNS message (one publish, fanned out).
  const ids = await Promise.all(
    FUNCTIONS.map(async (fn) => snsRecords(await walk.events(fn, () => true)).find((r) => s3Keys([r]).length > 0)?.Sns.MessageId),
  );
  assert.equal(ids[0], ids[1]);
  assert.deepEqual(
    walk.lines.filter((l) => /AWS would refuse|dropped|fail/i.test(l)),
    [],
    'strict mode refused nothing: every permission was granted',
  );
});

const BOTO = `
import json, sys, boto3
from botocore.exceptions import ClientError
endpoint, topic = sys.argv[1], sys.argv[2]
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='eu-west-1')
s3.create_bucket(Bucket='boto-bucket', CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
try:
    s3.put_bucket_notification_configuration(Bucket='boto-bucket', NotificationConfiguration={
        'TopicConfigurations': [{'TopicArn': topic, 'Events': ['s3:ObjectCreated:*']}]})
    err = None
except ClientError as e:
    err = e.response['Error']
cfg = s3.get_bucket_notification_configuration(Bucket='boto-bucket')
print(json.dumps({'err': err, 'topics': cfg.get('TopicConfigurations', [])}))
`;

test('the sandbox ready line names the services it runs', { skip: !cliBuilt && NOT_BUILT }, () => {
  for (const service of ['S3', 'Lambda', 'CloudWatch Logs', 'SNS', 'SQS', 'EventBridge'])
    assert.ok(walk.ready.includes(service), walk.ready);
});

test('boto3: a configuration naming a missing topic is refused with ArgumentName1/ArgumentValue1, nothing saved', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  if (!(await hasBoto3())) return t.skip('python3 with boto3 not found');
  const missing = `arn:aws:sns:${walk.sb.region}:000000000000:gone`;
  const out = await walk.python(BOTO, missing);
  assert.equal(out.err.Code, 'InvalidArgument');
  assert.equal(out.err.Message, 'Unable to validate the following destination configurations');
  assert.equal(out.err.ArgumentName1, missing);
  assert.equal(out.err.ArgumentValue1, 'The destination topic does not exist');
  assert.deepEqual(out.topics, []);
});

test('s3trigger --local --via sns --put --wait --json: two matched invocations with per-hop latency and the chain', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(
    ['--local', '--via', 'sns', '--bucket', 'test-bucket', '--put', 'test.txt', '--wait', '--json', '--timeout', '20s'],
    dir,
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const [op, ...rest] = ndjson(r.stdout);
  assert.equal(rest.length, 0);
  assert.equal(op!.status, 'matched');
  assert.deepEqual(op!.matches.map((m: Json) => m.function).sort(), ['event-handler', 'event-indexer']);
  for (const m of op!.matches as Json[]) {
    assert.equal(m.status, 'succeeded');
    assert.deepEqual(
      m.hops.map((h: Json) => `${h.from}->${h.to}`),
      ['ack->sns', 'sns->start'],
    );
    for (const h of m.hops) assert.ok(Number.isFinite(h.ms) && h.ms >= 0, JSON.stringify(h));
  }
  // The two functions in either order: discovery lists the subscriptions' functions as they resolve.
  assert.match(op!.chain.summary, /^test-bucket → SNS test-bucket-events → (event-handler, event-indexer|event-indexer, event-handler)$/);
  assert.equal(op!.chain.routes.length, 2);
  assert.deepEqual(op!.chain.unfollowed, []);
  assert.match(r.stderr, /^Chain: test-bucket → SNS test-bucket-events → /m);
});

test('s3trigger --via sns --expect-invocations 3: exit 3, naming what did not run', { skip: !cliBuilt && NOT_BUILT }, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(
    [
      '--local',
      '--via',
      'sns',
      '--bucket',
      'test-bucket',
      '--put',
      'test.txt',
      '--wait',
      '--expect-invocations',
      '3',
      '--timeout',
      '3s',
      '--json',
    ],
    dir,
  );
  assert.equal(r.code, 3, r.stderr + r.stdout);
  assert.match(r.stderr, /Only 2 of 3 expected invocations for PUT test\.txt within 3s/);
  const [op] = ndjson(r.stdout);
  assert.equal(op!.status, 'no-match');
  assert.equal(op!.matches.length, 2, 'the two that ran are still reported');
});

const UNPERMITTED = `
import json, sys, boto3
endpoint = sys.argv[1]
kw = dict(endpoint_url=endpoint, region_name='eu-west-1')
sns, lam = boto3.client('sns', **kw), boto3.client('lambda', **kw)
with open('logger.zip', 'rb') as f:
    fn = lam.create_function(FunctionName='fn-no-permission', Runtime='nodejs20.x', Handler='index.handler',
                             Code={'ZipFile': f.read()}, Role='arn:aws:iam::000000000000:role/lambda-role')['FunctionArn']
topic = sns.create_topic(Name='no-permission')['TopicArn']
sns.subscribe(TopicArn=topic, Protocol='lambda', Endpoint=fn)
sns.publish(TopicArn=topic, Message='hello')
print(json.dumps({'topic': topic, 'fn': fn}))
`;

/** The sandbox's log line refusing SNS's delivery to fn-no-permission (--strict), once logged. */
async function refusalLine(): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const line = walk.lines.find((l) => l.includes('refused delivery') && l.includes('fn-no-permission'));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no refusal logged:\n${walk.lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('--strict: a lambda subscription without add-permission is not invoked; the sandbox logs the refusal and its fix', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  if (!(await hasBoto3())) return t.skip('python3 with boto3 not found');
  const out = await walk.python(UNPERMITTED);
  const line = await refusalLine();
  assert.match(
    line,
    /fix: aws .*lambda add-permission --function-name fn-no-permission .*--principal sns\.amazonaws\.com --source-arn \S+:no-permission/,
  );
  await new Promise((r) => setTimeout(r, 300)); // an invocation, had there been one, would have logged by now
  assert.deepEqual(await walk.events('fn-no-permission', () => true), [], `${out.fn} was not invoked`);
});

test("the refusal's fix command targets the sandbox (--endpoint-url), as the S3 configuration hint's does", {
  skip: !cliBuilt && NOT_BUILT,
}, async () => {
  const line = await refusalLine();
  assert.ok(line.includes(`fix: aws --endpoint-url ${walk.sb.endpoint} lambda add-permission`), line);
});
