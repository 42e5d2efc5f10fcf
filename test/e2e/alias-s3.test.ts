/**
 * A bucket notifying an alias (`function:NAME:live`), set up with AWS CLI v2: a PUT runs the version the alias points
 * at (START `Version: 1`, log stream `[1]`), s3trigger CI matches it and reports `match.version`; after update-alias
 * to version 2 the next PUT runs version 2's code. Needs the built CLI (`npm run build`).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { zipPackage } from '../../src/sandbox/lambda/zip.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { awsCliEnv, findCli } from '../aws-cli.js';
import { cliBuilt, ndjson, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

const run = promisify(execFile);
const cli = await findCli('/usr/bin/aws', '2');
const skip = (!cliBuilt && NOT_BUILT) || (!cli && 'AWS CLI v2 (/usr/bin/aws) not found');
const home = mkdtempSync(join(tmpdir(), 's3trigger-alias-e2e-'));
const dir = workDir();
let sandbox: Sandbox;

async function aws(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(cli!, [...args, '--endpoint-url', sandbox.endpoint, '--output', 'json'], {
    env: awsCliEnv(home, sandbox.region),
  });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
}

function zipFile(tag: string): string {
  const path = join(home, `${tag}.zip`);
  writeFileSync(
    path,
    zipPackage({
      'index.mjs': `export const handler = async (event) => { console.log('thumbnail ${tag}', event.Records[0].s3.object.key); return 'ok'; };`,
    }),
  );
  return path;
}

before(async () => {
  if (skip) return;
  sandbox = await startSandbox({ port: 0 });
  const role = 'arn:aws:iam::000000000000:role/lambda-role';
  await aws(
    'lambda',
    'create-function',
    '--function-name',
    'thumbs',
    '--runtime',
    'nodejs20.x',
    '--handler',
    'index.handler',
    '--role',
    role,
    '--zip-file',
    `fileb://${zipFile('v-one')}`,
  );
  await aws('lambda', 'publish-version', '--function-name', 'thumbs');
  await aws('lambda', 'update-function-code', '--function-name', 'thumbs', '--zip-file', `fileb://${zipFile('v-two')}`);
  await aws('lambda', 'publish-version', '--function-name', 'thumbs');
  const alias = await aws('lambda', 'create-alias', '--function-name', 'thumbs', '--name', 'live', '--function-version', '1');
  await aws('s3api', 'create-bucket', '--bucket', 'alias-bucket');
  const config = { LambdaFunctionConfigurations: [{ LambdaFunctionArn: alias.AliasArn, Events: ['s3:ObjectCreated:*'] }] };
  await aws(
    's3api',
    'put-bucket-notification-configuration',
    '--bucket',
    'alias-bucket',
    '--notification-configuration',
    JSON.stringify(config),
  );
});
after(async () => {
  await sandbox?.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

type OpRecord = ReturnType<typeof ndjson>[number];

async function putAndMatch(key: string): Promise<OpRecord> {
  writeFileSync(join(dir, key), 'image bytes');
  const r = await runCli(
    ['--endpoint-url', sandbox.endpoint, '--bucket', 'alias-bucket', '--put', key, '--wait', '--timeout', '30s', '--json'],
    dir,
  );
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const [rec] = ndjson(r.stdout);
  return rec!;
}

test('a PUT through the alias runs version 1, then version 2 after update-alias; match.version says which', { skip }, async () => {
  const first = await putAndMatch('a.jpg');
  assert.equal(first.match.function, 'thumbs');
  assert.equal(first.match.logGroup, '/aws/lambda/thumbs');
  assert.equal(first.match.version, '1', JSON.stringify(first));
  assert.match(first.match.logStream, /^\d{4}\/\d\d\/\d\d\/\[1\][0-9a-f]{32}$/);
  const messages = (rec: OpRecord) => rec.log.map((l: { message: string }) => l.message).join('\n');
  // The tail may join after START (cold start); CloudWatch has every line, checked below.
  assert.doesNotMatch(messages(first), /^START RequestId: \S+ Version: (?!1$)/m);
  assert.match(messages(first), /thumbnail v-one a\.jpg/);

  await aws('lambda', 'update-alias', '--function-name', 'thumbs', '--name', 'live', '--function-version', '2');
  const second = await putAndMatch('b.jpg');
  assert.equal(second.match.version, '2', JSON.stringify(second.match));
  assert.match(second.match.logStream, /\/\[2\][0-9a-f]{32}$/);
  assert.match(messages(second), /thumbnail v-two b\.jpg/);
  assert.doesNotMatch(messages(second), /v-one/);

  // As AWS writes them: `START RequestId: … Version: N` in a stream named `YYYY/MM/DD/[N]<hex>`.
  const events = (await aws('logs', 'filter-log-events', '--log-group-name', '/aws/lambda/thumbs')).events as {
    logStreamName: string;
    message: string;
  }[];
  const starts = events.filter((e) => e.message.startsWith('START '));
  for (const [id, version] of [
    [first.match.requestId, '1'],
    [second.match.requestId, '2'],
  ]) {
    const start = starts.find((e) => e.message.includes(id));
    assert.ok(start, `START of ${id} in CloudWatch`);
    assert.equal(start.message.trim(), `START RequestId: ${id} Version: ${version}`);
    assert.match(start.logStreamName, new RegExp(`^\\d{4}/\\d\\d/\\d\\d/\\[${version}\\][0-9a-f]{32}$`));
  }
});

test('CI text names the version on the invocation line', { skip }, async () => {
  writeFileSync(join(dir, 'c.jpg'), 'image bytes');
  const r = await runCli(
    ['--endpoint-url', sandbox.endpoint, '--bucket', 'alias-bucket', '--put', 'c.jpg', '--wait', '--timeout', '30s'],
    dir,
  );
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const version = /^ {2}START RequestId: \S+ Version: (\d+)$/m.exec(r.stdout)?.[1];
  assert.ok(version, r.stdout);
  assert.match(r.stdout, new RegExp(`^Invocation \\S+ in /aws/lambda/thumbs matched by .*, version ${version}, `, 'm'));
});
