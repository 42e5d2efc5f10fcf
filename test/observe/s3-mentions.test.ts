import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractS3Mentions, keySpellings, type S3Mention } from '../../src/observe/s3-mentions.js';
import { decodeEventKey, encodeEventKey } from '../../src/aws/s3-events.js';

const encodings: [raw: string, encoded: string][] = [
  ['test.txt', 'test.txt'],
  ['testupload/dir1/testfile.txt', 'testupload/dir1/testfile.txt'],
  ['this im + age blah.txt', 'this+im+%2B+age+blah.txt'],
  ['a@b.txt', 'a%40b.txt'],
  ['k=v:x', 'k%3Dv%3Ax'],
  ['é.txt', '%C3%A9.txt'],
  ['a~b(1)!.txt', 'a%7Eb%281%29%21.txt'],
];

for (const [raw, encoded] of encodings) {
  test(`encodeEventKey ${JSON.stringify(raw)}`, () => {
    assert.equal(encodeEventKey(raw), encoded);
    assert.equal(decodeEventKey(encoded), raw);
  });
}

test('decodeEventKey leaves a malformed escape alone', () => assert.equal(decodeEventKey('a%zz'), 'a%zz'));

test('keySpellings includes the raw, AWS and %20 forms', () => {
  assert.deepEqual(keySpellings('a b+c'), ['a b+c', 'a+b%2Bc', 'a%20b%2Bc']);
});

const s3Record = (key: string, rid = '4F2A57016225F633', eventName = 'ObjectCreated:Put') => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  eventName,
  responseElements: { 'x-amz-request-id': rid },
  s3: { bucket: { name: 'my-bucket' }, object: { key } },
});

const mentionCases: {
  name: string;
  texts: string[];
  expect: S3Mention[];
}[] = [
  {
    name: 'a plain S3 event printed as JSON after a label',
    texts: [`EVENT ${JSON.stringify({ Records: [s3Record('a+b.txt')] })}`],
    expect: [{ key: 'a+b.txt', bucket: 'my-bucket', eventName: 'ObjectCreated:Put', requestId: '4F2A57016225F633', via: 's3' }],
  },
  {
    name: 'records inside an SNS envelope (Jets fan-out)',
    texts: [
      JSON.stringify({
        Records: [
          {
            EventSource: 'aws:sns',
            Sns: {
              Type: 'Notification',
              Subject: 'Amazon S3 Notification',
              Message: JSON.stringify({ Records: [s3Record('myfolder/subfolder/test.txt')] }),
            },
          },
        ],
      }),
    ],
    expect: [
      {
        key: 'myfolder/subfolder/test.txt',
        bucket: 'my-bucket',
        eventName: 'ObjectCreated:Put',
        requestId: '4F2A57016225F633',
        via: 's3',
        envelopes: [{ kind: 'sns' }],
      },
    ],
  },
  {
    name: 'SQS body wrapping SNS wrapping S3',
    texts: [
      JSON.stringify({
        Records: [
          {
            eventSource: 'aws:sqs',
            body: JSON.stringify({ Type: 'Notification', Message: JSON.stringify({ Records: [s3Record('q.txt')] }) }),
          },
        ],
      }),
    ],
    expect: [
      {
        key: 'q.txt',
        bucket: 'my-bucket',
        eventName: 'ObjectCreated:Put',
        requestId: '4F2A57016225F633',
        via: 's3',
        envelopes: [{ kind: 'sns' }, { kind: 'sqs' }],
      },
    ],
  },
  {
    name: 'EventBridge detail',
    texts: [
      JSON.stringify({
        'detail-type': 'Object Created',
        source: 'aws.s3',
        detail: { bucket: { name: 'my-bucket' }, object: { key: 'eb.txt' }, 'request-id': 'ABCDEF0123456789', reason: 'PutObject' },
      }),
    ],
    expect: [
      {
        key: 'eb.txt',
        bucket: 'my-bucket',
        eventName: 'ObjectCreated:Put',
        requestId: 'ABCDEF0123456789',
        via: 'eventbridge',
        envelopes: [{ kind: 'eventbridge' }],
      },
    ],
  },
  {
    name: 'an indented JSON event split over several log events (python print)',
    texts: JSON.stringify({ Records: [s3Record('split.txt')] }, null, 2).split('\n'),
    expect: [{ key: 'split.txt', bucket: 'my-bucket', eventName: 'ObjectCreated:Put', requestId: '4F2A57016225F633', via: 's3' }],
  },
  { name: 'plain text without a block', texts: ['S3 Event Detected', 'uploaded test.txt'], expect: [] },
  {
    name: "the blog's printed block (log prefixes before the fields)",
    texts: [
      '2026-11-30T10:06:30 Event Type: ObjectCreated:Put (Put)',
      '2026-11-30T10:06:30 Bucket:     test-bucket',
      '2026-11-30T10:06:30 Object:     my+file.txt',
    ],
    expect: [{ key: 'my+file.txt', via: 's3', bucket: 'test-bucket', eventName: 'ObjectCreated:Put' }],
  },
  { name: 'JSON without S3 records', texts: ['{"hello":"world"}'], expect: [] },
];

for (const c of mentionCases) {
  test(`extractS3Mentions: ${c.name}`, () => assert.deepEqual(extractS3Mentions(c.texts), c.expect));
}
