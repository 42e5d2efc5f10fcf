/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): EventBridge: the bucket not sending, and no rule matching. Each ✗ cause is set
 * up with the AWS CLI v2 and checked through the built CLI's `--json` report (the named cause, its fix, the exit code).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliBuilt, NOT_BUILT } from '../ci/helpers.js';
import { clis, createLogger, startWalk, type Walk } from '../e2e/walkthrough-helpers.js';
import { fails, sandboxKit } from './helpers.js';

const { v2 } = await clis();
const skip = !cliBuilt ? NOT_BUILT : !v2 ? 'the AWS CLI v2 (/usr/bin/aws) is not installed' : false;

describe('s3trigger doctor on the sandbox: EventBridge', { skip }, () => {
  let walk: Walk;
  let kit: ReturnType<typeof sandboxKit>;
  before(async () => {
    walk = await startWalk('doctor-eventbridge', []);
    kit = sandboxKit(walk, v2!);
  });
  after(async () => {
    await walk?.close();
  });
  const aws = (...args: string[]) => kit.aws(...args);
  const doc = (...args: string[]) => kit.doc(...args);
  const bucket = (name: string) => kit.bucket(name);
  const notify = (name: string, config: unknown) => kit.notify(name, config);

  test('EventBridge: a matching rule while the bucket does not send to EventBridge, then no rule matching: ✗ each', async () => {
    await bucket('doc-eb');
    const fn = await createLogger(walk, v2!, 'doc-eb-fn');
    const pattern = {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: ['doc-eb'] }, object: { key: [{ prefix: 'in/' }] } },
    };
    const rule = (await aws('events', 'put-rule', '--name', 'doc-eb-rule', '--event-pattern', JSON.stringify(pattern))).RuleArn as string;
    await aws('events', 'put-targets', '--rule', 'doc-eb-rule', '--targets', `Id=1,Arn=${fn}`);
    await aws(
      'lambda',
      'add-permission',
      '--function-name',
      'doc-eb-fn',
      '--statement-id',
      'eb',
      '--action',
      'lambda:InvokeFunction',
      '--principal',
      'events.amazonaws.com',
      '--source-arn',
      rule,
    );
    const off = await doc('--bucket', 'doc-eb', '--key', 'in/a.txt');
    assert.equal(off.code, 1);
    const c = off.check('eventbridge');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /doc-eb-rule on the default bus match S3 events of doc-eb, but the bucket does not send events to EventBridge/);
    assert.match(c.fix!, /EventBridgeConfiguration/);
    await notify('doc-eb', { EventBridgeConfiguration: {} });
    const on = await doc('--bucket', 'doc-eb', '--key', 'in/a.txt');
    assert.equal(on.code, 0, JSON.stringify(fails(on)));
    assert.deepEqual(on.report!.reaches, ['doc-eb-fn']);
    assert.equal(on.check('rule:doc-eb-rule').status, 'ok');
    const miss = await doc('--bucket', 'doc-eb', '--key', 'out/a.txt');
    assert.equal(miss.code, 1);
    const m = miss.check('eventbridge-rules');
    assert.equal(m.status, 'fail');
    assert.match(m.detail, /no rule on the default bus matches ObjectCreated:Put events of bucket doc-eb on key 'out\/a\.txt'/);
    assert.match(m.fix!, /events put-rule --name doc-eb-s3-events/);
  });
});
