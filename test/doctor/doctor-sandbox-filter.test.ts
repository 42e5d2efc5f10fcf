/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): key filters against the encoded key, and a deleted function. Each ✗ cause is set
 * up with the AWS CLI v2 and checked through the built CLI's `--json` report (the named cause, its fix, the exit code).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliBuilt, NOT_BUILT } from '../ci/helpers.js';
import { clis, createLogger, startWalk, type Walk } from '../e2e/walkthrough-helpers.js';
import { fails, sandboxKit } from './helpers.js';

const { v2 } = await clis();
const skip = !cliBuilt ? NOT_BUILT : !v2 ? 'the AWS CLI v2 (/usr/bin/aws) is not installed' : false;

describe('s3trigger doctor on the sandbox: key filters and a deleted function', { skip }, () => {
  let walk: Walk;
  let kit: ReturnType<typeof sandboxKit>;
  before(async () => {
    walk = await startWalk('doctor-filter', []);
    kit = sandboxKit(walk, v2!);
  });
  after(async () => {
    await walk?.close();
  });
  const aws = (...args: string[]) => kit.aws(...args);
  const doc = (...args: string[]) => kit.doc(...args);
  const bucket = (name: string) => kit.bucket(name);
  const notify = (name: string, config: unknown) => kit.notify(name, config);
  const allow = (fn: string, name: string) => kit.allow(fn, name);

  test('a filter written raw never matches the encoded key: ✗ says so with the encoded value; the fix makes it match', async () => {
    await bucket('doc-filter');
    const arn = await createLogger(walk, v2!, 'doc-filter-fn');
    await allow('doc-filter-fn', 'doc-filter');
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
    await notify('doc-filter', config('my folder/'));
    const r = await doc('--bucket', 'doc-filter', '--key', 'my folder/a.txt');
    assert.equal(r.code, 1);
    const c = r.check('filter:folder');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /filter prefix 'my folder\/' never matches: S3 compares with the encoded key 'my\+folder\/a\.txt'/);
    assert.match(c.fix!, /set the filter's Value to 'my\+folder\/'/);
    // Without --key the raw value is flagged too: no encoded key can contain a space.
    const listed = await doc('--bucket', 'doc-filter');
    assert.equal(listed.check('filter:folder').status, 'fail');
    assert.match(listed.check('filter:folder').detail, /never matches/);
    await notify('doc-filter', config('my+folder/'));
    const fixed = await doc('--bucket', 'doc-filter', '--key', 'my folder/a.txt');
    assert.equal(fixed.code, 0, JSON.stringify(fails(fixed)));
    assert.match(fixed.check('filter:folder').detail, /passes keys with prefix 'my\+folder\/'/);
    const other = await doc('--bucket', 'doc-filter', '--key', 'elsewhere/a.txt');
    assert.equal(other.code, 1);
    assert.match(other.check('filter:folder').detail, /does not start with filter prefix 'my\+folder\/'/);
  });

  test('the function was deleted: ✗ function does not exist, exit 1', async () => {
    await bucket('doc-gone');
    const arn = await createLogger(walk, v2!, 'doc-gone-fn');
    await allow('doc-gone-fn', 'doc-gone');
    await notify('doc-gone', { LambdaFunctionConfigurations: [{ Id: 'gone', LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'] }] });
    await aws('lambda', 'delete-function', '--function-name', 'doc-gone-fn');
    const r = await doc('--bucket', 'doc-gone', '--key', 'a.txt');
    assert.equal(r.code, 1);
    const c = r.check('function:doc-gone-fn');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /function doc-gone-fn does not exist/);
    assert.match(c.fix!, /lambda list-functions/);
  });
});
