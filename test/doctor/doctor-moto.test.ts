/**
 * `s3trigger doctor` against moto_server, set up with the AWS SDK v3 (the IAM role with the AWS CLI v2: the SDK's IAM
 * client is not a dependency): the checks its APIs allow (bucket, configuration,
 * function, invoke permission through GetPolicy, queue and event source mappings), and `?` where moto has no answer
 * (a function that never ran has no log group there either). moto's Lambda cannot run code without Docker: nothing is
 * invoked here. Skips when moto_server, the AWS CLI v2 or dist/ is missing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { zipPackage } from '../../src/sandbox/lambda/zip.js';
import { awsCliEnv } from '../aws-cli.js';
import { cliBuilt, NOT_BUILT } from '../ci/helpers.js';
import { hasMoto, startMoto } from '../observe/helpers.js';
import { doctor, fails, v2 } from './helpers.js';

const run = promisify(execFile);
const REGION = 'eu-west-1';
const skip = !cliBuilt
  ? NOT_BUILT
  : !v2
    ? 'the AWS CLI v2 (/usr/bin/aws) is not installed'
    : !hasMoto
      ? 'moto_server is not installed'
      : false;

describe('s3trigger doctor on moto_server', { skip }, () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-doctor-moto-'));
  const env = awsCliEnv(dir, REGION);
  const aws = async (...args: string[]) => {
    const { stdout } = await run(v2!, ['--endpoint-url', moto.endpoint, '--output', 'json', ...args], { env, cwd: dir, timeout: 60_000 });
    return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
  };
  const doc = (...args: string[]) => doctor(moto.endpoint, dir, ...args);
  let fnArn = '';
  let s3: S3Client;
  let lambda: LambdaClient;
  let logs: CloudWatchLogsClient;
  let sqs: SQSClient;
  const bucket = (name: string) =>
    s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: REGION } }));

  before(async () => {
    moto = await startMoto();
    const config = { endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    s3 = new S3Client({ ...config, forcePathStyle: true });
    lambda = new LambdaClient(config);
    logs = new CloudWatchLogsClient(config);
    sqs = new SQSClient(config);
    writeFileSync(join(dir, 'config'), '');
    writeFileSync(join(dir, 'credentials'), '');
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    const role = (await aws('iam', 'create-role', '--role-name', 'doc-role', '--assume-role-policy-document', JSON.stringify(trust))) as {
      Role: { Arn: string };
    };
    const fn = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'doc-moto-fn',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: role.Role.Arn,
        Code: { ZipFile: zipPackage({ 'index.mjs': 'export const handler = async () => {};' }) },
      }),
    );
    fnArn = fn.FunctionArn!;
    await bucket('doc-moto');
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'doc-moto',
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [{ Id: 'direct', LambdaFunctionArn: fnArn, Events: ['s3:ObjectCreated:*'] }],
        },
      }),
    );
  });
  after(() => {
    for (const client of [s3, lambda, logs, sqs]) client?.destroy();
    moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('missing invoke permission: ✗ with the add-permission command; once added the function is reached, its log group ?', async () => {
    const r = await doc('--bucket', 'doc-moto', '--key', 'a.txt');
    assert.equal(r.check('bucket').status, 'ok');
    assert.equal(r.check('notification').status, 'ok');
    assert.equal(r.check('function:doc-moto-fn').status, 'ok');
    const c = r.check('permission:doc-moto-fn:s3.amazonaws.com');
    assert.equal(c.status, 'fail', c.detail);
    assert.match(c.fix!, new RegExp(`^aws --endpoint-url ${moto.endpoint} lambda add-permission --function-name doc-moto-fn `));
    assert.equal(r.code, 1);
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'doc-moto-fn',
        StatementId: 's3',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: 'arn:aws:s3:::doc-moto',
      }),
    );
    const fixed = await doc('--bucket', 'doc-moto', '--key', 'a.txt');
    assert.equal(fixed.code, 0, JSON.stringify(fails(fixed)));
    assert.deepEqual(fixed.report!.reaches, ['doc-moto-fn']);
    assert.equal(fixed.check('log-group:doc-moto-fn').status, 'unknown');
  });

  test('a log group without live tail on moto: the tail check says polling (or ? with the reason), never ✗', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/doc-moto-fn' }));
    const r = await doc('--bucket', 'doc-moto', '--key', 'a.txt');
    assert.equal(r.check('log-group:doc-moto-fn').status, 'ok');
    const tail = r.check('tail');
    assert.notEqual(tail.status, 'fail');
    assert.match(tail.detail, tail.status === 'ok' ? /live tail|polls FilterLogEvents/ : /cannot tell/);
  });

  test('a queue without an event source mapping: ✗ with the create-event-source-mapping command', async () => {
    await bucket('doc-moto-q');
    await sqs.send(new CreateQueueCommand({ QueueName: 'doc-moto-queue' }));
    const queueArn = `arn:aws:sqs:${REGION}:123456789012:doc-moto-queue`;
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'doc-moto-q',
        NotificationConfiguration: { QueueConfigurations: [{ Id: 'q', QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
    const r = await doc('--bucket', 'doc-moto-q', '--key', 'a.txt');
    assert.equal(r.code, 1);
    const m = r.check('mapping:doc-moto-queue');
    assert.equal(m.status, 'fail', m.detail);
    assert.match(m.fix!, /lambda create-event-source-mapping --function-name FUNCTION --event-source-arn arn:aws:sqs:/);
  });
});
