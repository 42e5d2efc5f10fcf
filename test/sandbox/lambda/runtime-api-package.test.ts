/**
 * What a provided runtime needs from a package: the zip's Unix modes read (zip-reader.ts) and honoured on unpack
 * (zip.ts), the bootstrap checked as Lambda's init checks it (runtimes/index.ts), and `--handler` taking a bootstrap
 * executable or a folder holding one (provided-package.ts, handler-check.ts).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handlerProblem } from '../../../src/handler-check.js';
import { validateCreate, validateUpdateConfiguration } from '../../../src/sandbox/lambda/function-config.js';
import { providedBootstrap, runtimeFamily } from '../../../src/sandbox/lambda/runtimes/index.js';
import { readCentralDirectory } from '../../../src/sandbox/lambda/zip-reader.js';
import { extractPackage, unpackedFileMode, unzipPackage, zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { providedHandler, providedPackage } from '../../../src/sandbox/provided-package.js';

const dir = mkdtempSync(join(tmpdir(), 's3trigger-provided-pkg-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('unpackedFileMode: executable only when the zip lets others execute it (Lambda runs code as another user)', () => {
  const cases: [number | undefined, number][] = [
    [0o100755, 0o755],
    [0o100775, 0o755],
    [0o100711, 0o755],
    [0o100744, 0o644],
    [0o100700, 0o644],
    [0o100644, 0o644],
    [undefined, 0o644], // a Windows zip: no Unix mode
  ];
  for (const [unixMode, expected] of cases) {
    assert.equal(unpackedFileMode(unixMode === undefined ? {} : { unixMode }), expected, (unixMode ?? 0).toString(8));
  }
});

test('readCentralDirectory: the Unix mode of an archive made on Unix (zipPackage with modes, and Info-ZIP zip)', async () => {
  const zip = zipPackage({ bootstrap: { content: '#!/bin/sh\n', mode: 0o755 }, 'data.txt': 'x' });
  const [boot, data] = readCentralDirectory(zip);
  assert.equal(boot!.unixMode, 0o100755);
  assert.equal(data!.unixMode, undefined, 'no mode given: none recorded');
  const out = join(dir, 'unpacked');
  await extractPackage(zip, out);
  assert.equal(statSync(join(out, 'bootstrap')).mode & 0o777, 0o755);
  assert.equal(statSync(join(out, 'data.txt')).mode & 0o777, 0o644);
  assert.deepEqual(unzipPackage(zip).ok, true);

  const src = join(dir, 'info-zip');
  mkdirSync(src);
  writeFileSync(join(src, 'bootstrap'), '#!/bin/sh\n');
  chmodSync(join(src, 'bootstrap'), 0o755);
  try {
    execFileSync('zip', ['-q', '-j', join(dir, 'info.zip'), join(src, 'bootstrap')]);
  } catch {
    return; // no zip CLI: the fflate archive above covered the same bits
  }
  const [entry] = readCentralDirectory(new Uint8Array(readFileSync(join(dir, 'info.zip'))));
  assert.equal(entry!.unixMode! & 0o777, 0o755);
});

test('providedBootstrap: missing, not executable, executable — as Lambda init reports them', () => {
  const root = join(dir, 'task');
  mkdirSync(root);
  const missing = providedBootstrap(root);
  assert.deepEqual(
    missing.ok ? undefined : missing.error.errorMessage,
    `Couldn't find valid bootstrap(s): [${root}/bootstrap /opt/bootstrap]`,
  );
  writeFileSync(join(root, 'bootstrap'), '#!/bin/sh\n');
  chmodSync(join(root, 'bootstrap'), 0o644);
  const denied = providedBootstrap(root);
  assert.deepEqual(denied.ok ? undefined : denied.error, {
    errorType: 'Runtime.InvalidEntrypoint',
    errorMessage: `fork/exec ${root}/bootstrap: permission denied`,
    trace: [],
  });
  chmodSync(join(root, 'bootstrap'), 0o755);
  assert.deepEqual(providedBootstrap(root), { ok: true, path: join(root, 'bootstrap') });
});

test('runtimeFamily: each runtime to its transport; only the custom runtime owns its error payloads', () => {
  const table: [string, boolean][] = [
    ['nodejs20.x', false],
    ['python3.12', false],
    ['provided.al2023', true],
    ['provided.al2', true],
  ];
  for (const [runtime, owns] of table) assert.equal(runtimeFamily(runtime).ownsErrorPayload, owns, runtime);
  assert.equal(
    runtimeFamily('provided.al2023').errorLine(undefined, { errorType: 'E', errorMessage: 'm', trace: [] }, 'invoke'),
    undefined,
  );
});

test('--handler: a bootstrap executable, any extensionless executable, or a folder holding one is a custom runtime', async () => {
  const exe = (name: string, mode: number) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, mode);
    return path;
  };
  const boot = exe('h1/bootstrap', 0o755);
  const named = exe('h2/my-function', 0o755);
  const plain = exe('h3/bootstrap', 0o644);
  exe('h4/bootstrap', 0o755);
  writeFileSync(join(dir, 'h4', 'config.json'), '{}');
  mkdirSync(join(dir, 'h5'));
  const js = exe('h6/index.js', 0o755);
  const cases: [string, unknown][] = [
    [boot, { bootstrap: boot }],
    [named, { bootstrap: named }],
    [plain, { problem: `--handler ${plain}: bootstrap is not executable: chmod +x it` }],
    [join(dir, 'h4'), { dir: join(dir, 'h4') }],
    [join(dir, 'h5'), { problem: `--handler ${join(dir, 'h5')}: the folder holds no bootstrap file (a custom runtime's executable)` }],
    [js, undefined],
    [join(dir, 'nothing-here'), undefined],
  ];
  for (const [option, expected] of cases) assert.deepEqual(providedHandler(option), expected, option);
  assert.equal(await handlerProblem(boot), undefined);
  assert.equal(await handlerProblem(plain), `--handler ${plain}: bootstrap is not executable: chmod +x it`);

  const single = providedPackage(named)!;
  assert.equal(single.runtime, 'provided.al2023');
  assert.equal(single.handler, 'bootstrap');
  assert.deepEqual(
    readCentralDirectory(single.zip).map((e) => [e.name, e.unixMode]),
    [['bootstrap', 0o100755]],
  );
  const folder = providedPackage(join(dir, 'h4'))!;
  assert.deepEqual(
    readCentralDirectory(folder.zip)
      .map((e) => [e.name, e.unixMode])
      .sort(),
    [
      ['bootstrap', 0o100755],
      ['config.json', 0o100644],
    ],
  );
  assert.throws(() => providedPackage(plain), /bootstrap is not executable/);
});

test('CreateFunction / UpdateFunctionConfiguration: provided runtimes, a dotless handler for them only, a reserved AWS_LAMBDA_RUNTIME_API', () => {
  const ok = {
    FunctionName: 'f',
    Runtime: 'provided.al2023' as const,
    Handler: 'bootstrap',
    Role: 'arn:aws:iam::000000000000:role/r',
    Code: { ZipFile: 'UEs=' },
  };
  const cases: [object, string | undefined][] = [
    [{}, undefined],
    [{ Runtime: 'provided.al2' }, undefined],
    [{ Handler: 'not.used' }, undefined],
    [{ Runtime: 'provided' }, 'InvalidParameterValueException'], // the Amazon Linux 1 runtime, deprecated
    [{ Runtime: 'go1.x' }, 'InvalidParameterValueException'],
    [{ Runtime: 'nodejs20.x' }, 'ValidationException'], // `bootstrap` is no module.function
    [{ Environment: { Variables: { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:1' } } }, 'InvalidParameterValueException'],
  ];
  for (const [patch, code] of cases) assert.equal(validateCreate({ ...ok, ...patch } as never)?.code, code, JSON.stringify(patch));
  assert.equal(validateUpdateConfiguration({ FunctionName: 'f', Handler: 'bootstrap' }, { Runtime: 'provided.al2023' }), undefined);
  assert.equal(
    validateUpdateConfiguration({ FunctionName: 'f', Handler: 'bootstrap' }, { Runtime: 'nodejs20.x' })?.code,
    'ValidationException',
  );
});
