/**
 * s3trigger in CI mode against a sandbox whose function fails and has MaximumRetryAttempts 1 with an OnFailure queue:
 * the record shows both attempts and where the event went (inferred from GetFunctionEventInvokeConfig), the text
 * output says it on the failure's last line. Needs the built CLI (`npm run build`).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CreateFunctionCommand, LambdaClient, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { cliBuilt, ndjson, NOT_BUILT, runCli, workDir } from '../../ci/helpers.js';
import { ROLE } from './helpers.js';

const skip = !cliBuilt && NOT_BUILT;
const dir = workDir();
let sandbox: Sandbox;

before(async () => {
  if (skip) return;
  sandbox = await startSandbox({ port: 0, timing: { scale: 0.01 } });
  const common = { endpoint: sandbox.endpoint, region: sandbox.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const lambda = new LambdaClient(common);
  const sqs = new SQSClient(common);
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const { FunctionArn } = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'fails-async',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: {
        ZipFile: zipPackage({
          'index.mjs':
            "export const handler = async (event) => { console.log('got', event.Records[0].s3.object.key); throw new Error('always fails'); };",
        }),
      },
    }),
  );
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q-failed' }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await lambda.send(
    new PutFunctionEventInvokeConfigCommand({
      FunctionName: 'fails-async',
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: Attributes!.QueueArn! } },
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: 'async-ci' }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'async-ci',
      NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: FunctionArn, Events: ['s3:ObjectCreated:*'] }] },
    }),
  );
  for (const c of [lambda, sqs, s3]) c.destroy();
});
after(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('--json: the failed invocation has attempts 2 and failedTo naming the OnFailure queue; exit 4', { skip }, async () => {
  const r = await runCli(
    ['--endpoint-url', sandbox.endpoint, '--bucket', 'async-ci', '--put', 'test.txt', '--wait', '--timeout', '30s', '--json'],
    dir,
  );
  assert.equal(r.code, 4, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const [rec] = ndjson(r.stdout);
  assert.equal(rec!.status, 'lambda-failed');
  assert.equal(rec!.match.attempts, 2, JSON.stringify(rec!.match));
  assert.equal(rec!.match.failedTo, 'retries exhausted → OnFailure queue q-failed');
  const reports = rec!.log.filter((l: { message: string }) => l.message.startsWith(`REPORT RequestId: ${rec!.match.requestId}`));
  assert.equal(
    reports.length,
    2,
    `two REPORT lines with the same request id: ${JSON.stringify(rec!.log.map((l: { message: string }) => l.message.slice(0, 60)))}`,
  );
});

test('text: the failure ends with the attempts and where the event went', { skip }, async () => {
  const r = await runCli(
    ['--endpoint-url', sandbox.endpoint, '--bucket', 'async-ci', '--put', 'test.txt', '--wait', '--timeout', '30s'],
    dir,
  );
  assert.equal(r.code, 4, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, /^Lambda failed: invocation \S+ in \/aws\/lambda\/fails-async ended in an error$/m);
  assert.match(r.stderr, /^ {2}2 attempts; retries exhausted → OnFailure queue q-failed$/m);
});
