/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): an event type no configuration covers. Set up with the
 * AWS SDK v3, checked through the built CLI's `--json` report: the named cause, its fix, the exit code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fails, doctorSuite } from './helpers.js';

doctorSuite('an event type no configuration covers', [], (ctx) => {
  test('event type not covered: ✗ naming what the configuration covers, exit 1; the covered type (with or without s3:) exit 0', async () => {
    await ctx.kit.bucket('doc-events');
    const arn = await ctx.kit.logger('doc-events-fn');
    await ctx.kit.allow('doc-events-fn', 'doc-events');
    await ctx.kit.notify('doc-events', {
      LambdaFunctionConfigurations: [{ Id: 'deletes', LambdaFunctionArn: arn, Events: ['s3:ObjectRemoved:*'] }],
    });
    const r = await ctx.kit.doc('--bucket', 'doc-events', '--key', 'a.txt', '--event', 'put');
    assert.equal(r.code, 1);
    const c = r.check('events');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /no configuration covers s3:ObjectCreated:Put: 'deletes': s3:ObjectRemoved:\*/);
    assert.match(c.fix!, /add "s3:ObjectCreated:\*" .* to the Events of configuration 'deletes'/);
    for (const event of ['s3:ObjectRemoved:Delete', 'ObjectRemoved:Delete', 'delete']) {
      const ok = await ctx.kit.doc('--bucket', 'doc-events', '--key', 'a.txt', '--event', event);
      assert.equal(ok.code, 0, `${event}: ${JSON.stringify(fails(ok))}`);
    }
  });
});
