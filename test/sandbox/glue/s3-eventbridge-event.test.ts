import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEventRecord } from '../../../src/sandbox/s3/event-record.js';
import { S3_DETAIL_TYPES, s3EventBridgeEntry } from '../../../src/sandbox/glue/s3-eventbridge-event.js';

const base = {
  region: 'eu-west-1',
  bucket: 'b',
  requestId: 'REQ0123456789ABC',
  hostId: 'host/id=',
  sourceIp: '::ffff:10.0.0.7',
  eventTime: new Date('2026-11-30T12:00:00.123Z'),
  sequencer: '00692C3E400000002A',
  configurationId: '',
};
const ACCOUNT = '000000000000';

test('EventBridge entry: envelope fields as AWS puts them on the default bus', () => {
  const record = buildEventRecord({
    ...base,
    eventName: 'ObjectCreated:Put',
    key: 'a.txt',
    size: 4,
    etag: '"8d777f385d3dfec8815d20f7496026dc"',
  });
  const entry = s3EventBridgeEntry(record, ACCOUNT)!;
  assert.equal(entry.source, 'aws.s3');
  assert.equal(entry.detailType, 'Object Created');
  assert.deepEqual(entry.resources, ['arn:aws:s3:::b']);
  assert.equal(entry.time.toISOString(), '2026-11-30T12:00:00.123Z');
  // AWS's field order (recorded events): version, bucket, object{key,size,etag,version-id,sequencer}, request-id, requester, source-ip-address, reason.
  assert.equal(
    JSON.stringify(entry.detail),
    JSON.stringify({
      version: '0',
      bucket: { name: 'b' },
      object: { key: 'a.txt', size: 4, etag: '8d777f385d3dfec8815d20f7496026dc', sequencer: '00692C3E400000002A' },
      'request-id': 'REQ0123456789ABC',
      requester: ACCOUNT,
      'source-ip-address': '10.0.0.7',
      reason: 'PutObject',
    }),
  );
});

test('EventBridge entry: detail field by field, per event name', () => {
  type Row = [string, { size?: number; etag?: string; versionId?: string }, Record<string, unknown>, Record<string, unknown>];
  const rows: Row[] = [
    ['ObjectCreated:Post', { size: 1, etag: 'e' }, { size: 1, etag: 'e', sequencer: base.sequencer }, { reason: 'POST Object' }],
    ['ObjectCreated:Copy', { size: 1, etag: 'e' }, { size: 1, etag: 'e', sequencer: base.sequencer }, { reason: 'CopyObject' }],
    [
      'ObjectCreated:CompleteMultipartUpload',
      { size: 9, etag: 'e-2', versionId: 'v1' },
      { size: 9, etag: 'e-2', 'version-id': 'v1', sequencer: base.sequencer },
      { reason: 'CompleteMultipartUpload' },
    ],
    [
      'ObjectRemoved:Delete',
      { size: 1, etag: 'e' },
      { sequencer: base.sequencer },
      { reason: 'DeleteObject', 'deletion-type': 'Permanently Deleted' },
    ],
    [
      'ObjectRemoved:DeleteMarkerCreated',
      { etag: 'd41d8cd98f00b204e9800998ecf8427e', versionId: 'm1' },
      { etag: 'd41d8cd98f00b204e9800998ecf8427e', 'version-id': 'm1', sequencer: base.sequencer },
      { reason: 'DeleteObject', 'deletion-type': 'Delete Marker Created' },
    ],
    [
      'LifecycleExpiration:DeleteMarkerCreated',
      { etag: 'd41d8cd98f00b204e9800998ecf8427e', versionId: 'm2' },
      { etag: 'd41d8cd98f00b204e9800998ecf8427e', 'version-id': 'm2', sequencer: base.sequencer },
      {
        requester: 's3.amazonaws.com',
        reason: 'Lifecycle Expiration',
        'deletion-type': 'Delete Marker Created',
        'source-ip-address': undefined,
      },
    ],
    ['ObjectTagging:Put', { etag: 'e' }, { etag: 'e' }, {}],
    ['ObjectAcl:Put', { etag: 'e' }, { etag: 'e' }, {}],
    ['ObjectRestore:Post', { size: 9, etag: 'e' }, { size: 9, etag: 'e' }, {}],
    [
      'ObjectRestore:Completed',
      { size: 9, etag: 'e' },
      { size: 9, etag: 'e' },
      { requester: 's3.amazonaws.com', 'source-ip-address': undefined },
    ],
  ];
  for (const [eventName, object, wantObject, wantDetail] of rows) {
    const record = buildEventRecord({ ...base, eventName, key: 'k', ...object });
    const detail = s3EventBridgeEntry(record, ACCOUNT)!.detail as unknown as Record<string, unknown>;
    assert.deepEqual(detail.object, { key: 'k', ...wantObject }, `${eventName}: object`);
    const expected: Record<string, unknown> = { requester: ACCOUNT, 'source-ip-address': '10.0.0.7', ...wantDetail };
    for (const [field, value] of Object.entries(expected)) assert.equal(detail[field], value, `${eventName}: ${field}`);
    if (!('reason' in wantDetail)) assert.equal(detail.reason, undefined, `${eventName}: no reason`);
    if (!('deletion-type' in wantDetail)) assert.equal(detail['deletion-type'], undefined, `${eventName}: no deletion-type`);
  }
});

test('EventBridge entry: detail-type per AWS mapping table; no event for replication or RRS loss', () => {
  const expected: Record<string, string | undefined> = {
    'ObjectCreated:Put': 'Object Created',
    'ObjectRemoved:DeleteMarkerCreated': 'Object Deleted',
    'LifecycleExpiration:Delete': 'Object Deleted',
    'ObjectRestore:Post': 'Object Restore Initiated',
    'ObjectRestore:Completed': 'Object Restore Completed',
    'ObjectRestore:Delete': 'Object Restore Expired',
    LifecycleTransition: 'Object Storage Class Changed',
    IntelligentTiering: 'Object Access Tier Changed',
    'ObjectTagging:Put': 'Object Tags Added',
    'ObjectTagging:Delete': 'Object Tags Deleted',
    'ObjectAcl:Put': 'Object ACL Updated',
    'Replication:OperationFailedReplication': undefined,
    ReducedRedundancyLostObject: undefined,
  };
  for (const [eventName, detailType] of Object.entries(expected)) {
    const entry = s3EventBridgeEntry(buildEventRecord({ ...base, eventName, key: 'k' }), ACCOUNT);
    assert.equal(entry?.detailType, detailType, eventName);
    if (detailType) assert.equal(S3_DETAIL_TYPES[eventName], detailType);
  }
});

test('EventBridge entry: the key is the raw key, not the record form-urlencoded one', () => {
  // Evidence: aws-solutions-library-samples/guidance-for-medialake-on-aws PR #21 (real uploads of these names):
  // EventBridge delivered them as stored, while the classic record had test%2Bb.png / ARTISTS+K+to+O.png.
  for (const key of ['test+b.png', 'ARTISTS K to O.png', '%2B++ %20.mp3', 'dir/a=b:c@d.txt', 'ünï/çødé 😀.txt']) {
    const record = buildEventRecord({ ...base, eventName: 'ObjectCreated:Put', key, size: 1, etag: 'e' });
    assert.equal(s3EventBridgeEntry(record, ACCOUNT)!.detail.object.key, key, key);
  }
  const plus = buildEventRecord({ ...base, eventName: 'ObjectCreated:Put', key: 'test+b.png', size: 1, etag: 'e' });
  assert.equal(plus.s3.object.key, 'test%2Bb.png');
});

test('EventBridge entry: Object Restore Initiated names the source storage class, which the S3 record does not carry', () => {
  const record = buildEventRecord({ ...base, eventName: 'ObjectRestore:Post', key: 'k', size: 9, etag: 'e' });
  assert.equal(s3EventBridgeEntry(record, ACCOUNT, 'DEEP_ARCHIVE')!.detail['source-storage-class'], 'DEEP_ARCHIVE');
  assert.equal(s3EventBridgeEntry(record, ACCOUNT)!.detail['source-storage-class'], undefined);
  const put = buildEventRecord({ ...base, eventName: 'ObjectCreated:Put', key: 'k', size: 9, etag: 'e' });
  assert.equal(s3EventBridgeEntry(put, ACCOUNT, 'GLACIER')!.detail['source-storage-class'], undefined, 'only restore events name it');
});
