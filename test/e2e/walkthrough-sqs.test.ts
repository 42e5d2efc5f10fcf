/**
 * Issue #10's SQS walkthrough with real clients against one sandbox run with --strict (the queue policy for s3
 * matters): the AWS CLI v2 (SQS over the query protocol) creates a queue, a function and its event source mapping,
 * the bucket's QueueConfiguration, `s3 cp`, and the function's log shows the SQS record whose body holds the S3
 * record. A second bucket goes to a queue with no mapping, and boto3 (SQS's JSON protocol) receives its
 * s3:TestEvent, then the S3 record. Then s3trigger's CI mode over `--via sqs`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { cliBuilt, NOT_BUILT, ndjson, runCli, workDir } from '../ci/helpers.js';
import { clis, createLogger, hasBoto3, isTestEvent, type Json, parse, printedJson, startWalk, type Walk } from './walkthrough-helpers.js';

let walk: Walk;
before(async () => {
  if (cliBuilt) walk = await startWalk('sqs', ['--strict']);
});
after(async () => {
  if (cliBuilt) await walk.close();
});

const s3Policy = (queueArn: string, bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'SQS:SendMessage',
        Resource: queueArn,
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${bucket}` } },
      },
    ],
  });

/** The SQS records among a function's printed events. */
const sqsRecords = (events: Json[]): Json[] => events.flatMap((e) => (e.Records ?? []).filter((r: Json) => r.eventSource === 'aws:sqs'));
const keyOf = (body: Json | undefined): string | undefined => body?.Records?.[0]?.s3?.object?.key;

test('AWS CLI v2: S3 -> SQS -> Lambda through an event source mapping; the log shows the S3 record in the body', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const { v2 } = await clis();
  if (!v2) return t.skip('AWS CLI v2 (/usr/bin/aws) not found');
  const aws = (...args: string[]) => walk.aws(v2, ...args);
  const bucket = 'sqs-bucket';
  const fn = 'fn-queue-worker';

  const [, { QueueUrl }, fnArn] = await Promise.all([
    aws('s3', 'mb', `s3://${bucket}`),
    aws('sqs', 'create-queue', '--queue-name', 'uploads'),
    createLogger(walk, v2, fn),
  ]);
  assert.match(QueueUrl, /\/000000000000\/uploads$/);
  assert.match(fnArn, /:function:fn-queue-worker$/);
  const { Attributes } = await aws('sqs', 'get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'QueueArn');
  const queueArn = Attributes.QueueArn as string;
  assert.equal(queueArn, `arn:aws:sqs:${walk.sb.region}:000000000000:uploads`);
  const [mapping] = await Promise.all([
    aws('lambda', 'create-event-source-mapping', '--function-name', fn, '--event-source-arn', queueArn, '--batch-size', '10'),
    aws('sqs', 'set-queue-attributes', '--queue-url', QueueUrl, '--attributes', JSON.stringify({ Policy: s3Policy(queueArn, bucket) })),
  ]);
  assert.match(mapping.UUID, /^[0-9a-f-]{36}$/);
  assert.equal(mapping.EventSourceArn, queueArn);
  assert.equal(mapping.FunctionArn, fnArn);
  await aws(
    's3api',
    'put-bucket-notification-configuration',
    '--bucket',
    bucket,
    '--notification-configuration',
    JSON.stringify({ QueueConfigurations: [{ Id: 'to-queue', QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }] }),
  );
  await aws('s3', 'cp', 'test.txt', `s3://${bucket}/in/a b.txt`);

  await walk.events(fn, (e) => sqsRecords(e).some((r) => keyOf(parse(r.body)) === 'in/a+b.txt'));
  // What a user reads: `aws logs filter-log-events` on the function's group.
  const out = await aws('logs', 'filter-log-events', '--log-group-name', `/aws/lambda/${fn}`, '--filter-pattern', '"aws:sqs"');
  const records = sqsRecords((out.events as Json[]).flatMap((e) => printedJson(e.message)));
  const put = records.find((r) => keyOf(parse(r.body)) === 'in/a+b.txt');
  assert.ok(put, JSON.stringify(records));
  assert.equal(put.eventSource, 'aws:sqs');
  assert.equal(put.eventSourceARN, queueArn);
  assert.equal(put.awsRegion, walk.sb.region);
  assert.match(put.messageId, /^[0-9a-f-]{36}$/);
  assert.equal(typeof put.receiptHandle, 'string');
  assert.equal(put.md5OfBody, createHash('md5').update(put.body).digest('hex'));
  assert.equal(put.attributes.ApproximateReceiveCount, '1');
  assert.match(put.attributes.SentTimestamp, /^\d{13}$/);
  assert.match(put.attributes.ApproximateFirstReceiveTimestamp, /^\d{13}$/);
  assert.equal(typeof put.attributes.SenderId, 'string');
  assert.deepEqual(put.messageAttributes, {});
  const s3 = parse(put.body)!.Records[0];
  assert.equal(s3.eventSource, 'aws:s3');
  assert.equal(s3.eventName, 'ObjectCreated:Put');
  assert.equal(s3.s3.bucket.name, bucket);
  assert.equal(s3.s3.configurationId, 'to-queue');
  assert.equal(s3.s3.object.size, 29);
  assert.ok(
    records.some((r) => isTestEvent(parse(r.body) ?? {}, bucket)),
    'the s3:TestEvent sent on save went through the mapping too',
  );
  // The mapping deleted what the function handled: waited for over the SDK (a CLI poll is a Python start per try),
  // then read once with the CLI v1 when present (SQS's JSON protocol).
  const counts = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] as const;
  const sqs = new SQSClient({
    endpoint: walk.sb.endpoint,
    region: walk.sb.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  t.after(() => sqs.destroy());
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: [...counts] }));
    if (counts.every((c) => Attributes?.[c] === '0')) break;
  }
  const { v1 } = await clis();
  const left = (await walk.aws(v1 ?? v2, 'sqs', 'get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', ...counts))
    .Attributes;
  assert.deepEqual(left, { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  assert.deepEqual(
    walk.lines.filter((l) => /AWS would refuse|dropped|fail/i.test(l)),
    [],
  );
});

const BOTO = `
import json, sys, time, boto3
from botocore.exceptions import ClientError
endpoint = sys.argv[1]
kw = dict(endpoint_url=endpoint, region_name='eu-west-1')
sqs, s3 = boto3.client('sqs', **kw), boto3.client('s3', **kw)
url = sqs.create_queue(QueueName='no-mapping')['QueueUrl']
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
s3.create_bucket(Bucket='plain-bucket', CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
config = {'QueueConfigurations': [{'Id': 'plain', 'QueueArn': arn, 'Events': ['s3:ObjectCreated:*']}]}
try:
    s3.put_bucket_notification_configuration(Bucket='plain-bucket', NotificationConfiguration=config)
    refused = None
except ClientError as e:
    refused = e.response['Error']
sqs.set_queue_attributes(QueueUrl=url, Attributes={'Policy': sys.argv[2].replace('QUEUE_ARN', arn)})
s3.put_bucket_notification_configuration(Bucket='plain-bucket', NotificationConfiguration=config)
s3.put_object(Bucket='plain-bucket', Key='report.csv', Body=b'a,b\\n')
got, deadline = [], time.time() + 15
while len(got) < 2 and time.time() < deadline:
    out = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=['All'])
    for m in out.get('Messages', []):
        got.append({'body': m['Body'], 'md5': m['MD5OfBody'], 'attrs': m['Attributes']})
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m['ReceiptHandle'])
left = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['ApproximateNumberOfMessages'])['Attributes']
print(json.dumps({'arn': arn, 'refused': refused, 'got': got, 'left': left['ApproximateNumberOfMessages']}))
`;

test('boto3 (JSON protocol): a queue with no mapping holds the s3:TestEvent, then the S3 record', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  if (!(await hasBoto3())) return t.skip('python3 with boto3 not found');
  const out = await walk.python(BOTO, s3Policy('QUEUE_ARN', 'plain-bucket'));
  // --strict: a queue without a policy for s3.amazonaws.com is refused, as on AWS; with the policy it is saved.
  assert.deepEqual(
    [out.refused?.Code, out.refused?.Message, out.refused?.ArgumentName1, out.refused?.ArgumentValue1],
    [
      'InvalidArgument',
      'Unable to validate the following destination configurations',
      out.arn,
      'Permissions on the destination queue do not allow S3 to publish notifications from this bucket',
    ],
  );
  assert.equal(out.got.length, 2, JSON.stringify(out.got));
  const [first, second] = (out.got as Json[]).map((m): Json => ({ ...m, parsed: parse(m.body) }));
  assert.ok(isTestEvent(first!.parsed, 'plain-bucket'), first!.body);
  assert.deepEqual(Object.keys(first!.parsed).sort(), ['Bucket', 'Event', 'HostId', 'RequestId', 'Service', 'Time']);
  const record = second!.parsed.Records[0];
  assert.equal(record.eventName, 'ObjectCreated:Put');
  assert.equal(record.s3.bucket.name, 'plain-bucket');
  assert.equal(record.s3.object.key, 'report.csv');
  assert.equal(record.s3.configurationId, 'plain');
  for (const m of [first!, second!]) {
    assert.equal(m.md5, createHash('md5').update(m.body).digest('hex'));
    assert.equal(m.attrs.ApproximateReceiveCount, '1');
  }
  assert.equal(out.left, '0');
});

test('s3trigger --local --via sqs --put --wait --json: one matched invocation with per-hop latency and the chain', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(
    ['--local', '--via', 'sqs', '--bucket', 'test-bucket', '--put', 'test.txt', '--wait', '--json', '--timeout', '20s'],
    dir,
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const [op, ...rest] = ndjson(r.stdout);
  assert.equal(rest.length, 0);
  assert.equal(op!.status, 'matched');
  assert.equal(op!.matches.length, 1);
  const [m] = op!.matches as Json[];
  assert.equal(m!.function, 'event-handler');
  assert.equal(m!.status, 'succeeded');
  assert.deepEqual(
    m!.hops.map((h: Json) => `${h.from}->${h.to}`),
    ['ack->sqs', 'sqs->start'],
  );
  for (const h of m!.hops) assert.ok(Number.isFinite(h.ms) && h.ms >= 0, JSON.stringify(h));
  assert.equal(op!.chain.summary, 'test-bucket → SQS test-bucket-events → event-handler');
  assert.deepEqual(op!.chain.unfollowed, []);
  assert.match(r.stderr, /^Chain: test-bucket → SQS test-bucket-events → event-handler$/m);
});

const CHAIN = `
import json, sys, boto3
endpoint = sys.argv[1]
kw = dict(endpoint_url=endpoint, region_name='eu-west-1')
sns, sqs, s3, lam = (boto3.client(s, **kw) for s in ('sns', 'sqs', 's3', 'lambda'))
def allow(service, action, resource, source):
    return json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': service},
        'Action': action, 'Resource': resource, 'Condition': {'ArnLike': {'aws:SourceArn': source}}}]})
topic = sns.create_topic(Name='chain-topic')['TopicArn']
sns.set_topic_attributes(TopicArn=topic, AttributeName='Policy',
                         AttributeValue=allow('s3.amazonaws.com', 'SNS:Publish', topic, 'arn:aws:s3:::chain-bucket'))
url = sqs.create_queue(QueueName='chain-queue')['QueueUrl']
queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
sqs.set_queue_attributes(QueueUrl=url, Attributes={'Policy': allow('sns.amazonaws.com', 'sqs:SendMessage', queue, topic)})
sns.subscribe(TopicArn=topic, Protocol='sqs', Endpoint=queue)
with open('logger.zip', 'rb') as f:
    lam.create_function(FunctionName='chain-fn', Runtime='nodejs20.x', Handler='index.handler', Code={'ZipFile': f.read()},
                        Role='arn:aws:iam::000000000000:role/lambda-role')
lam.create_event_source_mapping(FunctionName='chain-fn', EventSourceArn=queue, BatchSize=10)
s3.create_bucket(Bucket='chain-bucket', CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
s3.put_bucket_notification_configuration(Bucket='chain-bucket', NotificationConfiguration={
    'TopicConfigurations': [{'TopicArn': topic, 'Events': ['s3:ObjectCreated:*']}]})
print(json.dumps({'topic': topic, 'queue': queue}))
`;

test('boto3 wires S3 -> SNS -> SQS -> Lambda; s3trigger --endpoint-url follows the chain and matches through both envelopes', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  if (!(await hasBoto3())) return t.skip('python3 with boto3 not found');
  await walk.python(CHAIN);
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(
    [
      '--endpoint-url',
      walk.sb.endpoint,
      '--region',
      'eu-west-1',
      '--bucket',
      'chain-bucket',
      '--put',
      'test.txt',
      '--wait',
      '--json',
      '--timeout',
      '20s',
    ],
    dir,
    { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stderr, /^Chain: chain-bucket → SNS chain-topic → SQS chain-queue → chain-fn$/m);
  const [op] = ndjson(r.stdout);
  assert.equal(op!.status, 'matched');
  assert.equal(op!.matches.length, 1);
  assert.equal(op!.match.function, 'chain-fn');
  assert.deepEqual(
    op!.match.hops.map((h: Json) => `${h.from}->${h.to}`),
    ['ack->sns', 'sns->sqs', 'sqs->start'],
  );
  // The function got the SQS record whose body is SNS's JSON notification (AWS's SQS spelling: SigningCertURL).
  const events = await walk.events('chain-fn', (e) => sqsRecords(e).some((rec) => parse(parse(rec.body)?.Message)?.Records));
  const rec = sqsRecords(events).find((x) => parse(parse(x.body)?.Message)?.Records)!;
  const note = parse(rec.body)!;
  assert.equal(note.Type, 'Notification');
  assert.equal(note.Subject, 'Amazon S3 Notification');
  assert.equal(typeof note.SigningCertURL, 'string');
  assert.equal(typeof note.UnsubscribeURL, 'string');
  assert.equal(parse(note.Message)!.Records[0].s3.object.key, 'test.txt');
});
