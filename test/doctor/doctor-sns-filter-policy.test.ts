/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): an SNS filter policy that refuses S3 messages. Set up with the
 * AWS SDK v3, checked through the built CLI's `--json` report: the named cause, its fix, the exit code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateTopicCommand, SetTopicAttributesCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { s3PublishPolicy } from '../../src/sandbox/glue/permission-hints.js';
import { doctorSuite } from './helpers.js';

doctorSuite('an SNS filter policy that refuses S3 messages', [], (ctx) => {
  test('an SNS subscription whose filter policy refuses S3 messages (MessageAttributes scope): ✗', async () => {
    await ctx.kit.bucket('doc-snsf');
    const topic = (await ctx.kit.sdk.sns.send(new CreateTopicCommand({ Name: 'doc-snsf-topic' }))).TopicArn!;
    await ctx.kit.sdk.sns.send(
      new SetTopicAttributesCommand({
        TopicArn: topic,
        AttributeName: 'Policy',
        AttributeValue: JSON.stringify(s3PublishPolicy(topic, 'doc-snsf')),
      }),
    );
    const fn = await ctx.kit.logger('doc-snsf-fn');
    await ctx.kit.allowFrom('doc-snsf-fn', 'sns', 'sns.amazonaws.com', topic);
    await ctx.kit.sdk.sns.send(
      new SubscribeCommand({ TopicArn: topic, Protocol: 'lambda', Endpoint: fn, Attributes: { FilterPolicy: '{"kind":["image"]}' } }),
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
