import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { ROLE } from './helpers.js';
import { sigV4 } from '../raw-http.js';

/** The sandbox refuses unsigned Lambda calls; any key will do. */
const SIGNED = sigV4('lambda');

let sb: Sandbox;
const sandboxLog: string[] = [];
before(async () => {
  sb = await startSandbox({ port: 0, log: (l) => sandboxLog.push(l) });
  const zip = Buffer.from(zipPackage({ 'index.mjs': 'export const handler = async () => 1;' })).toString('base64');
  const res = await fetch(`${sb.endpoint}/2015-03-31/functions`, {
    method: 'POST',
    headers: SIGNED,
    body: JSON.stringify({ FunctionName: 'fn', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip } }),
  });
  assert.equal(res.status, 201);
});
after(() => sb.close());

test('malformed requests get AWS-style 4xx errors, never a 500, and the service keeps working', async () => {
  const cases: [string, string, string | undefined, string][] = [
    ['POST', '/2015-03-31/functions', '{not json', 'SerializationException'],
    ['POST', '/2015-03-31/functions', 'null', 'SerializationException'],
    ['POST', '/2015-03-31/functions', '[1,2]', 'SerializationException'],
    ['POST', '/2015-03-31/functions', '{}', 'ValidationException'],
    ['POST', '/2015-03-31/functions', JSON.stringify({ FunctionName: 'x', Runtime: 'nodejs20.x', Handler: 'a.b', Role: ROLE, Code: { ZipFile: 42 } }), 'SerializationException'],
    ['POST', '/2015-03-31/functions', JSON.stringify({ FunctionName: 'x', Runtime: 'nodejs20.x', Handler: 'a.b', Role: ROLE, Code: 'zip' }), 'SerializationException'],
    ['POST', '/2015-03-31/functions', JSON.stringify({ FunctionName: 'x', Runtime: 'nodejs20.x', Handler: 'a.b', Role: ROLE, Code: { ZipFile: 'UEsFBg==' }, Environment: { Variables: { A: 1 } } }), 'InvalidParameterValueException'],
    ['PUT', '/2015-03-31/functions/fn/code', JSON.stringify({ ZipFile: ['x'] }), 'SerializationException'],
    ['PUT', '/2015-03-31/functions/fn/code', JSON.stringify({ ZipFile: 'bm90IGEgemlw' }), 'InvalidParameterValueException'],
    ['PUT', '/2015-03-31/functions/fn/configuration', JSON.stringify({ Timeout: 'long' }), 'InvalidParameterValueException'],
    ['POST', '/2015-03-31/functions/fn/policy', JSON.stringify({ StatementId: 1, Action: [], Principal: {} }), 'InvalidParameterValueException'],
    ['GET', '/2015-03-31/functions/%E0%A4%A', undefined, 'ResourceNotFoundException'],
    ['GET', '/2015-03-31/functions/fn/aliases', undefined, 'UnknownOperationException'],
    ['POST', '/2015-03-31/functions/fn/invocations', '{"a":', 'InvalidRequestContentException'],
    ['DELETE', '/2015-03-31/functions/fn/policy/none', undefined, 'ResourceNotFoundException'],
  ];
  for (const [method, path, body, code] of cases) {
    const res = await fetch(`${sb.endpoint}${path}`, { method, body, headers: SIGNED });
    assert.ok(res.status >= 400 && res.status < 500, `${method} ${path}: ${res.status}`);
    assert.equal(res.headers.get('x-amzn-errortype'), code, `${method} ${path} ${body}`);
    const json = (await res.json()) as { message?: string };
    assert.equal(typeof json.message, 'string');
  }
  const badType = await fetch(`${sb.endpoint}/2015-03-31/functions/fn/invocations`, { method: 'POST', headers: { ...SIGNED, 'X-Amz-Invocation-Type': 'Sometimes' }, body: '{}' });
  assert.equal(badType.headers.get('x-amzn-errortype'), 'ValidationException');
  const ok = await fetch(`${sb.endpoint}/2015-03-31/functions/fn/invocations`, { method: 'POST', body: '{}', headers: SIGNED });
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '1');
  assert.deepEqual(sandboxLog.filter((l) => l.includes('internal error')), []);
});
