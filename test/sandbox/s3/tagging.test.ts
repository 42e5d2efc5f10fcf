/**
 * Issue #12, tagging: AWS's tag rules (table tests of the pure parser) and Put/Get/DeleteObjectTagging,
 * x-amz-tagging on PUT, POST, COPY (with x-amz-tagging-directive) and multipart, driven with the JS SDK
 * against a real sandbox, with the ObjectTagging:Put / ObjectTagging:Delete records checked field by field.
 */
import { errorOf } from '../../sdk-errors.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { S3Error } from '../../../src/sandbox/s3/errors.js';
import { parseTaggingHeader, parseTaggingXml, validateTags, type Tag } from '../../../src/sandbox/s3/tagging.js';
import { SANDBOX_OWNER_ID, SANDBOX_PRINCIPAL_ID } from '../../../src/sandbox/s3/event-record.js';
import { lambdaEverything, putNotification, startS3 } from './helpers.js';

const tag = (key: string, value = 'v'): Tag => ({ key, value });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof S3Error, String(err));
    return `${err.status} ${err.code}: ${err.message}`;
  }
};

test('validateTags: AWS limits, characters, reserved prefix and duplicates', () => {
  const ten = Array.from({ length: 10 }, (_, i) => tag(`k${i}`));
  const cases: [string, Tag[], string][] = [
    ['ten tags', ten, 'ok'],
    ['eleven tags', [...ten, tag('k10')], '400 BadRequest: Object tags cannot be greater than 10'],
    ['128-char key, 256-char value', [tag('k'.repeat(128), 'v'.repeat(256))], 'ok'],
    ['129-char key', [tag('k'.repeat(129))], '400 InvalidTag: The TagKey you have provided is too long, max 128'],
    ['257-char value', [tag('k', 'v'.repeat(257))], '400 InvalidTag: The TagValue you have provided is too long, max 256'],
    ['empty key', [tag('')], '400 InvalidTag: The TagKey you have provided is invalid'],
    ['empty value', [tag('k', '')], 'ok'],
    ['allowed symbols and unicode', [tag('a b_.:/=+-@é', 'ü 1')], 'ok'],
    ['key with [', [tag('TagSet=[{Key')], '400 InvalidTag: The TagKey you have provided is invalid'],
    ['value with *', [tag('k', 'a*')], '400 InvalidTag: The TagValue you have provided is invalid'],
    ['aws: prefix', [tag('aws:owner')], '400 InvalidTag: Your TagKey cannot be prefixed with aws:'],
    ['duplicate keys', [tag('a'), tag('a', 'w')], '400 InvalidTag: Cannot provide multiple Tags with the same key'],
  ];
  for (const [name, tags, expected] of cases)
    assert.equal(
      codeOf(() => validateTags(tags)),
      expected,
      name,
    );
  assert.deepEqual(
    validateTags([tag('b'), tag('a')]).map((t) => t.key),
    ['a', 'b'],
  );
});

test('parseTaggingHeader: URL-encoded pairs, + as space, bare names, malformed headers', () => {
  assert.deepEqual(parseTaggingHeader('env=dev&team=a%20b&x=y+z&bare'), [
    tag('bare', ''),
    tag('env', 'dev'),
    tag('team', 'a b'),
    tag('x', 'y z'),
  ]);
  assert.deepEqual(parseTaggingHeader(''), []);
  const header =
    "400 InvalidArgument: The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";
  assert.equal(
    codeOf(() => parseTaggingHeader('TagSet=[{Key=string,Value=string}]')),
    header,
  );
  assert.equal(
    codeOf(() => parseTaggingHeader('a=1&a=2')),
    header,
  );
  assert.equal(
    codeOf(() => parseTaggingHeader('a=%E0%A4%A')),
    header,
  );
  assert.equal(
    codeOf(() => parseTaggingHeader('TagSet%3D%5B%7BKey%3Dstring%2CValue%3Dstring%7D%5D')),
    '400 InvalidTag: The TagKey you have provided is invalid',
  );
});

test('parseTaggingXml: the Tagging document, one or many tags, an empty TagSet, malformed shapes', () => {
  const doc = (inner: string) => `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</Tagging>`;
  assert.deepEqual(parseTaggingXml(doc('<TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet>')), [tag('k')]);
  assert.deepEqual(
    parseTaggingXml(doc('<TagSet>\n <Tag><Key>b</Key><Value/></Tag>\n <Tag><Key> a</Key><Value>1</Value></Tag>\n</TagSet>')),
    [tag(' a', '1'), tag('b', '')],
  );
  assert.deepEqual(parseTaggingXml(doc('<TagSet/>')), []);
  const malformed = '400 MalformedXML: The XML you provided was not well-formed or did not validate against our published schema';
  for (const bad of ['', '<Tagging>', doc(''), doc('<TagSet><Tag><Key>k</Key></Tag></TagSet>'), '<Other/>']) {
    assert.equal(
      codeOf(() => parseTaggingXml(bad)),
      malformed,
      bad,
    );
  }
});

const CONFIG_EVENTS = '<Event>s3:ObjectTagging:*</Event>';

test('JS SDK: Put/Get/DeleteObjectTagging, tagging count on GET/HEAD, and the ObjectTagging event records', async () => {
  const h = await startS3();
  try {
    const Bucket = 'tag-bucket';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    assert.equal((await putNotification(h.sandbox, Bucket, lambdaEverything('tags', CONFIG_EVENTS))).status, 200);
    const put = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'docs/a b.txt', Body: 'hello' }));
    const etag = put.ETag!.replace(/"/g, '');

    const untagged = await h.s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'docs/a b.txt' }));
    assert.deepEqual(untagged.TagSet, []);
    const head0 = await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'docs/a b.txt' }));
    assert.equal(head0.TagCount, undefined);

    h.events.length = 0;
    const putTags = await h.s3.send(
      new PutObjectTaggingCommand({
        Bucket,
        Key: 'docs/a b.txt',
        Tagging: {
          TagSet: [
            { Key: 'team', Value: 'a' },
            { Key: 'env', Value: 'dev' },
          ],
        },
      }),
    );
    const tags = await h.s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'docs/a b.txt' }));
    assert.deepEqual(tags.TagSet, [
      { Key: 'env', Value: 'dev' },
      { Key: 'team', Value: 'a' },
    ]);
    assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'docs/a b.txt' }))).TagCount, 2);
    const got = await h.s3.send(new GetObjectCommand({ Bucket, Key: 'docs/a b.txt' }));
    assert.equal(got.TagCount, 2);
    assert.equal(await got.Body!.transformToString(), 'hello');

    assert.equal(h.events.length, 1);
    const record = h.events[0]!.record;
    assert.equal(h.events[0]!.destination.kind, 'lambda');
    assert.deepEqual(record, {
      eventVersion: '2.3',
      eventSource: 'aws:s3',
      awsRegion: h.sandbox.region,
      eventTime: record.eventTime,
      eventName: 'ObjectTagging:Put',
      userIdentity: { principalId: SANDBOX_PRINCIPAL_ID },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': putTags.$metadata.requestId, 'x-amz-id-2': putTags.$metadata.extendedRequestId },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'tags',
        bucket: { name: Bucket, ownerIdentity: { principalId: SANDBOX_OWNER_ID }, arn: `arn:aws:s3:::${Bucket}` },
        object: { key: 'docs/a+b.txt', eTag: etag },
      },
    });
    assert.match(record.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    h.events.length = 0;
    const del = await h.s3.send(new DeleteObjectTaggingCommand({ Bucket, Key: 'docs/a b.txt' }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    assert.deepEqual((await h.s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'docs/a b.txt' }))).TagSet, []);
    assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'docs/a b.txt' }))).TagCount, undefined);
    assert.equal(h.events.length, 1);
    const delRecord = h.events[0]!.record;
    assert.equal(delRecord.eventName, 'ObjectTagging:Delete');
    assert.equal(delRecord.eventVersion, '2.3');
    assert.equal(delRecord.responseElements['x-amz-request-id'], del.$metadata.requestId);
    assert.deepEqual(delRecord.s3.object, { key: 'docs/a+b.txt', eTag: etag });

    // Tags set with the object are part of ObjectCreated:Put, not a tagging event.
    h.events.length = 0;
    await h.s3.send(new PutObjectCommand({ Bucket, Key: 'with-tags', Body: 'x', Tagging: 'a=1&b=two%20words' }));
    assert.deepEqual(
      h.events.map((e) => e.record.eventName),
      ['ObjectCreated:Put'],
    );
    assert.deepEqual((await h.s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'with-tags' }))).TagSet, [
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: 'two words' },
    ]);
  } finally {
    await h.close();
  }
});

test('JS SDK: CopyObject keeps the source tags by default and with COPY, takes x-amz-tagging with REPLACE', async () => {
  const h = await startS3();
  try {
    const Bucket = 'copy-tags';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    await h.s3.send(new PutObjectCommand({ Bucket, Key: 'src', Body: 'body', Tagging: 'origin=src' }));
    const tagsOf = async (Key: string) => (await h.s3.send(new GetObjectTaggingCommand({ Bucket, Key }))).TagSet;

    await h.s3.send(new CopyObjectCommand({ Bucket, Key: 'default', CopySource: `${Bucket}/src` }));
    assert.deepEqual(await tagsOf('default'), [{ Key: 'origin', Value: 'src' }]);
    await h.s3.send(new CopyObjectCommand({ Bucket, Key: 'copy', CopySource: `${Bucket}/src`, TaggingDirective: 'COPY', Tagging: 'x=y' }));
    assert.deepEqual(await tagsOf('copy'), [{ Key: 'origin', Value: 'src' }]);
    await h.s3.send(
      new CopyObjectCommand({ Bucket, Key: 'replace', CopySource: `${Bucket}/src`, TaggingDirective: 'REPLACE', Tagging: 'x=y' }),
    );
    assert.deepEqual(await tagsOf('replace'), [{ Key: 'x', Value: 'y' }]);
    await h.s3.send(new CopyObjectCommand({ Bucket, Key: 'replace-none', CopySource: `${Bucket}/src`, TaggingDirective: 'REPLACE' }));
    assert.deepEqual(await tagsOf('replace-none'), []);

    const bad = await errorOf(
      h.s3.send(new CopyObjectCommand({ Bucket, Key: 'bad', CopySource: `${Bucket}/src`, TaggingDirective: 'MOVE' as 'COPY' })),
    );
    assert.deepEqual(bad, { name: 'InvalidArgument', status: 400, message: 'Unknown tagging directive.' });
  } finally {
    await h.close();
  }
});

test('JS SDK: CreateMultipartUpload with Tagging gives the completed object its tags', async () => {
  const h = await startS3();
  try {
    const Bucket = 'mpu-tags';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big', Tagging: 'kind=multipart' }));
    const part = await h.s3.send(new UploadPartCommand({ Bucket, Key: 'big', UploadId, PartNumber: 1, Body: 'only part' }));
    await h.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'big',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    assert.deepEqual((await h.s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'big' }))).TagSet, [{ Key: 'kind', Value: 'multipart' }]);
    assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'big' }))).TagCount, 1);

    const badMpu = await errorOf(h.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big2', Tagging: 'aws:x=1' })));
    assert.deepEqual(badMpu, { name: 'InvalidTag', status: 400, message: 'Your TagKey cannot be prefixed with aws:' });
  } finally {
    await h.close();
  }
});

test('JS SDK: limits and errors answer AWS codes and change nothing', async () => {
  const h = await startS3();
  try {
    const Bucket = 'tag-errors';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    await h.s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x', Tagging: 'keep=1' }));
    const putTags = (TagSet: { Key: string; Value: string }[], Key = 'k') =>
      errorOf(h.s3.send(new PutObjectTaggingCommand({ Bucket, Key, Tagging: { TagSet } })));
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    assert.deepEqual(await putTags(eleven), { name: 'BadRequest', status: 400, message: 'Object tags cannot be greater than 10' });
    assert.deepEqual(
      await putTags([
        { Key: 'a', Value: '1' },
        { Key: 'a', Value: '2' },
      ]),
      { name: 'InvalidTag', status: 400, message: 'Cannot provide multiple Tags with the same key' },
    );
    assert.deepEqual(await putTags([{ Key: 'k'.repeat(129), Value: '' }]), {
      name: 'InvalidTag',
      status: 400,
      message: 'The TagKey you have provided is too long, max 128',
    });
    assert.deepEqual(await putTags([{ Key: 'aws:x', Value: '' }]), {
      name: 'InvalidTag',
      status: 400,
      message: 'Your TagKey cannot be prefixed with aws:',
    });
    assert.deepEqual(await putTags([{ Key: 'a', Value: '1' }], 'missing'), {
      name: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
    });
    assert.deepEqual(await errorOf(h.s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'missing' }))), {
      name: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
    });
    assert.deepEqual(await errorOf(h.s3.send(new DeleteObjectTaggingCommand({ Bucket, Key: 'missing' }))), {
      name: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
    });
    const twelve = Array.from({ length: 12 }, (_, i) => `t${i}=v`).join('&');
    assert.deepEqual(await errorOf(h.s3.send(new PutObjectCommand({ Bucket, Key: 'many', Body: 'x', Tagging: twelve }))), {
      name: 'BadRequest',
      status: 400,
      message: 'Object tags cannot be greater than 10',
    });
    assert.deepEqual((await h.s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'k' }))).TagSet, [{ Key: 'keep', Value: '1' }]);
    assert.deepEqual(await errorOf(h.s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'many' }))), {
      name: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
    });
  } finally {
    await h.close();
  }
});

test('browser-form POST: the tagging field holds a Tagging document', async () => {
  const h = await startS3();
  try {
    const Bucket = 'post-tags';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    const form = new FormData();
    form.append('key', 'posted.txt');
    form.append('tagging', '<Tagging><TagSet><Tag><Key>via</Key><Value>form</Value></Tag></TagSet></Tagging>');
    form.append('file', new Blob(['posted']), 'posted.txt');
    const res = await fetch(`${h.sandbox.endpoint}/${Bucket}`, { method: 'POST', body: form });
    assert.equal(res.status, 204, await res.text());
    assert.deepEqual((await h.s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'posted.txt' }))).TagSet, [{ Key: 'via', Value: 'form' }]);

    const bad = new FormData();
    bad.append('key', 'bad.txt');
    bad.append('tagging', 'env=dev');
    bad.append('file', new Blob(['x']), 'bad.txt');
    const badRes = await fetch(`${h.sandbox.endpoint}/${Bucket}`, { method: 'POST', body: bad });
    assert.equal(badRes.status, 400);
    assert.match(await badRes.text(), /<Code>MalformedXML<\/Code>/);
  } finally {
    await h.close();
  }
});
