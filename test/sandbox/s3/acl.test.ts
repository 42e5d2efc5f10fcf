/**
 * Issue #12, ACLs: canned ACLs, grant headers and AccessControlPolicy bodies (table tests of the pure
 * parser), and Put/GetObjectAcl, x-amz-acl on PUT/COPY, GetBucketAcl with the JS SDK against a real
 * sandbox, with the ObjectAcl:Put record checked field by field. ACLs are stored and echoed, not enforced.
 */
import { errorOf } from '../../sdk-errors.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  PutBucketAclCommand,
  PutObjectAclCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { aclFromHeaders, aclFromXml, cannedAcl } from '../../../src/sandbox/s3/acl.js';
import { S3Error } from '../../../src/sandbox/s3/errors.js';
import { SANDBOX_OWNER_ID, SANDBOX_PRINCIPAL_ID } from '../../../src/sandbox/s3/event-record.js';
import { lambdaEverything, putNotification, startS3 } from './helpers.js';

const OWNER_GRANT = { Grantee: { Type: 'CanonicalUser', ID: SANDBOX_OWNER_ID, DisplayName: 'sandbox' }, Permission: 'FULL_CONTROL' };
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const EC2 = '6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c';

const failure = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof S3Error, String(err));
    return `${err.status} ${err.code}: ${err.message} ${JSON.stringify(err.extra)}`;
  }
};

test('aclFromHeaders: canned ACLs, grant lists, and what AWS refuses', () => {
  assert.equal(aclFromHeaders({}), undefined);
  assert.deepEqual(aclFromHeaders({ 'x-amz-acl': 'public-read' }), cannedAcl('public-read'));
  assert.deepEqual(
    aclFromHeaders({ 'x-amz-grant-read': `id="abc", uri="${AUTH_USERS}"`, 'x-amz-grant-write-acp': 'emailAddress="a@b.c"' }),
    {
      grants: [
        { grantee: { type: 'CanonicalUser', id: 'abc' }, permission: 'READ' },
        { grantee: { type: 'Group', uri: AUTH_USERS }, permission: 'READ' },
        { grantee: { type: 'AmazonCustomerByEmail', email: 'a@b.c' }, permission: 'WRITE_ACP' },
      ],
    },
  );
  assert.equal(
    failure(() => aclFromHeaders({ 'x-amz-acl': 'public-ready' })),
    '400 InvalidArgument:  {"ArgumentName":"x-amz-acl","ArgumentValue":"public-ready"}',
  );
  assert.equal(
    failure(() => aclFromHeaders({ 'x-amz-acl': 'private', 'x-amz-grant-read': 'id="x"' })),
    '400 InvalidRequest: Specifying both Canned ACLs and Header Grants is not allowed {}',
  );
  assert.equal(
    failure(() => aclFromHeaders({ 'x-amz-grant-read': 'uri="http://example.com/group"' })),
    '400 InvalidArgument: Invalid group uri {"ArgumentName":"uri","ArgumentValue":"http://example.com/group"}',
  );
  assert.equal(
    failure(() => aclFromHeaders({ 'x-amz-grant-read': 'nobody' })),
    '400 InvalidArgument: Invalid id {"ArgumentName":"x-amz-grant-read","ArgumentValue":"nobody"}',
  );
});

test('aclFromXml: grantees by xsi:type, permissions checked, malformed documents refused', () => {
  const xml = (grants: string) =>
    `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>${SANDBOX_OWNER_ID}</ID></Owner>` +
    `<AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
  const grant = (type: string, inner: string, permission: string) =>
    `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="${type}">${inner}</Grantee><Permission>${permission}</Permission></Grant>`;
  assert.deepEqual(
    aclFromXml(
      xml(grant('CanonicalUser', `<ID>${SANDBOX_OWNER_ID}</ID>`, 'FULL_CONTROL') + grant('Group', `<URI>${ALL_USERS}</URI>`, 'READ')),
    ),
    {
      grants: [
        { grantee: { type: 'CanonicalUser', id: SANDBOX_OWNER_ID, displayName: 'sandbox' }, permission: 'FULL_CONTROL' },
        { grantee: { type: 'Group', uri: ALL_USERS }, permission: 'READ' },
      ],
    },
  );
  assert.deepEqual(aclFromXml(xml('')), { grants: [] });
  const malformed = '400 MalformedACLError: The ACL you provided was not well formed or did not validate against our published schema {}';
  for (const bad of [
    '<oops',
    '<Other/>',
    xml(grant('CanonicalUser', '<ID>x</ID>', 'EVERYTHING')),
    xml(grant('Group', '<ID>x</ID>', 'READ')),
  ]) {
    assert.equal(
      failure(() => aclFromXml(bad)),
      malformed,
      bad,
    );
  }
});

test('JS SDK: GetObjectAcl after each canned ACL, on PUT and on PutObjectAcl', async () => {
  const h = await startS3();
  try {
    const Bucket = 'acl-bucket';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    await h.s3.send(new PutObjectCommand({ Bucket, Key: 'plain', Body: 'x' }));
    const plain = await h.s3.send(new GetObjectAclCommand({ Bucket, Key: 'plain' }));
    assert.deepEqual(plain.Owner, { ID: SANDBOX_OWNER_ID, DisplayName: 'sandbox' });
    assert.deepEqual(plain.Grants, [OWNER_GRANT]);

    const expected: Record<string, unknown[]> = {
      private: [OWNER_GRANT],
      'public-read': [OWNER_GRANT, { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' }],
      'public-read-write': [
        OWNER_GRANT,
        { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
        { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'WRITE' },
      ],
      'authenticated-read': [OWNER_GRANT, { Grantee: { Type: 'Group', URI: AUTH_USERS }, Permission: 'READ' }],
      'aws-exec-read': [OWNER_GRANT, { Grantee: { Type: 'CanonicalUser', ID: EC2, DisplayName: 'za-team' }, Permission: 'READ' }],
      'bucket-owner-read': [OWNER_GRANT],
      'bucket-owner-full-control': [OWNER_GRANT],
    };
    for (const [ACL, grants] of Object.entries(expected)) {
      await h.s3.send(new PutObjectCommand({ Bucket, Key: `put-${ACL}`, Body: 'x', ACL: ACL as 'private' }));
      assert.deepEqual((await h.s3.send(new GetObjectAclCommand({ Bucket, Key: `put-${ACL}` }))).Grants, grants, `PUT ${ACL}`);
      await h.s3.send(new PutObjectAclCommand({ Bucket, Key: 'plain', ACL: ACL as 'private' }));
      assert.deepEqual((await h.s3.send(new GetObjectAclCommand({ Bucket, Key: 'plain' }))).Grants, grants, `PutObjectAcl ${ACL}`);
    }

    // ACLs are not copied: the copy is private unless the request names an ACL.
    await h.s3.send(new CopyObjectCommand({ Bucket, Key: 'copied', CopySource: `${Bucket}/put-public-read` }));
    assert.deepEqual((await h.s3.send(new GetObjectAclCommand({ Bucket, Key: 'copied' }))).Grants, [OWNER_GRANT]);
    await h.s3.send(new CopyObjectCommand({ Bucket, Key: 'copied-acl', CopySource: `${Bucket}/plain`, ACL: 'authenticated-read' }));
    assert.deepEqual((await h.s3.send(new GetObjectAclCommand({ Bucket, Key: 'copied-acl' }))).Grants, expected['authenticated-read']);

    // Not enforced: a public-read object still reads back for the same caller, and so does a private one.
    assert.equal(await (await h.s3.send(new GetObjectCommand({ Bucket, Key: 'put-private' }))).Body!.transformToString(), 'x');
  } finally {
    await h.close();
  }
});

test('JS SDK: PutObjectAcl with a grant header and with an AccessControlPolicy body; the ObjectAcl:Put record', async () => {
  const h = await startS3();
  try {
    const Bucket = 'acl-events';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    assert.equal((await putNotification(h.sandbox, Bucket, lambdaEverything('acl', '<Event>s3:ObjectAcl:Put</Event>'))).status, 200);
    const put = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'reports/q1.csv', Body: 'a,b' }));

    h.events.length = 0;
    const granted = await h.s3.send(
      new PutObjectAclCommand({
        Bucket,
        Key: 'reports/q1.csv',
        GrantRead: `uri="${ALL_USERS}"`,
        GrantFullControl: `id="${SANDBOX_OWNER_ID}"`,
      }),
    );
    assert.deepEqual((await h.s3.send(new GetObjectAclCommand({ Bucket, Key: 'reports/q1.csv' }))).Grants, [
      { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
      OWNER_GRANT,
    ]);
    assert.equal(h.events.length, 1);
    const record = h.events[0]!.record;
    assert.deepEqual(record, {
      eventVersion: '2.3',
      eventSource: 'aws:s3',
      awsRegion: h.sandbox.region,
      eventTime: record.eventTime,
      eventName: 'ObjectAcl:Put',
      userIdentity: { principalId: SANDBOX_PRINCIPAL_ID },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': granted.$metadata.requestId, 'x-amz-id-2': granted.$metadata.extendedRequestId },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'acl',
        bucket: { name: Bucket, ownerIdentity: { principalId: SANDBOX_OWNER_ID }, arn: `arn:aws:s3:::${Bucket}` },
        object: { key: 'reports/q1.csv', eTag: put.ETag!.replace(/"/g, '') },
      },
    });

    h.events.length = 0;
    await h.s3.send(
      new PutObjectAclCommand({
        Bucket,
        Key: 'reports/q1.csv',
        AccessControlPolicy: {
          Owner: { ID: SANDBOX_OWNER_ID },
          Grants: [
            { Grantee: { Type: 'CanonicalUser', ID: SANDBOX_OWNER_ID }, Permission: 'FULL_CONTROL' },
            { Grantee: { Type: 'Group', URI: AUTH_USERS }, Permission: 'READ_ACP' },
          ],
        },
      }),
    );
    assert.deepEqual((await h.s3.send(new GetObjectAclCommand({ Bucket, Key: 'reports/q1.csv' }))).Grants, [
      OWNER_GRANT,
      { Grantee: { Type: 'Group', URI: AUTH_USERS }, Permission: 'READ_ACP' },
    ]);
    assert.deepEqual(
      h.events.map((e) => e.record.eventName),
      ['ObjectAcl:Put'],
    );

    // Setting an ACL with the object fires ObjectCreated:Put only, no ObjectAcl:Put.
    h.events.length = 0;
    await h.s3.send(new PutObjectCommand({ Bucket, Key: 'public', Body: 'x', ACL: 'public-read' }));
    assert.deepEqual(
      h.events.map((e) => e.record.eventName),
      ['ObjectCreated:Put'],
    );
    h.events.length = 0;

    assert.deepEqual(await errorOf(h.s3.send(new PutObjectAclCommand({ Bucket, Key: 'reports/q1.csv' }))), {
      name: 'MissingSecurityHeader',
      status: 400,
      message: 'Your request was missing a required header',
    });
    assert.deepEqual(await errorOf(h.s3.send(new PutObjectAclCommand({ Bucket, Key: 'missing', ACL: 'private' }))), {
      name: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
    });
    assert.deepEqual(await errorOf(h.s3.send(new PutObjectCommand({ Bucket, Key: 'bad', Body: 'x', ACL: 'public-ready' as 'private' }))), {
      name: 'InvalidArgument',
      status: 400,
      message: 'UnknownError',
    });
    assert.equal(h.events.length, 0);
  } finally {
    await h.close();
  }
});

test('JS SDK: GetBucketAcl answers the owner FULL_CONTROL; PutBucketAcl is stored', async () => {
  const h = await startS3();
  try {
    const Bucket = 'bucket-acl';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    const acl = await h.s3.send(new GetBucketAclCommand({ Bucket }));
    assert.deepEqual(acl.Owner, { ID: SANDBOX_OWNER_ID, DisplayName: 'sandbox' });
    assert.deepEqual(acl.Grants, [OWNER_GRANT]);
    await h.s3.send(new PutBucketAclCommand({ Bucket, ACL: 'public-read' }));
    assert.deepEqual((await h.s3.send(new GetBucketAclCommand({ Bucket }))).Grants, [
      OWNER_GRANT,
      { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
    ]);
    assert.deepEqual(await errorOf(h.s3.send(new GetBucketAclCommand({ Bucket: 'no-such-bucket' }))), {
      name: 'NoSuchBucket',
      status: 404,
      message: 'The specified bucket does not exist',
    });
  } finally {
    await h.close();
  }
});
