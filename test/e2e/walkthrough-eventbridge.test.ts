/**
 * Issue #10's EventBridge walkthrough with real clients against one sandbox run with --strict (the function's
 * permission for events.amazonaws.com matters): the AWS CLI v2 turns EventBridge on for a bucket
 * (`{"EventBridgeConfiguration":{}}`), adds a rule for `Object Created` from aws.s3 with a Lambda target, `s3 cp`,
 * and the function's log shows the `Object Created` event with the key. boto3 adds an `Object Deleted` rule for a
 * second bucket: each event reaches the function through the one rule that matches it. Then CI mode `--via eventbridge`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { cliBuilt, NOT_BUILT, ndjson, runCli, workDir } from '../ci/helpers.js';
import { clis, createLogger, hasBoto3, type Json, startWalk, tailEvents, type Walk } from './walkthrough-helpers.js';

let walk: Walk;
before(async () => {
  if (cliBuilt) walk = await startWalk('eventbridge', ['--strict']);
});
after(async () => {
  if (cliBuilt) await walk.close();
});

const FN = 'fn-eb';
const s3Events = (events: Json[], bucket: string) => events.filter((e) => e.source === 'aws.s3' && e.detail?.bucket?.name === bucket);

test('AWS CLI v2: EventBridgeConfiguration, put-rule + put-targets to a function; the log shows Object Created', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const { v2 } = await clis();
  if (!v2) return t.skip('AWS CLI v2 (/usr/bin/aws) not found');
  const aws = (...args: string[]) => walk.aws(v2, ...args);
  const bucket = 'eb-bucket';
  const region = walk.sb.region;

  const [, fnArn, rule] = await Promise.all([
    aws('s3', 'mb', `s3://${bucket}`),
    createLogger(walk, v2, FN),
    aws('events', 'put-rule', '--name', 's3-created', '--event-pattern', '{"source":["aws.s3"],"detail-type":["Object Created"]}'),
  ]);
  assert.equal(rule.RuleArn, `arn:aws:events:${region}:000000000000:rule/s3-created`);
  const [, targets] = await Promise.all([
    aws(
      'lambda',
      'add-permission',
      '--function-name',
      FN,
      '--statement-id',
      'events-invoke',
      '--action',
      'lambda:InvokeFunction',
      '--principal',
      'events.amazonaws.com',
      '--source-arn',
      rule.RuleArn,
    ),
    aws('events', 'put-targets', '--rule', 's3-created', '--targets', `Id=fn,Arn=${fnArn}`),
    aws(
      's3api',
      'put-bucket-notification-configuration',
      '--bucket',
      bucket,
      '--notification-configuration',
      '{"EventBridgeConfiguration":{}}',
    ),
  ]);
  assert.deepEqual(targets, { FailedEntryCount: 0, FailedEntries: [] });
  const saved = await aws('s3api', 'get-bucket-notification-configuration', '--bucket', bucket);
  assert.deepEqual(saved, { EventBridgeConfiguration: {} });
  await aws('s3', 'cp', 'test.txt', `s3://${bucket}/docs/q1 report.txt`);

  await walk.events(FN, (e) => s3Events(e, bucket).length > 0);
  const logged = s3Events(await tailEvents(walk, v2, `/aws/lambda/${FN}`), bucket);
  assert.equal(logged.length, 1, JSON.stringify(logged));
  const [event] = logged as [Json];
  assert.equal(event.version, '0');
  assert.match(event.id, /^[0-9a-f-]{36}$/);
  assert.equal(event['detail-type'], 'Object Created');
  assert.equal(event.source, 'aws.s3');
  assert.equal(event.account, '000000000000');
  assert.equal(event.region, region);
  assert.match(event.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(event.resources, [`arn:aws:s3:::${bucket}`]);
  const { detail } = event;
  assert.equal(detail.version, '0');
  // Raw on this path (AWS-recorded events), unlike the notification record's `docs/q1+report.txt`.
  assert.equal(detail.object.key, 'docs/q1 report.txt');
  assert.equal(detail.object.size, 29);
  assert.equal(detail.object.etag, 'b72a05983f663132daaf4688bb919f80');
  assert.match(detail.object.sequencer, /^[0-9A-F]+$/);
  assert.equal(detail.reason, 'PutObject');
  assert.equal(typeof detail['request-id'], 'string');
  assert.equal(typeof detail.requester, 'string');
  assert.equal(typeof detail['source-ip-address'], 'string');
  assert.deepEqual(
    walk.lines.filter((l) => /AWS would refuse|dropped|fail/i.test(l)),
    [],
  );
});

const BOTO = `
import json, sys, boto3
endpoint, fn_arn = sys.argv[1], sys.argv[2]
kw = dict(endpoint_url=endpoint, region_name='eu-west-1')
events, s3, lam = boto3.client('events', **kw), boto3.client('s3', **kw), boto3.client('lambda', **kw)
pattern = {'source': ['aws.s3'], 'detail-type': ['Object Deleted'], 'detail': {'bucket': {'name': ['boto-eb-bucket']}}}
arn = events.put_rule(Name='boto-deleted', EventPattern=json.dumps(pattern))['RuleArn']
lam.add_permission(FunctionName=fn_arn, StatementId='boto-deleted', Action='lambda:InvokeFunction',
                   Principal='events.amazonaws.com', SourceArn=arn)
failed = events.put_targets(Rule='boto-deleted', Targets=[{'Id': 'fn', 'Arn': fn_arn}])['FailedEntryCount']
s3.create_bucket(Bucket='boto-eb-bucket', CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
s3.put_bucket_notification_configuration(Bucket='boto-eb-bucket', NotificationConfiguration={'EventBridgeConfiguration': {}})
s3.put_object(Bucket='boto-eb-bucket', Key='gone.txt', Body=b'x')
s3.delete_object(Bucket='boto-eb-bucket', Key='gone.txt')
print(json.dumps({'failed': failed}))
`;

test('boto3: an Object Deleted rule for a second bucket; each event reaches the function through the rule it matches', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  if (!(await hasBoto3())) return t.skip('python3 with boto3 not found');
  // The CLI test's function and its Object Created rule (any bucket, so it sees this bucket's PUT too).
  const fnArn = `arn:aws:lambda:${walk.sb.region}:000000000000:function:${FN}`;
  const out = await walk.python(BOTO, fnArn).catch(async (err) => {
    if (!/ResourceNotFoundException/.test(String(err))) throw err;
    return undefined;
  });
  if (!out) return t.skip('the AWS CLI v2 test did not run (it creates the function)');
  assert.equal(out.failed, 0);
  const bucket = 'boto-eb-bucket';
  await walk.events(FN, (e) => s3Events(e, bucket).length >= 2);
  await new Promise((r) => setTimeout(r, 300)); // a duplicate (one event through both rules) would arrive by now
  const logged = s3Events(await walk.events(FN, () => true), bucket);
  assert.deepEqual(
    logged.map((e) => `${e['detail-type']} ${e.detail.object.key} ${e.detail.reason}`),
    ['Object Created gone.txt PutObject', 'Object Deleted gone.txt DeleteObject'],
  );
  assert.equal(logged[1]!.detail['deletion-type'], 'Permanently Deleted');
  assert.equal(new Set(logged.map((e) => e.id)).size, 2);
});

test('s3trigger --local --via eventbridge --put --wait --json: one matched invocation with per-hop latency and the chain', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(
    ['--local', '--via', 'eventbridge', '--bucket', 'test-bucket', '--put', 'test.txt', '--wait', '--json', '--timeout', '20s'],
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
    ['ack->eventbridge', 'eventbridge->start'],
  );
  for (const h of m!.hops) assert.ok(Number.isFinite(h.ms) && h.ms >= 0, JSON.stringify(h));
  assert.equal(op!.chain.summary, 'test-bucket → EventBridge rule test-bucket-events → event-handler');
  assert.deepEqual(op!.chain.unfollowed, []);
  assert.match(r.stderr, /^Chain: test-bucket → EventBridge rule test-bucket-events → event-handler$/m);
});
