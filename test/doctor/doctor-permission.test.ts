/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): a missing invoke permission on the lax sandbox (it delivers, AWS would not). Set up with the
 * AWS SDK v3, checked through the built CLI's `--json` report: the named cause, its fix, the exit code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doctorFixSuite, fails } from './helpers.js';

doctorFixSuite('a missing invoke permission on the lax sandbox', [], (ctx) => {
  test('no invoke permission (the lax sandbox accepted the configuration): ✗ with the add-permission command; running it fixes it', async () => {
    await ctx.kit.bucket('doc-perm');
    const arn = await ctx.kit.logger('doc-perm-fn');
    await ctx.kit.notify('doc-perm', {
      LambdaFunctionConfigurations: [{ Id: 'p', LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'] }],
    });
    const r = await ctx.kit.doc('--bucket', 'doc-perm', '--key', 'a.txt');
    assert.equal(r.code, 1);
    const c = r.check('permission:doc-perm-fn:s3.amazonaws.com');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /does not allow s3\.amazonaws\.com to invoke it for arn:aws:s3:::doc-perm/);
    assert.equal(
      c.fix,
      `aws --endpoint-url ${ctx.walk.sb.endpoint} lambda add-permission --function-name doc-perm-fn --statement-id s3invoke --action lambda:InvokeFunction --principal s3.amazonaws.com --source-arn arn:aws:s3:::doc-perm`,
    );
    // Decision: the lax sandbox still delivers (as LocalStack does), but the doctor judges by AWS's rules.
    await ctx.kit.put('doc-perm', 'a.txt');
    await ctx.walk.events('doc-perm-fn', (events) => events.length >= 1);
    await ctx.kit.applyFix(c.fix!);
    const fixed = await ctx.kit.doc('--bucket', 'doc-perm', '--key', 'a.txt');
    assert.equal(fixed.code, 0, JSON.stringify(fails(fixed)));
    assert.equal(fixed.check('permission:doc-perm-fn:s3.amazonaws.com').status, 'ok');
  });
});
