/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): the bucket, its configuration, event names and bad input. Each ✗ cause is set
 * up with the AWS CLI v2 and checked through the built CLI's `--json` report (the named cause, its fix, the exit code).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliBuilt, NOT_BUILT } from '../ci/helpers.js';
import { clis, createLogger, startWalk, type Walk } from '../e2e/walkthrough-helpers.js';
import { fails, sandboxKit } from './helpers.js';

const { v2 } = await clis();
const skip = !cliBuilt ? NOT_BUILT : !v2 ? 'the AWS CLI v2 (/usr/bin/aws) is not installed' : false;

describe('s3trigger doctor on the sandbox: the bucket, its configuration, event names, bad input', { skip }, () => {
  let walk: Walk;
  let kit: ReturnType<typeof sandboxKit>;
  before(async () => {
    walk = await startWalk('doctor-lambda', ['--demo', 'demo-bucket']);
    kit = sandboxKit(walk, v2!);
  });
  after(async () => {
    await walk?.close();
  });
  const doc = (...args: string[]) => kit.doc(...args);
  const bucket = (name: string) => kit.bucket(name);
  const notify = (name: string, config: unknown) => kit.notify(name, config);
  const allow = (fn: string, name: string) => kit.allow(fn, name);

  test('the demo bucket: every check ✓, exit 0, the function named', async () => {
    const r = await doc('--bucket', 'demo-bucket', '--key', 'test.txt');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fails(r), []);
    assert.deepEqual(r.report!.reaches, ['event-handler']);
    for (const id of ['bucket', 'notification', 'events', 'function:event-handler', 'permission:event-handler:s3.amazonaws.com', 'tail']) {
      assert.equal(r.check(id).status, 'ok', id);
    }
    assert.match(r.check('tail').detail, /live tail/);
  });

  test('no notification configuration: ✗ with the put-bucket-notification-configuration command, exit 1', async () => {
    await bucket('doc-none');
    const r = await doc('--bucket', 'doc-none', '--key', 'a.txt');
    assert.equal(r.code, 1);
    const c = r.check('notification');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /has no notification configuration/);
    assert.match(c.fix!, /s3api put-bucket-notification-configuration --bucket doc-none/);
    assert.equal(r.report!.reaches.length, 0);
  });

  test('a bucket that does not exist: ✗ bucket, exit 1', async () => {
    const r = await doc('--bucket', 'doc-no-such-bucket');
    assert.equal(r.code, 1);
    assert.equal(r.check('bucket').status, 'fail');
    assert.match(r.check('bucket').detail, /does not exist/);
  });

  test('event type not covered: ✗ naming what the configuration covers, exit 1; the covered type (with or without s3:) exit 0', async () => {
    await bucket('doc-events');
    const arn = await createLogger(walk, v2!, 'doc-events-fn');
    await allow('doc-events-fn', 'doc-events');
    await notify('doc-events', {
      LambdaFunctionConfigurations: [{ Id: 'deletes', LambdaFunctionArn: arn, Events: ['s3:ObjectRemoved:*'] }],
    });
    const r = await doc('--bucket', 'doc-events', '--key', 'a.txt', '--event', 'put');
    assert.equal(r.code, 1);
    const c = r.check('events');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /no configuration covers s3:ObjectCreated:Put: 'deletes': s3:ObjectRemoved:\*/);
    assert.match(c.fix!, /add "s3:ObjectCreated:\*" .* to the Events of configuration 'deletes'/);
    for (const event of ['s3:ObjectRemoved:Delete', 'ObjectRemoved:Delete', 'delete']) {
      const ok = await doc('--bucket', 'doc-events', '--key', 'a.txt', '--event', event);
      assert.equal(ok.code, 0, `${event}: ${JSON.stringify(fails(ok))}`);
    }
  });

  test('without --key: the keys each configuration accepts are listed', async () => {
    const r = await doc('--bucket', 'demo-bucket');
    assert.equal(r.code, 0);
    assert.match(r.check('filter:s3trigger-demo-created').detail, /accepts every key/);
  });

  test('bad input: unknown event name, missing --bucket: one line, exit 2', async () => {
    const bad = await doc('--bucket', 'demo-bucket', '--event', 'ObjectCreated:Teleport');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^s3trigger: unknown event 'ObjectCreated:Teleport'/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    const none = await doc();
    assert.equal(none.code, 2);
    assert.equal(none.stderr.trim(), 's3trigger: doctor needs --bucket BUCKET');
  });
});
