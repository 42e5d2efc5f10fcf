/**
 * Issue #12, versioning: Put/GetBucketVersioning, version ids on every write, GET/HEAD/DELETE/CopyObject with
 * versionId, delete markers, ListObjectVersions and its paging, Suspended's null versions, DeleteObjects with
 * versions, BucketNotEmpty while versions remain and restart persistence, driven with the JS SDK, with the
 * event records checked as AWS sends them (recorded behaviour: LocalStack's AWS-validated snapshots).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import { errorOf } from '../../sdk-errors.js';
import { isVersionId, listVersionsPage, newVersionId, shownVersionId } from '../../../src/sandbox/s3/versioning.js';
import { SANDBOX_OWNER_ID, SANDBOX_PRINCIPAL_ID } from '../../../src/sandbox/s3/event-record.js';
import { lambdaEverything, putNotification, startS3, type S3Harness } from './helpers.js';
import { sigV4 } from '../raw-http.js';

const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

test('version ids: 32 characters of [A-Za-z0-9._], all different', () => {
  const ids = new Set(Array.from({ length: 2000 }, () => newVersionId()));
  assert.equal(ids.size, 2000);
  for (const id of ids) {
    assert.match(id, /^[A-Za-z0-9._]{32}$/);
    assert.ok(isVersionId(id));
  }
  for (const bad of ['null', '', 'abc', 'x'.repeat(33), `${'a'.repeat(31)}-`]) assert.equal(isVersionId(bad), false, bad);
});

test('listVersionsPage: a version-id marker deleted meanwhile still has its place (the order its id encodes)', () => {
  const t = Date.parse('2026-01-01T00:00:00Z');
  const v = (i: number) => ({ versionId: newVersionId(t + i), lastModified: new Date(t + i).toISOString() });
  const [a, b, c] = [v(1), v(2), v(3)];
  const stacks: Record<string, { versionId?: string; lastModified: string }[]> = { k: [c, a], l: [{ lastModified: c.lastModified }] };
  const page = listVersionsPage({
    keys: ['k', 'l'],
    versionsOf: (key) => stacks[key]!,
    prefix: '',
    delimiter: '',
    keyMarker: 'k',
    versionIdMarker: b.versionId,
    maxKeys: 1,
  });
  assert.deepEqual(
    page.entries.map((e) => (e.kind === 'version' ? shownVersionId(e.version) : e.prefix)),
    [a.versionId],
  );
  assert.equal(page.isTruncated, true);
  assert.equal(page.nextKeyMarker, 'k');
  assert.equal(page.nextVersionIdMarker, a.versionId);
});

async function versionedBucket(h: S3Harness, Bucket: string, status: 'Enabled' | 'Suspended' = 'Enabled'): Promise<void> {
  await h.s3.send(new CreateBucketCommand({ Bucket }));
  assert.equal((await putNotification(h.sandbox, Bucket, lambdaEverything('v'))).status, 200);
  await h.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: status } }));
}

test('Get/PutBucketVersioning: empty before, Enabled, Suspended; AWS errors for bad documents', async () => {
  const h = await startS3();
  try {
    const Bucket = 'ver-config';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    const before = await h.s3.send(new GetBucketVersioningCommand({ Bucket }));
    assert.equal(before.Status, undefined);
    assert.equal(before.MFADelete, undefined);
    await h.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    assert.equal((await h.s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Suspended');
    await h.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    assert.equal((await h.s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Enabled');

    const put = (body: string) => fetch(`${h.sandbox.endpoint}/${Bucket}?versioning`, { method: 'PUT', headers: { ...sigV4('s3') }, body });
    const lower = await put('<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>');
    assert.equal(lower.status, 400);
    assert.match(await lower.text(), /<Code>MalformedXML<\/Code>/);
    const empty = await put('<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></VersioningConfiguration>');
    assert.equal(empty.status, 400);
    const body = await empty.text();
    assert.match(body, /<Code>IllegalVersioningConfigurationException<\/Code>/);
    assert.match(body, /<Message>The Versioning element must be specified<\/Message>/);
    assert.equal((await h.s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Enabled', 'a refused document changes nothing');

    const missing = await errorOf(h.s3.send(new GetBucketVersioningCommand({ Bucket: 'no-such-bucket-v' })));
    assert.equal(missing.name, 'NoSuchBucket');
  } finally {
    await h.close();
  }
});

test('Enabled: version ids on PUT/COPY/MPU, GET/HEAD by version, delete markers and their records', async () => {
  const h = await startS3();
  try {
    const Bucket = 'ver-enabled';
    await versionedBucket(h, Bucket);
    h.events.length = 0;
    const v1 = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'doc 1.txt', Body: 'data' }));
    const v2 = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'doc 1.txt', Body: 'data-version2' }));
    assert.match(v1.VersionId!, /^[A-Za-z0-9._]{32}$/);
    assert.notEqual(v1.VersionId, v2.VersionId);
    assert.deepEqual(h.events[0]!.record.s3.object, {
      key: 'doc+1.txt',
      size: 4,
      eTag: '8d777f385d3dfec8815d20f7496026dc',
      versionId: v1.VersionId,
      sequencer: h.events[0]!.record.s3.object.sequencer,
    });
    assert.equal(h.events[1]!.record.s3.object.versionId, v2.VersionId);

    const got1 = await h.s3.send(new GetObjectCommand({ Bucket, Key: 'doc 1.txt', VersionId: v1.VersionId }));
    assert.equal(await got1.Body!.transformToString(), 'data');
    assert.equal(got1.VersionId, v1.VersionId);
    const current = await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'doc 1.txt' }));
    assert.equal(current.VersionId, v2.VersionId);
    assert.equal(current.ContentLength, 13);

    // CopyObject from an older version: x-amz-copy-source-version-id and a new version id.
    const copy = await h.s3.send(
      new CopyObjectCommand({ Bucket, Key: 'copy.txt', CopySource: `${Bucket}/doc%201.txt?versionId=${v1.VersionId}` }),
    );
    assert.equal(copy.CopySourceVersionId, v1.VersionId);
    assert.match(copy.VersionId!, /^[A-Za-z0-9._]{32}$/);
    assert.equal(await (await h.s3.send(new GetObjectCommand({ Bucket, Key: 'copy.txt' }))).Body!.transformToString(), 'data');
    const copyRecord = h.events.at(-1)!.record;
    assert.equal(copyRecord.eventName, 'ObjectCreated:Copy');
    assert.equal(copyRecord.s3.object.versionId, copy.VersionId);

    // Multipart: the version id on Complete and in its record.
    const mpu = await h.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big' }));
    const part = await h.s3.send(new UploadPartCommand({ Bucket, Key: 'big', UploadId: mpu.UploadId, PartNumber: 1, Body: 'tiny' }));
    const done = await h.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'big',
        UploadId: mpu.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    assert.match(done.VersionId!, /^[A-Za-z0-9._]{32}$/);
    assert.equal(h.events.at(-1)!.record.eventName, 'ObjectCreated:CompleteMultipartUpload');
    assert.equal(h.events.at(-1)!.record.s3.object.versionId, done.VersionId);

    // DELETE without a version: a delete marker, its record with the marker's id and the empty body's eTag.
    h.events.length = 0;
    const marker = await h.s3.send(new DeleteObjectCommand({ Bucket, Key: 'doc 1.txt' }));
    assert.equal(marker.DeleteMarker, true);
    assert.match(marker.VersionId!, /^[A-Za-z0-9._]{32}$/);
    assert.equal(h.events.length, 1);
    const markerRecord = h.events[0]!.record;
    assert.deepEqual(markerRecord, {
      eventVersion: markerRecord.eventVersion,
      eventSource: 'aws:s3',
      awsRegion: h.sandbox.region,
      eventTime: markerRecord.eventTime,
      eventName: 'ObjectRemoved:DeleteMarkerCreated',
      userIdentity: { principalId: SANDBOX_PRINCIPAL_ID },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': marker.$metadata.requestId, 'x-amz-id-2': marker.$metadata.extendedRequestId },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'v',
        bucket: { name: Bucket, ownerIdentity: { principalId: SANDBOX_OWNER_ID }, arn: `arn:aws:s3:::${Bucket}` },
        object: { key: 'doc+1.txt', eTag: EMPTY_MD5, versionId: marker.VersionId, sequencer: markerRecord.s3.object.sequencer },
      },
    });

    // GET/HEAD of a key whose current version is a marker: 404 NoSuchKey with the marker headers.
    const raw = await fetch(`${h.sandbox.endpoint}/${Bucket}/doc%201.txt`, { headers: sigV4('s3') });
    assert.equal(raw.status, 404);
    assert.equal(raw.headers.get('x-amz-delete-marker'), 'true');
    assert.equal(raw.headers.get('x-amz-version-id'), marker.VersionId);
    assert.match(await raw.text(), /<Code>NoSuchKey<\/Code>/);
    const head404 = await fetch(`${h.sandbox.endpoint}/${Bucket}/doc%201.txt`, { method: 'HEAD', headers: sigV4('s3') });
    assert.equal(head404.status, 404);
    assert.equal(head404.headers.get('x-amz-delete-marker'), 'true');
    // GET of the marker's version: 405 MethodNotAllowed, Allow: DELETE.
    const m405 = await fetch(`${h.sandbox.endpoint}/${Bucket}/doc%201.txt?versionId=${marker.VersionId}`, { headers: sigV4('s3') });
    assert.equal(m405.status, 405);
    assert.equal(m405.headers.get('allow'), 'DELETE');
    assert.equal(m405.headers.get('x-amz-delete-marker'), 'true');
    const m405body = await m405.text();
    assert.match(m405body, /<Code>MethodNotAllowed<\/Code>/);
    assert.match(m405body, /<ResourceType>DeleteMarker<\/ResourceType>/);
    // A copy source whose current version is a marker is NoSuchKey; a marker named by its id is InvalidRequest.
    const copyGone = await errorOf(h.s3.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: `${Bucket}/doc%201.txt` })));
    assert.equal(copyGone.name, 'NoSuchKey');
    const copyMarker = await errorOf(
      h.s3.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: `${Bucket}/doc%201.txt?versionId=${marker.VersionId}` })),
    );
    assert.equal(copyMarker.name, 'InvalidRequest');
    assert.equal(copyMarker.message, 'The source of a copy request may not specifically refer to a delete marker by version id.');
    // Older versions stay readable; the key is gone from ListObjects.
    assert.equal(
      await (await h.s3.send(new GetObjectCommand({ Bucket, Key: 'doc 1.txt', VersionId: v2.VersionId }))).Body!.transformToString(),
      'data-version2',
    );
    const keys = (await h.s3.send(new ListObjectsV2Command({ Bucket }))).Contents?.map((c) => c.Key);
    assert.deepEqual(keys, ['big', 'copy.txt']);

    // Deleting a specific version: ObjectRemoved:Delete with that id, no size or eTag.
    h.events.length = 0;
    const delV1 = await h.s3.send(new DeleteObjectCommand({ Bucket, Key: 'doc 1.txt', VersionId: v1.VersionId }));
    assert.equal(delV1.VersionId, v1.VersionId);
    assert.equal(delV1.DeleteMarker, undefined);
    assert.deepEqual(h.events[0]!.record.s3.object, {
      key: 'doc+1.txt',
      versionId: v1.VersionId,
      sequencer: h.events[0]!.record.s3.object.sequencer,
    });
    assert.equal(h.events[0]!.record.eventName, 'ObjectRemoved:Delete');
    const gone = await errorOf(h.s3.send(new GetObjectCommand({ Bucket, Key: 'doc 1.txt', VersionId: v1.VersionId })));
    assert.equal(gone.name, 'NoSuchVersion');
    assert.equal(gone.status, 404);
    const bad = await errorOf(h.s3.send(new DeleteObjectCommand({ Bucket, Key: 'doc 1.txt', VersionId: 'not-a-version' })));
    assert.equal(bad.name, 'InvalidArgument');

    // Deleting the marker by its id brings v2 back as the current version.
    const delMarker = await h.s3.send(new DeleteObjectCommand({ Bucket, Key: 'doc 1.txt', VersionId: marker.VersionId }));
    assert.equal(delMarker.DeleteMarker, true);
    assert.equal(delMarker.VersionId, marker.VersionId);
    assert.equal(h.events.at(-1)!.record.eventName, 'ObjectRemoved:Delete');
    assert.equal(h.events.at(-1)!.record.s3.object.versionId, marker.VersionId);
    assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'doc 1.txt' }))).VersionId, v2.VersionId);

    // The bucket refuses deletion while versions remain.
    const notEmpty = await errorOf(h.s3.send(new DeleteBucketCommand({ Bucket })));
    assert.equal(notEmpty.name, 'BucketNotEmpty');
  } finally {
    await h.close();
  }
});

test('Suspended: null versions replace each other, no versionId in their records, null delete markers', async () => {
  const h = await startS3();
  try {
    const Bucket = 'ver-suspended';
    await versionedBucket(h, Bucket);
    const v1 = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'one' }));
    await h.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    h.events.length = 0;
    const n1 = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'null one' }));
    assert.equal(n1.VersionId, undefined, 'AWS sends no x-amz-version-id for a suspended write');
    const n2 = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'null two' }));
    assert.equal(n2.VersionId, undefined);
    assert.deepEqual(Object.keys(h.events[0]!.record.s3.object).sort(), ['eTag', 'key', 'sequencer', 'size']);
    const head = await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'k' }));
    assert.equal(head.VersionId, 'null');
    const list = await h.s3.send(new ListObjectVersionsCommand({ Bucket }));
    assert.deepEqual(
      list.Versions?.map((v) => [v.VersionId, v.IsLatest, v.Size]),
      [
        ['null', true, 8],
        [v1.VersionId, false, 3],
      ],
    );
    h.events.length = 0;
    const del = await h.s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
    assert.equal(del.DeleteMarker, true);
    assert.equal(del.VersionId, 'null');
    assert.equal(h.events[0]!.record.eventName, 'ObjectRemoved:DeleteMarkerCreated');
    assert.deepEqual(Object.keys(h.events[0]!.record.s3.object).sort(), ['eTag', 'key', 'sequencer']);
    const after = await h.s3.send(new ListObjectVersionsCommand({ Bucket }));
    assert.deepEqual(
      after.Versions?.map((v) => [v.VersionId, v.IsLatest]),
      [[v1.VersionId, false]],
    );
    assert.deepEqual(
      after.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]),
      [['null', true]],
    );
    // Deleting an explicit version while suspended still names it in the record.
    h.events.length = 0;
    await h.s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: v1.VersionId }));
    assert.equal(h.events[0]!.record.s3.object.versionId, v1.VersionId);
  } finally {
    await h.close();
  }
});

test('never versioned: ListObjectVersions answers null versions; versionId=null reads, another id is refused', async () => {
  const h = await startS3();
  try {
    const Bucket = 'ver-never';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    const empty = await h.s3.send(new ListObjectVersionsCommand({ Bucket }));
    assert.equal(empty.Versions, undefined);
    assert.equal(empty.IsTruncated, false);
    for (const Key of ['a', 'c', 'b']) await h.s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    const put = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'a', Body: 'again' }));
    assert.equal(put.VersionId, undefined);
    const list = await h.s3.send(new ListObjectVersionsCommand({ Bucket }));
    assert.deepEqual(
      list.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest, v.Size]),
      [
        ['a', 'null', true, 5],
        ['b', 'null', true, 1],
        ['c', 'null', true, 1],
      ],
    );
    const got = await h.s3.send(new GetObjectCommand({ Bucket, Key: 'a', VersionId: 'null' }));
    assert.equal(await got.Body!.transformToString(), 'again');
    assert.equal(got.VersionId, undefined);
    const bad = await errorOf(h.s3.send(new GetObjectCommand({ Bucket, Key: 'a', VersionId: 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD' })));
    assert.equal(bad.name, 'InvalidArgument');
    assert.equal(bad.message, 'Invalid version id specified');
    h.events.length = 0;
    assert.equal((await putNotification(h.sandbox, Bucket, lambdaEverything('n'))).status, 200);
    const del = await h.s3.send(new DeleteObjectCommand({ Bucket, Key: 'b' }));
    assert.equal(del.DeleteMarker, undefined);
    assert.equal(del.VersionId, undefined);
    assert.deepEqual(Object.keys(h.events[0]!.record.s3.object).sort(), ['key', 'sequencer']);
  } finally {
    await h.close();
  }
});

test('ListObjectVersions: max-keys 1 pages through versions and markers in order; markers; prefix and delimiter', async () => {
  const h = await startS3();
  try {
    const Bucket = 'ver-paging';
    await versionedBucket(h, Bucket);
    const ids: string[] = [];
    for (const Key of ['test_0', 'test_1', 'test_2'])
      ids.push((await h.s3.send(new PutObjectCommand({ Bucket, Key, Body: 'v1' }))).VersionId!);
    ids.push((await h.s3.send(new PutObjectCommand({ Bucket, Key: 'test_2', Body: 'v2' }))).VersionId!);
    for (const Key of ['test_0', 'test_1', 'test_2']) ids.push((await h.s3.send(new DeleteObjectCommand({ Bucket, Key }))).VersionId!);
    for (const Key of ['test_0', 'test_1']) ids.push((await h.s3.send(new PutObjectCommand({ Bucket, Key, Body: 'v2' }))).VersionId!);
    // AWS's order: key, then newest first; versions and markers together.
    const expected: [string, string, boolean, boolean][] = [
      ['test_0', ids[7]!, true, false],
      ['test_0', ids[4]!, false, true],
      ['test_0', ids[0]!, false, false],
      ['test_1', ids[8]!, true, false],
      ['test_1', ids[5]!, false, true],
      ['test_1', ids[1]!, false, false],
      ['test_2', ids[6]!, true, true],
      ['test_2', ids[3]!, false, false],
      ['test_2', ids[2]!, false, false],
    ];
    const entries = (page: ListObjectVersionsCommandOutput) =>
      [
        ...(page.Versions ?? []).map((v) => [v.Key!, v.VersionId!, v.IsLatest!, false] as [string, string, boolean, boolean]),
        ...(page.DeleteMarkers ?? []).map((m) => [m.Key!, m.VersionId!, m.IsLatest!, true] as [string, string, boolean, boolean]),
      ].sort((a, b) => expected.findIndex((e) => e[1] === a[1]) - expected.findIndex((e) => e[1] === b[1]));
    assert.deepEqual(entries(await h.s3.send(new ListObjectVersionsCommand({ Bucket }))), expected);

    const seen: [string, string, boolean, boolean][] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await h.s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 1, KeyMarker, VersionIdMarker }));
      pages++;
      seen.push(...entries(page));
      if (!page.IsTruncated) {
        assert.equal(page.NextKeyMarker, undefined);
        break;
      }
      KeyMarker = page.NextKeyMarker;
      VersionIdMarker = page.NextVersionIdMarker;
      assert.equal(KeyMarker, seen.at(-1)![0]);
      assert.equal(VersionIdMarker, seen.at(-1)![1]);
    }
    assert.deepEqual(seen, expected);
    assert.equal(pages, 9);

    const keyOnly = await h.s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 1, KeyMarker: 'test_1' }));
    assert.deepEqual(entries(keyOnly), [expected[6]]);
    const last = await h.s3.send(new ListObjectVersionsCommand({ Bucket, KeyMarker: 'test_2', VersionIdMarker: ids[3] }));
    assert.deepEqual(entries(last), [expected[8]]);
    const noKey = await errorOf(h.s3.send(new ListObjectVersionsCommand({ Bucket, VersionIdMarker: ids[3] })));
    assert.equal(noKey.name, 'InvalidArgument');
    assert.equal(noKey.message, 'A version-id marker cannot be specified without a key marker.');
    const zero = await h.s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 0 }));
    assert.equal(zero.IsTruncated, false);
    assert.equal(zero.Versions, undefined);

    for (const Key of ['folder/asub/a', 'folder/asub/b', 'folder/f1', 'folder/f2'])
      await h.s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
    const first = await h.s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'folder/', Delimiter: '/', MaxKeys: 1 }));
    assert.deepEqual(first.CommonPrefixes, [{ Prefix: 'folder/asub/' }]);
    assert.equal(first.NextKeyMarker, 'folder/asub/');
    assert.equal(first.NextVersionIdMarker, undefined);
    const second = await h.s3.send(
      new ListObjectVersionsCommand({ Bucket, Prefix: 'folder/', Delimiter: '/', MaxKeys: 1, KeyMarker: first.NextKeyMarker }),
    );
    assert.deepEqual(
      second.Versions?.map((v) => v.Key),
      ['folder/f1'],
    );
    assert.equal(second.IsTruncated, true);
  } finally {
    await h.close();
  }
});

test('DeleteObjects with versions: markers, version deletes, NoSuchVersion errors, and their records', async () => {
  const h = await startS3();
  try {
    const Bucket = 'ver-multi';
    await versionedBucket(h, Bucket);
    const v1 = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'test-delete', Body: 'test-delete' }));
    h.events.length = 0;
    const first = await h.s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'test-delete' }, { Key: 'wrongkey' }] } }));
    const deleted = [...(first.Deleted ?? [])].sort((a, b) => (a.Key! < b.Key! ? -1 : 1));
    assert.equal(deleted.length, 2);
    for (const d of deleted) {
      assert.equal(d.DeleteMarker, true);
      assert.match(d.DeleteMarkerVersionId!, /^[A-Za-z0-9._]{32}$/);
    }
    assert.deepEqual(
      h.events.map((e) => [e.record.eventName, e.record.s3.object.versionId]).sort(),
      deleted.map((d) => ['ObjectRemoved:DeleteMarkerCreated', d.DeleteMarkerVersionId]).sort(),
    );
    const markerId = deleted[0]!.DeleteMarkerVersionId!;
    const second = await h.s3.send(
      new DeleteObjectsCommand({
        Bucket,
        Delete: {
          Objects: [
            { Key: 'test-delete', VersionId: markerId },
            { Key: 'test-delete', VersionId: 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD' },
          ],
        },
      }),
    );
    assert.deepEqual(second.Deleted, [{ Key: 'test-delete', VersionId: markerId, DeleteMarker: true, DeleteMarkerVersionId: markerId }]);
    assert.deepEqual(second.Errors, [
      {
        Key: 'test-delete',
        VersionId: 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD',
        Code: 'NoSuchVersion',
        Message: 'The specified version does not exist.',
      },
    ]);
    h.events.length = 0;
    const third = await h.s3.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'test-delete', VersionId: v1.VersionId }] } }),
    );
    assert.deepEqual(third.Deleted, [{ Key: 'test-delete', VersionId: v1.VersionId }]);
    assert.deepEqual(
      h.events.map((e) => [e.record.eventName, e.record.s3.object.versionId]),
      [['ObjectRemoved:Delete', v1.VersionId]],
    );
  } finally {
    await h.close();
  }
});

test('versions, markers, the versioning status and lifecycle rules survive a restart with a data dir', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-ver-'));
  try {
    let h = await startS3({ dataDir });
    const Bucket = 'ver-persist';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    await h.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'one' }));
    const v2 = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'two' }));
    const marker = await h.s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
    await h.s3.send(new PutObjectCommand({ Bucket, Key: 'plain', Body: 'p' }));
    const Rules = [{ ID: 'far', Filter: { Prefix: 'logs/' }, Status: 'Enabled' as const, Expiration: { Days: 3650 } }];
    await h.s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules } }));
    const before = await h.s3.send(new ListObjectVersionsCommand({ Bucket }));
    await h.close();

    for (let round = 0; round < 2; round++) {
      // Round 0 loads the index a clean close wrote; round 1 rescans the object files (the index is consumed).
      if (round === 1) rmSync(join(dataDir, 's3', 'index.json'), { force: true });
      h = await startS3({ dataDir });
      assert.equal((await h.s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Enabled');
      assert.deepEqual((await h.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules, Rules);
      const after = await h.s3.send(new ListObjectVersionsCommand({ Bucket }));
      assert.deepEqual(after.Versions, before.Versions);
      assert.deepEqual(after.DeleteMarkers, before.DeleteMarkers);
      const got = await h.s3.send(new GetObjectCommand({ Bucket, Key: 'k', VersionId: v1.VersionId }));
      assert.equal(await got.Body!.transformToString(), 'one');
      assert.equal((await errorOf(h.s3.send(new GetObjectCommand({ Bucket, Key: 'k' })))).name, 'NoSuchKey');
      assert.ok(marker.VersionId && v2.VersionId);
      await h.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
