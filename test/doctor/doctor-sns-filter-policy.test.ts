/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): an SNS filter policy that refuses S3 messages. Set up with the
 * AWS CLI v2, checked through the built CLI's `--json` report: the named cause, its fix, the exit code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { s3PublishPolicy } from '../../src/sandbox/glue/permission-hints.js';
import { createLogger } from '../e2e/walkthrough-helpers.js';
import { doctorSuite } from './helpers.js';

doctorSuite('an SNS filter policy that refuses S3 messages', [], (ctx) => {
  test('an SNS subscription whose filter policy refuses S3 messages (MessageAttributes scope): ✗', async () => {
    await ctx.kit.bucket('doc-snsf');
    const topic = (await ctx.kit.aws('sns', 'create-topic', '--name', 'doc-snsf-topic')).TopicArn as string;
    await ctx.kit.aws(
      'sns',
      'set-topic-attributes',
      '--topic-arn',
      topic,
      '--attribute-name',
      'Policy',
      '--attribute-value',
      JSON.stringify(s3PublishPolicy(topic, 'doc-snsf')),
    );
    const fn = await createLogger(ctx.walk, ctx.cli, 'doc-snsf-fn');
    await ctx.kit.aws(
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
    await ctx.kit.aws(
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
    await ctx.kit.notify('doc-snsf', { TopicConfigurations: [{ Id: 't', TopicArn: topic, Events: ['s3:ObjectCreated:*'] }] });
    const r = await ctx.kit.doc('--bucket', 'doc-snsf', '--key', 'a.txt');
    assert.equal(r.code, 1, JSON.stringify(r.report));
    const c = r.check('subscription:doc-snsf-topic:lambda:doc-snsf-fn:filter');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /filters on message attributes, and S3 publishes none/);
    assert.match(c.fix!, /FilterPolicyScope to MessageBody/);
  });
});
