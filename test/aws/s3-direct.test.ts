import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { DirectS3, directS3For, encodeKeyPath } from '../../src/aws/s3-direct.js';
import { lambdaEverything, putNotification, startS3, type S3Harness } from '../sandbox/s3/helpers.js';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const BODY = Buffer.from('S3 events trigger demo file.\n');

test('encodeKeyPath: each segment as the SDK encodes an S3 key label (its request line for the same key)', () => {
  const cases: [string, string][] = [
    ['plain.txt', 'plain.txt'],
    ["a b/c+d~é(1)*!'.txt", 'a%20b/c%2Bd~%C3%A9%281%29%2A%21%27.txt'],
    ['dir//x', 'dir//x'],
    ['/lead/trail/', '/lead/trail/'],
    ['q?#%&=', 'q%3F%23%25%26%3D'],
    ['日本/😀', '%E6%97%A5%E6%9C%AC/%F0%9F%98%80'],
  ];
  for (const [key, want] of cases) assert.equal(encodeKeyPath(key), want, key);
});

test('directS3For: only a path-style custom endpoint gets direct PUTs; AWS itself keeps the SDK', () => {
  const s3 = new S3Client({ region: 'eu-west-1', credentials: CREDENTIALS });
  const cases: [string, S3ClientConfig, boolean][] = [
    ['sandbox / LocalStack', { endpoint: 'http://127.0.0.1:4566', forcePathStyle: true, region: 'eu-west-1' }, true],
    ['https endpoint with a base path', { endpoint: 'https://minio.example:9000/s3', forcePathStyle: true, region: 'us-east-1' }, true],
    ['AWS (no endpoint)', { region: 'eu-west-1' }, false],
    ['virtual-hosted endpoint', { endpoint: 'http://127.0.0.1:4566', region: 'eu-west-1' }, false],
    ['region from a provider', { endpoint: 'http://127.0.0.1:4566', forcePathStyle: true, region: async () => 'eu-west-1' }, false],
    ['not a URL', { endpoint: 'localhost:4566', forcePathStyle: true, region: 'eu-west-1' }, false],
    ['a query in the endpoint', { endpoint: 'http://127.0.0.1:4566/?x=1', forcePathStyle: true, region: 'eu-west-1' }, false],
  ];
  for (const [name, config, direct] of cases) {
    const d = directS3For(s3, config);
    assert.equal(d instanceof DirectS3, direct, name);
    d?.destroy();
  }
  s3.destroy();
});

/** A direct sender for the harness's sandbox (as the firing thread builds one), closed after the test. */
function directOn(t: { after(fn: () => void): void }, h: S3Harness): DirectS3 {
  const config: S3ClientConfig = { endpoint: h.sandbox.endpoint, region: h.sandbox.region, forcePathStyle: true, credentials: CREDENTIALS };
  const client = new S3Client(config);
  const direct = directS3For(client, config)!;
  t.after(() => {
    direct.destroy();
    client.destroy();
  });
  return direct;
}

test('DirectS3.putObject against the sandbox: the object, ETag, checksum, content type and event key are what the SDK PutObject gives', async (t) => {
  const h = await startS3();
  t.after(() => h.close());
  await h.s3.send(new CreateBucketCommand({ Bucket: 'direct' }));
  assert.equal((await putNotification(h.sandbox, 'direct', lambdaEverything())).status, 200);
  const direct = directOn(t, h);
  for (const key of ["a b/c+d~é(1)*!'.txt", 'plain.txt', 'dir//x', '日本/😀.txt']) {
    const out = await direct.putObject({ Bucket: 'direct', Key: key, Body: BODY });
    assert.ok(out, `direct PUT of ${key} answered 200`);
    await h.s3.send(new PutObjectCommand({ Bucket: 'direct', Key: `sdk/${key}`, Body: BODY }));
    const [d, s] = await Promise.all(
      [key, `sdk/${key}`].map((Key) => h.s3.send(new HeadObjectCommand({ Bucket: 'direct', Key, ChecksumMode: 'ENABLED' }))),
    );
    assert.equal(out.ETag, d!.ETag, key);
    assert.equal(d!.ETag, s!.ETag, key);
    assert.equal(d!.ChecksumCRC32, s!.ChecksumCRC32, key);
    assert.ok(d!.ChecksumCRC32, 'the CRC32 checksum was sent and stored');
    assert.equal(d!.ContentType, s!.ContentType, key);
    assert.equal(d!.ContentLength, BODY.length, key);
    assert.match(out.$metadata.requestId ?? '', /^[0-9A-Z]{16}$/);
    const got = await h.s3.send(new GetObjectCommand({ Bucket: 'direct', Key: key }));
    assert.equal(await got.Body!.transformToString(), BODY.toString(), key);
    const [fromDirect, fromSdk] = h.events.slice(-2).map((e) => e.record.s3.object.key);
    assert.equal(`sdk/${fromDirect}`, fromSdk, `the event record's key of ${key}`);
  }
});

test('DirectS3.putObject on a versioned bucket carries the version id S3 gave', async (t) => {
  const h = await startS3();
  t.after(() => h.close());
  await h.s3.send(new CreateBucketCommand({ Bucket: 'versioned' }));
  await h.s3.send(new PutBucketVersioningCommand({ Bucket: 'versioned', VersioningConfiguration: { Status: 'Enabled' } }));
  const direct = directOn(t, h);
  const out = await direct.putObject({ Bucket: 'versioned', Key: 'k', Body: BODY });
  const head = await h.s3.send(new HeadObjectCommand({ Bucket: 'versioned', Key: 'k' }));
  assert.ok(out?.VersionId);
  assert.equal(out.VersionId, head.VersionId);
});

test('DirectS3.putObject leaves every answer but a 200 to the SDK: a missing bucket, an aborted call, a closed port', async (t) => {
  const h = await startS3();
  t.after(() => h.close());
  const config: S3ClientConfig = { endpoint: h.sandbox.endpoint, region: h.sandbox.region, forcePathStyle: true, credentials: CREDENTIALS };
  const client = new S3Client(config);
  const direct = directS3For(client, config)!;
  const closed = directS3For(client, { ...config, endpoint: 'http://127.0.0.1:9' })!;
  t.after(() => {
    direct.destroy();
    closed.destroy();
    client.destroy();
  });
  assert.equal(await direct.putObject({ Bucket: 'no-such-bucket', Key: 'k', Body: BODY }), undefined);
  await h.s3.send(new CreateBucketCommand({ Bucket: 'there' }));
  assert.equal(await direct.putObject({ Bucket: 'there', Key: 'k', Body: BODY }, AbortSignal.abort()), undefined);
  assert.equal(await closed.putObject({ Bucket: 'there', Key: 'k', Body: BODY }), undefined);
  await assert.rejects(h.s3.send(new HeadObjectCommand({ Bucket: 'there', Key: 'k' })), /NotFound/, 'the aborted PUT never reached S3');
});

const hasMotoAndBoto3 =
  spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;

/** IAM set-up in moto with boto3 (the first 3 actions are unauthenticated): a user with S3 rights, its access key. */
const SETUP = `
import json, sys, boto3
iam = boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')
iam.create_user(UserName='burst')
iam.put_user_policy(UserName='burst', PolicyName='s3', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}]}))
k = iam.create_access_key(UserName='burst')['AccessKey']
print(k['AccessKeyId'], k['SecretAccessKey'])
`;

test('DirectS3.putObject is signed as AWS checks it: moto_server with authentication on accepts it and rejects a wrong secret', {
  skip: hasMotoAndBoto3 ? false : 'needs moto_server and boto3 in python3',
}, async (t) => {
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: '3', AWS_EC2_METADATA_DISABLED: 'true' },
  });
  t.after(() => child.kill());
  const endpoint = await new Promise<string>((ok, fail) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (m) ok(m[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => fail(new Error(`moto_server exited: ${seen}`)));
  });
  const setup = spawnSync('python3', ['-c', SETUP, endpoint], { encoding: 'utf8' });
  assert.equal(setup.status, 0, setup.stderr);
  const [accessKeyId, secretAccessKey] = setup.stdout.trim().split(' ') as [string, string];
  const config: S3ClientConfig = { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } };
  const client = new S3Client(config);
  const wrongClient = new S3Client({ ...config, credentials: { accessKeyId, secretAccessKey: `${secretAccessKey}x` } });
  const direct = directS3For(client, config)!;
  const wrong = directS3For(wrongClient, config)!;
  t.after(() => {
    direct.destroy();
    wrong.destroy();
    client.destroy();
    wrongClient.destroy();
  });
  await client.send(new CreateBucketCommand({ Bucket: 'signed' }));
  const key = 'a b/dir//~x.txt';
  assert.ok(await direct.putObject({ Bucket: 'signed', Key: key, Body: BODY }), 'moto accepted the signature');
  const got = await client.send(new GetObjectCommand({ Bucket: 'signed', Key: key }));
  assert.equal(await got.Body!.transformToString(), BODY.toString());
  // moto's own check refuses some encoded characters (+, é, parentheses) from the SDK too: the same answer either way.
  for (const k of ['c+d', 'é', '(1)', "'*!", '日本/😀.txt']) {
    const bySdk = await client.send(new PutObjectCommand({ Bucket: 'signed', Key: k, Body: BODY })).then(
      () => true,
      () => false,
    );
    assert.equal(Boolean(await direct.putObject({ Bucket: 'signed', Key: k, Body: BODY })), bySdk, k);
  }
  assert.equal(await wrong.putObject({ Bucket: 'signed', Key: 'w', Body: BODY }), undefined, 'a wrong secret is refused');
  await assert.rejects(
    wrongClient.send(new PutObjectCommand({ Bucket: 'signed', Key: 'w', Body: BODY })),
    /SignatureDoesNotMatch|signature/i,
  );
});

test('DirectS3.deleteObject answers as the SDK DeleteObject does: unversioned, a delete marker, a version, the event key', async (t) => {
  const h = await startS3();
  t.after(() => h.close());
  const direct = directOn(t, h);
  const strip = <T extends { $metadata: { requestId?: string } }>(o: T | undefined): Omit<T, '$metadata'> => {
    assert.ok(o, 'a 204');
    assert.match(o.$metadata.requestId ?? '', /^[0-9A-Z]{16}$/);
    const { $metadata, ...rest } = o;
    return rest;
  };
  const sdkDelete = async (Bucket: string, Key: string, VersionId?: string) => {
    const { $metadata, ...rest } = await h.s3.send(new DeleteObjectCommand({ Bucket, Key, ...(VersionId ? { VersionId } : {}) }));
    return rest;
  };
  await h.s3.send(new CreateBucketCommand({ Bucket: 'plain' }));
  assert.equal((await putNotification(h.sandbox, 'plain', lambdaEverything())).status, 200);
  const key = "a b/c+d~é(1)*!'.txt";
  for (const k of [key, `sdk/${key}`]) await h.s3.send(new PutObjectCommand({ Bucket: 'plain', Key: k, Body: BODY }));
  assert.deepEqual(strip(await direct.deleteObject({ Bucket: 'plain', Key: key })), await sdkDelete('plain', `sdk/${key}`));
  const [fromDirect, fromSdk] = h.events.slice(-2).map((e) => `${e.record.eventName} ${e.record.s3.object.key}`);
  assert.equal(fromDirect!.replace(' ', ' sdk/'), fromSdk);
  await assert.rejects(h.s3.send(new HeadObjectCommand({ Bucket: 'plain', Key: key })), /NotFound/);

  await h.s3.send(new CreateBucketCommand({ Bucket: 'versions' }));
  await h.s3.send(new PutBucketVersioningCommand({ Bucket: 'versions', VersioningConfiguration: { Status: 'Enabled' } }));
  const v1 = (await h.s3.send(new PutObjectCommand({ Bucket: 'versions', Key: 'k', Body: BODY }))).VersionId!;
  const marker = strip(await direct.deleteObject({ Bucket: 'versions', Key: 'k' }));
  assert.equal(marker.DeleteMarker, true);
  assert.ok(marker.VersionId && marker.VersionId !== v1, 'the new delete marker version');
  assert.deepEqual(strip(await direct.deleteObject({ Bucket: 'versions', Key: 'k', VersionId: v1 })), { VersionId: v1 });
  assert.equal(await direct.deleteObject({ Bucket: 'no-such-bucket', Key: 'k' }), undefined, 'an S3 error is left to the SDK');
});
