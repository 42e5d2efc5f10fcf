import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildEventRecord,
  Sequencer,
  SANDBOX_OWNER_ID,
  SANDBOX_PRINCIPAL_ID,
  type EventRecordInput,
} from '../../../src/sandbox/s3/event-record.js';
import { encodeEventKey } from '../../../src/aws/s3-events.js';

test('encodeEventKey: form-urlencoding with "/" kept', () => {
  const cases: Array<[string, string]> = [
    ['hike11.gpx', 'hike11.gpx'],
    ['testupload/dir1/testfile.txt', 'testupload/dir1/testfile.txt'],
    ['this im + age blah.txt', 'this+im+%2B+age+blah.txt'],
    ['user@example', 'user%40example'],
    ['a=b', 'a%3Db'],
    ['2024-01-01T00:00:00', '2024-01-01T00%3A00%3A00'],
    ['a-b_c.d*e', 'a-b_c.d*e'],
    ["!'()~", '%21%27%28%29%7E'],
    ['x?y#z&w%v', 'x%3Fy%23z%26w%25v'],
    ['café/ü', 'caf%C3%A9/%C3%BC'],
    ['😀', '%F0%9F%98%80'],
    ['/leading//double/', '/leading//double/'],
    ['lone\ud800surrogate', 'lone%EF%BF%BDsurrogate'],
    ['', ''],
  ];
  for (const [key, want] of cases) assert.equal(encodeEventKey(key), want, key);
});

test('Sequencer: 18 uppercase hex digits, "00" + seconds + counter', () => {
  const seq = new Sequencer(() => Date.UTC(2024, 5, 27, 14, 14, 44, 418));
  const first = seq.next();
  assert.match(first, /^[0-9A-F]{18}$/);
  assert.equal(first.slice(0, 10), '00667D73D4');
  assert.equal(first.slice(10), '00000001');
  assert.equal(seq.next().slice(10), '00000002');
});

test('Sequencer: strictly increasing, also when the clock steps back', () => {
  const clock = [5_000_000, 5_000_000, 4_000_000, 6_000_000, 1_000, 6_000_000];
  let i = 0;
  const seq = new Sequencer(() => clock[i++]!);
  const values = clock.map(() => seq.next());
  for (let j = 1; j < values.length; j++) assert.ok(values[j]! > values[j - 1]!, `${values[j]} > ${values[j - 1]}`);
});

test('Sequencer: real clock, many calls, strictly increasing', () => {
  const seq = new Sequencer();
  let prev = seq.next();
  for (let j = 0; j < 10_000; j++) {
    const next = seq.next();
    assert.ok(next > prev);
    prev = next;
  }
});

const base: EventRecordInput = {
  eventName: 'ObjectCreated:Put',
  region: 'eu-west-1',
  bucket: 'test-bucket',
  key: 'dir/a b+c.txt',
  size: 31683,
  etag: '"07618ea3d0d5d1c1a4b1e1b8f0c1d2e3"',
  requestId: '2593RVSRRERSMWG4',
  hostId: 'h+wcGUexample=',
  sourceIp: '127.0.0.1',
  eventTime: new Date(Date.UTC(2024, 5, 27, 14, 14, 44, 418)),
  sequencer: '00667D73D45F53EA22',
  configurationId: 'cfg1',
};

test('buildEventRecord: a created event as AWS sends it', () => {
  assert.deepEqual(buildEventRecord(base), {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'eu-west-1',
    eventTime: '2024-06-27T14:14:44.418Z',
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: SANDBOX_PRINCIPAL_ID },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': '2593RVSRRERSMWG4', 'x-amz-id-2': 'h+wcGUexample=' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'cfg1',
      bucket: { name: 'test-bucket', ownerIdentity: { principalId: SANDBOX_OWNER_ID }, arn: 'arn:aws:s3:::test-bucket' },
      object: {
        key: 'dir/a+b%2Bc.txt',
        size: 31683,
        eTag: '07618ea3d0d5d1c1a4b1e1b8f0c1d2e3',
        sequencer: '00667D73D45F53EA22',
      },
    },
  });
});

test('buildEventRecord: fields present per event type', () => {
  const cases: Array<{ input: Partial<EventRecordInput>; version: string; present: string[]; absent: string[] }> = [
    { input: { eventName: 'ObjectCreated:Put' }, version: '2.1', present: ['size', 'eTag', 'sequencer'], absent: ['versionId'] },
    { input: { eventName: 'ObjectCreated:Post' }, version: '2.1', present: ['size', 'eTag', 'sequencer'], absent: ['versionId'] },
    { input: { eventName: 'ObjectCreated:Copy' }, version: '2.1', present: ['size', 'eTag', 'sequencer'], absent: [] },
    {
      input: { eventName: 'ObjectCreated:CompleteMultipartUpload', etag: '"8eabe9d6b43316e840b079170916c079-1"' },
      version: '2.1',
      present: ['size', 'eTag', 'sequencer'],
      absent: [],
    },
    { input: { eventName: 'ObjectRemoved:Delete' }, version: '2.1', present: ['sequencer'], absent: ['size', 'eTag', 'versionId'] },
    {
      input: { eventName: 'ObjectRemoved:DeleteMarkerCreated', etag: 'd41d8cd98f00b204e9800998ecf8427e', versionId: 'v1' },
      version: '2.1',
      present: ['eTag', 'versionId', 'sequencer'],
      absent: ['size'],
    },
    { input: { eventName: 'ObjectTagging:Put' }, version: '2.3', present: ['eTag'], absent: ['size', 'sequencer'] },
    { input: { eventName: 'ObjectAcl:Put' }, version: '2.3', present: ['eTag'], absent: ['size', 'sequencer'] },
    { input: { eventName: 'ObjectCreated:Put', versionId: 'abc' }, version: '2.1', present: ['versionId'], absent: [] },
  ];
  for (const { input, version, present, absent } of cases) {
    const record = buildEventRecord({ ...base, ...input });
    const label = `${input.eventName} ${JSON.stringify(input)}`;
    assert.equal(record.eventVersion, version, label);
    for (const f of present) assert.ok(f in record.s3.object, `${label}: ${f} present`);
    for (const f of absent) assert.ok(!(f in record.s3.object), `${label}: ${f} absent`);
  }
});

test('buildEventRecord: eTag unquoted (multipart keeps its -N suffix)', () => {
  const cases: Array<[string, string]> = [
    ['"abc"', 'abc'],
    ['abc', 'abc'],
    ['"8eabe9d6b43316e840b079170916c079-1"', '8eabe9d6b43316e840b079170916c079-1'],
  ];
  for (const [etag, want] of cases) assert.equal(buildEventRecord({ ...base, etag }).s3.object.eTag, want);
});

test('buildEventRecord: "s3:" prefix dropped, IPv4-mapped source address shown as IPv4, principal override', () => {
  const record = buildEventRecord({
    ...base,
    eventName: 's3:ObjectCreated:Copy',
    sourceIp: '::ffff:10.0.0.7',
    principalId: 'AWS:AROA6GBMDB67DH6QBEE75:miki',
  });
  assert.equal(record.eventName, 'ObjectCreated:Copy');
  assert.equal(record.requestParameters.sourceIPAddress, '10.0.0.7');
  assert.equal(record.userIdentity.principalId, 'AWS:AROA6GBMDB67DH6QBEE75:miki');
  assert.equal(buildEventRecord({ ...base, sourceIp: '::1' }).requestParameters.sourceIPAddress, '::1');
});

test('buildEventRecord: size 0 is kept', () => {
  assert.equal(buildEventRecord({ ...base, size: 0 }).s3.object.size, 0);
});
