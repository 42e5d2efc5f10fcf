/**
 * New code for a function in use (hot reload): the replacement execution environment starts at once and, from the
 * second change on, adopts a standby runtime process (standby.ts). Whatever ran it, the invocation sees its own
 * function's environment and task root, reports Init Duration once, and runs the new code. Adoption is observed from
 * the handler itself: a standby's initial environment (/proc/self/environ, Linux) carries S3TRIGGER_STANDBY.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { startupSensitive } from '../../../src/sandbox/lambda/standby.js';
import { STANDBY_DELAY_MS } from '../../../src/sandbox/lambda/runner.js';
import { createFn, lambdaHarness, zipBase64, type Harness } from './helpers.js';

const procEnviron = existsSync('/proc/self/environ');
const hasRuby = spawnSync('ruby', ['--version'], { stdio: 'ignore' }).status === 0;

let h: Harness;
before(async () => {
  h = await lambdaHarness();
});
after(() => h.close());

test('startupSensitive: variables read while a runtime starts keep a function off standbys', () => {
  const cases: [Record<string, string>, boolean][] = [
    [{}, false],
    [{ STAGE: 'dev', TABLE: 't', AWS_LAMBDA_EXEC_WRAPPER: '' }, false],
    [{ NODE_OPTIONS: '--enable-source-maps' }, true],
    [{ NODE_EXTRA_CA_CERTS: '/x.pem' }, true],
    [{ PYTHONPATH: '/opt' }, true],
    [{ RUBYOPT: '-W0' }, true],
    [{ LC_ALL: 'C' }, true],
    [{ LD_PRELOAD: '/x.so' }, true],
    [{ MY_NODE_SETTING: '1' }, false],
  ];
  for (const [env, expected] of cases) assert.equal(startupSensitive(env), expected, JSON.stringify(env));
});

const NODE = (v: number) => `import { readFileSync } from 'node:fs';
export const handler = async () => ({ v: ${v}, cwd: process.cwd(), root: process.env.LAMBDA_TASK_ROOT, stage: process.env.STAGE ?? null,
  standbyVar: process.env.S3TRIGGER_STANDBY ?? null, fn: process.env.AWS_LAMBDA_FUNCTION_NAME,
  adopted: ${procEnviron} && readFileSync('/proc/self/environ', 'utf8').split('\\0').includes('S3TRIGGER_STANDBY=1') });
`;
const PY = (v: number) => `import os
def handler(event, context):
    adopted = ${procEnviron ? 'True' : 'False'} and b'S3TRIGGER_STANDBY=1' in open('/proc/self/environ', 'rb').read().split(b'\\0')
    return {'v': ${v}, 'cwd': os.getcwd(), 'root': os.environ.get('LAMBDA_TASK_ROOT'), 'stage': os.environ.get('STAGE'),
            'standbyVar': os.environ.get('S3TRIGGER_STANDBY'), 'fn': os.environ.get('AWS_LAMBDA_FUNCTION_NAME'), 'adopted': adopted}
`;
const RB = (v: number) => `def handler(event:, context:)
  adopted = ${procEnviron} && File.binread('/proc/self/environ').split("\\0").include?('S3TRIGGER_STANDBY=1')
  { v: ${v}, cwd: Dir.pwd, root: ENV['LAMBDA_TASK_ROOT'], stage: ENV['STAGE'], standbyVar: ENV['S3TRIGGER_STANDBY'],
    fn: ENV['AWS_LAMBDA_FUNCTION_NAME'], adopted: adopted }
end
`;

const RUNTIMES = [
  { runtime: 'nodejs20.x', handler: 'index.handler', file: 'index.mjs', source: NODE, skip: false },
  { runtime: 'python3.12', handler: 'app.handler', file: 'app.py', source: PY, skip: false },
  { runtime: 'ruby3.3', handler: 'function.handler', file: 'function.rb', source: RB, skip: hasRuby ? false : 'ruby not found' },
];

for (const r of RUNTIMES) {
  test(`${r.runtime}: after each code change the next invocation runs the new code in a new environment (a standby from the 2nd change)`, {
    skip: r.skip,
  }, async () => {
    const name = `standby-${r.runtime.replace(/\W/g, '')}`;
    await createFn(h, name, r.runtime, r.handler, { [r.file]: r.source(0) }, { Environment: { Variables: { STAGE: 'dev' } } });
    const cold = await h.service.functions.invoke(name, '{}');
    assert.equal(cold.status, 'success', cold.payload);
    assert.equal(JSON.parse(cold.payload).adopted, false, 'a first start is a process of its own');
    for (let v = 1; v <= 3; v++) {
      await h.service.functions.updateCode(name, { ZipFile: zipBase64({ [r.file]: r.source(v) }) }, { replace: true });
      const first = await h.service.functions.invoke(name, '{}');
      const again = await h.service.functions.invoke(name, '{}');
      assert.equal(first.status, 'success', first.payload);
      const out = JSON.parse(first.payload);
      assert.equal(out.v, v);
      assert.equal(out.stage, 'dev');
      assert.equal(out.fn, name);
      assert.equal(out.standbyVar, null, 'the standby marker is not in the function environment');
      assert.equal(out.cwd, out.root, 'runs in its task root');
      if (procEnviron) assert.equal(out.adopted, v >= 2, `change ${v}: adopted a standby`);
      assert.ok(first.initDurationMs! > 0, 'the new environment reports its Init Duration');
      assert.equal(again.initDurationMs, undefined, 'only once');
      assert.equal(JSON.parse(again.payload).v, v);
      // The standby for the next change starts STANDBY_DELAY_MS after this environment was ready (timers fire in order).
      await new Promise((r) => setTimeout(r, STANDBY_DELAY_MS * 2));
    }
  });
}

test('a function setting NODE_OPTIONS never adopts a standby (its runtime reads it while starting)', {
  skip: !procEnviron && 'no /proc',
}, async () => {
  const name = 'standby-node-options';
  await createFn(
    h,
    name,
    'nodejs20.x',
    'index.handler',
    { 'index.mjs': NODE(0) },
    {
      Environment: { Variables: { NODE_OPTIONS: '--no-deprecation' } },
    },
  );
  await h.service.functions.invoke(name, '{}');
  for (let v = 1; v <= 2; v++) {
    await h.service.functions.updateCode(name, { ZipFile: zipBase64({ 'index.mjs': NODE(v) }) }, { replace: true });
    const out = JSON.parse((await h.service.functions.invoke(name, '{}')).payload);
    assert.equal(out.v, v);
    assert.equal(out.adopted, false);
    await new Promise((r) => setTimeout(r, STANDBY_DELAY_MS * 2));
  }
});

test('a hot reload of a function never invoked starts no environment', async () => {
  const name = 'standby-unused';
  await createFn(h, name, 'nodejs20.x', 'index.handler', { 'index.mjs': NODE(0) });
  await h.service.functions.updateCode(name, { ZipFile: zipBase64({ 'index.mjs': NODE(1) }) }, { replace: true });
  assert.equal(h.service.runner.environmentCount(name), 0);
});

test("a user's UpdateFunctionCode keeps Lambda's behaviour: the warm environment goes, the next invocation starts one", async () => {
  const name = 'standby-user-update';
  await createFn(h, name, 'nodejs20.x', 'index.handler', { 'index.mjs': NODE(0) });
  await h.service.functions.invoke(name, '{}');
  assert.equal(h.service.runner.environmentCount(name), 1);
  await h.service.functions.updateCode(name, { ZipFile: zipBase64({ 'index.mjs': NODE(1) }) });
  assert.equal(h.service.runner.environmentCount(name), 0);
  const out = await h.service.functions.invoke(name, '{}');
  assert.equal(JSON.parse(out.payload).v, 1);
  assert.ok(out.initDurationMs! > 0);
});
