/**
 * The EventBridge walkthrough with the AWS CLI (v1 and v2) and boto3 against the sandbox: put-rule with an event
 * pattern, put-targets to a function, list-targets-by-rule, test-event-pattern, put-events, and the function's log.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { AWS_CLIS, findCli, awsCliEnv, hasBoto3 } from '../../aws-cli.js';
import { ROLE } from '../lambda/helpers.js';

const run = promisify(execFile);
let sb: Sandbox;
let dir: string;
let logs: CloudWatchLogsClient;

const LOGGER = `export const handler = async (event) => {
  console.log('EVENT ' + JSON.stringify(event));
};`;

before(async () => {
  sb = await startSandbox({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 's3trigger-events-cli-'));
  writeFileSync(join(dir, 'config'), '');
  writeFileSync(join(dir, 'credentials'), '');
  writeFileSync(join(dir, 'logger.zip'), zipPackage({ 'index.mjs': LOGGER }));
  logs = new CloudWatchLogsClient({
    endpoint: sb.endpoint,
    region: sb.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
after(async () => {
  logs.destroy();
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => awsCliEnv(dir, sb.region);

async function aws(cli: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(cli, ['--endpoint-url', sb.endpoint, '--output', 'json', ...args], {
    env: env(),
    cwd: dir,
    timeout: 60_000,
  });
  return stdout.trim() ? JSON.parse(stdout) : {};
}

/** The events the function logged, parsed from its `EVENT {…}` lines (FilterLogEvents, polled). */
async function loggedEvent(fn: string, id: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"EVENT "' }));
      const events = (out.events ?? []).map((e) => JSON.parse(/EVENT (\{.*\})/.exec(e.message ?? '')![1]!) as Record<string, unknown>);
      const found = events.find((e) => e.id === id);
      if (found) return found;
    } catch (err) {
      if (!(err instanceof Error && err.name === 'ResourceNotFoundException')) throw err;
    }
    if (Date.now() > deadline) throw new Error(`${fn} did not log event ${id}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const [label, candidate, major] of AWS_CLIS) {
  test(`aws CLI ${label}: events put-rule --event-pattern, put-targets, list-targets-by-rule, test-event-pattern, put-events`, async (t) => {
    const cli = await findCli(candidate, major);
    if (!cli) return t.skip(`aws CLI ${label} not found`);
    const fn = `eb-cli-${label}`;
    const created = await aws(cli, [
      'lambda',
      'create-function',
      '--function-name',
      fn,
      '--runtime',
      'nodejs20.x',
      '--handler',
      'index.handler',
      '--zip-file',
      'fileb://logger.zip',
      '--role',
      ROLE,
    ]);
    const pattern = JSON.stringify({ source: [`cli.${label}`], 'detail-type': [{ prefix: 'CLI' }] });
    const rule = await aws(cli, ['events', 'put-rule', '--name', `cli-rule-${label}`, '--event-pattern', pattern]);
    assert.equal(rule.RuleArn, `arn:aws:events:eu-west-1:000000000000:rule/cli-rule-${label}`);
    const targets = await aws(cli, [
      'events',
      'put-targets',
      '--rule',
      `cli-rule-${label}`,
      '--targets',
      `Id=fn,Arn=${created.FunctionArn}`,
    ]);
    assert.deepEqual(targets, { FailedEntryCount: 0, FailedEntries: [] });
    const listed = await aws(cli, ['events', 'list-targets-by-rule', '--rule', `cli-rule-${label}`]);
    assert.deepEqual(listed.Targets, [{ Id: 'fn', Arn: created.FunctionArn }]);

    const sample = {
      id: '1',
      account: '000000000000',
      source: `cli.${label}`,
      time: '2026-01-01T00:00:00Z',
      region: 'eu-west-1',
      'detail-type': 'CLI Test',
      resources: [],
      detail: {},
    };
    const tested = await aws(cli, ['events', 'test-event-pattern', '--event-pattern', pattern, '--event', JSON.stringify(sample)]);
    assert.equal(tested.Result, true);
    const other = await aws(cli, [
      'events',
      'test-event-pattern',
      '--event-pattern',
      pattern,
      '--event',
      JSON.stringify({ ...sample, source: 'x' }),
    ]);
    assert.equal(other.Result, false);

    const entries = JSON.stringify([{ Source: `cli.${label}`, DetailType: 'CLI Test', Detail: JSON.stringify({ from: label }) }]);
    const put = (await aws(cli, ['events', 'put-events', '--entries', entries])) as {
      FailedEntryCount: number;
      Entries: { EventId: string }[];
    };
    assert.equal(put.FailedEntryCount, 0);
    const event = await loggedEvent(fn, put.Entries[0]!.EventId);
    assert.equal(event['detail-type'], 'CLI Test');
    assert.equal(event.source, `cli.${label}`);
    assert.deepEqual(event.detail, { from: label });
    assert.match(event.time as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
}

const BOTO = `
import sys, json, boto3
endpoint, fn_arn = sys.argv[1], sys.argv[2]
eb = boto3.client('events', endpoint_url=endpoint, region_name='eu-west-1', aws_access_key_id='test', aws_secret_access_key='test')
pattern = json.dumps({'source': ['boto.app'], 'detail': {'n': [{'numeric': ['>', 1]}]}})
arn = eb.put_rule(Name='boto-rule', EventPattern=pattern)['RuleArn']
eb.put_targets(Rule='boto-rule', Targets=[{'Id': 'fn', 'Arn': fn_arn}])
put = eb.put_events(Entries=[
    {'Source': 'boto.app', 'DetailType': 'Boto', 'Detail': json.dumps({'n': 1})},
    {'Source': 'boto.app', 'DetailType': 'Boto', 'Detail': json.dumps({'n': 2})},
])
try:
    eb.describe_rule(Name='missing')
    missing = None
except eb.exceptions.ResourceNotFoundException as e:
    missing = e.response['Error']['Message']
print(json.dumps({'arn': arn, 'ids': [e['EventId'] for e in put['Entries']], 'rules': [r['Name'] for r in eb.list_rules(NamePrefix='boto')['Rules']], 'missing': missing}))
`;

test('boto3: put_rule, put_targets, put_events (numeric filter), list_rules, a modeled ResourceNotFoundException', async (t) => {
  if (!(await hasBoto3())) return t.skip('python3 with boto3 not found');
  const lambda = new LambdaClient({
    endpoint: sb.endpoint,
    region: sb.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  t.after(() => lambda.destroy());
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'eb-boto',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zipPackage({ 'index.mjs': LOGGER }) },
    }),
  );
  const { stdout } = await run('python3', ['-c', BOTO, sb.endpoint, String(created.FunctionArn)], { env: env(), timeout: 60_000 });
  const out = JSON.parse(stdout.trim()) as { arn: string; ids: string[]; rules: string[]; missing: string };
  assert.equal(out.arn, 'arn:aws:events:eu-west-1:000000000000:rule/boto-rule');
  assert.deepEqual(out.rules, ['boto-rule']);
  assert.equal(out.missing, 'Rule missing does not exist on EventBus default.');
  const event = await loggedEvent('eb-boto', out.ids[1]!);
  assert.deepEqual(event.detail, { n: 2 });
  await new Promise((r) => setTimeout(r, 500));
  const all = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/eb-boto', filterPattern: '"EVENT "' }));
  assert.equal(all.events?.length, 1, 'the n=1 event did not match the numeric filter');
});
