/**
 * Issue #12: RestoreObject — the request document, tier delays in compressed time, x-amz-restore, and the event
 * records ObjectRestore:Post, :Completed (glacierEventData) and :Delete, end to end with the JS SDK and a tiny
 * --timing-scale; restores survive a restart with a data dir.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, RestoreObjectCommand } from '@aws-sdk/client-s3';
import {
  parseRestoreRequest,
  restoreHeader,
  restoreRefusal,
  restoredUntil,
  startRestore,
  type RestoreState,
} from '../../../src/sandbox/s3/restore.js';
import { SANDBOX_OWNER_ID, SANDBOX_PRINCIPAL_ID } from '../../../src/sandbox/s3/event-record.js';
import type { S3Notification } from '../../../src/sandbox/context.js';
import { errorOf } from '../../sdk-errors.js';
import { FN_ARN, putNotification, startS3, type S3Harness } from './helpers.js';

const doc = (inner: string) => `<RestoreRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</RestoreRequest>`;

test('parseRestoreRequest: Days and Tier (nested or top-level, default Standard); MalformedXML otherwise; SELECT not implemented', () => {
  const ok: Array<[string, { days: number; tier: string }]> = [
    [doc('<Days>1</Days><GlacierJobParameters><Tier>Expedited</Tier></GlacierJobParameters>'), { days: 1, tier: 'Expedited' }],
    [doc('<Days> 30 </Days>'), { days: 30, tier: 'Standard' }],
    [doc('<Days>2</Days><Tier>Bulk</Tier>'), { days: 2, tier: 'Bulk' }],
  ];
  for (const [xml, want] of ok) assert.deepEqual(parseRestoreRequest(xml), want, xml);
  const code = (xml: string) => {
    try {
      parseRestoreRequest(xml);
      return 'ok';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };
  for (const xml of [
    '',
    '<Other/>',
    doc(''),
    doc('<Days>0</Days>'),
    doc('<Days>-1</Days>'),
    doc('<Days>1.5</Days>'),
    doc('<Days>1</Days><GlacierJobParameters><Tier>Fast</Tier></GlacierJobParameters>'),
  ]) {
    assert.equal(code(xml), 'MalformedXML', xml);
  }
  assert.equal(code(doc('<Type>SELECT</Type>')), 'NotImplemented');
});

test('restoreRefusal: archived classes restore; DEEP_ARCHIVE has no Expedited; others answer InvalidObjectState', () => {
  assert.equal(restoreRefusal('GLACIER', 'Expedited'), undefined);
  assert.equal(restoreRefusal('DEEP_ARCHIVE', 'Bulk'), undefined);
  assert.equal(restoreRefusal('DEEP_ARCHIVE', 'Expedited')?.code, 'InvalidArgument');
  for (const cls of [undefined, 'GLACIER_IR', 'STANDARD_IA'] as const) {
    const e = restoreRefusal(cls, 'Standard');
    assert.equal(e?.code, 'InvalidObjectState');
    assert.equal(e?.status, 403);
    assert.equal(e?.message, "Restore is not allowed for the object's current storage class");
  }
});

test("startRestore / restoredUntil: AWS minutes become sandbox seconds times the scale (the tier's upper bound; a day = 1,440 minutes)", () => {
  const scale = 0.01;
  const waitMs = (awsMs: number) => (awsMs / 60) * scale;
  const now = Date.UTC(2026, 0, 1);
  const cases: Array<['GLACIER' | 'DEEP_ARCHIVE', 'Expedited' | 'Standard' | 'Bulk', number]> = [
    ['GLACIER', 'Expedited', 5 * 1000 * scale],
    ['GLACIER', 'Standard', 300 * 1000 * scale],
    ['GLACIER', 'Bulk', 720 * 1000 * scale],
    ['DEEP_ARCHIVE', 'Standard', 720 * 1000 * scale],
    ['DEEP_ARCHIVE', 'Bulk', 2880 * 1000 * scale],
  ];
  for (const [cls, tier, ms] of cases) {
    const state = startRestore(cls, { days: 3, tier }, now, waitMs);
    assert.equal(Date.parse(state.completesAt) - now, ms, `${cls} ${tier}`);
    assert.equal(state.expiresAt, undefined);
  }
  assert.equal(Date.parse(restoredUntil(now, 2, waitMs)) - now, 2 * 1440 * 1000 * scale);
});

test('restoreHeader: ongoing, restored with an RFC 1123 expiry, none once expired', () => {
  const now = Date.UTC(2026, 0, 1);
  const ongoing: RestoreState = { tier: 'Standard', days: 1, requestedAt: 'r', completesAt: new Date(now + 1).toISOString() };
  assert.deepEqual(restoreHeader(ongoing, now), { 'x-amz-restore': 'ongoing-request="true"' });
  const restored = { ...ongoing, expiresAt: '2026-01-02T00:00:00.000Z' };
  assert.deepEqual(restoreHeader(restored, now), {
    'x-amz-restore': 'ongoing-request="false", expiry-date="Fri, 02 Jan 2026 00:00:00 GMT"',
  });
  assert.deepEqual(restoreHeader(restored, Date.UTC(2026, 0, 3)), {});
  assert.deepEqual(restoreHeader(undefined, now), {});
});

// At this scale a day of the restored copy lasts 1,440 s x 0.002 = 2.88 s; GLACIER Expedited takes 10 ms.
const SCALE = 0.002;
const RESTORE_EVENTS = '<Event>s3:ObjectRestore:*</Event>';

async function harness(dataDir?: string): Promise<S3Harness> {
  return startS3({ timing: { scale: SCALE }, ...(dataDir ? { dataDir } : {}) });
}

async function setUp(h: S3Harness, bucket: string): Promise<void> {
  await h.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const xml =
    `<NotificationConfiguration><CloudFunctionConfiguration><Id>restores</Id><CloudFunction>${FN_ARN}</CloudFunction>` +
    `${RESTORE_EVENTS}</CloudFunctionConfiguration></NotificationConfiguration>`;
  assert.equal((await putNotification(h.sandbox, bucket, xml)).status, 200);
}

async function waitFor(events: S3Notification[], eventName: string, timeoutMs = 20_000): Promise<S3Notification> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = events.find((e) => e.record.eventName === eventName);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no ${eventName} event; got ${events.map((e) => e.record.eventName).join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('GLACIER restore, end to end: 202 + Post, Completed with glacierEventData, readable, 200 extends, Delete, archived again', async () => {
  const h = await harness();
  try {
    const Bucket = 'restore-flow';
    await setUp(h, Bucket);
    await h.s3.send(new PutObjectCommand({ Bucket, Key: 'my_key_restore', Body: 'something', StorageClass: 'GLACIER' }));
    const etag = '437b930db84b8079c2dd804a71936b5f';
    const restored = await h.s3.send(
      new RestoreObjectCommand({ Bucket, Key: 'my_key_restore', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Expedited' } } }),
    );
    assert.equal(restored.$metadata.httpStatusCode, 202);

    const post = (await waitFor(h.events, 'ObjectRestore:Post')).record;
    assert.equal(post.eventVersion, '2.1');
    assert.equal(post.userIdentity.principalId, SANDBOX_PRINCIPAL_ID);
    assert.deepEqual(post.s3.object, { key: 'my_key_restore', size: 9, eTag: etag, sequencer: post.s3.object.sequencer });
    assert.equal('glacierEventData' in post, false);

    const completed = (await waitFor(h.events, 'ObjectRestore:Completed')).record as typeof post & {
      glacierEventData: { restoreEventData: { lifecycleRestorationExpiryTime: string; lifecycleRestoreStorageClass: string } };
    };
    assert.equal(completed.eventVersion, '2.1');
    assert.equal(completed.userIdentity.principalId, `AmazonCustomer:${SANDBOX_OWNER_ID}`);
    assert.equal(completed.requestParameters.sourceIPAddress, 's3.amazonaws.com');
    assert.match(completed.responseElements['x-amz-request-id'], /^[0-9A-F]{16}$/);
    assert.deepEqual(completed.s3.object, { key: 'my_key_restore', size: 9, eTag: etag, sequencer: completed.s3.object.sequencer });
    assert.ok(completed.s3.object.sequencer > post.s3.object.sequencer);
    const expiry = completed.glacierEventData.restoreEventData.lifecycleRestorationExpiryTime;
    assert.equal(completed.glacierEventData.restoreEventData.lifecycleRestoreStorageClass, 'GLACIER');
    assert.match(expiry, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const completedAt = Date.parse(completed.eventTime);
    assert.ok(
      Math.abs(Date.parse(expiry) - completedAt - 1440 * 1000 * SCALE) < 1000,
      `expiry ${expiry} ~ a compressed day after ${completed.eventTime}`,
    );

    const head = await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'my_key_restore' }));
    assert.equal(head.StorageClass, 'GLACIER');
    assert.equal(head.Restore, `ongoing-request="false", expiry-date="${new Date(expiry).toUTCString()}"`);
    const got = await h.s3.send(new GetObjectCommand({ Bucket, Key: 'my_key_restore' }));
    assert.equal(await got.Body!.transformToString(), 'something');
    assert.equal(got.Restore, head.Restore);

    const again = await h.s3.send(new RestoreObjectCommand({ Bucket, Key: 'my_key_restore', RestoreRequest: { Days: 1 } }));
    assert.equal(again.$metadata.httpStatusCode, 200);
    const extended = (await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'my_key_restore' }))).Restore ?? '';
    const extendedExpiry = Date.parse(/expiry-date="([^"]+)"/.exec(extended)![1]!);
    assert.ok(extendedExpiry >= Math.floor(Date.parse(expiry) / 1000) * 1000, `${extended} not before ${expiry}`);
    assert.equal(h.events.filter((e) => e.record.eventName === 'ObjectRestore:Post').length, 1);

    const deleted = (await waitFor(h.events, 'ObjectRestore:Delete')).record;
    assert.equal(deleted.eventVersion, '2.3');
    assert.equal(deleted.userIdentity.principalId, 's3.amazonaws.com');
    assert.equal(deleted.requestParameters.sourceIPAddress, 's3.amazonaws.com');
    assert.equal('glacierEventData' in deleted, false);
    assert.ok(Date.parse(deleted.eventTime) >= extendedExpiry - 1000);
    assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'my_key_restore' }))).Restore, undefined);
    assert.equal((await errorOf(h.s3.send(new GetObjectCommand({ Bucket, Key: 'my_key_restore' })))).name, 'InvalidObjectState');
    assert.deepEqual(
      h.events.map((e) => e.record.eventName),
      ['ObjectRestore:Post', 'ObjectRestore:Completed', 'ObjectRestore:Delete'],
    );
  } finally {
    await h.close();
  }
});

test('while a restore runs: HEAD says ongoing, GET is refused, a second request is 409 RestoreAlreadyInProgress; DEEP_ARCHIVE refuses Expedited', async () => {
  const h = await harness();
  try {
    const Bucket = 'restore-busy';
    await setUp(h, Bucket);
    await h.s3.send(new PutObjectCommand({ Bucket, Key: 'deep', Body: 'x', StorageClass: 'DEEP_ARCHIVE' }));
    const expedited = await errorOf(
      h.s3.send(
        new RestoreObjectCommand({ Bucket, Key: 'deep', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Expedited' } } }),
      ),
    );
    assert.equal(expedited.name, 'InvalidArgument');
    assert.equal(expedited.status, 400);
    // DEEP_ARCHIVE Bulk: 48 AWS hours, 5.76 s here — still running when the test ends (close clears the timer).
    const first = await h.s3.send(
      new RestoreObjectCommand({ Bucket, Key: 'deep', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } } }),
    );
    assert.equal(first.$metadata.httpStatusCode, 202);
    assert.equal((await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'deep' }))).Restore, 'ongoing-request="true"');
    assert.deepEqual(await errorOf(h.s3.send(new RestoreObjectCommand({ Bucket, Key: 'deep', RestoreRequest: { Days: 1 } }))), {
      name: 'RestoreAlreadyInProgress',
      status: 409,
      message: 'Object restore is already in progress',
    });
    assert.equal((await errorOf(h.s3.send(new GetObjectCommand({ Bucket, Key: 'deep' })))).status, 403);
    assert.deepEqual(
      h.events.map((e) => e.record.eventName),
      ['ObjectRestore:Post'],
    );
  } finally {
    await h.close();
  }
});

test('with --data, a restore in progress survives a restart and completes after it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-restore-'));
  try {
    const Bucket = 'restore-persist';
    let h = await harness(dataDir);
    try {
      await setUp(h, Bucket);
      await h.s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'kept', StorageClass: 'DEEP_ARCHIVE' }));
      // DEEP_ARCHIVE Standard: 12 AWS hours, 1.44 s here.
      await h.s3.send(
        new RestoreObjectCommand({ Bucket, Key: 'k', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Standard' } } }),
      );
    } finally {
      await h.close();
    }
    h = await harness(dataDir);
    try {
      const restore = (await h.s3.send(new HeadObjectCommand({ Bucket, Key: 'k' }))).Restore;
      assert.ok(restore === 'ongoing-request="true"' || restore?.startsWith('ongoing-request="false"'), String(restore));
      const completed = (await waitFor(h.events, 'ObjectRestore:Completed')).record as { glacierEventData?: unknown };
      assert.deepEqual(Object.keys(completed.glacierEventData ?? {}), ['restoreEventData']);
      const got = await h.s3.send(new GetObjectCommand({ Bucket, Key: 'k' }));
      assert.equal(await got.Body!.transformToString(), 'kept');
    } finally {
      await h.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
