/**
 * Rules, targets and custom buses survive a restart on the same data dir (`--data`); a state file that cannot be read
 * is set aside and logged, not fatal. Bad requests on the wire get AWS JSON 1.1 errors, never a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { rawRequest, sigV4 } from '../raw-http.js';

const client = (sb: Sandbox) =>
  new EventBridgeClient({ endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

test('rules, targets and buses survive a restart with a persistent data dir; the default bus keeps its creation time', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-events-data-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const pattern = JSON.stringify({ source: ['my.app'] });
  const targets = [
    { Id: 'fn', Arn: 'arn:aws:lambda:eu-west-1:000000000000:function:f' },
    {
      Id: 'q',
      Arn: 'arn:aws:sqs:eu-west-1:000000000000:q',
      InputTransformer: { InputPathsMap: { s: '$.source' }, InputTemplate: '"<s>"' },
    },
  ];

  let sb = await startSandbox({ port: 0, dataDir });
  let eb = client(sb);
  await eb.send(new PutRuleCommand({ Name: 'kept', EventPattern: pattern, Description: 'survives', State: 'DISABLED' }));
  await eb.send(new PutTargetsCommand({ Rule: 'kept', Targets: targets }));
  await eb.send(new CreateEventBusCommand({ Name: 'custom' }));
  await eb.send(new PutRuleCommand({ Name: 'on-custom', EventBusName: 'custom', EventPattern: pattern }));
  const before = (await eb.send(new ListEventBusesCommand({}))).EventBuses;
  eb.destroy();
  await sb.close();
  assert.ok(existsSync(join(dataDir, 'events', 'state.json')));

  sb = await startSandbox({ port: 0, dataDir });
  eb = client(sb);
  try {
    const rule = await eb.send(new DescribeRuleCommand({ Name: 'kept' }));
    assert.equal(rule.EventPattern, pattern);
    assert.equal(rule.Description, 'survives');
    assert.equal(rule.State, 'DISABLED');
    assert.deepEqual((await eb.send(new ListTargetsByRuleCommand({ Rule: 'kept' }))).Targets, targets);
    assert.deepEqual((await eb.send(new ListEventBusesCommand({}))).EventBuses, before);
    assert.deepEqual(
      (await eb.send(new ListRulesCommand({ EventBusName: 'custom' }))).Rules?.map((r) => r.Arn),
      ['arn:aws:events:eu-west-1:000000000000:rule/custom/on-custom'],
    );
  } finally {
    eb.destroy();
    await sb.close();
  }
});

test('an unreadable state file is set aside and logged; the sandbox starts with the default bus only', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-events-corrupt-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const log: string[] = [];
  let sb = await startSandbox({ port: 0, dataDir });
  await sb.close();
  writeFileSync(join(dataDir, 'events', 'state.json'), '{"version":1,"rules":[');
  sb = await startSandbox({ port: 0, dataDir, log: (l) => log.push(l) });
  const eb = client(sb);
  try {
    assert.ok(log.some((l) => l.includes('state.json is unreadable')));
    assert.ok(existsSync(join(dataDir, 'events', 'state.json.corrupt')));
    assert.deepEqual((await eb.send(new ListRulesCommand({}))).Rules, []);
  } finally {
    eb.destroy();
    await sb.close();
  }
});

test('bad requests on the wire: AWS JSON 1.1 errors with x-amzn-ErrorType', async () => {
  const sb = await startSandbox({ port: 0 });
  try {
    const post = (target: string, body: string) =>
      rawRequest(sb.endpoint, {
        method: 'POST',
        path: '/',
        headers: { ...sigV4('events'), 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
        body,
      });
    const cases: [string, string, number, string][] = [
      ['AWSEvents.PutRule', '{not json', 400, 'SerializationException'],
      ['AWSEvents.PutRule', '[1]', 400, 'SerializationException'],
      ['AWSEvents.PutRule', '{}', 400, 'ValidationException'],
      ['AWSEvents.PutRule', '{"Name":5,"EventPattern":"{}"}', 400, 'SerializationException'],
      ['AWSEvents.PutTargets', '{"Rule":"x","Targets":"nope"}', 400, 'ResourceNotFoundException'],
      ['AWSEvents.PutEvents', '{"Entries":[null, 5]}', 200, ''],
      ['AWSEvents.ListRules', '{"Limit":1000}', 400, 'ValidationException'],
      ['AWSEvents.ListRules', '{"NextToken":"garbage"}', 400, 'ValidationException'],
      ['AWSEvents.CreateApiDestination', '{}', 501, 'NotImplemented'],
      ['AWSEvents.constructor', '{}', 501, 'NotImplemented'],
    ];
    for (const [target, body, status, code] of cases) {
      const res = await post(target, body);
      assert.equal(res.status, status, `${target} ${body}: ${res.body}`);
      assert.equal(res.headers['content-type'], 'application/x-amz-json-1.1');
      if (code) {
        assert.equal(res.headers['x-amzn-errortype'], code, `${target} ${body}`);
        assert.equal(JSON.parse(res.body).__type, code);
      }
    }
    const entries = JSON.parse((await post('AWSEvents.PutEvents', '{"Entries":[null, 5]}')).body);
    assert.equal(entries.FailedEntryCount, 2);
  } finally {
    await sb.close();
  }
});
