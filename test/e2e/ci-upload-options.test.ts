/**
 * The upload options of PUT, COPY, POST and MULTIPART (issue #12) from CI mode, end to end against a sandbox
 * reached with --endpoint-url: each run waits for its invocation, then the JS SDK reads back what S3 stored
 * (GetObjectTagging, GetObjectAcl, HeadObject's storage class). Bad values are refused before anything is fired.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectAclCommand, GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand, S3Client, type Tag } from '@aws-sdk/client-s3';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { setupDemo } from '../../src/sandbox/demo.js';
import { cliBuilt, ndjson, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

const skip = !cliBuilt && NOT_BUILT;
const dir = workDir();
writeFileSync(join(dir, 'f.txt'), 'upload options\n');
after(() => rmSync(dir, { recursive: true, force: true }));

const BUCKET = 'options-bucket';
let sandbox: Sandbox;
let s3: S3Client;
before(async () => {
  sandbox = await startSandbox({ port: 0 });
  await setupDemo(sandbox, { bucket: BUCKET });
  s3 = new S3Client({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
after(async () => {
  s3?.destroy();
  await sandbox?.close();
});

const run = (args: string[]) =>
  runCli(['--endpoint-url', sandbox.endpoint, '--bucket', BUCKET, ...args, '--wait', '--timeout', '30s', '--json'], dir);

const tagsOf = async (key: string): Promise<Tag[]> =>
  ((await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: key }))).TagSet ?? []).sort((a, b) =>
    (a.Key ?? '').localeCompare(b.Key ?? ''),
  );

/** Whether AllUsers may READ the object: what the canned ACL public-read grants. */
const publicRead = async (key: string): Promise<boolean> =>
  ((await s3.send(new GetObjectAclCommand({ Bucket: BUCKET, Key: key }))).Grants ?? []).some(
    (g) => g.Grantee?.URI === 'http://acs.amazonaws.com/groups/global/AllUsers' && g.Permission === 'READ',
  );

const TAGS = 'env=dev&team=a%20b';
const WANT_TAGS = [
  { Key: 'env', Value: 'dev' },
  { Key: 'team', Value: 'a b' },
];

for (const [op, args, key] of [
  ['put', ['--put', 'f.txt', '--key', 'put.txt'], 'put.txt'],
  ['post', ['--post', 'f.txt', '--key', 'post.txt'], 'post.txt'],
  ['multipart (one part: CreateMultipartUpload)', ['--multipart', 'mp-one.txt', '--file', 'f.txt'], 'mp-one.txt'],
  ['multipart (two parts)', ['--multipart', 'mp-two.bin', '--size', '6'], 'mp-two.bin'],
] as const) {
  test(`${op} --acl public-read --tagging: matched, and S3 stored the tags and the ACL`, { skip }, async () => {
    const r = await run([...args, '--acl', 'public-read', '--tagging', TAGS]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const [rec] = ndjson(r.stdout);
    assert.equal(rec?.status, 'matched');
    assert.equal(rec?.key, key);
    assert.deepEqual(await tagsOf(key), WANT_TAGS);
    assert.equal(await publicRead(key), true);
  });
}

test('copy --tagging replaces the source tags (TaggingDirective REPLACE); --acl sets the copy’s ACL', { skip }, async () => {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'src.txt', Body: 'source', Tagging: 'env=dev&owner=me' }));
  const r = await run(['--copy', BUCKET, 'src.txt', 'copied.txt', '--tagging', 'env=prod', '--acl', 'public-read']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal(ndjson(r.stdout)[0]?.status, 'matched');
  assert.deepEqual(await tagsOf('copied.txt'), [{ Key: 'env', Value: 'prod' }]);
  assert.equal(await publicRead('copied.txt'), true);
  assert.deepEqual(await tagsOf('src.txt'), [
    { Key: 'env', Value: 'dev' },
    { Key: 'owner', Value: 'me' },
  ]);
});

test('put --storage-class GLACIER: HeadObject reports the class', { skip }, async (t) => {
  const r = await run(['--put', 'f.txt', '--key', 'cold.txt', '--storage-class', 'GLACIER']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal(ndjson(r.stdout)[0]?.status, 'matched');
  const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'cold.txt' })).catch((err: Error) => err);
  // An archived object may answer HEAD; AWS reports x-amz-storage-class for every class but STANDARD.
  if (!(head instanceof Error) && head.StorageClass === undefined) return t.skip('sandbox lacks storage classes (HEAD reports none)');
  assert.ok(!(head instanceof Error), String(head));
  assert.equal(head.StorageClass, 'GLACIER');
});

test('--local put --storage-class GLACIER --wait --json: the PUT is matched', { skip }, async () => {
  const r = await runCli(['--local', '--bucket', 'test-bucket', '--put', 'f.txt', '--storage-class', 'GLACIER', '--wait', '--json'], dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const [rec] = ndjson(r.stdout);
  assert.equal(rec?.op, 'put');
  assert.equal(rec?.status, 'matched');
  assert.match(rec?.log.map((l: { message: string }) => l.message).join('\n'), /ObjectCreated:Put/);
});

for (const [name, args, message] of [
  [
    'unknown storage class',
    ['--put', 'f.txt', '--storage-class', 'glacier'],
    "--storage-class: 'glacier' is not a storage class (did you mean GLACIER?): use one of STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE, OUTPOSTS, GLACIER_IR, SNOW, EXPRESS_ONEZONE",
  ],
  ['unknown canned ACL', ['--post', 'f.txt', '--acl', 'everyone'], "--acl: 'everyone' is not a canned ACL"],
  ['bad tags', ['--multipart', 'k', '--tagging', 'env'], "--tagging: 'env' is not key=value: use e.g. env=dev&team=a"],
  ['an upload option with no upload', ['--delkey', 'k', '--acl', 'private'], '--acl applies to --put, --copy, --post or --multipart'],
  ['--days 0', ['--restore', 'k', '--days', '0'], '--days must be a whole number of days from 1, got 0'],
  ['--days 1.5', ['--restore', 'k', '--days', '1.5'], '--days must be a whole number of days from 1, got 1.5'],
  ['--days abc', ['--restore', 'k', '--days', 'abc'], "--days 'abc' is not a number"],
  ['--tier Fast', ['--restore', 'k', '--tier', 'Fast'], "--tier 'Fast' is not a retrieval tier: use Expedited, Standard, Bulk"],
  ['--tier without --restore', ['--put', 'f.txt', '--tier', 'Bulk'], '--tier applies to --restore: add --restore KEY or drop --tier'],
  ['--version-id without --delkey', ['--put', 'f.txt', '--version-id', 'v'], '--version-id applies to --delkey'],
  ['--version-id empty', ['--delkey', 'k', '--version-id', ''], '--version-id must not be empty'],
] as const) {
  test(`bad input, exit 2 with one line and nothing fired: ${name}`, { skip }, async () => {
    const r = await runCli(['--local', '--bucket', 'test-bucket', ...args, '--json'], dir);
    assert.equal(r.code, 2, r.stderr + r.stdout);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0]!.startsWith('s3trigger: '), lines[0]);
    assert.ok(lines[0]!.includes(message), lines[0]);
  });
}
