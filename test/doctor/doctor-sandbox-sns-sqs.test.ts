/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): SNS topics (subscriptions, filter policies) and SQS queues (event source mappings). Each ✗ cause is set
 * up with the AWS CLI v2 and checked through the built CLI's `--json` report (the named cause, its fix, the exit code).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { s3PublishPolicy, s3SendPolicy } from '../../src/sandbox/glue/permission-hints.js';
import { cliBuilt, NOT_BUILT } from '../ci/helpers.js';
import { clis, createLogger, startWalk, type Walk } from '../e2e/walkthrough-helpers.js';
import { fails, sandboxKit } from './helpers.js';

const { v2 } = await clis();
const skip = !cliBuilt ? NOT_BUILT : !v2 ? 'the AWS CLI v2 (/usr/bin/aws) is not installed' : false;
const ACCOUNT = '000000000000';
const REGION = 'eu-west-1';

describe('s3trigger doctor on the sandbox: SNS and SQS', { skip }, () => {
  let walk: Walk;
  let kit: ReturnType<typeof sandboxKit>;
  before(async () => {
    walk = await startWalk('doctor-sns-sqs', []);
    kit = sandboxKit(walk, v2!);
  });
  after(async () => {
    await walk?.close();
  });
  const aws = (...args: string[]) => kit.aws(...args);
  const doc = (...args: string[]) => kit.doc(...args);
  const bucket = (name: string) => kit.bucket(name);
  const notify = (name: string, config: unknown) => kit.notify(name, config);

  test('an SNS topic without subscriptions: ✗ with the sns subscribe command', async () => {
    await bucket('doc-sns');
    const topic = (await aws('sns', 'create-topic', '--name', 'doc-sns-topic')).TopicArn as string;
    await aws(
      'sns',
      'set-topic-attributes',
      '--topic-arn',
      topic,
      '--attribute-name',
      'Policy',
      '--attribute-value',
      JSON.stringify(s3PublishPolicy(topic, 'doc-sns')),
    );
    await notify('doc-sns', { TopicConfigurations: [{ Id: 't', TopicArn: topic, Events: ['s3:ObjectCreated:*'] }] });
    const r = await doc('--bucket', 'doc-sns', '--key', 'a.txt');
    assert.equal(r.code, 1);
    assert.equal(r.check('topic-policy:doc-sns-topic:s3.amazonaws.com').status, 'ok');
    const c = r.check('subscriptions:doc-sns-topic');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /topic doc-sns-topic has no subscriptions/);
    assert.match(c.fix!, new RegExp(`sns subscribe --topic-arn ${topic} --protocol lambda`));
  });

  test('an SNS subscription whose filter policy refuses S3 messages (MessageAttributes scope): ✗', async () => {
    await bucket('doc-snsf');
    const topic = (await aws('sns', 'create-topic', '--name', 'doc-snsf-topic')).TopicArn as string;
    await aws(
      'sns',
      'set-topic-attributes',
      '--topic-arn',
      topic,
      '--attribute-name',
      'Policy',
      '--attribute-value',
      JSON.stringify(s3PublishPolicy(topic, 'doc-snsf')),
    );
    const fn = await createLogger(walk, v2!, 'doc-snsf-fn');
    await aws(
      'lambda',
      'add-permission',
      '--function-name',
      'doc-snsf-fn',
      '--statement-id',
      'sns',
      '--action',
      'lambda:InvokeFunction',
      '--principal',
      'sns.amazonaws.com',
      '--source-arn',
      topic,
    );
    await aws(
      'sns',
      'subscribe',
      '--topic-arn',
      topic,
      '--protocol',
      'lambda',
      '--notification-endpoint',
      fn,
      '--attributes',
      JSON.stringify({ FilterPolicy: '{"kind":["image"]}' }),
    );
    await notify('doc-snsf', { TopicConfigurations: [{ Id: 't', TopicArn: topic, Events: ['s3:ObjectCreated:*'] }] });
    const r = await doc('--bucket', 'doc-snsf', '--key', 'a.txt');
    assert.equal(r.code, 1, JSON.stringify(r.report));
    const c = r.check('subscription:doc-snsf-topic:lambda:doc-snsf-fn:filter');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /filters on message attributes, and S3 publishes none/);
    assert.match(c.fix!, /FilterPolicyScope to MessageBody/);
  });

  test('an SQS queue without an event source mapping: ✗ with the create-event-source-mapping command', async () => {
    await bucket('doc-sqs');
    const url = (await aws('sqs', 'create-queue', '--queue-name', 'doc-sqs-queue')).QueueUrl as string;
    const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:doc-sqs-queue`;
    await aws(
      'sqs',
      'set-queue-attributes',
      '--queue-url',
      url,
      '--attributes',
      JSON.stringify({ Policy: JSON.stringify(s3SendPolicy(queueArn, 'doc-sqs')) }),
    );
    await notify('doc-sqs', { QueueConfigurations: [{ Id: 'q', QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }] });
    const r = await doc('--bucket', 'doc-sqs', '--key', 'a.txt');
    assert.equal(r.code, 1);
    assert.equal(r.check('queue-policy:doc-sqs-queue:s3.amazonaws.com').status, 'ok');
    const c = r.check('mapping:doc-sqs-queue');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /no event source mapping reads queue doc-sqs-queue/);
    assert.match(c.fix!, new RegExp(`lambda create-event-source-mapping --function-name FUNCTION --event-source-arn ${queueArn}`));
    // With the mapping in place the queue's function is reached.
    await createLogger(walk, v2!, 'doc-sqs-fn');
    await aws('lambda', 'create-event-source-mapping', '--function-name', 'doc-sqs-fn', '--event-source-arn', queueArn);
    const fixed = await doc('--bucket', 'doc-sqs', '--key', 'a.txt');
    assert.equal(fixed.code, 0, JSON.stringify(fails(fixed)));
    assert.deepEqual(fixed.report!.reaches, ['doc-sqs-fn']);
  });
});
