/**
 * `s3trigger doctor` end to end on a real `s3trigger sandbox` process (without --strict): an SQS queue without an event source mapping. Set up with the
 * AWS SDK v3, checked through the built CLI's `--json` report: the named cause, its fix, the exit code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { s3SendPolicy } from '../../src/sandbox/glue/permission-hints.js';
import { fails, doctorSuite } from './helpers.js';

const ACCOUNT = '000000000000';
const REGION = 'eu-west-1';

doctorSuite('an SQS queue without an event source mapping', [], (ctx) => {
  test('an SQS queue without an event source mapping: ✗ with the create-event-source-mapping command', async () => {
    await ctx.kit.bucket('doc-sqs');
    const url = (await ctx.kit.sdk.sqs.send(new CreateQueueCommand({ QueueName: 'doc-sqs-queue' }))).QueueUrl!;
    const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:doc-sqs-queue`;
    await ctx.kit.sdk.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(s3SendPolicy(queueArn, 'doc-sqs')) } }),
    );
    await ctx.kit.notify('doc-sqs', { QueueConfigurations: [{ Id: 'q', QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }] });
    const r = await ctx.kit.doc('--bucket', 'doc-sqs', '--key', 'a.txt');
    assert.equal(r.code, 1);
    assert.equal(r.check('queue-policy:doc-sqs-queue:s3.amazonaws.com').status, 'ok');
    const c = r.check('mapping:doc-sqs-queue');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /no event source mapping reads queue doc-sqs-queue/);
    assert.match(c.fix!, new RegExp(`lambda create-event-source-mapping --function-name FUNCTION --event-source-arn ${queueArn}`));
    // With the mapping in place the queue's function is reached.
    await ctx.kit.logger('doc-sqs-fn');
    await ctx.kit.sdk.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'doc-sqs-fn', EventSourceArn: queueArn }));
    const fixed = await ctx.kit.doc('--bucket', 'doc-sqs', '--key', 'a.txt');
    assert.equal(fixed.code, 0, JSON.stringify(fails(fixed)));
    assert.deepEqual(fixed.report!.reaches, ['doc-sqs-fn']);
  });
});
