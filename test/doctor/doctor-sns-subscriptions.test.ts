/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): an SNS topic without subscriptions. Set up with the
 * AWS SDK v3, checked through the built CLI's `--json` report: the named cause, its fix, the exit code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateTopicCommand, SetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { s3PublishPolicy } from '../../src/sandbox/glue/permission-hints.js';
import { doctorSuite } from './helpers.js';

doctorSuite('an SNS topic without subscriptions', [], (ctx) => {
  test('an SNS topic without subscriptions: ✗ with the sns subscribe command', async () => {
    await ctx.kit.bucket('doc-sns');
    const topic = (await ctx.kit.sdk.sns.send(new CreateTopicCommand({ Name: 'doc-sns-topic' }))).TopicArn!;
    await ctx.kit.sdk.sns.send(
      new SetTopicAttributesCommand({
        TopicArn: topic,
        AttributeName: 'Policy',
        AttributeValue: JSON.stringify(s3PublishPolicy(topic, 'doc-sns')),
      }),
    );
    await ctx.kit.notify('doc-sns', { TopicConfigurations: [{ Id: 't', TopicArn: topic, Events: ['s3:ObjectCreated:*'] }] });
    const r = await ctx.kit.doc('--bucket', 'doc-sns', '--key', 'a.txt');
    assert.equal(r.code, 1);
    assert.equal(r.check('topic-policy:doc-sns-topic:s3.amazonaws.com').status, 'ok');
    const c = r.check('subscriptions:doc-sns-topic');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /topic doc-sns-topic has no subscriptions/);
    assert.match(c.fix!, new RegExp(`sns subscribe --topic-arn ${topic} --protocol lambda`));
  });
});
