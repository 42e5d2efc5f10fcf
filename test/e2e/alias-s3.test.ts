/**
 * A bucket notifying an alias (`function:NAME:live`), set up with the AWS SDK v3 (the same calls over the AWS CLI are
 * test/sandbox/lambda/versions-cli.test.ts; each CLI call here cost a Python start): a PUT runs the version the alias points
 * at (START `Version: 1`, log stream `[1]`), s3trigger CI matches it and reports `match.version`; after update-alias
 * to version 2 the next PUT runs version 2's code. Needs the built CLI (`npm run build`).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { zipPackage } from '../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { cliBuilt, ndjson, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

const skip = !cliBuilt && NOT_BUILT;
const dir = workDir();
let sandbox: Sandbox;
let s3: S3Client;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;

const code = (tag: string) =>
  zipPackage({
    'index.mjs': `export const handler = async (event) => { console.log('thumbnail ${tag}', event.Records[0].s3.object.key); return 'ok'; };`,
  });

before(async () => {
  if (skip) return;
  sandbox = await startSandbox({ port: 0 });
  const config = { endpoint: sandbox.endpoint, region: sandbox.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  s3 = new S3Client({ ...config, forcePathStyle: true });
  lambda = new LambdaClient(config);
  logs = new CloudWatchLogsClient(config);
  const role = 'arn:aws:iam::000000000000:role/lambda-role';
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'thumbs',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: role,
      Code: { ZipFile: code('v-one') },
    }),
  );
  await lambda.send(new PublishVersionCommand({ FunctionName: 'thumbs' }));
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'thumbs', ZipFile: code('v-two') }));
  await lambda.send(new PublishVersionCommand({ FunctionName: 'thumbs' }));
  const alias = await lambda.send(new CreateAliasCommand({ FunctionName: 'thumbs', Name: 'live', FunctionVersion: '1' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'alias-bucket' }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'alias-bucket',
      NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: alias.AliasArn, Events: ['s3:ObjectCreated:*'] }] },
    }),
  );
});
after(async () => {
  for (const client of [s3, lambda, logs]) client?.destroy();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

type OpRecord = ReturnType<typeof ndjson>[number];

async function putAndMatch(key: string): Promise<OpRecord> {
  writeFileSync(join(dir, key), 'image bytes');
  const r = await runCli(
    ['--endpoint-url', sandbox.endpoint, '--bucket', 'alias-bucket', '--put', key, '--wait', '--timeout', '30s', '--json'],
    dir,
  );
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const [rec] = ndjson(r.stdout);
  return rec!;
}

test('a PUT through the alias runs version 1, then version 2 after update-alias; match.version says which', { skip }, async () => {
  const first = await putAndMatch('a.jpg');
  assert.equal(first.match.function, 'thumbs');
  assert.equal(first.match.logGroup, '/aws/lambda/thumbs');
  assert.equal(first.match.version, '1', JSON.stringify(first));
  assert.match(first.match.logStream, /^\d{4}\/\d\d\/\d\d\/\[1\][0-9a-f]{32}$/);
  const messages = (rec: OpRecord) => rec.log.map((l: { message: string }) => l.message).join('\n');
  // The tail may join after START (cold start); CloudWatch has every line, checked below.
  assert.doesNotMatch(messages(first), /^START RequestId: \S+ Version: (?!1$)/m);
  assert.match(messages(first), /thumbnail v-one a\.jpg/);

  await lambda.send(new UpdateAliasCommand({ FunctionName: 'thumbs', Name: 'live', FunctionVersion: '2' }));
  const second = await putAndMatch('b.jpg');
  assert.equal(second.match.version, '2', JSON.stringify(second.match));
  assert.match(second.match.logStream, /\/\[2\][0-9a-f]{32}$/);
  assert.match(messages(second), /thumbnail v-two b\.jpg/);
  assert.doesNotMatch(messages(second), /v-one/);

  // As AWS writes them: `START RequestId: … Version: N` in a stream named `YYYY/MM/DD/[N]<hex>`.
  const events = (await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/thumbs' }))).events ?? [];
  const starts = events.filter((e) => e.message?.startsWith('START '));
  for (const [id, version] of [
    [first.match.requestId, '1'],
    [second.match.requestId, '2'],
  ]) {
    const start = starts.find((e) => e.message?.includes(id));
    assert.ok(start, `START of ${id} in CloudWatch`);
    assert.equal(start.message?.trim(), `START RequestId: ${id} Version: ${version}`);
    assert.match(start.logStreamName ?? '', new RegExp(`^\\d{4}/\\d\\d/\\d\\d/\\[${version}\\][0-9a-f]{32}$`));
  }
});

test('CI text names the version on the invocation line', { skip }, async () => {
  writeFileSync(join(dir, 'c.jpg'), 'image bytes');
  const r = await runCli(
    ['--endpoint-url', sandbox.endpoint, '--bucket', 'alias-bucket', '--put', 'c.jpg', '--wait', '--timeout', '30s'],
    dir,
  );
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const version = /^ {2}START RequestId: \S+ Version: (\d+)$/m.exec(r.stdout)?.[1];
  assert.ok(version, r.stdout);
  assert.match(r.stdout, new RegExp(`^Invocation \\S+ in /aws/lambda/thumbs matched by .*, version ${version}, `, 'm'));
});
