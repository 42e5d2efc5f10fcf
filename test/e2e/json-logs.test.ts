/**
 * Issue 13's JSON log format with real clients against one `s3trigger sandbox` run: the AWS CLI v1 (Debian's v2 2.9
 * has no `--logging-config`) creates the blog's Python handler with LogFormat=JSON, an S3 PUT (AWS SDK v3) invokes
 * it, and its log group holds Lambda's JSON platform records, the `logging` records as JSON and the blog's `print`
 * block as plain text; GetFunction echoes the config. ApplicationLogLevel=ERROR with a custom LogGroup then drops
 * the INFO records, the logs land in the custom group, and s3trigger's CI mode finds that group through
 * GetFunctionConfiguration and matches the invocation there.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { zipPackage } from '../../src/sandbox/lambda/zip.js';
import { cliBuilt, NOT_BUILT, ndjson, runCli, workDir } from '../ci/helpers.js';
import { BLOG_HANDLER } from '../sandbox/lambda/helpers.js';
import { clis, type Json, ROLE, startWalk, type Walk } from './walkthrough-helpers.js';

// The blog's handler as its own module, called from one that also logs through `logging` (what JSON changes).
const EVENT_HANDLER = `import logging
import blog
logger = logging.getLogger()
def handler(event, context):
    logger.info('processing %d records', len(event.get('Records', [])))
    result = blog.handler(event, context)
    logger.error('done: %s', result['body'])
    return result
`;

let walk: Walk;
let logs: CloudWatchLogsClient;
let s3: S3Client;
before(async () => {
  if (!cliBuilt) return;
  walk = await startWalk('jsonlogs');
  writeFileSync(join(walk.dir, 'blog.zip'), zipPackage({ 'event_handler.py': EVENT_HANDLER, 'blog.py': BLOG_HANDLER }));
  const config = { endpoint: walk.sb.endpoint, region: walk.sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  logs = new CloudWatchLogsClient(config);
  s3 = new S3Client({ ...config, forcePathStyle: true });
});
after(async () => {
  if (!cliBuilt) return;
  logs.destroy();
  s3.destroy();
  await walk.close();
});

/** The messages of `group`, once `enough` holds (20 s at most). */
async function messages(group: string, enough: (m: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    let found: string[] = [];
    try {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
      found = (out.events ?? []).map((e) => e.message ?? '');
    } catch (err) {
      if (!(err instanceof Error && err.name === 'ResourceNotFoundException')) throw err;
    }
    if (enough(found)) return found;
    if (Date.now() > deadline) throw new Error(`${group} so far:\n${found.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const records = (lines: string[]): Json[] =>
  lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Json];
    } catch {
      return [];
    }
  });
const reports = (lines: string[]) => records(lines).filter((r) => r.type === 'platform.report');

test('CLI v1: the blog handler with LogFormat=JSON, invoked by an S3 PUT, logs JSON records; a custom LogGroup with ERROR is where s3trigger matches', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const { v1 } = await clis();
  if (!v1) return t.skip('AWS CLI v1 (`aws` on PATH) not found');
  // The bucket side over the SDK (the AWS CLI's S3 commands have their own walkthroughs; each call is a Python start).
  await s3.send(new CreateBucketCommand({ Bucket: 'json-bucket' }));
  const created = await walk.aws(
    v1,
    'lambda',
    'create-function',
    '--function-name',
    'blog-json',
    '--runtime',
    'python3.12',
    '--handler',
    'event_handler.handler',
    '--zip-file',
    'fileb://blog.zip',
    '--role',
    ROLE,
    '--logging-config',
    'LogFormat=JSON',
  );
  const expected = { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO', LogGroup: '/aws/lambda/blog-json' };
  assert.deepEqual(created.LoggingConfig, expected);
  assert.deepEqual((await walk.aws(v1, 'lambda', 'get-function', '--function-name', 'blog-json')).Configuration.LoggingConfig, expected);
  const refused = await walk.awsFails(
    v1,
    'lambda',
    'update-function-configuration',
    '--function-name',
    'blog-json',
    '--logging-config',
    'LogFormat=Text,ApplicationLogLevel=INFO',
  );
  assert.match(refused, /InvalidParameterValueException.*LogLevel is not supported when LogFormat is set to "Text"/);

  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'json-bucket',
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [{ LambdaFunctionArn: created.FunctionArn, Events: ['s3:ObjectCreated:*'] }],
      },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: 'json-bucket', Key: 'test.txt', Body: readFileSync(join(walk.dir, 'test.txt')) }));

  const lines = await messages('/aws/lambda/blog-json', (m) => reports(m).length === 1);
  const recs = records(lines);
  assert.deepEqual(
    recs.map((r) => r.type ?? r.level),
    ['platform.initStart', 'platform.start', 'INFO', 'ERROR', 'platform.report'],
  );
  const requestId = recs[1]!.record.requestId as string;
  assert.deepEqual(recs[1]!.record, { requestId, version: '$LATEST' });
  assert.deepEqual(recs[2], {
    timestamp: recs[2]!.timestamp,
    level: 'INFO',
    message: 'processing 1 records',
    logger: 'root',
    requestId,
  });
  assert.equal(recs[3]!.message, 'done: Processed 1 events');
  const report = recs[4]!.record;
  assert.equal(report.requestId, requestId);
  assert.equal(report.status, 'success');
  assert.deepEqual(Object.keys(report.metrics), ['durationMs', 'billedDurationMs', 'memorySizeMB', 'maxMemoryUsedMB', 'initDurationMs']);
  // print stays plain text, as the Python runtime writes it.
  const printed = lines.filter((l) => !l.startsWith('{')).join('');
  assert.match(printed, /S3 Event Detected/);
  assert.match(printed, /Event Type: ObjectCreated:Put \(Put\)/);
  assert.ok(!lines.some((l) => /^(START|END|REPORT) RequestId/.test(l)), 'no text platform lines in JSON');

  // ERROR level and a custom log group: the next environment applies both.
  const updated = await walk.aws(
    v1,
    'lambda',
    'update-function-configuration',
    '--function-name',
    'blog-json',
    '--logging-config',
    'ApplicationLogLevel=ERROR,LogGroup=/custom/blog-events',
  );
  assert.deepEqual(updated.LoggingConfig, { ...expected, ApplicationLogLevel: 'ERROR', LogGroup: '/custom/blog-events' });

  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(
    [
      '--endpoint-url',
      walk.sb.endpoint,
      '--region',
      'eu-west-1',
      '--bucket',
      'json-bucket',
      '--put',
      'test.txt',
      '--wait',
      '--json',
      '--timeout',
      '20s',
    ],
    dir,
    { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const [op] = ndjson(r.stdout);
  assert.equal(op!.status, 'matched', r.stdout);
  assert.equal(op!.match.logGroup, '/custom/blog-events');
  assert.equal(op!.match.function, 'blog-json', 'named from the LoggingConfig read at discovery');
  assert.equal(op!.match.status, 'succeeded');
  assert.equal(typeof op!.match.report.durationMs, 'number');

  const custom = await messages('/custom/blog-events', (m) => reports(m).length === 1);
  const customRecs = records(custom);
  assert.equal(customRecs.find((r) => r.type === 'platform.start')!.record.requestId, op!.match.requestId);
  assert.deepEqual(
    customRecs.filter((r) => r.level).map((r) => [r.level, r.message]),
    [['ERROR', 'done: Processed 1 events']],
    'ApplicationLogLevel=ERROR drops the INFO record',
  );
  assert.equal(reports(await messages('/aws/lambda/blog-json', () => true)).length, 1, 'nothing more in the default group');
});

const SLOW_OR_FAILING = `import time
def handler(event, context):
    if event.get('sleep'):
        time.sleep(10)
    raise ValueError('bad value')
`;

test('CLI v1 invoke --log-type Tail: a 1 s timeout reports Duration: 1000.00 ms and Status: timeout; a traceback reads /var/task', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const { v1 } = await clis();
  if (!v1) return t.skip('AWS CLI v1 (`aws` on PATH) not found');
  writeFileSync(join(walk.dir, 'slow.zip'), zipPackage({ 'app.py': SLOW_OR_FAILING }));
  await walk.aws(
    v1,
    'lambda',
    'create-function',
    '--function-name',
    'slow-py',
    '--runtime',
    'python3.12',
    '--handler',
    'app.handler',
    '--zip-file',
    'fileb://slow.zip',
    '--role',
    ROLE,
    '--timeout',
    '1',
  );
  writeFileSync(join(walk.dir, 'sleep.json'), '{"sleep":true}');
  const timedOut = await walk.aws(
    v1,
    'lambda',
    'invoke',
    '--function-name',
    'slow-py',
    '--payload',
    'file://sleep.json',
    '--log-type',
    'Tail',
    'out-timeout.json',
  );
  assert.equal(timedOut.FunctionError, 'Unhandled');
  const tail = Buffer.from(timedOut.LogResult as string, 'base64').toString('utf8');
  assert.match(
    tail,
    /\nREPORT RequestId: \S+\tDuration: 1000\.00 ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\tStatus: timeout\n$/,
  );

  writeFileSync(join(walk.dir, 'empty.json'), '{}');
  const failed = await walk.aws(
    v1,
    'lambda',
    'invoke',
    '--function-name',
    'slow-py',
    '--payload',
    'file://empty.json',
    '--log-type',
    'Tail',
    'out-error.json',
  );
  assert.equal(failed.FunctionError, 'Unhandled');
  const payload = JSON.parse(readFileSync(join(walk.dir, 'out-error.json'), 'utf8'));
  assert.deepEqual(payload.stackTrace, ['  File "/var/task/app.py", line 5, in handler\n    raise ValueError(\'bad value\')\n']);
  assert.match(
    Buffer.from(failed.LogResult as string, 'base64').toString('utf8'),
    /\[ERROR\] ValueError: bad value\rTraceback \(most recent call last\):\r {2}File "\/var\/task\/app\.py", line 5, in handler/,
  );
});
