/**
 * `s3trigger doctor` on `s3trigger sandbox --strict`, which enforces AWS's permission checks: a configuration without
 * the invoke permission is refused, so the gap is made by removing the permission afterwards; the doctor names it with
 * the add-permission command, and once that command ran the event fires again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { doctorFixSuite, fails } from './helpers.js';

doctorFixSuite('--strict', ['--strict'], (ctx) => {
  test('a removed invoke permission: ✗ with the add-permission command (exit 1); running it makes the event fire', async () => {
    await ctx.kit.bucket('doc-strict');
    const arn = await ctx.kit.logger('doc-strict-fn');
    const config = { LambdaFunctionConfigurations: [{ Id: 's', LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'] }] };
    await assert.rejects(ctx.kit.notify('doc-strict', config), {
      name: 'InvalidArgument',
      message: 'Unable to validate the following destination configurations',
    });
    await ctx.kit.allow('doc-strict-fn', 'doc-strict');
    await ctx.kit.notify('doc-strict', config);
    await ctx.kit.sdk.lambda.send(new RemovePermissionCommand({ FunctionName: 'doc-strict-fn', StatementId: 's3' }));
    const r = await ctx.kit.doc('--bucket', 'doc-strict', '--key', 'a.txt');
    assert.equal(r.code, 1);
    const c = r.check('permission:doc-strict-fn:s3.amazonaws.com');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /does not allow s3\.amazonaws\.com to invoke it for arn:aws:s3:::doc-strict/);
    assert.doesNotMatch(c.detail, /without --strict/);
    assert.match(
      c.fix!,
      /lambda add-permission --function-name doc-strict-fn .*--principal s3\.amazonaws\.com --source-arn arn:aws:s3:::doc-strict/,
    );
    await ctx.kit.applyFix(c.fix!);
    const fixed = await ctx.kit.doc('--bucket', 'doc-strict', '--key', 'a.txt');
    assert.equal(fixed.code, 0, JSON.stringify(fails(fixed)));
    await ctx.kit.put('doc-strict', 'a.txt');
    const events = await ctx.walk.events('doc-strict-fn', (e) => e.length >= 1);
    assert.equal(events[0]!.Records[0].s3.object.key, 'a.txt');
  });
});
