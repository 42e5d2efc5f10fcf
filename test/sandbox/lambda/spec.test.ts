import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childEnvironment, type FunctionSpec, type RuntimeHost } from '../../../src/sandbox/lambda/spec.js';

const spec: FunctionSpec = {
  name: 'fn',
  arn: 'arn:aws:lambda:eu-west-1:000000000000:function:fn',
  runtime: 'python3.12',
  handler: 'app.handler',
  codeDir: '/data/lambda/fn/code',
  timeoutSeconds: 3,
  memorySizeMB: 256,
  environment: { GREETING: 'hi' },
};
const host = (endpoint?: string): RuntimeHost => ({
  region: 'eu-west-1',
  logs: { append() {} },
  endpoint: () => endpoint,
  nodeBootstrap: '/b.mjs',
  pythonBootstrap: '/b.py',
  pythonExecutable: () => 'python3',
  rubyBootstrap: '/b.rb',
  ruby: () => ({ executable: '/usr/bin/ruby', version: '3.3.0' }),
  sdkNodeModules: '/pkg/node_modules',
  maxOutputBytes: 1,
});

test('childEnvironment: explicit Lambda variables, the function environment, the sandbox endpoint and test credentials', () => {
  const env = childEnvironment(spec, host('http://127.0.0.1:4566'), '2025/01/01/[$LATEST]abc');
  assert.deepEqual(
    {
      name: env.AWS_LAMBDA_FUNCTION_NAME,
      mem: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      group: env.AWS_LAMBDA_LOG_GROUP_NAME,
      stream: env.AWS_LAMBDA_LOG_STREAM_NAME,
      region: env.AWS_REGION,
      endpoint: env.AWS_ENDPOINT_URL,
      key: env.AWS_ACCESS_KEY_ID,
      handler: env._HANDLER,
      root: env.LAMBDA_TASK_ROOT,
      greeting: env.GREETING,
      tz: env.TZ,
      nodePath: env.NODE_PATH,
      home: env.HOME,
    },
    {
      name: 'fn',
      mem: '256',
      group: '/aws/lambda/fn',
      stream: '2025/01/01/[$LATEST]abc',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      key: 'test',
      handler: 'app.handler',
      root: '/data/lambda/fn/code',
      greeting: 'hi',
      tz: ':UTC',
      nodePath: undefined,
      home: undefined,
    },
  );
  assert.equal(childEnvironment({ ...spec, runtime: 'nodejs20.x' }, host(), 's').NODE_PATH, '/pkg/node_modules');
  assert.equal(childEnvironment(spec, host(), 's').AWS_ENDPOINT_URL, undefined);
  const own = childEnvironment({ ...spec, environment: { AWS_ENDPOINT_URL: 'http://elsewhere' } }, host('http://127.0.0.1:1'), 's');
  assert.equal(own.AWS_ENDPOINT_URL, 'http://elsewhere', "the function's own endpoint wins");
});
