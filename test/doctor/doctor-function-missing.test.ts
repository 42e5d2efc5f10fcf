/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): a deleted function. Set up with the
 * AWS SDK v3, checked through the built CLI's `--json` report: the named cause, its fix, the exit code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { doctorSuite } from './helpers.js';

doctorSuite('a deleted function', [], (ctx) => {
  test('the function was deleted: ✗ function does not exist, exit 1', async () => {
    await ctx.kit.bucket('doc-gone');
    const arn = await ctx.kit.logger('doc-gone-fn');
    await ctx.kit.allow('doc-gone-fn', 'doc-gone');
    await ctx.kit.notify('doc-gone', {
      LambdaFunctionConfigurations: [{ Id: 'gone', LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'] }],
    });
    await ctx.kit.sdk.lambda.send(new DeleteFunctionCommand({ FunctionName: 'doc-gone-fn' }));
    const r = await ctx.kit.doc('--bucket', 'doc-gone', '--key', 'a.txt');
    assert.equal(r.code, 1);
    const c = r.check('function:doc-gone-fn');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /function doc-gone-fn does not exist/);
    assert.match(c.fix!, /lambda list-functions/);
  });
});
