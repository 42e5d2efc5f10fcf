/**
 * Issue #12, lifecycle expiration: the configuration's validation (table tests of the pure parser, AWS's recorded
 * errors), Put/Get/DeleteBucketLifecycleConfiguration with the JS SDK, and expiration applied by the sandbox
 * clock (one lifecycle day = 1 s × --timing-scale) with the LifecycleExpiration records checked field by field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../../sdk-errors.js';
import { S3Error } from '../../../src/sandbox/s3/errors.js';
import { dueActions, parseLifecycleXml, type LifecycleRule } from '../../../src/sandbox/s3/lifecycle.js';
import { lifecycleDayMs } from '../../../src/sandbox/s3/lifecycle-runner.js';
import { SANDBOX_OWNER_ID } from '../../../src/sandbox/s3/event-record.js';
import type { S3Notification } from '../../../src/sandbox/context.js';
import { lambdaEverything, putNotification, startS3, type S3Harness } from './helpers.js';

const doc = (rules: string) => `<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules}</LifecycleConfiguration>`;
const outcome = (xml: string) => {
  try {
    parseLifecycleXml(xml);
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof S3Error, String(err));
    return `${err.status} ${err.code}: ${err.message}`;
  }
};
const MALFORMED = '400 MalformedXML: The XML you provided was not well-formed or did not validate against our published schema';

test('parseLifecycleXml: AWS validation of rules, filters and actions', () => {
  const cases: [string, string, string][] = [
    ['days with empty filter', '<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule>', 'ok'],
    ['legacy prefix', '<Rule><ID>a</ID><Prefix>logs/</Prefix><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>', 'ok'],
    ['missing filter (and id)', '<Rule><Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule>', MALFORMED],
    ['filter and prefix', '<Rule><Filter/><Prefix/><Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule>', MALFORMED],
    [
      'Filter And plus Prefix',
      '<Rule><Filter><And><Prefix>t</Prefix></And><Prefix/></Filter><Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule>',
      MALFORMED,
    ],
    [
      'prefix or id with elements inside',
      '<Rule><ID><x/></ID><Filter><Prefix><a/></Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>',
      MALFORMED,
    ],
    ['status lower-case', '<Rule><Filter/><Status>enabled</Status><Expiration><Days>7</Days></Expiration></Rule>', MALFORMED],
    ['empty noncurrent expiration', '<Rule><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration/></Rule>', MALFORMED],
    [
      'marker and days',
      '<Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>',
      MALFORMED,
    ],
    [
      'date not at midnight',
      '<Rule><Filter/><Status>Enabled</Status><Expiration><Date>2023-01-01T02:02:00Z</Date></Expiration></Rule>',
      "400 InvalidArgument: 'Date' must be at midnight GMT",
    ],
    [
      'zero days',
      '<Rule><Filter/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration></Rule>',
      "400 InvalidArgument: 'Days' for Expiration action must be a positive integer",
    ],
    [
      'duplicate tag keys',
      '<Rule><Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value></Tag></And></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>',
      '400 InvalidRequest: Duplicate Tag Keys are not allowed.',
    ],
    [
      'no action',
      '<Rule><ID>a</ID><Filter/><Status>Enabled</Status></Rule>',
      '400 InvalidRequest: At least one action needs to be specified in a rule',
    ],
    [
      'duplicate ids',
      '<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule><Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>',
      '400 InvalidArgument: Rule ID must be unique. Found same ID for more than one rule',
    ],
  ];
  for (const [name, rules, expected] of cases) assert.equal(outcome(doc(rules)), expected, name);
  assert.equal(outcome(doc('')), MALFORMED, 'no rules');
  const [generated] = parseLifecycleXml(doc('<Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'));
  assert.ok(generated!.id.length > 0, 'AWS generates an ID when the rule has none');
});

test('dueActions: days after creation, noncurrent days after the successor, expired markers, filters', () => {
  const rule = (r: Partial<LifecycleRule>): LifecycleRule => ({ id: 'r', status: 'Enabled', filter: {}, filterForm: 'empty', ...r });
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const at = (ms: number) => new Date(t0 + ms).toISOString();
  const day = 1000;
  const obj = { key: 'logs/a', size: 3, lastModified: at(0) };
  assert.deepEqual(dueActions([rule({ expiration: { days: 2 } })], [obj], t0 + 1999, day), []);
  assert.deepEqual(dueActions([rule({ expiration: { days: 2 } })], [obj], t0 + 2000, day), [{ kind: 'expire-current' }]);
  assert.deepEqual(dueActions([rule({ status: 'Disabled', expiration: { days: 1 } })], [obj], t0 + 5000, day), []);
  assert.deepEqual(dueActions([rule({ filter: { prefix: 'other/' }, expiration: { days: 1 } })], [obj], t0 + 5000, day), []);
  assert.deepEqual(
    dueActions(
      [rule({ filter: { tags: [{ key: 'k', value: 'v' }] }, expiration: { days: 1 } })],
      [{ ...obj, tags: [{ key: 'k', value: 'v' }] }],
      t0 + 1000,
      day,
    ),
    [{ kind: 'expire-current' }],
  );
  assert.deepEqual(dueActions([rule({ expiration: { date: at(-1) } })], [obj], t0, day), [{ kind: 'expire-current' }]);
  const stack = [
    { ...obj, versionId: 'c', lastModified: at(3000) },
    { ...obj, versionId: 'b', lastModified: at(1000) },
    { ...obj, versionId: 'a', lastModified: at(0) },
  ];
  const noncurrent = rule({ noncurrentVersionExpiration: { noncurrentDays: 1 } });
  assert.deepEqual(dueActions([noncurrent], stack, t0 + 2500, day), [{ kind: 'remove-noncurrent', versionId: 'a' }]);
  assert.deepEqual(dueActions([noncurrent], stack, t0 + 4000, day), [
    { kind: 'remove-noncurrent', versionId: 'b' },
    { kind: 'remove-noncurrent', versionId: 'a' },
  ]);
  const keepOne = rule({ noncurrentVersionExpiration: { noncurrentDays: 1, newerNoncurrentVersions: 1 } });
  assert.deepEqual(dueActions([keepOne], stack, t0 + 9000, day), [{ kind: 'remove-noncurrent', versionId: 'a' }]);
  const marker = { key: 'logs/a', size: 0, lastModified: at(0), versionId: 'm', isDeleteMarker: true };
  assert.deepEqual(dueActions([rule({ expiration: { expiredObjectDeleteMarker: true } })], [marker], t0, day), [
    { kind: 'remove-expired-marker', versionId: 'm' },
  ]);
  assert.deepEqual(dueActions([rule({ expiration: { expiredObjectDeleteMarker: true } })], [marker, stack[2]!], t0, day), []);
  assert.equal(lifecycleDayMs(0.05), 50);
});

/** Waits (polling, no timing assertion) until `check` holds or 20 s pass. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), what);
}

function lifecycleRecord(h: S3Harness, e: S3Notification, Bucket: string, eventName: string, object: Record<string, unknown>) {
  const record = e.record;
  assert.deepEqual(record, {
    eventVersion: record.eventVersion,
    eventSource: 'aws:s3',
    awsRegion: h.sandbox.region,
    eventTime: record.eventTime,
    eventName,
    userIdentity: { principalId: 's3.amazonaws.com' },
    requestParameters: { sourceIPAddress: 's3.amazonaws.com' },
    responseElements: {
      'x-amz-request-id': record.responseElements['x-amz-request-id'],
      'x-amz-id-2': record.responseElements['x-amz-id-2'],
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'lc',
      bucket: { name: Bucket, ownerIdentity: { principalId: SANDBOX_OWNER_ID }, arn: `arn:aws:s3:::${Bucket}` },
      object: { ...object, sequencer: record.s3.object.sequencer },
    },
  });
  assert.match(record.responseElements['x-amz-request-id'], /^[0-9A-F]{16}$/);
}

const LIFECYCLE_EVENTS = '<Event>s3:LifecycleExpiration:*</Event>';

test('JS SDK: Put/Get/DeleteBucketLifecycleConfiguration, NoSuchLifecycleConfiguration, and expiration of an unversioned object', async () => {
  const h = await startS3({ timing: { scale: 0.05 } });
  try {
    const Bucket = 'lc-plain';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    assert.equal((await putNotification(h.sandbox, Bucket, lambdaEverything('lc', LIFECYCLE_EVENTS))).status, 200);
    const none = await errorOf(h.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })));
    assert.equal(none.name, 'NoSuchLifecycleConfiguration');
    assert.equal(none.status, 404);
    assert.equal((await h.s3.send(new DeleteBucketLifecycleCommand({ Bucket }))).$metadata.httpStatusCode, 204);

    await h.s3.send(new PutObjectCommand({ Bucket, Key: 'keep/a.txt', Body: 'stay' }));
    await h.s3.send(new PutObjectCommand({ Bucket, Key: 'tmp/a b.txt', Body: 'go' }));
    await h.s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket,
        LifecycleConfiguration: {
          Rules: [
            { ID: 'tmp-2-days', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 2 } },
            { ID: 'far', Filter: { Prefix: 'far/' }, Status: 'Enabled', Expiration: { Days: 3650 } },
          ],
        },
      }),
    );
    const got = await h.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    assert.deepEqual(got.Rules, [
      { ID: 'tmp-2-days', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 2 } },
      { ID: 'far', Filter: { Prefix: 'far/' }, Status: 'Enabled', Expiration: { Days: 3650 } },
    ]);
    // x-amz-expiration names the rule and the time the sandbox will expire the object (3650 days x 50 ms).
    const far = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'far/x', Body: 'x' }));
    assert.match(far.Expiration!, /^expiry-date="[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", rule-id="far"$/);
    const farHead = await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'far/x' }));
    assert.equal(farHead.Expiration, far.Expiration);
    const expiresAt = Date.parse(/expiry-date="([^"]+)"/.exec(far.Expiration!)![1]!);
    // Both HTTP dates have whole seconds: 182.5 s apart, give or take the truncation.
    const apart = (expiresAt - farHead.LastModified!.getTime()) / 1000;
    assert.ok(apart >= 181.5 && apart <= 183.5, `expires ${apart} s after LastModified`);
    assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'keep/a.txt' }))).Expiration, undefined);
    assert.equal(got.TransitionDefaultMinimumObjectSize, 'all_storage_classes_128K');

    await until(() => h.events.some((e) => e.record.eventName === 'LifecycleExpiration:Delete'), 'the tmp/ object expires');
    const expired = h.events.filter((e) => e.record.eventName.startsWith('LifecycleExpiration'));
    assert.equal(expired.length, 1);
    lifecycleRecord(h, expired[0]!, Bucket, 'LifecycleExpiration:Delete', { key: 'tmp/a+b.txt' });
    const keys = (await h.s3.send(new ListObjectsV2Command({ Bucket }))).Contents?.map((c) => c.Key);
    assert.deepEqual(keys, ['far/x', 'keep/a.txt']);

    await h.s3.send(new DeleteBucketLifecycleCommand({ Bucket }));
    assert.equal((await errorOf(h.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })))).name, 'NoSuchLifecycleConfiguration');
  } finally {
    await h.close();
  }
});

test('versioned bucket: expiration creates a delete marker (LifecycleExpiration:DeleteMarkerCreated), NoncurrentVersionExpiration removes old versions', async () => {
  const h = await startS3({ timing: { scale: 0.05 } });
  try {
    const Bucket = 'lc-versioned';
    await h.s3.send(new CreateBucketCommand({ Bucket }));
    await h.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    assert.equal((await putNotification(h.sandbox, Bucket, lambdaEverything('lc', LIFECYCLE_EVENTS))).status, 200);
    const v1 = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'doc', Body: 'one' }));
    const v2 = await h.s3.send(new PutObjectCommand({ Bucket, Key: 'doc', Body: 'two' }));
    await h.s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket,
        LifecycleConfiguration: {
          Rules: [
            { ID: 'expire', Filter: {}, Status: 'Enabled', Expiration: { Days: 3 } },
            { ID: 'noncurrent', Filter: { Prefix: '' }, Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 20 } },
          ],
        },
      }),
    );
    await until(() => h.events.some((e) => e.record.eventName === 'LifecycleExpiration:DeleteMarkerCreated'), 'a delete marker is created');
    const versions = await h.s3.send(new ListObjectVersionsCommand({ Bucket }));
    const marker = versions.DeleteMarkers?.[0];
    assert.ok(marker?.IsLatest);
    assert.equal((await errorOf(h.s3.send(new HeadObjectCommand({ Bucket, Key: 'doc' })))).status, 404);
    const markerEvent = h.events.find((e) => e.record.eventName === 'LifecycleExpiration:DeleteMarkerCreated')!;
    lifecycleRecord(h, markerEvent, Bucket, 'LifecycleExpiration:DeleteMarkerCreated', {
      key: 'doc',
      eTag: 'd41d8cd98f00b204e9800998ecf8427e',
      versionId: marker.VersionId,
    });

    await until(
      () => h.events.filter((e) => e.record.eventName === 'LifecycleExpiration:Delete').length === 2,
      'both noncurrent versions go',
    );
    const removed = h.events.filter((e) => e.record.eventName === 'LifecycleExpiration:Delete');
    assert.deepEqual(removed.map((e) => e.record.s3.object.versionId).sort(), [v1.VersionId, v2.VersionId].sort());
    lifecycleRecord(h, removed[0]!, Bucket, 'LifecycleExpiration:Delete', {
      key: 'doc',
      versionId: removed[0]!.record.s3.object.versionId,
    });
    const after = await h.s3.send(new ListObjectVersionsCommand({ Bucket }));
    assert.equal(after.Versions, undefined);
    assert.deepEqual(
      after.DeleteMarkers?.map((m) => m.VersionId),
      [marker.VersionId],
    );
    // Deleting by hand still works and is an ObjectRemoved event, not a lifecycle one.
    await h.s3.send(new DeleteObjectCommand({ Bucket, Key: 'doc', VersionId: marker.VersionId }));
  } finally {
    await h.close();
  }
});
