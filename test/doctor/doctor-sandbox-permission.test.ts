/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): a missing invoke permission (the lax sandbox accepts it, AWS would not) and a function that never ran. Each ✗ cause is set
 * up with the AWS CLI v2 and checked through the built CLI's `--json` report (the named cause, its fix, the exit code).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliBuilt, NOT_BUILT } from '../ci/helpers.js';
import { clis, createLogger, startWalk, type Walk } from '../e2e/walkthrough-helpers.js';
import { fails, sandboxKit } from './helpers.js';

const { v2 } = await clis();
const skip = !cliBuilt ? NOT_BUILT : !v2 ? 'the AWS CLI v2 (/usr/bin/aws) is not installed' : false;

describe('s3trigger doctor on the sandbox: invoke permission and log group', { skip }, () => {
  let walk: Walk;
  let kit: ReturnType<typeof sandboxKit>;
  before(async () => {
    walk = await startWalk('doctor-permission', []);
    kit = sandboxKit(walk, v2!);
  });
  after(async () => {
    await walk?.close();
  });
  const doc = (...args: string[]) => kit.doc(...args);
  const bucket = (name: string) => kit.bucket(name);
  const notify = (name: string, config: unknown) => kit.notify(name, config);
  const allow = (fn: string, name: string) => kit.allow(fn, name);
  const applyFix = (fix: string) => kit.applyFix(fix);

  test('no invoke permission (the lax sandbox accepted the configuration): ✗ with the add-permission command; running it fixes it', async () => {
    await bucket('doc-perm');
    const arn = await createLogger(walk, v2!, 'doc-perm-fn');
    await notify('doc-perm', { LambdaFunctionConfigurations: [{ Id: 'p', LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'] }] });
    const r = await doc('--bucket', 'doc-perm', '--key', 'a.txt');
    assert.equal(r.code, 1);
    const c = r.check('permission:doc-perm-fn:s3.amazonaws.com');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /does not allow s3\.amazonaws\.com to invoke it for arn:aws:s3:::doc-perm/);
    assert.equal(
      c.fix,
      `aws --endpoint-url ${walk.sb.endpoint} lambda add-permission --function-name doc-perm-fn --statement-id s3invoke --action lambda:InvokeFunction --principal s3.amazonaws.com --source-arn arn:aws:s3:::doc-perm`,
    );
    // Decision: the lax sandbox still delivers (as LocalStack does), but the doctor judges by AWS's rules.
    await kit.aws('s3', 'cp', 'test.txt', 's3://doc-perm/a.txt');
    await walk.events('doc-perm-fn', (events) => events.length >= 1);
    await applyFix(c.fix!);
    const fixed = await doc('--bucket', 'doc-perm', '--key', 'a.txt');
    assert.equal(fixed.code, 0, JSON.stringify(fails(fixed)));
    assert.equal(fixed.check('permission:doc-perm-fn:s3.amazonaws.com').status, 'ok');
  });

  test('a function that never ran: its log group is ? with a hint, not ✗ (exit 0)', async () => {
    await bucket('doc-fresh');
    const arn = await createLogger(walk, v2!, 'doc-fresh-fn');
    await allow('doc-fresh-fn', 'doc-fresh');
    await notify('doc-fresh', { LambdaFunctionConfigurations: [{ Id: 'f', LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'] }] });
    const r = await doc('--bucket', 'doc-fresh', '--key', 'a.txt');
    assert.equal(r.code, 0, JSON.stringify(fails(r)));
    const c = r.check('log-group:doc-fresh-fn');
    assert.equal(c.status, 'unknown');
    assert.match(c.detail, /log group \/aws\/lambda\/doc-fresh-fn does not exist: the function has never run/);
  });
});
