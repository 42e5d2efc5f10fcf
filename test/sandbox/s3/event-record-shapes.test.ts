/** Issue #12: event records per type — version, object fields, principal and glacierEventData as AWS's records show them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEventRecord, SANDBOX_OWNER_ID, SANDBOX_PRINCIPAL_ID, type EventRecordInput } from '../../../src/sandbox/s3/event-record.js';
import { EVENT_RECORD_SHAPES, eventRecordShape } from '../../../src/aws/s3-events.js';

const base: EventRecordInput = {
  eventName: 'ObjectCreated:Put',
  region: 'eu-west-1',
  bucket: 'b',
  key: 'k',
  size: 9,
  etag: '"437b930db84b8079c2dd804a71936b5f"',
  versionId: undefined,
  glacierEventData: {
    restoreEventData: { lifecycleRestorationExpiryTime: '2025-01-22T00:00:00.000Z', lifecycleRestoreStorageClass: 'GLACIER' },
  },
  requestId: 'ABCDEF0123456789',
  hostId: 'host=',
  sourceIp: '127.0.0.1',
  eventTime: new Date(Date.UTC(2025, 0, 21, 23, 23, 47)),
  sequencer: '00678F2D4300000001',
  configurationId: 'cfg',
};

const OWNER = `AmazonCustomer:${SANDBOX_OWNER_ID}`;
// eventName, eventVersion, s3.object fields beside key (sorted), principal, glacierEventData
const CASES: Array<[string, string, string, string, boolean]> = [
  ['ObjectCreated:Put', '2.1', 'eTag sequencer size', SANDBOX_PRINCIPAL_ID, false],
  ['ObjectCreated:Post', '2.1', 'eTag sequencer size', SANDBOX_PRINCIPAL_ID, false],
  ['ObjectCreated:Copy', '2.1', 'eTag sequencer size', SANDBOX_PRINCIPAL_ID, false],
  ['ObjectCreated:CompleteMultipartUpload', '2.1', 'eTag sequencer size', SANDBOX_PRINCIPAL_ID, false],
  ['ObjectRemoved:Delete', '2.1', 'sequencer', SANDBOX_PRINCIPAL_ID, false],
  ['ObjectRemoved:DeleteMarkerCreated', '2.1', 'eTag sequencer', SANDBOX_PRINCIPAL_ID, false],
  ['ObjectRestore:Post', '2.1', 'eTag sequencer size', SANDBOX_PRINCIPAL_ID, false],
  ['ObjectRestore:Completed', '2.1', 'eTag sequencer size', OWNER, true],
  ['ObjectRestore:Delete', '2.3', 'eTag sequencer size', 's3.amazonaws.com', false],
  ['ObjectTagging:Put', '2.3', 'eTag', SANDBOX_PRINCIPAL_ID, false],
  ['ObjectTagging:Delete', '2.3', 'eTag', SANDBOX_PRINCIPAL_ID, false],
  ['ObjectAcl:Put', '2.3', 'eTag', SANDBOX_PRINCIPAL_ID, false],
  ['LifecycleExpiration:Delete', '2.3', 'sequencer', 's3.amazonaws.com', false],
  ['LifecycleExpiration:DeleteMarkerCreated', '2.3', 'eTag sequencer', 's3.amazonaws.com', false],
];

test('buildEventRecord: version, object fields, principal, source address and glacierEventData per event type', () => {
  for (const [eventName, version, fields, principal, glacier] of CASES) {
    const record = buildEventRecord({ ...base, eventName });
    assert.equal(record.eventVersion, version, eventName);
    const object = record.s3.object as unknown as Record<string, unknown>;
    assert.equal(
      Object.keys(object)
        .filter((f) => f !== 'key')
        .sort()
        .join(' '),
      fields,
      eventName,
    );
    assert.equal(record.userIdentity.principalId, principal, eventName);
    assert.equal('glacierEventData' in record, glacier, eventName);
    const byS3 = principal !== SANDBOX_PRINCIPAL_ID;
    assert.equal(record.requestParameters.sourceIPAddress, byS3 ? 's3.amazonaws.com' : '127.0.0.1', eventName);
  }
});

test('EVENT_RECORD_SHAPES: every type the sandbox sends has a row; an "s3:" prefix is ignored; unknown names get the 2.1 shape', () => {
  for (const [eventName] of CASES) assert.ok(EVENT_RECORD_SHAPES[eventName], eventName);
  assert.deepEqual(eventRecordShape('s3:ObjectAcl:Put'), EVENT_RECORD_SHAPES['ObjectAcl:Put']);
  assert.equal(eventRecordShape('Something:New').eventVersion, '2.1');
});

test('buildEventRecord: ObjectRestore:Completed as AWS recorded it (LocalStack AWS-validated snapshot, 2025-01-21)', () => {
  const record = buildEventRecord({ ...base, eventName: 'ObjectRestore:Completed', key: 'my_key_restore' });
  assert.deepEqual(record, {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'eu-west-1',
    eventTime: '2025-01-21T23:23:47.000Z',
    eventName: 'ObjectRestore:Completed',
    userIdentity: { principalId: OWNER },
    requestParameters: { sourceIPAddress: 's3.amazonaws.com' },
    responseElements: { 'x-amz-request-id': 'ABCDEF0123456789', 'x-amz-id-2': 'host=' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'cfg',
      bucket: { name: 'b', ownerIdentity: { principalId: SANDBOX_OWNER_ID }, arn: 'arn:aws:s3:::b' },
      object: { key: 'my_key_restore', size: 9, eTag: '437b930db84b8079c2dd804a71936b5f', sequencer: '00678F2D4300000001' },
    },
    glacierEventData: {
      restoreEventData: { lifecycleRestorationExpiryTime: '2025-01-22T00:00:00.000Z', lifecycleRestoreStorageClass: 'GLACIER' },
    },
  });
});

test('buildEventRecord: versionId is written for every type when given (the bucket is versioned)', () => {
  for (const [eventName] of CASES) {
    const object = buildEventRecord({ ...base, eventName, versionId: 'v1' }).s3.object as unknown as Record<string, unknown>;
    assert.equal(object.versionId, 'v1', eventName);
  }
});
