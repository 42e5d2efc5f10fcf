/**
 * Versions and aliases through AWS CLI v2 against the sandbox: publish-version, list-versions-by-function,
 * create/get/update/list/delete-alias, invoke with --qualifier (each version runs its own code, X-Amz-Executed-Version
 * says which), weighted routing, AWS's errors, and everything kept across a restart with a data dir.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { awsCliEnv, findCli } from '../../aws-cli.js';
import { ROLE } from './helpers.js';

const run = promisify(execFile);
const cli = await findCli('/usr/bin/aws', '2');
const skip = !cli && 'AWS CLI v2 (/usr/bin/aws) not found';
const home = mkdtempSync(join(tmpdir(), 's3trigger-versions-cli-'));
const dataDir = join(home, 'data');
let sandbox: Sandbox;

async function aws(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(cli!, [...args, '--endpoint-url', sandbox.endpoint, '--output', 'json'], {
    env: awsCliEnv(home, sandbox.region),
  });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
}

/** The CLI's stderr for a call that must fail (it throws otherwise). */
async function awsFails(...args: string[]): Promise<string> {
  try {
    await aws(...args);
  } catch (err) {
    return String((err as { stderr?: string }).stderr);
  }
  throw new Error(`aws ${args.join(' ')} succeeded`);
}

function zipFile(tag: string): string {
  const path = join(home, `${tag}.zip`);
  writeFileSync(
    path,
    zipPackage({ 'index.mjs': `export const handler = async () => { console.log('code ${tag}'); return { code: '${tag}' }; };` }),
  );
  return path;
}

/** Invokes `f` (with a qualifier) and returns the payload's `code` and the executed version. */
async function invoke(qualifier?: string): Promise<{ code: string; version: string }> {
  const out = join(home, `out-${Math.random()}.json`);
  const meta = await aws('lambda', 'invoke', '--function-name', 'f', ...(qualifier ? ['--qualifier', qualifier] : []), out);
  const payload = JSON.parse(readFileSync(out, 'utf8')) as { code: string };
  return { code: payload.code, version: String(meta.ExecutedVersion) };
}

before(async () => {
  if (skip) return;
  sandbox = await startSandbox({ port: 0, dataDir });
});
after(async () => {
  await sandbox?.close();
  rmSync(home, { recursive: true, force: true });
});

test('publish-version snapshots the code; aliases route; errors as AWS answers them; kept across restart', { skip }, async () => {
  await aws(
    'lambda',
    'create-function',
    '--function-name',
    'f',
    '--runtime',
    'nodejs20.x',
    '--handler',
    'index.handler',
    '--role',
    ROLE,
    '--zip-file',
    `fileb://${zipFile('one')}`,
  );
  const v1 = await aws('lambda', 'publish-version', '--function-name', 'f', '--description', 'first');
  assert.equal(v1.Version, '1');
  assert.match(String(v1.FunctionArn), /:function:f:1$/);
  assert.equal(v1.Description, 'first');
  // Nothing changed: AWS returns the same version.
  assert.equal((await aws('lambda', 'publish-version', '--function-name', 'f')).Version, '1');
  const updated = await aws('lambda', 'update-function-code', '--function-name', 'f', '--zip-file', `fileb://${zipFile('two')}`);
  // A CodeSha256 that is not $LATEST's is refused.
  assert.match(
    await awsFails('lambda', 'publish-version', '--function-name', 'f', '--code-sha256', 'bm90LXRoZS1zaGE='),
    /InvalidParameterValueException/,
  );
  assert.match(
    await awsFails('lambda', 'publish-version', '--function-name', 'f', '--revision-id', 'stale'),
    /PreconditionFailedException/,
  );
  const v2 = await aws('lambda', 'publish-version', '--function-name', 'f', '--code-sha256', String(updated.CodeSha256));
  assert.equal(v2.Version, '2');

  const versions = (await aws('lambda', 'list-versions-by-function', '--function-name', 'f')).Versions as {
    Version: string;
    FunctionArn: string;
  }[];
  assert.deepEqual(
    versions.map((v) => v.Version),
    ['$LATEST', '1', '2'],
  );
  assert.match(versions[0]!.FunctionArn, /:function:f:\$LATEST$/);

  // Each version runs its own snapshot; $LATEST the newest code.
  assert.deepEqual(await invoke('1'), { code: 'one', version: '1' });
  assert.deepEqual(await invoke('2'), { code: 'two', version: '2' });
  assert.deepEqual(await invoke(), { code: 'two', version: '$LATEST' });
  assert.match(
    await awsFails('lambda', 'invoke', '--function-name', 'f', '--qualifier', '9', join(home, 'x.json')),
    /ResourceNotFoundException/,
  );

  const alias = await aws('lambda', 'create-alias', '--function-name', 'f', '--name', 'live', '--function-version', '1');
  assert.match(String(alias.AliasArn), /:function:f:live$/);
  assert.equal(alias.FunctionVersion, '1');
  assert.match(
    await awsFails('lambda', 'create-alias', '--function-name', 'f', '--name', 'live', '--function-version', '1'),
    /ResourceConflictException/,
  );
  assert.match(
    await awsFails('lambda', 'create-alias', '--function-name', 'f', '--name', 'x', '--function-version', '7'),
    /ResourceNotFoundException/,
  );
  assert.match(await awsFails('lambda', 'get-alias', '--function-name', 'f', '--name', 'nope'), /ResourceNotFoundException/);
  assert.deepEqual(await invoke('live'), { code: 'one', version: '1' });
  assert.equal((await aws('lambda', 'get-function', '--function-name', 'f', '--qualifier', 'live')).Configuration !== undefined, true);
  assert.equal(
    ((await aws('lambda', 'get-function-configuration', '--function-name', 'f', '--qualifier', '2')) as { Version: string }).Version,
    '2',
  );

  // Weights: more than one entry, out of range, or the alias's own version are refused.
  assert.match(
    await awsFails(
      'lambda',
      'update-alias',
      '--function-name',
      'f',
      '--name',
      'live',
      '--routing-config',
      'AdditionalVersionWeights={1=0.5}',
    ),
    /InvalidParameterValueException/,
  );
  assert.match(
    await awsFails(
      'lambda',
      'update-alias',
      '--function-name',
      'f',
      '--name',
      'live',
      '--routing-config',
      'AdditionalVersionWeights={2=1.5}',
    ),
    /ValidationException|Invalid/,
  );
  const weighted = await aws(
    'lambda',
    'update-alias',
    '--function-name',
    'f',
    '--name',
    'live',
    '--routing-config',
    'AdditionalVersionWeights={2=0.5}',
  );
  assert.deepEqual(weighted.RoutingConfig, { AdditionalVersionWeights: { '2': 0.5 } });
  // A version an alias uses cannot be deleted.
  assert.match(await awsFails('lambda', 'delete-function', '--function-name', 'f', '--qualifier', '2'), /ResourceConflictException/);

  const seen = new Set<string>();
  for (let i = 0; i < 200 && seen.size < 2; i++) {
    const r = await invoke('live');
    assert.equal(r.code, r.version === '1' ? 'one' : 'two');
    seen.add(r.version);
  }
  assert.deepEqual([...seen].sort(), ['1', '2'], 'both versions ran through the weighted alias');

  await aws('lambda', 'create-alias', '--function-name', 'f', '--name', 'canary', '--function-version', '2');
  const aliases = (await aws('lambda', 'list-aliases', '--function-name', 'f')).Aliases as { Name: string }[];
  assert.deepEqual(
    aliases.map((a) => a.Name),
    ['canary', 'live'],
  );
  await aws('lambda', 'delete-alias', '--function-name', 'f', '--name', 'canary');

  // Resource policies per qualifier.
  await aws(
    'lambda',
    'add-permission',
    '--function-name',
    'f',
    '--qualifier',
    'live',
    '--statement-id',
    's3',
    '--action',
    'lambda:InvokeFunction',
    '--principal',
    's3.amazonaws.com',
  );
  const policy = JSON.parse(String((await aws('lambda', 'get-policy', '--function-name', 'f', '--qualifier', 'live')).Policy));
  assert.match(policy.Statement[0].Resource, /:function:f:live$/);
  assert.match(await awsFails('lambda', 'get-policy', '--function-name', 'f'), /ResourceNotFoundException/);

  // Restart on the same data dir: versions, aliases and their code are still there.
  await sandbox.close();
  sandbox = await startSandbox({ port: 0, dataDir });
  assert.deepEqual(await invoke('1'), { code: 'one', version: '1' });
  assert.equal((await aws('lambda', 'get-alias', '--function-name', 'f', '--name', 'live')).FunctionVersion, '1');
  assert.equal((await aws('lambda', 'publish-version', '--function-name', 'f')).Version, '2');
});
