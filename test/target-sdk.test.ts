/**
 * The clients resolveTarget builds go where the target line says, as the SDK itself resolves them (its own
 * config-file reading, real request serialization); a finalizeRequest step records the host and stops.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { resolveTarget } from '../src/target.js';

const dir = mkdtempSync(join(tmpdir(), 's3trigger-target-sdk-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'config');
const credentials = join(dir, 'credentials');
// The default profile points at a local endpoint (a LocalStack setup); `prod` is a real AWS profile.
writeFileSync(config, '[default]\nendpoint_url = http://127.0.0.1:9\n\n[profile prod]\nregion = eu-central-1\n');
writeFileSync(
  credentials,
  '[default]\naws_access_key_id = test\naws_secret_access_key = test\n\n[prod]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n',
);
for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
Object.assign(process.env, { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_EC2_METADATA_DISABLED: 'true' });

interface Sender {
  send(command: unknown): Promise<unknown>;
  middlewareStack: { add(mw: unknown, options: unknown): void };
}

/** The host one request of this client would go to. */
async function hostOf(client: Sender, command: unknown): Promise<string> {
  let host = '';
  client.middlewareStack.add(
    () => async (args: { request: { hostname: string; port?: number } }) => {
      host = `${args.request.hostname}${args.request.port ? `:${args.request.port}` : ''}`;
      throw new Error('recorded');
    },
    { step: 'finalizeRequest', priority: 'low', name: 'recordHost' },
  );
  await client.send(command).catch((err: Error) => assert.equal(err.message, 'recorded'));
  return host;
}

test('--profile prod: S3 and Logs go to AWS, though the default profile has an endpoint_url the SDK would use', async () => {
  const target = await resolveTarget({ profile: 'prod', stsTimeoutMs: 300 });
  try {
    assert.equal(target.info.kind, 'aws');
    assert.match(
      await hostOf(new S3Client(target.s3Config) as unknown as Sender, new HeadBucketCommand({ Bucket: 'b-bucket' })),
      /amazonaws\.com$/,
    );
    assert.match(
      await hostOf((await target.logs()) as unknown as Sender, new DescribeLogGroupsCommand({})),
      /^logs\.eu-central-1\.amazonaws\.com$/,
    );
    // Control: the SDK on its own, with the same profile, follows the default profile's endpoint_url.
    const plain = new S3Client({ region: 'eu-central-1', profile: 'prod' });
    assert.equal(await hostOf(plain as unknown as Sender, new HeadBucketCommand({ Bucket: 'b-bucket' })), '127.0.0.1:9');
  } finally {
    await target.close();
  }
});

test('the default profile with endpoint_url: an endpoint target, path-style, both services there', async () => {
  const target = await resolveTarget({});
  try {
    assert.equal(target.info.kind, 'endpoint');
    assert.equal(target.info.label, 'endpoint http://127.0.0.1:9 (region eu-west-1)');
    assert.equal(
      await hostOf(new S3Client(target.s3Config) as unknown as Sender, new HeadBucketCommand({ Bucket: 'b-bucket' })),
      '127.0.0.1:9',
    );
    assert.equal(await hostOf((await target.logs()) as unknown as Sender, new DescribeLogGroupsCommand({})), '127.0.0.1:9');
  } finally {
    await target.close();
  }
});
