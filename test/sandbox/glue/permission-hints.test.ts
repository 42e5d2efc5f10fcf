import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourcePolicyAllows } from '../../../src/aws/resource-policy.js';
import { permissionFix, permissionGapLine, queueUrlOf, s3PublishPolicy, s3SendPolicy } from '../../../src/sandbox/glue/permission-hints.js';

const FN = 'arn:aws:lambda:eu-west-1:000000000000:function:event-handler';
const QUEUE = 'arn:aws:sqs:eu-west-1:000000000000:uploads';
const TOPIC = 'arn:aws:sns:eu-west-1:000000000000:uploads';
const sandbox = { endpoint: 'http://127.0.0.1:4566', region: 'eu-west-1' };

test('fix commands: one exact aws command per destination kind', () => {
  const rows: [Parameters<typeof permissionFix>[0], Parameters<typeof permissionFix>[1], string][] = [
    [
      { kind: 'lambda', arn: FN, bucket: 'b' },
      sandbox,
      'aws --endpoint-url http://127.0.0.1:4566 lambda add-permission --function-name event-handler --statement-id s3invoke ' +
        '--action lambda:InvokeFunction --principal s3.amazonaws.com --source-arn arn:aws:s3:::b',
    ],
    [
      { kind: 'lambda', arn: `${FN}:live`, bucket: 'b' },
      { region: 'eu-west-1' },
      'aws lambda add-permission --function-name event-handler:live --statement-id s3invoke --action lambda:InvokeFunction ' +
        '--principal s3.amazonaws.com --source-arn arn:aws:s3:::b',
    ],
    [
      { kind: 'queue', arn: QUEUE, bucket: 'b' },
      sandbox,
      `aws --endpoint-url http://127.0.0.1:4566 sqs set-queue-attributes --queue-url http://127.0.0.1:4566/000000000000/uploads --attributes '${JSON.stringify(
        { Policy: JSON.stringify(s3SendPolicy(QUEUE, 'b')) },
      )}'`,
    ],
    [
      { kind: 'topic', arn: TOPIC, bucket: 'b' },
      sandbox,
      `aws --endpoint-url http://127.0.0.1:4566 sns set-topic-attributes --topic-arn ${TOPIC} --attribute-name Policy --attribute-value '${JSON.stringify(
        s3PublishPolicy(TOPIC, 'b'),
      )}'`,
    ],
  ];
  for (const [gap, target, want] of rows) assert.equal(permissionFix(gap, target), want, gap.kind);
});

test('queue URLs: the sandbox path form, or AWS', () => {
  assert.equal(queueUrlOf(QUEUE, sandbox), 'http://127.0.0.1:4566/000000000000/uploads');
  assert.equal(queueUrlOf(QUEUE, { region: 'x' }), 'https://sqs.eu-west-1.amazonaws.com/000000000000/uploads');
});

test('the policies the fixes set let S3 deliver this bucket, and no other', () => {
  const send = s3SendPolicy(QUEUE, 'b');
  assert.equal(
    resourcePolicyAllows(JSON.stringify(send), { principal: 's3.amazonaws.com', action: 'sqs:SendMessage', sourceArn: 'arn:aws:s3:::b' }),
    true,
  );
  assert.equal(
    resourcePolicyAllows(JSON.stringify(send), {
      principal: 's3.amazonaws.com',
      action: 'sqs:SendMessage',
      sourceArn: 'arn:aws:s3:::other',
    }),
    false,
  );
  const publish = s3PublishPolicy(TOPIC, 'b');
  assert.equal(
    resourcePolicyAllows(JSON.stringify(publish), { principal: 's3.amazonaws.com', action: 'SNS:Publish', sourceArn: 'arn:aws:s3:::b' }),
    true,
  );
});

test('the log line: one line naming the refusal, the switch and the fix', () => {
  const line = permissionGapLine({ kind: 'lambda', arn: FN, bucket: 'b' }, sandbox);
  assert.equal(line.includes('\n'), false);
  assert.match(
    line,
    /AWS would refuse it, as function .*event-handler has not granted lambda:InvokeFunction to s3\.amazonaws\.com for arn:aws:s3:::b/,
  );
  assert.match(line, /--strict/);
  assert.ok(line.endsWith(`Fix: ${permissionFix({ kind: 'lambda', arn: FN, bucket: 'b' }, sandbox)}`));
});
