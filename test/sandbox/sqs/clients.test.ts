/**
 * SQS with other clients: the AWS CLI v2 (Debian's 2.9 speaks the query protocol), boto3 (its botocore speaks
 * AWS JSON 1.0), and raw query requests posted to a queue URL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCli } from '../../aws-cli.js';
import { cliEnv } from '../logs/helpers.js';
import { rawRequest, sigV4 } from '../raw-http.js';
import { startSqs, type SqsFixture } from './helpers.js';

let h: SqsFixture;
let scratch: string;
before(async () => {
  h = await startSqs();
  scratch = mkdtempSync(join(tmpdir(), 's3trigger-sqs-cli-'));
  writeFileSync(join(scratch, 'empty'), '');
});
after(async () => {
  await h.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Async: the sandbox runs in this process, so a spawnSync would block the server it talks to. */
function run(
  cmd: string,
  args: string[],
  input?: string,
): Promise<{ status: number | null; stdout: string; stderr: string; missing?: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: cliEnv(h.sandbox, join(scratch, 'empty')) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', () => resolve({ status: null, stdout, stderr, missing: true }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

async function walkthrough(cli: string, queueName: string): Promise<void> {
  const aws = async (...args: string[]) => {
    const r = await run(cli, ['--endpoint-url', h.sandbox.endpoint, '--output', 'json', 'sqs', ...args]);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout);
  };
  const { QueueUrl } = await aws('create-queue', '--queue-name', queueName, '--attributes', 'VisibilityTimeout=40');
  assert.equal(QueueUrl, `${h.sandbox.endpoint}/000000000000/${queueName}`);
  const body = 'hello <cli> & "quotes"\r\nsecond line';
  const sent = await aws(
    'send-message',
    '--queue-url',
    QueueUrl,
    '--message-body',
    body,
    '--message-attributes',
    JSON.stringify({ Hello: { DataType: 'String', StringValue: 'There' }, Bin: { DataType: 'Binary', BinaryValue: 'AQID' } }),
  );
  assert.match(sent.MessageId, /^[0-9a-f-]{36}$/);
  assert.equal(sent.MD5OfMessageBody, createHash('md5').update(body).digest('hex'));
  const received = await aws('receive-message', '--queue-url', QueueUrl, '--attribute-names', 'All', '--message-attribute-names', 'All');
  const m = received.Messages[0];
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.Body, body);
  assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.deepEqual(m.MessageAttributes, {
    Hello: { StringValue: 'There', DataType: 'String' },
    Bin: { BinaryValue: 'AQID', DataType: 'Binary' },
  });
  assert.equal(m.Attributes.ApproximateReceiveCount, '1');
  const attrs = await aws('get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All');
  assert.equal(attrs.Attributes.VisibilityTimeout, '40');
  assert.equal(attrs.Attributes.ApproximateNumberOfMessagesNotVisible, '1');
  assert.equal(attrs.Attributes.QueueArn, `arn:aws:sqs:eu-west-1:000000000000:${queueName}`);
  await aws('delete-message', '--queue-url', QueueUrl, '--receipt-handle', m.ReceiptHandle);
  const after = await aws(
    'get-queue-attributes',
    '--queue-url',
    QueueUrl,
    '--attribute-names',
    'ApproximateNumberOfMessages',
    'ApproximateNumberOfMessagesNotVisible',
  );
  assert.deepEqual(after.Attributes, { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  const missing = await run(cli, ['--endpoint-url', h.sandbox.endpoint, 'sqs', 'get-queue-url', '--queue-name', 'nope']);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /\(AWS\.SimpleQueueService\.NonExistentQueue\)/);
}

test('AWS CLI v2 (query protocol): create-queue, send-message, receive-message, get-queue-attributes, delete-message', async (t) => {
  const cli = await findCli('/usr/bin/aws', '2');
  if (!cli) return t.skip('AWS CLI v2 (/usr/bin/aws) not found');
  await walkthrough(cli, 'cli-v2');
});

const BOTO_SCRIPT = String.raw`
import sys, json, boto3
endpoint = sys.argv[1]
sqs = boto3.client('sqs', endpoint_url=endpoint, region_name='eu-west-1', aws_access_key_id='test', aws_secret_access_key='test')
out = {}
url = sqs.create_queue(QueueName='boto', Attributes={'VisibilityTimeout': '40'})['QueueUrl']
out['url'] = url
sent = sqs.send_message(QueueUrl=url, MessageBody='from boto3', MessageAttributes={
    'Hello': {'DataType': 'String', 'StringValue': 'There'},
    'Bin': {'DataType': 'Binary', 'BinaryValue': b'\x00\x01\xff'}})
out['sent'] = {k: sent[k] for k in ('MD5OfMessageBody', 'MD5OfMessageAttributes')}
m = sqs.receive_message(QueueUrl=url, AttributeNames=['All'], MessageAttributeNames=['All'], WaitTimeSeconds=1)['Messages'][0]
out['received'] = {'Body': m['Body'], 'MD5OfMessageAttributes': m['MD5OfMessageAttributes'], 'bin': list(m['MessageAttributes']['Bin']['BinaryValue']),
                   'count': m['Attributes']['ApproximateReceiveCount']}
out['attrs'] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['All'])['Attributes']
sqs.delete_message(QueueUrl=url, ReceiptHandle=m['ReceiptHandle'])
out['after'] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['ApproximateNumberOfMessagesNotVisible'])['Attributes']
try:
    sqs.get_queue_url(QueueName='nope')
except sqs.exceptions.QueueDoesNotExist as e:
    out['error'] = e.response['Error']
batch = sqs.send_message_batch(QueueUrl=url, Entries=[{'Id': 'a', 'MessageBody': 'x'}, {'Id': 'b', 'MessageBody': 'y', 'DelaySeconds': 901}])
out['batch'] = {'ok': [s['Id'] for s in batch['Successful']], 'failed': [[f['Id'], f['Code']] for f in batch.get('Failed', [])]}
print(json.dumps(out))
`;

test('boto3 (AWS JSON 1.0): the walkthrough, modeled exceptions by their query codes, batch failures', async (t) => {
  const r = await run('python3', ['-c', BOTO_SCRIPT, h.sandbox.endpoint]);
  if (r.missing || /No module named 'boto3'/.test(r.stderr)) return t.skip('python3 with boto3 not found');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(out.url, `${h.sandbox.endpoint}/000000000000/boto`);
  assert.equal(out.sent.MD5OfMessageBody, createHash('md5').update('from boto3').digest('hex'));
  assert.deepEqual(out.received, {
    Body: 'from boto3',
    MD5OfMessageAttributes: out.sent.MD5OfMessageAttributes,
    bin: [0, 1, 255],
    count: '1',
  });
  assert.equal(out.attrs.VisibilityTimeout, '40');
  assert.equal(out.attrs.ApproximateNumberOfMessagesNotVisible, '1');
  assert.deepEqual(out.after, { ApproximateNumberOfMessagesNotVisible: '0' });
  assert.deepEqual(out.error, {
    Message: 'The specified queue does not exist.',
    Code: 'AWS.SimpleQueueService.NonExistentQueue',
    QueryErrorCode: 'QueueDoesNotExist',
    Type: 'Sender',
  });
  assert.deepEqual(out.batch, { ok: ['a'], failed: [['b', 'InvalidParameterValue']] });
});

test('raw query protocol: an Action posted to the queue URL, XML in the 2012-11-05 namespace, errors as ErrorResponse', async () => {
  const form = { ...sigV4('sqs'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const created = await rawRequest(h.sandbox.endpoint, {
    method: 'POST',
    path: '/',
    headers: form,
    body: 'Action=CreateQueue&QueueName=raw&Version=2012-11-05',
  });
  assert.equal(created.status, 200, created.body);
  assert.match(
    created.body,
    /<CreateQueueResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"><CreateQueueResult><QueueUrl>/,
  );
  const sent = await rawRequest(h.sandbox.endpoint, {
    method: 'POST',
    path: '/000000000000/raw',
    headers: form,
    body: 'Action=SendMessage&Version=2012-11-05&MessageBody=a%26b%3Cc%3E',
  });
  assert.equal(sent.status, 200, sent.body);
  assert.match(sent.body, /<MD5OfMessageBody>[0-9a-f]{32}<\/MD5OfMessageBody><MessageId>[0-9a-f-]{36}<\/MessageId>/);
  const received = await rawRequest(h.sandbox.endpoint, {
    method: 'POST',
    path: '/000000000000/raw',
    headers: form,
    body: 'Action=ReceiveMessage&Version=2012-11-05&AttributeName.1=SenderId',
  });
  assert.match(
    received.body,
    /<Message><MessageId>[^<]+<\/MessageId><ReceiptHandle>[^<]+<\/ReceiptHandle><MD5OfBody>[0-9a-f]{32}<\/MD5OfBody><Body>a&amp;b&lt;c&gt;<\/Body><Attribute><Name>SenderId<\/Name><Value>000000000000<\/Value><\/Attribute><\/Message>/,
  );
  const missing = await rawRequest(h.sandbox.endpoint, {
    method: 'POST',
    path: '/000000000000/gone',
    headers: form,
    body: 'Action=PurgeQueue&Version=2012-11-05',
  });
  assert.equal(missing.status, 400);
  assert.match(
    missing.body,
    /<ErrorResponse><Error><Type>Sender<\/Type><Code>AWS\.SimpleQueueService\.NonExistentQueue<\/Code><Message>The specified queue does not exist for this wsdl version\.<\/Message><\/Error><RequestId>/,
  );
  const unknown = await rawRequest(h.sandbox.endpoint, {
    method: 'POST',
    path: '/',
    headers: form,
    body: 'Action=Frobnicate&Version=2012-11-05',
  });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body, /<Code>InvalidAction<\/Code>/);
});
