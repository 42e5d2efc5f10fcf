import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { ROLE, errorOf } from './helpers.js';
import { buildZip, deflatedZeros, signedRequest } from './wire.js';

let sb: Sandbox;
let lambda: LambdaClient;
let outside: string;
const sandboxLog: string[] = [];
before(async () => {
  sb = await startSandbox({ port: 0, log: (l) => sandboxLog.push(l) });
  lambda = new LambdaClient({
    endpoint: sb.endpoint,
    region: sb.region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  outside = mkdtempSync(join(tmpdir(), 's3trigger-lambda-outside-'));
});
after(async () => {
  lambda.destroy();
  await sb.close();
  rmSync(outside, { recursive: true, force: true });
});

const nodeZip = zipPackage({ 'index.mjs': `export const handler = async () => process.env.GREETING ?? 'none';` });
const functionsDir = () => join(sb.context.dataDir, 'lambda');
/** Every path under the functions folder (symlinks not followed): a rejected request must not change it. */
function entries(dir = functionsDir(), prefix = ''): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (prefix === '' && d.name === '.runtime') continue;
    out.push(`${prefix}${d.name}`);
    if (d.isDirectory()) out.push(...entries(join(dir, d.name), `${prefix}${d.name}/`));
  }
  return out.sort();
}

function createInput(name: string, extra: Partial<CreateFunctionCommandInput> = {}): CreateFunctionCommandInput {
  return { FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: nodeZip }, ...extra };
}

const invokeText = async (name: string) => {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name }));
  return { error: out.FunctionError, payload: Buffer.from(out.Payload ?? []).toString('utf8') };
};

test('UpdateFunctionConfiguration with JSON nulls treats them as absent members (not a 500)', async () => {
  await lambda.send(new CreateFunctionCommand(createInput('nulls', { Environment: { Variables: { GREETING: 'hi' } } })));
  const path = '/2015-03-31/functions/nulls/configuration';
  for (const body of [
    '{"Environment":null}',
    '{"Environment":{"Variables":null},"Timeout":null}',
    '{"EphemeralStorage":null,"Description":null}',
  ]) {
    const res = await signedRequest(sb.endpoint, sb.region, 'PUT', path, body);
    assert.equal(res.status, 200, `${body}: ${res.status} ${res.body}`);
  }
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'nulls' }));
  assert.equal(config.Timeout, 3);
  assert.equal(config.Description, '');
  assert.deepEqual(config.Environment?.Variables, {});
});

test('an environment value with a NUL byte is refused at create and update; nothing is left behind', async () => {
  const before = entries();
  const created = await errorOf(
    lambda.send(new CreateFunctionCommand(createInput('nul-env', { Environment: { Variables: { GREETING: 'a\u0000b' } } }))),
  );
  assert.equal(created.name, 'ValidationException');
  assert.equal(created.status, 400);
  assert.deepEqual(entries(), before);
  await lambda.send(new CreateFunctionCommand(createInput('nul-env-update')));
  const updated = await errorOf(
    lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'nul-env-update', Environment: { Variables: { GREETING: '\u0000' } } }),
    ),
  );
  assert.equal(updated.name, 'ValidationException');
  assert.deepEqual(await invokeText('nul-env-update'), { error: undefined, payload: '"none"' });
});

test('environment variable names and types, Architectures and EphemeralStorage are validated as AWS does', async () => {
  const badKeys = await errorOf(
    lambda.send(new CreateFunctionCommand(createInput('env-keys', { Environment: { Variables: { 'A=B': 'x' } } }))),
  );
  assert.equal(badKeys.name, 'ValidationException');
  assert.equal(
    badKeys.message,
    "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
  );
  for (const key of ['A', '1AB', '', 'A-B']) {
    const e = await errorOf(
      lambda.send(new CreateFunctionCommand(createInput('env-keys', { Environment: { Variables: { [key]: 'x' } } }))),
    );
    assert.equal(e.name, 'ValidationException', key);
  }
  const cases: [Partial<CreateFunctionCommandInput>, string, RegExp][] = [
    [
      { Architectures: ['sparc' as never] },
      'ValidationException',
      /Value '\[sparc\]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy enum value set: \[x86_64, arm64\]\]/,
    ],
    [
      { Architectures: ['x86_64', 'arm64'] },
      'ValidationException',
      /at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1/,
    ],
    [
      { Architectures: [] },
      'ValidationException',
      /at 'architectures' failed to satisfy constraint: Member must have length greater than or equal to 1/,
    ],
    [
      { EphemeralStorage: { Size: 100 } },
      'ValidationException',
      /Value '100' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value greater than or equal to 512/,
    ],
    [
      { EphemeralStorage: { Size: 20480 } },
      'ValidationException',
      /Value '20480' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value less than or equal to 10240/,
    ],
    [
      { Handler: `${'a'.repeat(126)}.handler` },
      'ValidationException',
      /at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128/,
    ],
  ];
  for (const [extra, name, message] of cases) {
    const e = await errorOf(lambda.send(new CreateFunctionCommand(createInput('settings', extra))));
    assert.deepEqual([e.name, e.status], [name, 400], JSON.stringify(extra));
    assert.match(e.message, message);
  }
  const ok = await lambda.send(
    new CreateFunctionCommand(createInput('settings-ok', { Architectures: ['arm64'], EphemeralStorage: { Size: 1024 } })),
  );
  assert.deepEqual([ok.Architectures, ok.EphemeralStorage], [['arm64'], { Size: 1024 }]);
  const updated = await lambda.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: 'settings-ok', EphemeralStorage: { Size: 2048 } }),
  );
  assert.deepEqual(updated.EphemeralStorage, { Size: 2048 });
  const badUpdate = await errorOf(
    lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'settings-ok', EphemeralStorage: { Size: 10241 } })),
  );
  assert.equal(badUpdate.name, 'ValidationException');

  // Wrong JSON types, which no SDK would send: a 400 naming the member, never a 500 or a stored oddity.
  const base = {
    FunctionName: 'typed',
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: ROLE,
    Code: { ZipFile: Buffer.from(nodeZip).toString('base64') },
  };
  const typeCases: [object, string][] = [
    [{ Environment: { Variables: ['A', 'B'] } }, 'environment.variables'],
    [{ Environment: { Variables: 'A=B' } }, 'environment.variables'],
    [{ Environment: 'A=B' }, 'environment'],
    [{ Architectures: 'arm64' }, 'architectures'],
    [{ Architectures: [7] }, 'architectures'],
    [{ EphemeralStorage: 1024 }, 'ephemeralStorage'],
    [{ EphemeralStorage: { Size: 'big' } }, 'ephemeralStorage.size'],
    [{ EphemeralStorage: {} }, 'ephemeralStorage.size'],
  ];
  for (const [patch, member] of typeCases) {
    const res = await signedRequest(sb.endpoint, sb.region, 'POST', '/2015-03-31/functions', JSON.stringify({ ...base, ...patch }));
    assert.equal(res.status, 400, `${JSON.stringify(patch)}: ${res.status} ${res.body}`);
    assert.match(res.errorType ?? '', /^(SerializationException|ValidationException)$/, JSON.stringify(patch));
    assert.ok((JSON.parse(res.body) as { message: string }).message.includes(member), res.body);
  }
  const update = await signedRequest(
    sb.endpoint,
    sb.region,
    'PUT',
    '/2015-03-31/functions/settings-ok/configuration',
    '{"Environment":{"Variables":[1]}}',
  );
  assert.equal(update.status, 400);
  assert.deepEqual(
    readdirSync(functionsDir()).filter((n) => ['env-keys', 'settings', 'typed'].includes(n)),
    [],
  );
});

test('the AWS CLI gets the ValidationException for an invalid environment variable name', async (t) => {
  const { execFile } = await import('node:child_process');
  const cli = (process.env.PATH ?? '')
    .split(':')
    .map((p) => join(p, 'aws'))
    .find((p) => p && existsSync(p));
  if (!cli) return t.skip('aws CLI not found on PATH');
  const home = mkdtempSync(join(tmpdir(), 's3trigger-lambda-cli-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  writeFileSync(join(home, 'fn.zip'), nodeZip);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: sb.region,
    AWS_CONFIG_FILE: join(home, 'c'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'c'),
    AWS_PAGER: '',
  };
  const args = [
    '--endpoint-url',
    sb.endpoint,
    'lambda',
    'create-function',
    '--function-name',
    'cli-env',
    '--runtime',
    'nodejs20.x',
    '--handler',
    'index.handler',
    '--role',
    ROLE,
    '--zip-file',
    'fileb://fn.zip',
    '--environment',
    'Variables={BAD-NAME=x}',
  ];
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = execFile(cli, args, { env, cwd: home, timeout: 60_000 }, (err, _stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
    child.stdin?.end();
  });
  assert.notEqual(result.code, 0);
  assert.match(
    result.stderr,
    /\(ValidationException\) when calling the CreateFunction operation: 1 validation error detected: Value at 'environment\.variables'/,
  );
  assert.ok(!entries().some((e) => e.startsWith('cli-env')));
});

test('zips whose entries cannot be laid out are refused with 400, and leave no code directory', async () => {
  const before = entries();
  const layouts: Record<string, string>[] = [
    { 'index.mjs': 'x', lnk: '/etc', 'lnk/x': 'y' },
    { 'index.mjs': 'x', a: '1', 'a/b': '2' },
    { 'index.mjs': 'x', 'a/b': '2', a: '1' },
    { 'index.mjs': 'x', [`${'n'.repeat(300)}.js`]: 'long' },
  ];
  for (const files of layouts) {
    const e = await errorOf(lambda.send(new CreateFunctionCommand(createInput('layout', { Code: { ZipFile: zipPackage(files) } }))));
    assert.deepEqual(
      [e.name, e.status, e.message],
      ['InvalidParameterValueException', 400, 'Could not unzip uploaded file. Please check your file, then try to upload again.'],
      Object.keys(files).join(','),
    );
    assert.deepEqual(entries(), before, Object.keys(files).join(','));
  }
  await lambda.send(new CreateFunctionCommand(createInput('layout-update')));
  const after = entries();
  for (const files of layouts) {
    const e = await errorOf(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'layout-update', ZipFile: zipPackage(files) })));
    assert.equal(e.name, 'InvalidParameterValueException');
  }
  assert.deepEqual(readdirSync(join(functionsDir(), 'layout-update')).sort(), ['code', 'code.zip', 'function.json', 'node_modules']);
  assert.deepEqual(entries(), after);
  assert.deepEqual(await invokeText('layout-update'), { error: undefined, payload: '"none"' });
});

test('zip bombs stop at 262144000 unzipped bytes while unpacking, in bounded memory and time', async () => {
  const before = entries();
  const mib = 300;
  const data = deflatedZeros(mib);
  const honest = buildZip([
    { name: 'index.mjs', method: 0, data: Buffer.from('export const handler = async () => 1;'), size: 37 },
    { name: 'zeros.bin', method: 8, data, size: mib << 20 },
  ]);
  // A lying bomb: its headers say 1000 bytes; only inflating it tells.
  const lying = buildZip([{ name: 'index.mjs', method: 8, data, size: 1000 }]);
  // Many entries, each small enough, together over the limit.
  const chunk = deflatedZeros(30);
  const spread = buildZip(
    Array.from({ length: 10 }, (_, i) => ({ name: `part${i}.bin`, method: 8 as const, data: chunk, size: 30 << 20 })),
  );
  assert.ok(honest.length < 1_000_000 && lying.length < 1_000_000);
  for (const [label, zip, message] of [
    ['honest', honest, /^Unzipped size must be smaller than 262144000 bytes$/],
    [
      'lying',
      lying,
      /^(Unzipped size must be smaller than 262144000 bytes|Could not unzip uploaded file\. Please check your file, then try to upload again\.)$/,
    ],
    ['spread', spread, /^Unzipped size must be smaller than 262144000 bytes$/],
  ] as const) {
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const e = await errorOf(lambda.send(new CreateFunctionCommand(createInput('bomb', { Code: { ZipFile: zip } }))));
    const ms = performance.now() - started;
    const grownMB = (process.memoryUsage().rss - rssBefore) / 1048576;
    console.log(`# ${label} bomb (${zip.length} bytes zipped): ${e.name} in ${ms.toFixed(0)} ms, RSS +${grownMB.toFixed(0)} MB`);
    assert.deepEqual([e.name, e.status], ['InvalidParameterValueException', 400], label);
    assert.match(e.message, message, label);
    assert.ok(grownMB < 100, `${label}: RSS grew ${grownMB.toFixed(0)} MB`);
    assert.deepEqual(entries(), before, label);
  }
  await lambda.send(new CreateFunctionCommand(createInput('bomb-update')));
  const e = await errorOf(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'bomb-update', ZipFile: lying })));
  assert.equal(e.name, 'InvalidParameterValueException');
  assert.deepEqual(await invokeText('bomb-update'), { error: undefined, payload: '"none"' });
});

test('a direct upload over 50 MB zipped is RequestEntityTooLargeException (413)', async () => {
  const big = Buffer.alloc(52_428_801, 1);
  const e = await errorOf(lambda.send(new CreateFunctionCommand(createInput('too-big', { Code: { ZipFile: big } }))));
  assert.deepEqual(
    [e.name, e.status, e.message],
    ['RequestEntityTooLargeException', 413, 'Zipped size must be smaller than 52428800 bytes'],
  );
  assert.ok(!entries().some((e) => e.startsWith('too-big')));
});

test('a handler outside the task root is never loaded, in node and python', async () => {
  const marker = join(outside, 'ran');
  writeFileSync(
    join(outside, 'evil.mjs'),
    `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x'); export const handler = async () => 'escaped';`,
  );
  writeFileSync(
    join(outside, 'evil.js'),
    `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x'); exports.handler = async () => 'escaped';`,
  );
  writeFileSync(
    join(outside, 'evil.py'),
    `open(${JSON.stringify(marker)}, 'w').write('x')\ndef handler(event, context):\n    return 'escaped'\n`,
  );
  const up = '../'.repeat(20);
  const cases: [string, string, string][] = [
    ['escape-node', 'nodejs20.x', `${up}${outside.slice(1)}/evil.handler`],
    ['escape-node-abs', 'nodejs20.x', `${outside}/evil.handler`],
    ['escape-py', 'python3.12', `${up}${outside.slice(1)}/evil.handler`],
    ['escape-py-abs', 'python3.12', `${outside}/evil.handler`],
    ['escape-py-stdlib', 'python3.12', 'os.getcwd'],
  ];
  for (const [name, runtime, handler] of cases) {
    await lambda.send(
      new CreateFunctionCommand(
        createInput(name, {
          Runtime: runtime as never,
          Handler: handler,
          Code: {
            ZipFile: zipPackage({ 'index.mjs': 'export const handler = async () => 1;', 'app.py': 'def handler(e, c):\n    return 1\n' }),
          },
        }),
      ),
    );
    const out = await invokeText(name);
    assert.equal(out.error, 'Unhandled', `${name}: ${out.payload}`);
    assert.match(out.payload, /Runtime\.(ImportModuleError|MalformedHandlerName)/, name);
    assert.ok(!out.payload.includes('escaped'));
    assert.equal(existsSync(marker), false, `${name} ran code outside the task root`);
  }
  // Modules inside the task root, also in sub-folders, still load.
  await lambda.send(
    new CreateFunctionCommand(
      createInput('inside-py', {
        Runtime: 'python3.12',
        Handler: 'pkg/app.handler',
        Code: { ZipFile: zipPackage({ 'pkg/__init__.py': '', 'pkg/app.py': 'def handler(e, c):\n    return "inside"\n' }) },
      }),
    ),
  );
  assert.deepEqual(await invokeText('inside-py'), { error: undefined, payload: '"inside"' });
  await lambda.send(
    new CreateFunctionCommand(
      createInput('inside-py-dash', {
        Runtime: 'python3.12',
        Handler: 'lambda-function.handler',
        Code: { ZipFile: zipPackage({ 'lambda-function.py': 'def handler(e, c):\n    return "dash"\n' }) },
      }),
    ),
  );
  assert.deepEqual(await invokeText('inside-py-dash'), { error: undefined, payload: '"dash"' });
  await lambda.send(
    new CreateFunctionCommand(
      createInput('inside-node', {
        Handler: 'src/app.handler',
        Code: { ZipFile: zipPackage({ 'src/app.mjs': 'export const handler = async () => "inside";' }) },
      }),
    ),
  );
  assert.deepEqual(await invokeText('inside-node'), { error: undefined, payload: '"inside"' });
});

test('Invoke racing DeleteFunction answers 200 or 404 ResourceNotFoundException, never a 500', async () => {
  const outcomes: string[] = [];
  for (let round = 0; round < 14; round++) {
    const name = `race-${round}`;
    await lambda.send(new CreateFunctionCommand(createInput(name)));
    const invoke = lambda.send(new InvokeCommand({ FunctionName: name })).then(
      () => '200',
      (err: Error & { $metadata?: { httpStatusCode?: number } }) => `${err.$metadata?.httpStatusCode} ${err.name}`,
    );
    await new Promise((r) => setTimeout(r, round % 4));
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    outcomes.push(await invoke);
  }
  for (const o of outcomes) assert.match(o, /^(200|404 ResourceNotFoundException)$/, outcomes.join(', '));
  assert.deepEqual(
    sandboxLog.filter((l) => l.includes('internal error')),
    [],
  );
});

test('a Qualifier that names no version is 404 for Get, GetConfiguration, Delete and policy calls; Delete then deletes nothing', async () => {
  await lambda.send(new CreateFunctionCommand(createInput('qualified')));
  const calls: [string, Promise<unknown>][] = [
    ['GetFunction', lambda.send(new GetFunctionCommand({ FunctionName: 'qualified', Qualifier: '1' }))],
    ['GetFunctionConfiguration', lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'qualified', Qualifier: 'prod' }))],
    ['DeleteFunction', lambda.send(new DeleteFunctionCommand({ FunctionName: 'qualified', Qualifier: '1' }))],
    ['GetPolicy', lambda.send(new GetPolicyCommand({ FunctionName: 'qualified', Qualifier: '7' }))],
  ];
  for (const [op, call] of calls) {
    const e = await errorOf(call);
    assert.deepEqual([e.name, e.status], ['ResourceNotFoundException', 404], op);
  }
  assert.deepEqual(await invokeText('qualified'), { error: undefined, payload: '"none"' });
  const latest = await lambda.send(new GetFunctionCommand({ FunctionName: 'qualified', Qualifier: '$LATEST' }));
  assert.equal(latest.Configuration?.FunctionName, 'qualified');
});

test('settings the sandbox could store but never run, or return with the wrong type, are refused at create and update', async () => {
  const nulHandler = await errorOf(lambda.send(new CreateFunctionCommand(createInput('nul-handler', { Handler: 'index.handler\u0000' }))));
  assert.equal(nulHandler.name, 'ValidationException');
  await lambda.send(new CreateFunctionCommand(createInput('settings-update')));
  const role = await errorOf(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'settings-update', Role: 'x' })));
  assert.equal(role.name, 'ValidationException');
  for (const body of ['{"Description":{"a":1}}', '{"Description":5}']) {
    const res = await signedRequest(sb.endpoint, sb.region, 'PUT', '/2015-03-31/functions/settings-update/configuration', body);
    assert.deepEqual([res.status, res.errorType], [400, 'SerializationException'], body);
  }
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'settings-update' }));
  assert.deepEqual([config.Role, config.Description], [ROLE, '']);
  assert.deepEqual(await invokeText('settings-update'), { error: undefined, payload: '"none"' });
  assert.ok(!entries().some((e) => e.startsWith('nul-handler')));
});

test('a stored function the runtime cannot start (a NUL in an environment value from an older data dir) fails its Invoke as a function error, not a 500', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-lambda-data-'));
  try {
    const first = await startSandbox({ port: 0, dataDir });
    const client = new LambdaClient({
      endpoint: first.endpoint,
      region: first.region,
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await client.send(new CreateFunctionCommand(createInput('legacy', { Environment: { Variables: { GREETING: 'hi' } } })));
    client.destroy();
    await first.close();
    const file = join(dataDir, 'lambda', 'legacy', 'function.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"GREETING": "hi"', '"GREETING": "h\\u0000i"'));
    const second = await startSandbox({ port: 0, dataDir });
    const again = new LambdaClient({
      endpoint: second.endpoint,
      region: second.region,
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      const out = await again.send(new InvokeCommand({ FunctionName: 'legacy' }));
      assert.equal(out.StatusCode, 200);
      assert.equal(out.FunctionError, 'Unhandled');
      const payload = Buffer.from(out.Payload ?? []).toString('utf8');
      assert.match(payload, /Runtime\.ExitError/);
      assert.ok(!payload.includes('h\\u0000i'), 'the value is not echoed');
    } finally {
      again.destroy();
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
