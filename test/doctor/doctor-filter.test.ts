/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): a key filter written raw, compared with the encoded key. Set up with the
 * AWS SDK v3, checked through the built CLI's `--json` report: the named cause, its fix, the exit code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fails, doctorSuite } from './helpers.js';

doctorSuite('a key filter written raw, compared with the encoded key', [], (ctx) => {
  test('a filter written raw never matches the encoded key: ✗ says so with the encoded value; the fix makes it match', async () => {
    await ctx.kit.bucket('doc-filter');
    const arn = await ctx.kit.logger('doc-filter-fn');
    await ctx.kit.allow('doc-filter-fn', 'doc-filter');
    const config = (value: string) => ({
      LambdaFunctionConfigurations: [
        {
          Id: 'folder',
          LambdaFunctionArn: arn,
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: value }] } },
        },
      ],
    });
    await ctx.kit.notify('doc-filter', config('my folder/'));
    const r = await ctx.kit.doc('--bucket', 'doc-filter', '--key', 'my folder/a.txt');
    assert.equal(r.code, 1);
    const c = r.check('filter:folder');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /filter prefix 'my folder\/' never matches: S3 compares with the encoded key 'my\+folder\/a\.txt'/);
    assert.match(c.fix!, /set the filter's Value to 'my\+folder\/'/);
    // Without --key the raw value is flagged too: no encoded key can contain a space.
    const listed = await ctx.kit.doc('--bucket', 'doc-filter');
    assert.equal(listed.check('filter:folder').status, 'fail');
    assert.match(listed.check('filter:folder').detail, /never matches/);
    await ctx.kit.notify('doc-filter', config('my+folder/'));
    const fixed = await ctx.kit.doc('--bucket', 'doc-filter', '--key', 'my folder/a.txt');
    assert.equal(fixed.code, 0, JSON.stringify(fails(fixed)));
    assert.match(fixed.check('filter:folder').detail, /passes keys with prefix 'my\+folder\/'/);
    const other = await ctx.kit.doc('--bucket', 'doc-filter', '--key', 'elsewhere/a.txt');
    assert.equal(other.code, 1);
    assert.match(other.check('filter:folder').detail, /does not start with filter prefix 'my\+folder\/'/);
  });
});
