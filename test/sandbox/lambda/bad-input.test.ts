import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { ROLE } from './helpers.js';
import { signedRequest } from './wire.js';

let sb: Sandbox;
const sandboxLog: string[] = [];
before(async () => {
  sb = await startSandbox({ port: 0, log: (l) => sandboxLog.push(l) });
  const zip = Buffer.from(zipPackage({ 'index.mjs': 'export const handler = async () => 1;' })).toString('base64');
  const body = JSON.stringify({ FunctionName: 'fn', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip } });
  const res = await signedRequest(sb.endpoint, sb.region, 'POST', '/2015-03-31/functions', body);
  assert.equal(res.status, 201);
});
after(() => sb.close());

test('malformed requests get AWS-style 4xx errors, never a 500, and the service keeps working', async () => {
  const cases: [string, string, string | undefined, string][] = [
    ['POST', '/2015-03-31/functions', '{not json', 'SerializationException'],
    ['POST', '/2015-03-31/functions', 'null', 'SerializationException'],
    ['POST', '/2015-03-31/functions', '[1,2]', 'SerializationException'],
    ['POST', '/2015-03-31/functions', '{}', 'ValidationException'],
    [
      'POST',
      '/2015-03-31/functions',
      JSON.stringify({ FunctionName: 'x', Runtime: 'nodejs20.x', Handler: 'a.b', Role: ROLE, Code: { ZipFile: 42 } }),
      'SerializationException',
    ],
    [
      'POST',
      '/2015-03-31/functions',
      JSON.stringify({ FunctionName: 'x', Runtime: 'nodejs20.x', Handler: 'a.b', Role: ROLE, Code: 'zip' }),
      'SerializationException',
    ],
    [
      'POST',
      '/2015-03-31/functions',
      JSON.stringify({
        FunctionName: 'x',
        Runtime: 'nodejs20.x',
        Handler: 'a.b',
        Role: ROLE,
        Code: { ZipFile: 'UEsFBg==' },
        Environment: { Variables: { A: 1 } },
      }),
      'InvalidParameterValueException',
    ],
    ['PUT', '/2015-03-31/functions/fn/code', JSON.stringify({ ZipFile: ['x'] }), 'SerializationException'],
    ['PUT', '/2015-03-31/functions/fn/code', JSON.stringify({ ZipFile: 'bm90IGEgemlw' }), 'InvalidParameterValueException'],
    ['PUT', '/2015-03-31/functions/fn/configuration', JSON.stringify({ Timeout: 'long' }), 'InvalidParameterValueException'],
    [
      'POST',
      '/2015-03-31/functions/fn/policy',
      JSON.stringify({ StatementId: 1, Action: [], Principal: {} }),
      'InvalidParameterValueException',
    ],
    ['GET', '/2015-03-31/functions/%E0%A4%A', undefined, 'ResourceNotFoundException'],
    ['GET', '/2015-03-31/functions/fn/no-such-thing', undefined, 'UnknownOperationException'],
    ['POST', '/2015-03-31/functions/fn/aliases', '{"Name":', 'SerializationException'],
    ['POST', '/2015-03-31/functions/fn/aliases', JSON.stringify({ Name: '12', FunctionVersion: '$LATEST' }), 'ValidationException'],
    ['PUT', '/2015-03-31/functions/fn/aliases/none', JSON.stringify({ FunctionVersion: '1' }), 'ResourceNotFoundException'],
    ['POST', '/2015-03-31/functions/fn/versions', JSON.stringify({ RevisionId: 'stale' }), 'PreconditionFailedException'],
    ['POST', '/2015-03-31/functions/fn/invocations', '{"a":', 'InvalidRequestContentException'],
    ['DELETE', '/2015-03-31/functions/fn/policy/none', undefined, 'ResourceNotFoundException'],
    ['GET', '/2015-03-31/functions?MaxItems=abc', undefined, 'ValidationException'],
    ['GET', '/2015-03-31/functions?MaxItems=0', undefined, 'ValidationException'],
    [
      'PUT',
      '/2015-03-31/functions/fn/code',
      JSON.stringify({ ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', Architectures: ['sparc'] }),
      'ValidationException',
    ],
  ];
  for (const [method, path, body, code] of cases) {
    const res = await signedRequest(sb.endpoint, sb.region, method, path, body);
    assert.ok(res.status >= 400 && res.status < 500, `${method} ${path}: ${res.status}`);
    assert.equal(res.errorType, code, `${method} ${path} ${body}`);
    const json = JSON.parse(res.body) as { message?: string };
    assert.equal(typeof json.message, 'string');
  }
  const badType = await signedRequest(sb.endpoint, sb.region, 'POST', '/2015-03-31/functions/fn/invocations', '{}', {
    'X-Amz-Invocation-Type': 'Sometimes',
  });
  assert.equal(badType.errorType, 'ValidationException');
  const ok = await signedRequest(sb.endpoint, sb.region, 'POST', '/2015-03-31/functions/fn/invocations', '{}');
  assert.equal(ok.status, 200);
  assert.equal(ok.body, '1');
  assert.deepEqual(
    sandboxLog.filter((l) => l.includes('internal error')),
    [],
  );
});
