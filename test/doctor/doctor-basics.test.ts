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

  test('bad input: a bucket name or key S3 refuses is rejected as the main command rejects it: one line, exit 2, nothing on stdout', async () => {
    const longKey = 'a'.repeat(1100);
    const cases: [string[], string][] = [
      [['--bucket', 'Bad_B'], "s3trigger: invalid bucket name 'Bad_B': may contain only lowercase letters, digits, dots and hyphens"],
      [['--bucket', 'ab'], "s3trigger: invalid bucket name 'ab': must be 3 to 63 characters long"],
      [['--bucket', 'demo-bucket', '--key', longKey], 's3trigger: --key: the key is 1100 bytes in UTF-8; S3 allows at most 1024'],
      // 1024 bytes counted in UTF-8: 342 three-byte characters are 1026 bytes.
      [['--bucket', 'demo-bucket', '--key', '€'.repeat(342)], 's3trigger: --key: the key is 1026 bytes in UTF-8; S3 allows at most 1024'],
    ];
    for (const [args, line] of cases) {
      const r = await ctx.kit.doc(...args);
      assert.equal(r.code, 2, `${args[1]}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '', args[1]);
      assert.equal(r.stderr.trim(), line);
    }
    const longest = await ctx.kit.doc('--bucket', 'demo-bucket', '--key', 'k'.repeat(1024));
    assert.equal(longest.code, 0, longest.stderr);
  });
});
