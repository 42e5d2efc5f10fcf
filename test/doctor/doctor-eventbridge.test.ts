/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): EventBridge not enabled, and no rule matching. Set up with the
 * AWS SDK v3, checked through the built CLI's `--json` report: the named cause, its fix, the exit code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { fails, doctorSuite } from './helpers.js';

doctorSuite('EventBridge not enabled, and no rule matching', [], (ctx) => {
  test('EventBridge: a matching rule while the bucket does not send to EventBridge, then no rule matching: ✗ each', async () => {
    await ctx.kit.bucket('doc-eb');
    const fn = await ctx.kit.logger('doc-eb-fn');
    const pattern = {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: ['doc-eb'] }, object: { key: [{ prefix: 'in/' }] } },
    };
    const { RuleArn: rule } = await ctx.kit.sdk.events.send(
      new PutRuleCommand({ Name: 'doc-eb-rule', EventPattern: JSON.stringify(pattern) }),
    );
    await ctx.kit.sdk.events.send(new PutTargetsCommand({ Rule: 'doc-eb-rule', Targets: [{ Id: '1', Arn: fn }] }));
    await ctx.kit.allowFrom('doc-eb-fn', 'eb', 'events.amazonaws.com', rule!);
    const off = await ctx.kit.doc('--bucket', 'doc-eb', '--key', 'in/a.txt');
    assert.equal(off.code, 1);
    const c = off.check('eventbridge');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /doc-eb-rule on the default bus match S3 events of doc-eb, but the bucket does not send events to EventBridge/);
    assert.match(c.fix!, /EventBridgeConfiguration/);
    await ctx.kit.notify('doc-eb', { EventBridgeConfiguration: {} });
    const on = await ctx.kit.doc('--bucket', 'doc-eb', '--key', 'in/a.txt');
    assert.equal(on.code, 0, JSON.stringify(fails(on)));
    assert.deepEqual(on.report!.reaches, ['doc-eb-fn']);
    assert.equal(on.check('rule:doc-eb-rule').status, 'ok');
    const miss = await ctx.kit.doc('--bucket', 'doc-eb', '--key', 'out/a.txt');
    assert.equal(miss.code, 1);
    const m = miss.check('eventbridge-rules');
    assert.equal(m.status, 'fail');
    assert.match(m.detail, /no rule on the default bus matches ObjectCreated:Put events of bucket doc-eb on key 'out\/a\.txt'/);
    assert.match(m.fix!, /events put-rule --name doc-eb-s3-events/);
  });
});
