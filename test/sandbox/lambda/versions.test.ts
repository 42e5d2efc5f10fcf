/**
 * Versions and aliases: the pure rules (routing weights, picking a version, runner keys, the engine's version of an
 * invocation) as tables, and the service: weighted routing over 200 invokes runs both versions, qualified references
 * resolve for the glue (S3, SNS, EventBridge, event source mappings all go through functionFor / invokeAsync).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LambdaError } from '../../../src/sandbox/lambda/errors.js';
import { checkRouting, pickVersion, runnerKey, splitRunnerKey, aliasNameError } from '../../../src/sandbox/lambda/versions/rules.js';
import { invocationVersion, startVersion } from '../../../src/observe/lambda-log.js';
import { logStreamName, startLine } from '../../../src/sandbox/lambda/log-format.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { createFn, lambdaHarness } from './helpers.js';

const arn = (v: string) => `arn:aws:lambda:eu-west-1:000000000000:function:f:${v}`;
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof LambdaError ? err.code : String(err);
  }
};

test('checkRouting: AWS’s rules for AdditionalVersionWeights', () => {
  const exists = (v: string) => ['1', '2', '3'].includes(v);
  const cases: [unknown, string, string | undefined][] = [
    [{ AdditionalVersionWeights: { '2': 0.5 } }, '1', undefined],
    [{ AdditionalVersionWeights: { '2': 0 } }, '1', undefined],
    [{ AdditionalVersionWeights: { '2': 1 } }, '1', undefined],
    [{ AdditionalVersionWeights: { '2': 1.5 } }, '1', 'ValidationException'],
    [{ AdditionalVersionWeights: { '2': -0.1 } }, '1', 'ValidationException'],
    [{ AdditionalVersionWeights: { '2': 0.1, '3': 0.1 } }, '1', 'InvalidParameterValueException'],
    [{ AdditionalVersionWeights: { '1': 0.5 } }, '1', 'InvalidParameterValueException'],
    [{ AdditionalVersionWeights: { '2': 0.5 } }, '$LATEST', 'InvalidParameterValueException'],
    [{ AdditionalVersionWeights: { $LATEST: 0.5 } }, '1', 'InvalidParameterValueException'],
    [{ AdditionalVersionWeights: { '9': 0.5 } }, '1', 'ResourceNotFoundException'],
  ];
  for (const [routing, version, code] of cases) {
    assert.equal(
      codeOf(() => checkRouting(routing, version, exists, arn)),
      code,
      JSON.stringify({ routing, version }),
    );
  }
  assert.equal(checkRouting(undefined, '1', exists, arn), undefined);
});

test('pickVersion: the additional version below its weight, the alias’s own above', () => {
  const alias = { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } } };
  assert.equal(pickVersion(alias, 0), '2');
  assert.equal(pickVersion(alias, 0.29), '2');
  assert.equal(pickVersion(alias, 0.3), '1');
  assert.equal(pickVersion(alias, 0.99), '1');
  assert.equal(pickVersion({ FunctionVersion: '4' }, 0), '4');
});

test('alias names: not all digits, [a-zA-Z0-9-_] up to 128', () => {
  for (const ok of ['live', 'prod-1', 'v_2', 'a'.repeat(128)]) assert.equal(aliasNameError(ok), undefined, ok);
  for (const bad of ['1', '42', '', 'a b', 'x:y', 'a'.repeat(129), 7])
    assert.equal(aliasNameError(bad)?.code, 'ValidationException', String(bad));
});

test('runner keys: $LATEST is the bare name, a version name:N', () => {
  assert.equal(runnerKey('f', '$LATEST'), 'f');
  assert.equal(runnerKey('f', '3'), 'f:3');
  assert.deepEqual(splitRunnerKey('f'), { name: 'f', version: '$LATEST' });
  assert.deepEqual(splitRunnerKey('f:3'), { name: 'f', version: '3' });
});

test('START line and stream name carry the version as AWS writes them', () => {
  assert.equal(startLine('id-1', '3'), 'START RequestId: id-1 Version: 3\n');
  assert.equal(startLine('id-1'), 'START RequestId: id-1 Version: $LATEST\n');
  const at = new Date('2026-01-02T03:04:05Z');
  assert.equal(logStreamName(at, 'a'.repeat(32), '3'), `2026/01/02/[3]${'a'.repeat(32)}`);
  assert.equal(logStreamName(at, 'a'.repeat(32)), `2026/01/02/[$LATEST]${'a'.repeat(32)}`);
});

test('engine: an invocation’s version from START (text or JSON), else from its stream', () => {
  const id = '3bf26a0d-2413-456b-a31c-9dfd7138c791';
  const cases: [string[], string, string | undefined][] = [
    [[`START RequestId: ${id} Version: 3\n`], '2026/01/02/[3]abc', '3'],
    [[`START RequestId: ${id} Version: $LATEST\n`], '2026/01/02/[$LATEST]abc', '$LATEST'],
    [[JSON.stringify({ time: 't', type: 'platform.start', record: { requestId: id, version: '7' } })], 'x', '7'],
    [['some app line'], '2026/01/02/[2]abc', '2'],
    [['some app line'], 'custom-stream', undefined],
  ];
  for (const [messages, logStream, want] of cases) {
    assert.equal(invocationVersion({ lines: messages.map((message) => ({ message })), logStream }), want, messages[0]);
  }
  assert.equal(startVersion([]), undefined);
});

test('weighted alias: over 200 invokes both versions run, each its own code', async () => {
  const h = await lambdaHarness();
  try {
    const fns = h.service.functions;
    const code = (tag: string) => ({ 'index.mjs': `export const handler = async () => '${tag}';` });
    await createFn(h, 'f', 'nodejs20.x', 'index.handler', code('one'));
    assert.equal(fns.versions.publish('f', {}).Version, '1');
    await fns.updateCode('f', {
      ZipFile: Buffer.from(zipPackage(code('two'))).toString('base64'),
    });
    assert.equal(fns.versions.publish('f', {}).Version, '2');
    fns.versions.createAlias('f', { Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } } });
    const seen = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const key = fns.checkInvoke('f', 'live', '{}');
      const outcome = await fns.invoke(key, '{}');
      const version = splitRunnerKey(key).version;
      assert.equal(JSON.parse(outcome.payload), version === '1' ? 'one' : 'two');
      seen.set(version, (seen.get(version) ?? 0) + 1);
    }
    assert.deepEqual([...seen.keys()].sort(), ['1', '2'], JSON.stringify([...seen]));
    // The glue's view: qualified ARNs exist and keep their qualifier for the invoke.
    assert.equal(h.service.registry.functionFor(arn('live')), 'f:live');
    assert.equal(h.service.registry.functionFor(arn('2')), 'f:2');
    assert.equal(h.service.registry.functionFor(arn('9')), undefined);
    assert.equal(h.service.registry.functionFor(arn('nope')), undefined);
    const starts = h.sink.events.filter((e) => e.message.startsWith('START '));
    assert.ok(starts.some((e) => e.message.endsWith('Version: 1\n') && /\/\[1\][0-9a-f]{32}$/.test(e.stream)));
    assert.ok(starts.some((e) => e.message.endsWith('Version: 2\n') && /\/\[2\][0-9a-f]{32}$/.test(e.stream)));
  } finally {
    await h.close();
  }
});
