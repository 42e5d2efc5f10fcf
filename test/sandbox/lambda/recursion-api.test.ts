/**
 * PutFunctionRecursionConfig / GetFunctionRecursionConfig over the wire (REST-JSON, `/2024-08-31/functions/{name}/
 * recursion-config`) with the AWS SDK v3 and boto3: default Terminate, Allow stored, AWS's errors for a bad value
 * and a missing function, a function deleted and created again starts at Terminate.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionRecursionConfigCommand,
  LambdaClient,
  PutFunctionRecursionConfigCommand,
} from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { errorOf, ROLE } from './helpers.js';

const run = promisify(execFile);
let sb: Sandbox;
let lambda: LambdaClient;
before(async () => {
  sb = await startSandbox({ port: 0 });
  lambda = new LambdaClient({ endpoint: sb.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
after(async () => {
  lambda.destroy();
  await sb.close();
});

const create = (name: string) =>
  lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zipPackage({ 'index.mjs': 'export const handler = async () => 1;' }) },
    }),
  );

test('SDK v3: Terminate by default, Allow stored, by name or ARN; deleted and created again: Terminate', async () => {
  const { FunctionArn } = await create('rc-fn');
  assert.equal((await lambda.send(new GetFunctionRecursionConfigCommand({ FunctionName: 'rc-fn' }))).RecursiveLoop, 'Terminate');
  const put = await lambda.send(new PutFunctionRecursionConfigCommand({ FunctionName: 'rc-fn', RecursiveLoop: 'Allow' }));
  assert.equal(put.RecursiveLoop, 'Allow');
  assert.equal((await lambda.send(new GetFunctionRecursionConfigCommand({ FunctionName: FunctionArn }))).RecursiveLoop, 'Allow');
  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'rc-fn' }));
  await create('rc-fn');
  assert.equal((await lambda.send(new GetFunctionRecursionConfigCommand({ FunctionName: 'rc-fn' }))).RecursiveLoop, 'Terminate');
});

test('SDK v3: a bad value is ValidationException, a missing function ResourceNotFoundException', async () => {
  await create('rc-bad');
  const bad = await errorOf(
    lambda.send(new PutFunctionRecursionConfigCommand({ FunctionName: 'rc-bad', RecursiveLoop: 'Never' as never })),
  );
  assert.equal(bad.name, 'ValidationException');
  assert.equal(bad.status, 400);
  assert.match(
    bad.message,
    /Value 'Never' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: \[Allow, Terminate\]/,
  );
  const missing = await errorOf(lambda.send(new GetFunctionRecursionConfigCommand({ FunctionName: 'rc-none' })));
  assert.equal(missing.name, 'ResourceNotFoundException');
  assert.equal(missing.status, 404);
  assert.match(missing.message, /Function not found: arn:aws:lambda:eu-west-1:000000000000:function:rc-none/);
});

test('boto3: put_function_recursion_config / get_function_recursion_config', async (t) => {
  try {
    await run('python3', ['-c', 'import boto3']);
  } catch {
    return t.skip('boto3 is not importable from python3');
  }
  await create('rc-boto');
  const script = `
import sys, json, boto3
c = boto3.client('lambda', endpoint_url=sys.argv[1], region_name='eu-west-1', aws_access_key_id='test', aws_secret_access_key='test')
before = c.get_function_recursion_config(FunctionName='rc-boto')['RecursiveLoop']
put = c.put_function_recursion_config(FunctionName='rc-boto', RecursiveLoop='Allow')['RecursiveLoop']
after = c.get_function_recursion_config(FunctionName='rc-boto')['RecursiveLoop']
print(json.dumps([before, put, after]))
`;
  const { stdout } = await run('python3', ['-c', script, sb.endpoint], {
    env: { PATH: process.env.PATH ?? '', AWS_CONFIG_FILE: '/dev/null' },
  });
  assert.deepEqual(JSON.parse(stdout), ['Terminate', 'Allow', 'Allow']);
});
