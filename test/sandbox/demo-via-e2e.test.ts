/**
 * `setupDemo({ via })` against a running sandbox with the real SDK clients: each topology is created, a second run
 * updates instead of failing, and a PUT reaches every demo function through it, also under --strict (the demo grants
 * every permission AWS asks for). A topology whose services this build lacks is skipped, saying which.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GetBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { SERVICES } from '../../src/sandbox/services.js';
import { setupDemo } from '../../src/sandbox/demo.js';
import type { DemoVia } from '../../src/cli-flags.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const has = (signingName: string) => SERVICES.some((s) => s.signingName === signingName);
const NEEDS: Record<Exclude<DemoVia, 'direct'>, string[]> = { sns: ['sns'], sqs: ['sqs'], eventbridge: ['events'] };
const missing = (via: Exclude<DemoVia, 'direct'>) => {
  const absent = NEEDS[via].filter((s) => !has(s));
  return absent.length > 0 ? `this build has no ${absent.join(', ')} service yet` : false;
};

async function withSandbox(strict: boolean, fn: (sb: Sandbox, log: string[]) => Promise<void>): Promise<void> {
  const log: string[] = [];
  const sb = await startSandbox({ port: 0, strict, log: (l) => log.push(l) });
  try {
    await fn(sb, log);
  } finally {
    await sb.close();
  }
}

const clientConfig = (sb: Sandbox) => ({ endpoint: sb.endpoint, region: sb.region, credentials });

/** The demo block's `Object:` values logged by a function so far, once `count` of them are there. */
async function objectsLogged(sb: Sandbox, group: string, count: number): Promise<string[]> {
  const logs = new CloudWatchLogsClient(clientConfig(sb));
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      let objects: string[] = [];
      try {
        const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
        objects = (out.events ?? []).flatMap((e) => / Object: +(\S+)/.exec(e.message ?? '')?.[1] ?? []);
      } catch (err) {
        if (!(err instanceof Error && err.name === 'ResourceNotFoundException')) throw err;
      }
      if (objects.length >= count) return objects;
      if (Date.now() > deadline) throw new Error(`${group}: ${objects.length} of ${count} objects logged`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    logs.destroy();
  }
}

async function put(sb: Sandbox, bucket: string, key: string): Promise<void> {
  const s3 = new S3Client({ ...clientConfig(sb), forcePathStyle: true });
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
  } finally {
    s3.destroy();
  }
}

async function bucketConfig(sb: Sandbox, bucket: string) {
  const s3 = new S3Client({ ...clientConfig(sb), forcePathStyle: true });
  try {
    return await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
  } finally {
    s3.destroy();
  }
}

for (const strict of [false, true]) {
  const mode = strict ? ' (--strict)' : '';

  test(`--via sns${mode}: topic with two subscribed functions; a PUT reaches both`, { skip: missing('sns') }, async () => {
    await withSandbox(strict, async (sb, log) => {
      const first = await setupDemo(sb, { bucket: 'test-bucket', via: 'sns' });
      const second = await setupDemo(sb, { bucket: 'test-bucket', via: 'sns' });
      assert.deepEqual(second, first);
      assert.deepEqual(
        first.functions?.map((f) => f.functionName),
        ['event-handler', 'event-indexer'],
      );
      assert.equal(first.chain, 'test-bucket → SNS test-bucket-events → event-handler, event-indexer');
      const cfg = await bucketConfig(sb, 'test-bucket');
      assert.deepEqual(cfg.LambdaFunctionConfigurations ?? [], []);
      const topicArn = cfg.TopicConfigurations?.[0]?.TopicArn;
      assert.match(topicArn ?? '', /:test-bucket-events$/);
      const sns = new SNSClient(clientConfig(sb));
      const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
      sns.destroy();
      assert.deepEqual(
        subs.Subscriptions?.map((s) => s.Protocol),
        ['lambda', 'lambda'],
      );
      await put(sb, 'test-bucket', 'fan out.txt');
      for (const fn of first.functions!) assert.deepEqual(await objectsLogged(sb, fn.logGroup, 1), ['fan+out.txt'], fn.functionName);
      assert.deepEqual(
        log.filter((l) => /AWS would refuse|dropped/.test(l)),
        [],
      );
    });
  });

  test(`--via sqs${mode}: queue with an event source mapping (10, 1 s); a PUT reaches the function`, { skip: missing('sqs') }, async () => {
    await withSandbox(strict, async (sb, log) => {
      const first = await setupDemo(sb, { bucket: 'test-bucket', via: 'sqs' });
      await setupDemo(sb, { bucket: 'test-bucket', via: 'sqs' });
      assert.equal(first.chain, 'test-bucket → SQS test-bucket-events → event-handler');
      const cfg = await bucketConfig(sb, 'test-bucket');
      const queueArn = cfg.QueueConfigurations?.[0]?.QueueArn;
      assert.match(queueArn ?? '', /:test-bucket-events$/);
      const lambda = new LambdaClient(clientConfig(sb));
      const mappings = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'event-handler' }));
      lambda.destroy();
      assert.deepEqual(
        mappings.EventSourceMappings?.map((m) => [m.EventSourceArn, m.BatchSize, m.MaximumBatchingWindowInSeconds]),
        [[queueArn, 10, 1]],
      );
      await put(sb, 'test-bucket', 'queued.txt');
      assert.deepEqual(await objectsLogged(sb, first.logGroup, 1), ['queued.txt']);
      assert.deepEqual(
        log.filter((l) => /AWS would refuse|dropped/.test(l)),
        [],
      );
    });
  });

  test(`--via eventbridge${mode}: EventBridge on the bucket, a rule targeting the function; a PUT reaches it`, {
    skip: missing('eventbridge'),
  }, async () => {
    await withSandbox(strict, async (sb, log) => {
      const first = await setupDemo(sb, { bucket: 'test-bucket', via: 'eventbridge' });
      await setupDemo(sb, { bucket: 'test-bucket', via: 'eventbridge' });
      assert.equal(first.chain, 'test-bucket → EventBridge rule test-bucket-events → event-handler');
      const cfg = await bucketConfig(sb, 'test-bucket');
      assert.ok(cfg.EventBridgeConfiguration, 'EventBridgeConfiguration on the bucket');
      assert.deepEqual(cfg.LambdaFunctionConfigurations ?? [], []);
      const events = new EventBridgeClient(clientConfig(sb));
      const targets = await events.send(new ListTargetsByRuleCommand({ Rule: 'test-bucket-events' }));
      events.destroy();
      assert.deepEqual(
        targets.Targets?.map((t) => t.Arn),
        [first.functionArn],
      );
      await put(sb, 'test-bucket', 'routed by rule.txt');
      assert.deepEqual(await objectsLogged(sb, first.logGroup, 1), ['routed+by+rule.txt']);
      assert.deepEqual(
        log.filter((l) => /AWS would refuse|dropped/.test(l)),
        [],
      );
    });
  });
}

test('--via sqs after --via sns rewires the bucket: the topic configuration goes, the queue one comes', {
  skip: missing('sns') || missing('sqs'),
}, async () => {
  await withSandbox(false, async (sb) => {
    await setupDemo(sb, { bucket: 'rewire-bucket', via: 'sns' });
    await setupDemo(sb, { bucket: 'rewire-bucket', via: 'sqs' });
    const cfg = await bucketConfig(sb, 'rewire-bucket');
    assert.deepEqual(cfg.TopicConfigurations ?? [], []);
    assert.equal(cfg.QueueConfigurations?.length, 1);
  });
});
