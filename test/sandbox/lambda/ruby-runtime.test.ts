/** The Ruby runtime's pure parts (notice, error lines and payload) and a machine without ruby. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRubyRuntime, onceRuby, rubyErrorLines, rubyErrorPayload, rubyNotice } from '../../../src/sandbox/lambda/ruby.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handlerProblem } from '../../../src/handler-check.js';
import { parseLambdaMessage } from '../../../src/observe/lambda-log.js';
import { parseHandlerOption, runtimeFor } from '../../../src/sandbox/demo.js';
import { createFn, lambdaHarness } from './helpers.js';

test('isRubyRuntime: the ruby3.x identifiers only', () => {
  for (const [runtime, ruby] of [
    ['ruby3.2', true],
    ['ruby3.3', true],
    ['ruby3.4', true],
    ['ruby2.7', false],
    ['python3.12', false],
    ['ruby3.3.0', false],
  ] as const) {
    assert.equal(isRubyRuntime(runtime), ruby, runtime);
  }
});

test('rubyNotice: one line when the version found differs or none is found, nothing when it matches', () => {
  const cases: [string, { executable: string; version: string } | undefined, string | undefined][] = [
    ['ruby3.3', { executable: '/usr/bin/ruby3.3', version: '3.3.6' }, undefined],
    ['ruby3.2', { executable: '/usr/bin/ruby3.2', version: '3.2.0' }, undefined],
    [
      'ruby3.3',
      { executable: '/usr/bin/ruby3.1', version: '3.1.2' },
      'lambda: function fn (ruby3.3) runs on ruby 3.1.2 found on this machine',
    ],
    ['ruby3.4', { executable: '/opt/ruby', version: '3.40.1' }, 'lambda: function fn (ruby3.4) runs on ruby 3.40.1 found on this machine'],
    [
      'ruby3.4',
      undefined,
      'lambda: function fn (ruby3.4): no ruby on PATH, so its invocations fail with Runtime.InvalidEntrypoint until Ruby is installed',
    ],
  ];
  for (const [runtime, found, expected] of cases)
    assert.equal(rubyNotice('fn', runtime, found), expected, `${runtime} on ${found?.version}`);
});

test('onceRuby: the machine is asked once, a missing ruby included', () => {
  let asked = 0;
  const ruby = onceRuby(() => {
    asked += 1;
    return undefined;
  });
  assert.equal(ruby(), undefined);
  assert.equal(ruby(), undefined);
  assert.equal(asked, 1);
});

test("rubyErrorPayload / rubyErrorLines: the runtime's key order, labels and pretty JSON in one event", () => {
  const err = { errorType: 'Function<RuntimeError>', errorMessage: 'bad\ninput', trace: ["/task/f.rb:2:in `handler'"] };
  assert.equal(
    JSON.stringify(rubyErrorPayload(err)),
    '{"errorMessage":"bad\\ninput","errorType":"Function<RuntimeError>","stackTrace":["/task/f.rb:2:in `handler\'"]}',
  );
  const pretty =
    '{\r  "errorMessage": "bad\\ninput",\r  "errorType": "Function<RuntimeError>",\r  "stackTrace": [\r    "/task/f.rb:2:in `handler\'"\r  ]\r}\n';
  assert.deepEqual(rubyErrorLines(err, 'invoke'), ['Error raised from handler method\n', pretty]);
  assert.equal(rubyErrorLines(err, 'invoke', true)[0], 'Critical exception from handler\n');
  assert.equal(rubyErrorLines({ ...err, errorType: 'Init<LoadError>' }, 'init')[0], 'Init error when loading handler\n');
  const platform = { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited with error: signal: killed', trace: [] };
  assert.deepEqual(rubyErrorPayload(platform), { errorType: 'Runtime.ExitError', errorMessage: platform.errorMessage });
  assert.deepEqual(rubyErrorLines(platform, 'init'), ['Runtime.ExitError: Runtime exited with error: signal: killed\n']);
});

test('no ruby on the machine: CreateFunction is accepted with a notice, the invoke fails with Runtime.InvalidEntrypoint', async (t) => {
  const h = await lambdaHarness();
  t.after(() => h.close());
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent-s3trigger-test';
  try {
    const created = await createFn(h, 'no-ruby', 'ruby3.3', 'function.handler', { 'function.rb': "def handler(event:, context:) = 'x'\n" });
    assert.equal(created.Runtime, 'ruby3.3');
  } finally {
    process.env.PATH = path;
  }
  assert.deepEqual(h.sandboxLog, [
    'lambda: function no-ruby (ruby3.3): no ruby on PATH, so its invocations fail with Runtime.InvalidEntrypoint until Ruby is installed',
  ]);
  const outcome = await h.service.functions.invoke('no-ruby', '{}');
  assert.equal(outcome.status, 'error');
  assert.deepEqual(JSON.parse(outcome.payload), {
    errorType: 'Runtime.InvalidEntrypoint',
    errorMessage: "ruby3.3 needs ruby on the sandbox's PATH and none was found: install Ruby (Debian: apt-get install ruby)",
  });
  const log = h.sink.messages('/aws/lambda/no-ruby');
  assert.ok(
    log.some((l) => l.startsWith('Runtime.InvalidEntrypoint: ruby3.3 needs ruby')),
    log.join(''),
  );
  assert.ok(
    log.some((l) => l.startsWith('REPORT ') && l.includes('Status: error')),
    log.join(''),
  );
});

test('--handler FILE.rb[:method|:Class.method]: parsed, runtime ruby3.3 and the Lambda handler string', () => {
  const cases: [string, { file: string; func: string }, string][] = [
    ['h.rb', { file: 'h.rb', func: 'handler' }, 'h.handler'],
    ['lib/h.rb:process', { file: 'lib/h.rb', func: 'process' }, 'h.process'],
    ['h.rb:Handler.process', { file: 'h.rb', func: 'Handler.process' }, 'h.Handler.process'],
    ['h.rb:Shop::Handler.process', { file: 'h.rb', func: 'Shop::Handler.process' }, 'h.Shop::Handler.process'],
  ];
  for (const [option, parsed, handler] of cases) {
    assert.deepEqual(parseHandlerOption(option), parsed, option);
    assert.deepEqual(runtimeFor(parsed.file, parsed.func), { runtime: 'ruby3.3', handler }, option);
  }
  assert.throws(() => runtimeFor('h.py', 'Handler.process'), /Class\.method handlers are for \.rb files/);
});

test('--handler FILE.rb:…: a name the file never mentions is refused before anything runs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-ruby-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ran = join(dir, 'ran');
  const file = join(dir, 'h.rb');
  writeFileSync(
    file,
    `File.write(${JSON.stringify(ran)}, 'x')\nclass Handler\n  def self.process(event:, context:) = 1\nend\ndef handler(event:, context:) = 2\n`,
  );
  for (const [func, ok] of [
    ['handler', true],
    ['Handler.process', true],
    ['process', true],
    ['Handler.run', false],
    ['Other.process', false],
    ['handle', false],
  ] as const) {
    const problem = await handlerProblem(`${file}:${func}`);
    assert.equal(problem === undefined, ok, `${func}: ${problem}`);
    if (!ok)
      assert.equal(
        problem,
        `--handler ${file}:${func}: h.rb defines no function '${func}': name one it exports after the colon (default: handler)`,
      );
  }
  assert.equal(await handlerProblem(join(dir, 'missing.rb')), undefined, 'an unreadable file is left to the sandbox');
  assert.ok(!existsSync(ran), 'the file is not run');
});

test("the engine reads the Ruby runtime's error lines: the label is an error line, the error object fails the invocation", () => {
  const [label, object] = rubyErrorLines(
    { errorType: 'Function<ArgumentError>', errorMessage: 'boom', trace: ["/task/raises.rb:3:in `handler'"] },
    'invoke',
  );
  assert.deepEqual(parseLambdaMessage(label!), { kind: 'error', level: 'ERROR', text: 'Error raised from handler method' });
  assert.deepEqual(parseLambdaMessage(object!), { kind: 'error', level: 'ERROR', text: object!.trimEnd(), outcome: 'failed' });
  const [, init] = rubyErrorLines({ errorType: 'Init<LoadError>', errorMessage: 'cannot load such file -- x', trace: [] }, 'init');
  assert.equal(parseLambdaMessage(init!).outcome, 'failed');
  for (const plain of [
    '{"errorType":"Error","errorMessage":"a JSON line a handler printed"}',
    'Error raised from handler method, said the user',
  ]) {
    assert.equal(parseLambdaMessage(plain).outcome, undefined, plain);
  }
});

test('gems vendored under vendor/bundle/ruby/3.3.0 load, as from the GEM_PATH of the ruby3.3 runtime', async (t) => {
  if (spawnSync('ruby', ['-e', '1']).status !== 0) return t.skip('ruby not found on PATH (Debian: apt-get install ruby)');
  const h = await lambdaHarness();
  t.after(() => h.close());
  const root = join(import.meta.dirname, '..', '..', 'fixtures', 'ruby', 'vendored');
  const gem = 'vendor/bundle/ruby/3.3.0';
  const files = [
    'app.rb',
    `${gem}/specifications/s3trigger_fake_gem-1.0.0.gemspec`,
    `${gem}/gems/s3trigger_fake_gem-1.0.0/lib/s3trigger_fake_gem.rb`,
  ];
  await createFn(h, 'vendored', 'ruby3.3', 'app.handler', Object.fromEntries(files.map((f) => [f, readFileSync(join(root, f), 'utf8')])));
  const outcome = await h.service.functions.invoke('vendored', '{}');
  assert.equal(outcome.status, 'success', outcome.payload);
  assert.equal(JSON.parse(outcome.payload), 'hello from a vendored gem');
});
