/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): a function that never ran (no log group: ?, not ✗). Set up with the
 * AWS SDK v3, checked through the built CLI's `--json` report: the named cause, its fix, the exit code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fails, doctorSuite } from './helpers.js';

doctorSuite('a function that never ran', [], (ctx) => {
  test('a function that never ran: its log group is ? with a hint, not ✗ (exit 0)', async () => {
    await ctx.kit.bucket('doc-fresh');
    const arn = await ctx.kit.logger('doc-fresh-fn');
    await ctx.kit.allow('doc-fresh-fn', 'doc-fresh');
    await ctx.kit.notify('doc-fresh', {
      LambdaFunctionConfigurations: [{ Id: 'f', LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'] }],
    });
    const r = await ctx.kit.doc('--bucket', 'doc-fresh', '--key', 'a.txt');
    assert.equal(r.code, 0, JSON.stringify(fails(r)));
    const c = r.check('log-group:doc-fresh-fn');
    assert.equal(c.status, 'unknown');
    assert.match(c.detail, /log group \/aws\/lambda\/doc-fresh-fn does not exist: the function has never run/);
  });
});
