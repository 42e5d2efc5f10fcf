/**
 * The `--via` demo topologies: the bucket configuration they write (pure), and the via handler's output for each
 * envelope it can receive (run as the module Lambda would load).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { viaRuleName, viaRulePattern, withDemoDestination } from '../../src/sandbox/demo-via.js';
import { VIA_HANDLER_SOURCE } from '../../src/sandbox/demo-via-handler.js';
import { extractS3Mentions } from '../../src/observe/s3-mentions.js';

const TOPIC = 'arn:aws:sns:eu-west-1:000000000000:b-events';
const QUEUE = 'arn:aws:sqs:eu-west-1:000000000000:b-events';
const FN = 'arn:aws:lambda:eu-west-1:000000000000:function:event-handler';

test('withDemoDestination: the demo owns s3trigger-demo-* entries; others and EventBridge stay', () => {
  const current = {
    LambdaFunctionConfigurations: [
      { Id: 's3trigger-demo-created', LambdaFunctionArn: FN, Events: ['s3:ObjectCreated:*' as const] },
      { Id: 'mine', LambdaFunctionArn: `${FN}2`, Events: ['s3:ObjectRestore:*' as const] },
    ],
    QueueConfigurations: [{ Id: 's3trigger-demo-sqs', QueueArn: QUEUE, Events: ['s3:ObjectCreated:*' as const] }],
  };
  const sns = withDemoDestination(current, {
    TopicConfigurations: [{ Id: 's3trigger-demo-sns', TopicArn: TOPIC, Events: ['s3:ObjectCreated:*'] }],
  });
  assert.deepEqual(sns, {
    TopicConfigurations: [{ Id: 's3trigger-demo-sns', TopicArn: TOPIC, Events: ['s3:ObjectCreated:*'] }],
    QueueConfigurations: [],
    LambdaFunctionConfigurations: [{ Id: 'mine', LambdaFunctionArn: `${FN}2`, Events: ['s3:ObjectRestore:*'] }],
  });
  const eb = withDemoDestination({ ...current, EventBridgeConfiguration: {} }, {});
  assert.deepEqual(eb.EventBridgeConfiguration, {});
  assert.deepEqual(withDemoDestination({}, { EventBridgeConfiguration: {} }).EventBridgeConfiguration, {});
});

test('the rule: every S3 event of the bucket; its name fits EventBridge limit', () => {
  assert.deepEqual(viaRulePattern('b'), { source: ['aws.s3'], detail: { bucket: { name: ['b'] } } });
  assert.equal(viaRuleName('a'.repeat(63)).length, 64);
  assert.equal(viaRuleName('test-bucket'), 'test-bucket-events');
});

const record = (key: string, eventName = 'ObjectCreated:Put') => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  eventTime: '2026-11-30T12:00:00.000Z',
  eventName,
  responseElements: { 'x-amz-request-id': 'REQ' },
  s3: { bucket: { name: 'b' }, object: { key, size: 3, eTag: 'e' } },
});
const snsRecord = (message: string) => ({
  EventSource: 'aws:sns',
  Sns: { Type: 'Notification', Subject: 'Amazon S3 Notification', Message: message },
});

test('the via handler prints the demo block for each S3 event in every envelope, after the event itself', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-via-handler-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.mjs'), VIA_HANDLER_SOURCE);
  const { handler } = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler: (e: unknown) => Promise<unknown> };
  const s3Body = JSON.stringify({ Records: [record('a+b.txt')] });
  const cases: [string, unknown, string[]][] = [
    ['SNS', { Records: [snsRecord(s3Body)] }, ['ObjectCreated:Put a+b.txt']],
    [
      'SQS',
      {
        Records: [
          { eventSource: 'aws:sqs', body: s3Body },
          { eventSource: 'aws:sqs', body: JSON.stringify({ Records: [record('c', 'ObjectRemoved:Delete')] }) },
        ],
      },
      ['ObjectCreated:Put a+b.txt', 'ObjectRemoved:Delete c'],
    ],
    [
      'SNS inside SQS',
      { Records: [{ eventSource: 'aws:sqs', body: JSON.stringify({ Type: 'Notification', Message: s3Body }) }] },
      ['ObjectCreated:Put a+b.txt'],
    ],
    [
      'EventBridge (raw key printed encoded)',
      {
        'detail-type': 'Object Created',
        source: 'aws.s3',
        time: '2026-11-30T12:00:00Z',
        detail: { bucket: { name: 'b' }, object: { key: 'a b+c.txt', size: 3, etag: 'e' }, reason: 'CopyObject' },
      },
      ['ObjectCreated:Copy a+b%2Bc.txt'],
    ],
    [
      'EventBridge delete marker',
      {
        'detail-type': 'Object Deleted',
        source: 'aws.s3',
        detail: { bucket: { name: 'b' }, object: { key: 'k' }, reason: 'DeleteObject', 'deletion-type': 'Delete Marker Created' },
      },
      ['ObjectRemoved:DeleteMarkerCreated k'],
    ],
    [
      's3:TestEvent on a queue',
      { Records: [{ body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b', Time: 'T' }) }] },
      [],
    ],
  ];
  for (const [label, event, want] of cases) {
    const lines: string[] = [];
    const original = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      await handler(event);
    } finally {
      console.log = original;
    }
    assert.equal(lines[0], `EVENT ${JSON.stringify(event)}`, label);
    const blocks = lines
      .filter((l) => / Event Type: /.test(l))
      .map((l, i) => {
        const type = / Event Type: (\S+)/.exec(l)![1];
        const object = / Object: +(\S+)/.exec(lines.filter((x) => / Object: /.test(x))[i]!)![1];
        return `${type} ${object}`;
      });
    assert.deepEqual(blocks, want, label);
    if (label.startsWith('s3:TestEvent')) assert.match(lines.join('\n'), /s3:TestEvent for bucket b/);
    // the engine finds the same S3 events in what the handler logged
    if (want.length > 0) assert.ok(extractS3Mentions(lines).length >= 1, label);
  }
});
