/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): the bucket and its configuration (the demo bucket all ✓, no configuration, no bucket, no key, bad input). Set up with the
 * AWS SDK v3, checked through the built CLI's `--json` report: the named cause, its fix, the exit code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fails, doctorSuite } from './helpers.js';

doctorSuite('the bucket and its configuration', ['--demo', 'demo-bucket'], (ctx) => {
  test('the demo bucket: every check ✓, exit 0, the function named', async () => {
    const r = await ctx.kit.doc('--bucket', 'demo-bucket', '--key', 'test.txt');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fails(r), []);
    assert.deepEqual(r.report!.reaches, ['event-handler']);
    for (const id of ['bucket', 'notification', 'events', 'function:event-handler', 'permission:event-handler:s3.amazonaws.com', 'tail']) {
      assert.equal(r.check(id).status, 'ok', id);
    }
    assert.match(r.check('tail').detail, /live tail/);
  });

  test('no notification configuration: ✗ with the put-bucket-notification-configuration command, exit 1', async () => {
    await ctx.kit.bucket('doc-none');
    const r = await ctx.kit.doc('--bucket', 'doc-none', '--key', 'a.txt');
    assert.equal(r.code, 1);
    const c = r.check('notification');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /has no notification configuration/);
    assert.match(c.fix!, /s3api put-bucket-notification-configuration --bucket doc-none/);
    assert.equal(r.report!.reaches.length, 0);
  });

  test('a bucket that does not exist: ✗ bucket, exit 1', async () => {
    const r = await ctx.kit.doc('--bucket', 'doc-no-such-bucket');
    assert.equal(r.code, 1);
    assert.equal(r.check('bucket').status, 'fail');
    assert.match(r.check('bucket').detail, /does not exist/);
  });

  test('without --key: the keys each configuration accepts are listed', async () => {
    const r = await ctx.kit.doc('--bucket', 'demo-bucket');
    assert.equal(r.code, 0);
    assert.match(r.check('filter:s3trigger-demo-created').detail, /accepts every key/);
  });

  test('bad input: unknown event name, missing --bucket: one line, exit 2', async () => {
    const bad = await ctx.kit.doc('--bucket', 'demo-bucket', '--event', 'ObjectCreated:Teleport');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^s3trigger: unknown event 'ObjectCreated:Teleport'/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    const none = await ctx.kit.doc();
    assert.equal(none.code, 2);
    assert.equal(none.stderr.trim(), 's3trigger: doctor needs --bucket BUCKET');
  });
});
