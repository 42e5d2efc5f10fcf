import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { S3Error } from '../../../src/sandbox/s3/errors.js';
import { checkPostPolicy, postObjectKey, postSuccessStatus } from '../../../src/sandbox/s3/post-policy.js';

type Fields = Array<[string, string]>;

const NOW = new Date('2026-01-01T00:00:00Z');
const LATER = '2026-01-01T01:00:00Z';
const CREDENTIAL = 'test/20260101/us-east-1/s3/aws4_request';
const b64 = (doc: unknown) => Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc)).toString('base64');

const V4: Fields = [
  ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
  ['X-Amz-Credential', CREDENTIAL],
  ['X-Amz-Date', '20260101T000000Z'],
];
const V4_CONDITIONS = [{ 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' }, { 'X-Amz-Credential': CREDENTIAL }, { 'X-Amz-Date': '20260101T000000Z' }];

/** A SigV4 form (as @aws-sdk/s3-presigned-post lays it out) with extra fields and conditions. */
function v4Form(opts: { fields?: Fields; conditions?: unknown[]; expiration?: string; policy?: string } = {}): Fields {
  const policy =
    opts.policy ??
    b64({
      expiration: opts.expiration ?? LATER,
      conditions: [{ bucket: 'b' }, ['starts-with', '$key', 'uploads/'], ...V4_CONDITIONS, ...(opts.conditions ?? [])],
    });
  return [['key', 'uploads/a.txt'], ['bucket', 'b'], ...V4, ...(opts.fields ?? []), ['Policy', policy], ['X-Amz-Signature', 'ab12']];
}

function check(fields: Fields, over: { bucket?: string; fileSize?: number; now?: Date } = {}) {
  checkPostPolicy({ fields, bucket: over.bucket ?? 'b', fileSize: over.fileSize ?? 10, now: over.now ?? NOW });
}

function expectS3Error(fn: () => unknown, want: { code: string; message: string; status: number; extra?: object }, label: string) {
  assert.throws(
    fn,
    (err: unknown) => {
      assert.ok(err instanceof S3Error, `${label}: expected S3Error, got ${String(err)}`);
      assert.equal(err.code, want.code, label);
      assert.equal(err.message, want.message, label);
      assert.equal(err.status, want.status, label);
      if (want.extra) assert.deepEqual(err.extra, want.extra, label);
      return true;
    },
    label,
  );
}

const accessDenied = { code: 'AccessDenied', status: 403, message: 'Access Denied' };
const denied = (detail: string) => ({ code: 'AccessDenied', status: 403, message: `Invalid according to Policy: ${detail}` });
const badPolicy = (detail: string) => ({ code: 'InvalidPolicyDocument', status: 400, message: `Invalid Policy: ${detail}` });

test('accepted forms', () => {
  const cases: Array<[string, Fields, { bucket?: string; fileSize?: number; now?: Date }?]> = [
    ['no policy at all (anonymous, like curl -F key=... -F file=@...)', [['key', 'test.txt']]],
    [
      'no policy, stray fields',
      [
        ['key', 'k'],
        ['Content-Type', 'text/plain'],
        ['X-Amz-Signature', 'x'],
      ],
    ],
    ['SigV4 form', v4Form()],
    ['field names in any case', v4Form().map(([n, v]) => [n.toUpperCase(), v] as [string, string])],
    [
      'SigV2 form (boto3 default)',
      [
        ['key', 'uploads/a.txt'],
        ['AWSAccessKeyId', 'test'],
        ['policy', b64({ expiration: LATER, conditions: [{ bucket: 'b' }, { key: 'uploads/a.txt' }] })],
        ['signature', 'c2ln'],
      ],
    ],
    ['eq as an array', v4Form({ fields: [['acl', 'private']], conditions: [['eq', '$acl', 'private']] })],
    ['condition names are case-insensitive', v4Form({ fields: [['x-amz-meta-TEST-2', 'v']], conditions: [{ 'X-AMZ-META-test-2': 'v' }] })],
    ['operator case-insensitive', v4Form({ fields: [['acl', 'private']], conditions: [['EQ', '$ACL', 'private']] })],
    [
      'starts-with with an empty prefix',
      v4Form({ fields: [['success_action_redirect', 'http://x/']], conditions: [['starts-with', '$success_action_redirect', '']] }),
    ],
    [
      'Content-Type list, each item matching',
      v4Form({ fields: [['Content-Type', 'image/jpg,image/png']], conditions: [['starts-with', '$Content-Type', 'image/']] }),
    ],
    [
      '$bucket checked against the request bucket',
      v4Form({
        conditions: [
          ['eq', '$bucket', 'b'],
          ['starts-with', '$bucket', ''],
        ],
      }),
    ],
    [
      'repeated fields are matched joined by commas',
      v4Form({
        fields: [
          ['x-amz-meta-tag', 'Ninja'],
          ['X-Amz-Meta-Tag', 'Stallman'],
        ],
        conditions: [{ 'x-amz-meta-tag': 'Ninja,Stallman' }],
      }),
    ],
    [
      'x-ignore-* fields need no condition',
      v4Form({
        fields: [
          ['x-ignore-foo', 'bar'],
          ['X-Ignore-Bar', ''],
        ],
      }),
    ],
    [
      'file and security token',
      v4Form({
        fields: [
          ['X-Amz-Security-Token', 'tok'],
          ['file', 'x'],
        ],
        conditions: [{ 'X-Amz-Security-Token': 'tok' }],
      }),
    ],
    ['size at the lower bound', v4Form({ conditions: [['content-length-range', 5, 10]] }), { fileSize: 5 }],
    ['size at the upper bound', v4Form({ conditions: [['content-length-range', 5, 10]] }), { fileSize: 10 }],
    ['size bounds as strings', v4Form({ conditions: [['content-length-range', '5', '10']] }), { fileSize: 7 }],
    ['expiration with milliseconds', v4Form({ expiration: '2026-01-01T00:00:00.500Z' })],
    ['exactly at the expiration instant', v4Form({ expiration: '2026-01-01T00:00:00Z' })],
    [
      'policy base64 wrapped over lines',
      v4Form({
        policy: b64({ expiration: LATER, conditions: [{ bucket: 'b' }, { key: 'uploads/a.txt' }, ...V4_CONDITIONS] }).replace(
          /(.{40})/g,
          '$1\n',
        ),
      }),
    ],
  ];
  for (const [label, fields, over] of cases) {
    assert.doesNotThrow(() => check(fields, over), label);
  }
});

test('signature fields: all or none', () => {
  const missing = (name: string) => ({
    code: 'InvalidArgument',
    status: 400,
    message: `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    extra: { ArgumentName: name, ArgumentValue: '' },
  });
  const policy = b64({ expiration: LATER, conditions: [{ key: 'k' }] });
  const cases: Array<[string, Fields, ReturnType<typeof missing> | typeof accessDenied]> = [
    ['SigV4 without signature', [['key', 'k'], ...V4, ['Policy', policy]], missing('X-Amz-Signature')],
    [
      'SigV4 without algorithm and credential',
      [
        ['key', 'k'],
        ['X-Amz-Date', 'd'],
        ['Policy', policy],
        ['X-Amz-Signature', 's'],
      ],
      missing('X-Amz-Algorithm'),
    ],
    ['SigV4 without date', [['key', 'k'], ...V4.slice(0, 2), ['Policy', policy], ['X-Amz-Signature', 's']], missing('X-Amz-Date')],
    [
      'SigV2 without signature',
      [
        ['key', 'k'],
        ['AWSAccessKeyId', 'test'],
        ['policy', policy],
      ],
      missing('Signature'),
    ],
    [
      'SigV2 without access key',
      [
        ['key', 'k'],
        ['policy', policy],
        ['signature', 's'],
      ],
      missing('AWSAccessKeyId'),
    ],
    [
      'policy but no signature fields',
      [
        ['key', 'k'],
        ['policy', policy],
      ],
      accessDenied,
    ],
  ];
  for (const [label, fields, want] of cases) expectS3Error(() => check(fields), want, label);
});

test('policy document errors', () => {
  const withPolicy = (policy: string) => v4Form({ policy });
  const cases: Array<[string, Fields, ReturnType<typeof badPolicy>]> = [
    ['not base64', withPolicy('{policy}'), badPolicy('Invalid JSON.')],
    ['not JSON', withPolicy(b64('expiration')), badPolicy('Invalid JSON.')],
    ['not an object', withPolicy(b64([])), badPolicy('Invalid JSON.')],
    ['no expiration', withPolicy(b64({ conditions: [] })), badPolicy('Policy missing expiration.')],
    ['no conditions', withPolicy(b64({ expiration: LATER })), badPolicy('Policy missing conditions.')],
    [
      'conditions not a list',
      withPolicy(b64({ expiration: LATER, conditions: {} })),
      badPolicy("Invalid 'conditions' value: must be a List."),
    ],
    ['EXPIRATION in uppercase', withPolicy(b64({ EXPIRATION: LATER, conditions: [] })), badPolicy("Unexpected: 'expiration'")],
    ['an IAM policy', withPolicy(b64({ Statement: [] })), badPolicy("Unexpected: 'statement'")],
    ...['2999-01-01 00:00:00', '2999-01-01T00:00:00+00:00', '2999-02-30T00:00:00Z', 'tomorrow'].map(
      (exp): [string, Fields, ReturnType<typeof badPolicy>] => [
        `expiration ${exp}`,
        withPolicy(b64({ expiration: exp, conditions: [] })),
        badPolicy(`Invalid 'expiration' value: '${exp}'`),
      ],
    ),
    [
      'two-key simple condition',
      v4Form({ conditions: [{ bucket: 'b', success_action_redirect: 'http://x' }] }),
      badPolicy('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.'),
    ],
    [
      'empty simple condition',
      v4Form({ conditions: [{}] }),
      badPolicy('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.'),
    ],
    [
      'number in a simple condition',
      v4Form({ conditions: [{ 'Content-Length': 6199034 }] }),
      badPolicy('Invalid Simple-Condition: value must be a string.'),
    ],
    ['null in a simple condition', v4Form({ conditions: [{ success_action_redirect: null }] }), badPolicy('Invalid JSON.')],
    ['empty array condition', v4Form({ conditions: [[]] }), badPolicy('Invalid Condition: missing operation identifier.')],
    ['unknown operation', v4Form({ conditions: [['ne', '$key', 'a']] }), badPolicy("Invalid Condition: unknown operation 'ne'.")],
    [
      'wrong arity',
      v4Form({ conditions: [['content-length-range', 0]] }),
      badPolicy('Invalid content-length-range: wrong number of arguments.'),
    ],
    ['a string condition', v4Form({ conditions: ['key'] }), badPolicy('Invalid condition test: must be a List or Object.')],
    ['float bound', v4Form({ conditions: [['content-length-range', 0, 512.5]] }), badPolicy('Invalid JSON.')],
    ['negative bound', v4Form({ conditions: [['content-length-range', -1, 0]] }), badPolicy('Invalid JSON.')],
    ['non-string operand', v4Form({ conditions: [['eq', '$key', 5]] }), badPolicy('Invalid JSON.')],
  ];
  for (const [label, fields, want] of cases) expectS3Error(() => check(fields), want, label);
});

test('policy rules: expired, failed conditions (echoed exactly), extra fields, sizes', () => {
  const cases: Array<
    [string, Fields, { code: string; status: number; message: string; extra?: object }, { bucket?: string; fileSize?: number }?]
  > = [
    ['expired', v4Form({ expiration: '2025-12-31T23:59:59Z' }), denied('Policy expired.')],
    ['wrong bucket', v4Form(), denied('Policy Condition failed: ["eq", "$bucket", "b"]'), { bucket: 'other' }],
    [
      'eq array, wrong value',
      v4Form({
        fields: [['success_action_redirect', 'HTTP://localhost.test/random']],
        conditions: [['eq', '$success_action_redirect', 'http://localhost.test/random']],
      }),
      denied('Policy Condition failed: ["eq", "$success_action_redirect", "http://localhost.test/random"]'),
    ],
    [
      'eq without $',
      v4Form({ fields: [['success_action_redirect', 'r']], conditions: [['eq', 'success_action_redirect', 'r']] }),
      denied('Policy Condition failed: ["eq", "success_action_redirect", "r"]'),
    ],
    [
      'simple condition echoed as eq, policy spelling kept',
      v4Form({ fields: [['Content-Disposition', 'x']], conditions: [{ 'Content-Disposition': 'filename="test.png"' }] }),
      denied('Policy Condition failed: ["eq", "$Content-Disposition", "filename=\\"test.png\\""]'),
    ],
    [
      'starts-with, wrong prefix',
      v4Form({ fields: [['Content-Type', 'text/plain']], conditions: [['starts-with', '$Content-Type', 'image/']] }),
      denied('Policy Condition failed: ["starts-with", "$Content-Type", "image/"]'),
    ],
    [
      'starts-with is case-sensitive on values',
      [['key', 'Uploads/a.txt'], ...v4Form().slice(1)],
      denied('Policy Condition failed: ["starts-with", "$key", "uploads/"]'),
    ],
    [
      'Content-Type list with one item not matching',
      v4Form({ fields: [['Content-Type', 'image/jpg,text/plain']], conditions: [['starts-with', '$Content-Type', 'image/']] }),
      denied('Policy Condition failed: ["starts-with", "$Content-Type", "image/"]'),
    ],
    [
      'condition on an absent field fails even with starts-with ""',
      v4Form({ conditions: [['starts-with', '$Content-Type', '']] }),
      denied('Policy Condition failed: ["starts-with", "$Content-Type", ""]'),
    ],
    [
      'unreadable content-length-range',
      v4Form({ conditions: [['content-length-range', 'test', '10']] }),
      denied('Policy Condition failed: ["content-length-range", "test", "10"]'),
    ],
    ['extra input field', v4Form({ fields: [['Content-Type', 'text/plain']] }), denied('Extra input fields: Content-Type')],
    [
      'several extra fields, named as sent',
      v4Form({
        fields: [
          ['dzuuid', '1'],
          ['StorageClass', 'X'],
          ['dzuuid', '2'],
        ],
      }),
      denied('Extra input fields: dzuuid, StorageClass'),
    ],
    [
      'the X-Amz-* fields need conditions too',
      [['key', 'k'], ...V4, ['Policy', b64({ expiration: LATER, conditions: [{ key: 'k' }] })], ['X-Amz-Signature', 's']],
      denied('Extra input fields: X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date'),
    ],
    [
      'too large',
      v4Form({ conditions: [['content-length-range', 5, 10]] }),
      {
        code: 'EntityTooLarge',
        status: 400,
        message: 'Your proposed upload exceeds the maximum allowed size',
        extra: { ProposedSize: 12, MaxSizeAllowed: 10 },
      },
      { fileSize: 12 },
    ],
    [
      'too small',
      v4Form({ conditions: [['content-length-range', 5, 10]] }),
      {
        code: 'EntityTooSmall',
        status: 400,
        message: 'Your proposed upload is smaller than the minimum allowed size',
        extra: { ProposedSize: 1, MinSizeAllowed: 5 },
      },
      { fileSize: 1 },
    ],
    [
      'one byte under',
      v4Form({ conditions: [['content-length-range', 5, 10]] }),
      {
        code: 'EntityTooSmall',
        status: 400,
        message: 'Your proposed upload is smaller than the minimum allowed size',
        extra: { ProposedSize: 4, MinSizeAllowed: 5 },
      },
      { fileSize: 4 },
    ],
    [
      'one byte over',
      v4Form({ conditions: [['content-length-range', '5', '10']] }),
      {
        code: 'EntityTooLarge',
        status: 400,
        message: 'Your proposed upload exceeds the maximum allowed size',
        extra: { ProposedSize: 11, MaxSizeAllowed: 10 },
      },
      { fileSize: 11 },
    ],
    [
      'zero-size range',
      v4Form({ conditions: [['content-length-range', 0, 0]] }),
      {
        code: 'EntityTooLarge',
        status: 400,
        message: 'Your proposed upload exceeds the maximum allowed size',
        extra: { ProposedSize: 3, MaxSizeAllowed: 0 },
      },
      { fileSize: 3 },
    ],
  ];
  for (const [label, fields, want, over] of cases) expectS3Error(() => check(fields, over), want, label);
});

test('@aws-sdk/s3-presigned-post forms pass, tampered ones fail', async () => {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'tok' },
  });
  const { fields } = await createPresignedPost(client, {
    Bucket: 'b',
    Key: 'uploads/${filename}',
    Conditions: [['content-length-range', 1, 1048576]],
    Fields: { success_action_status: '201' },
    Expires: 3600,
  });
  client.destroy();
  const form = Object.entries(fields) as Fields;
  assert.ok(form.some(([n]) => n === 'X-Amz-Security-Token'));
  const now = new Date();
  assert.doesNotThrow(() => checkPostPolicy({ fields: form, bucket: 'b', fileSize: 100, now }));
  const expanded = form.map(([n, v]) => [n, n === 'key' ? postObjectKey(form, 'a.txt') : v] as [string, string]);
  assert.doesNotThrow(() => checkPostPolicy({ fields: expanded, bucket: 'b', fileSize: 100, now }));
  expectS3Error(
    () => checkPostPolicy({ fields: form, bucket: 'b', fileSize: 2_000_000, now }),
    {
      code: 'EntityTooLarge',
      status: 400,
      message: 'Your proposed upload exceeds the maximum allowed size',
      extra: { ProposedSize: 2_000_000, MaxSizeAllowed: 1048576 },
    },
    'too large',
  );
  expectS3Error(
    () => checkPostPolicy({ fields: [...form, ['Content-Type', 'text/plain']], bucket: 'b', fileSize: 1, now }),
    denied('Extra input fields: Content-Type'),
    'extra',
  );
  expectS3Error(
    () => checkPostPolicy({ fields: form, bucket: 'b', fileSize: 1, now: new Date(now.getTime() + 2 * 3600_000) }),
    denied('Policy expired.'),
    'expired',
  );
});

test('boto3 generate_presigned_post forms (SigV2 and SigV4) pass', (t) => {
  const script = `
import json, boto3
from botocore.config import Config
out = []
for sig in ['s3', 's3v4']:
    s3 = boto3.client('s3', endpoint_url='http://127.0.0.1:1', region_name='us-east-1', aws_access_key_id='test',
                      aws_secret_access_key='test', config=Config(signature_version=sig))
    post = s3.generate_presigned_post('b', 'test.txt')
    out.append(list(post['fields'].items()))
print(json.dumps(out))`;
  const run = spawnSync('python3', ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
  });
  if (run.error || run.status !== 0) return t.skip('python3 with boto3 not found');
  const [v2, v4] = JSON.parse(run.stdout) as [Fields, Fields];
  assert.ok(v2.some(([n]) => n === 'AWSAccessKeyId') && v2.some(([n]) => n === 'signature'));
  assert.ok(v4.some(([n]) => n === 'x-amz-signature'));
  for (const fields of [v2, v4]) {
    assert.doesNotThrow(() => checkPostPolicy({ fields, bucket: 'b', fileSize: 4, now: new Date() }));
    expectS3Error(
      () => checkPostPolicy({ fields, bucket: 'other', fileSize: 4, now: new Date() }),
      denied('Policy Condition failed: ["eq", "$bucket", "b"]'),
      'wrong bucket',
    );
  }
});

test('postObjectKey: ${filename} substitution', () => {
  const cases: Array<[Fields, string | undefined, string]> = [
    [[['key', 'uploads/${filename}']], 'a.txt', 'uploads/a.txt'],
    [[['Key', '${filename}']], 'C:\\Program Files\\dir\\file.txt', 'file.txt'],
    [[['KEY', 'x/${filename}-${filename}']], '/tmp/a b.txt', 'x/a b.txt-a b.txt'],
    [[['key', 'k-${filename}']], '', 'k-'],
    [[['key', 'k-${filename}']], undefined, 'k-${filename}'],
    [[['key', 'plain.txt']], 'a.txt', 'plain.txt'],
    [[['key', 'a$&b${filename}']], '$1', 'a$&b$1'],
  ];
  for (const [fields, filename, want] of cases) assert.equal(postObjectKey(fields, filename), want, JSON.stringify([fields, filename]));
  expectS3Error(
    () => postObjectKey([['acl', 'private']], 'a'),
    {
      code: 'InvalidArgument',
      status: 400,
      message: "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
      extra: { ArgumentName: 'key', ArgumentValue: '' },
    },
    'no key',
  );
});

test('postSuccessStatus: 200/201/204, anything else 204', () => {
  const cases: Array<[Fields, number]> = [
    [[], 204],
    [[['success_action_status', '200']], 200],
    [[['success_action_status', '201']], 201],
    [[['Success_Action_Status', '204']], 204],
    [[['success_action_status', '404']], 204],
    [[['success_action_status', 'abc']], 204],
    [[['success_action_status', ' 201 ']], 201],
  ];
  for (const [fields, want] of cases) assert.equal(postSuccessStatus(fields), want, JSON.stringify(fields));
});
