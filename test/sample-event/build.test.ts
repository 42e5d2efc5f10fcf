/** The pure builder of `s3trigger event`: names, fields per type, key encoding, envelopes, --seed determinism. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildSampleEvent,
  DEFAULT_ETAG,
  DEFAULT_SIZE,
  EMPTY_ETAG,
  resolveEventName,
  type SampleEventOptions,
} from '../../src/sample-event/build.js';
import { sampleEventText } from '../../src/sample-event/command.js';

type Rec = {
  eventName: string;
  eventVersion: string;
  eventTime: string;
  s3: { object: Record<string, unknown> };
};
const recordOf = (o: Partial<SampleEventOptions> & { eventName: string }) =>
  (buildSampleEvent({ bucket: 'b', key: 'k', seed: 7, ...o }) as { Records: Rec[] }).Records[0]!;

test('resolveEventName takes the short forms, AWS names with or without s3:, and nothing else', () => {
  const cases: [string, string | undefined][] = [
    ['put', 'ObjectCreated:Put'],
    ['post', 'ObjectCreated:Post'],
    ['copy', 'ObjectCreated:Copy'],
    ['multipart', 'ObjectCreated:CompleteMultipartUpload'],
    ['delete', 'ObjectRemoved:Delete'],
    ['delete-marker', 'ObjectRemoved:DeleteMarkerCreated'],
    ['tagging-put', 'ObjectTagging:Put'],
    ['tagging-delete', 'ObjectTagging:Delete'],
    ['acl-put', 'ObjectAcl:Put'],
    ['ObjectCreated:Put', 'ObjectCreated:Put'],
    ['s3:ObjectCreated:Put', 'ObjectCreated:Put'],
    ['s3:ObjectRestore:Completed', 'ObjectRestore:Completed'],
    ['LifecycleTransition', 'LifecycleTransition'],
    ['ObjectCreated:*', undefined],
    ['s3:ObjectCreated:*', undefined],
    ['ObjectCreated:Putt', undefined],
    ['upload', undefined],
    ['', undefined],
  ];
  for (const [type, expected] of cases) assert.equal(resolveEventName(type), expected, type);
});

test('each type: its eventName, eventVersion and the object fields the sandbox emits', () => {
  const all = ['key', 'size', 'eTag', 'sequencer'];
  const cases: [string, string, string[]][] = [
    ['put', '2.1', all],
    ['post', '2.1', all],
    ['copy', '2.1', all],
    ['multipart', '2.1', all],
    ['delete', '2.1', ['key', 'sequencer']],
    ['delete-marker', '2.1', ['key', 'eTag', 'versionId', 'sequencer']],
    ['tagging-put', '2.3', ['key', 'eTag']],
    ['tagging-delete', '2.3', ['key', 'eTag']],
    ['acl-put', '2.3', ['key', 'eTag']],
  ];
  for (const [type, version, fields] of cases) {
    const eventName = resolveEventName(type)!;
    const r = recordOf({ eventName });
    assert.equal(r.eventName, eventName, type);
    assert.equal(r.eventVersion, version, type);
    assert.deepEqual(Object.keys(r.s3.object), fields, type);
  }
  assert.equal(recordOf({ eventName: 'ObjectRemoved:DeleteMarkerCreated' }).s3.object.eTag, EMPTY_ETAG);
  const put = recordOf({ eventName: 'ObjectCreated:Put' }).s3.object;
  assert.equal(put.size, DEFAULT_SIZE);
  assert.equal(DEFAULT_SIZE, 29);
  assert.equal(put.eTag, DEFAULT_ETAG);
  const given = recordOf({ eventName: 'ObjectCreated:Put', size: 5, etag: '"abc"', versionId: 'v1' }).s3.object;
  assert.deepEqual([given.size, given.eTag, given.versionId], [5, 'abc', 'v1']);
});

test('the key is form-urlencoded in the record and raw on the EventBridge path', () => {
  const key = 'photos/cat 1.txt';
  assert.equal(recordOf({ eventName: 'ObjectCreated:Put', key }).s3.object.key, 'photos/cat+1.txt');
  const eb = buildSampleEvent({ eventName: 'ObjectCreated:Put', bucket: 'b', key, via: 'eventbridge', seed: 1 }) as {
    'detail-type': string;
    detail: { object: { key: string } };
  };
  assert.equal(eb['detail-type'], 'Object Created');
  assert.equal(eb.detail.object.key, key);
});

test('the envelopes carry the S3 event: SNS Message and SQS body parse to {"Records":[…]}', () => {
  const base = { eventName: 'ObjectCreated:Put', bucket: 'b', key: 'a b', seed: 2 };
  // The same record as direct delivery, but for the configuration id (the demo's ids: s3trigger-demo-sns, -sqs).
  const direct = (via: string) => {
    const e = buildSampleEvent(base) as { Records: { s3: { configurationId: string } }[] };
    e.Records[0]!.s3.configurationId = `s3trigger-demo-${via}`;
    return e;
  };
  const sns = buildSampleEvent({ ...base, via: 'sns' }) as {
    Records: { EventSource: string; Sns: { Message: string; Subject: string } }[];
  };
  assert.equal(sns.Records[0]!.EventSource, 'aws:sns');
  assert.equal(sns.Records[0]!.Sns.Subject, 'Amazon S3 Notification');
  assert.deepEqual(JSON.parse(sns.Records[0]!.Sns.Message), direct('sns'));
  const sqs = buildSampleEvent({ ...base, via: 'sqs' }) as { Records: { eventSource: string; body: string }[] };
  assert.equal(sqs.Records[0]!.eventSource, 'aws:sqs');
  assert.deepEqual(JSON.parse(sqs.Records[0]!.body), direct('sqs'));
  const deleted = buildSampleEvent({ ...base, eventName: 'ObjectRemoved:DeleteMarkerCreated', via: 'eventbridge' }) as {
    'detail-type': string;
    detail: Record<string, unknown>;
  };
  assert.equal(deleted['detail-type'], 'Object Deleted');
  assert.equal(deleted.detail['deletion-type'], 'Delete Marker Created');
  assert.throws(() => buildSampleEvent({ ...base, eventName: 'ReducedRedundancyLostObject', via: 'eventbridge' }), /no EventBridge event/);
});

test('--seed: same seed byte-identical for every --via, different seeds differ; the seed fixes eventTime', () => {
  for (const via of [undefined, 'sns', 'sqs', 'eventbridge']) {
    const args = { type: 'put', bucket: 'b', key: 'k', ...(via ? { via } : {}) };
    const a = sampleEventText({ ...args, seed: '42' });
    assert.equal(a, sampleEventText({ ...args, seed: '42' }), `via ${via}`);
    assert.notEqual(a, sampleEventText({ ...args, seed: '43' }), `via ${via}`);
    assert.notEqual(sampleEventText(args), sampleEventText(args), `via ${via}: random without a seed`);
  }
  assert.equal(recordOf({ eventName: 'ObjectCreated:Put', seed: 0 }).eventTime, '2026-01-01T00:00:00.000Z');
  assert.equal(recordOf({ eventName: 'ObjectCreated:Put', seed: 90 }).eventTime, '2026-01-01T00:01:30.000Z');
});

test('bad input is a usage error (exit 2) naming the valid forms', () => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ type: 'upload' }, /unknown event type 'upload': use put, post, copy/],
    [{ type: 'put', via: 'kinesis' }, /--via must be one of sns, sqs, eventbridge/],
    [{ type: 'put', size: '-1' }, /--size must be a whole number/],
    [{ type: 'put', seed: 'x' }, /--seed must be a whole number/],
    [{ type: 'put', region: 'moon base' }, /--region 'moon base'/],
    [{ type: 'lifecycle-transition', via: 'eventbridge' }, /unknown event type/],
    [{ type: 'ReducedRedundancyLostObject', via: 'eventbridge' }, /no EventBridge event/],
  ];
  for (const [args, message] of bad) {
    assert.throws(
      () => sampleEventText({ bucket: 'b', key: 'k', ...args } as never),
      (err: Error & { exitCode?: number }) => err.exitCode === 2 && message.test(err.message),
      JSON.stringify(args),
    );
  }
});

test('restore events: Completed carries glacierEventData (expiry a day on, GLACIER); via EventBridge the source storage class', () => {
  const completed = recordOf({ eventName: 'ObjectRestore:Completed' }) as Rec & { glacierEventData?: unknown };
  assert.deepEqual(completed.glacierEventData, {
    restoreEventData: {
      lifecycleRestorationExpiryTime: new Date(Date.parse(completed.eventTime) + 86_400_000).toISOString(),
      lifecycleRestoreStorageClass: 'GLACIER',
    },
  });
  const post = recordOf({ eventName: 'ObjectRestore:Post' }) as Rec & { glacierEventData?: unknown };
  assert.equal(post.glacierEventData, undefined, 'only Completed carries it');
  const viaBus = buildSampleEvent({ bucket: 'b', key: 'k', seed: 7, eventName: 'ObjectRestore:Post', via: 'eventbridge' }) as {
    'detail-type': string;
    detail: Record<string, unknown>;
  };
  assert.equal(viaBus['detail-type'], 'Object Restore Initiated');
  assert.equal(viaBus.detail['source-storage-class'], 'GLACIER');
});
