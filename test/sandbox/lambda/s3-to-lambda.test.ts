/** End to end: real S3 operations on the sandbox -> notifications -> local handlers -> CloudWatch Logs. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { CloudWatchLogsClient, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand, type Runtime } from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { BLOG_HANDLER, ROLE } from './helpers.js';

const NODE_HANDLER = `export const handler = async (event) => {
  for (const r of event.Records) console.log('record', r.eventName, r.s3.object.key, r.s3.object.size ?? 0);
  return 'ok';
};`;

const WRITEBACK_PY = `import boto3
s3 = boto3.client('s3')
def handler(event, context):
    for r in event['Records']:
        bucket = r['s3']['bucket']['name']
        key = r['s3']['object']['key']
        s3.put_object(Bucket=bucket, Key='py-out/' + key.split('/', 1)[1], Body=('seen ' + key).encode())
        print('wrote back', key)
`;

const WRITEBACK_NODE = `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
const s3 = new S3Client({});
export const handler = async (event) => {
  for (const r of event.Records) {
    const key = r.s3.object.key;
    await s3.send(new PutObjectCommand({ Bucket: r.s3.bucket.name, Key: 'node-out/' + key.split('/').slice(1).join('/'), Body: 'seen ' + key }));
    console.log('wrote back', key);
  }
};`;

let sb: Sandbox;
let s3: S3Client;
let logs: CloudWatchLogsClient;
let lambda: LambdaClient;

before(async () => {
  sb = await startSandbox({ port: 0 });
  const common = { endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  s3 = new S3Client({ ...common, forcePathStyle: true });
  logs = new CloudWatchLogsClient(common);
  lambda = new LambdaClient(common);
});
after(async () => {
  s3.destroy();
  logs.destroy();
  lambda.destroy();
  await sb.close();
});

const arn = (name: string) => `arn:aws:lambda:${sb.region}:000000000000:function:${name}`;

async function createFunction(name: string, runtime: Runtime, handler: string, files: Record<string, string>, timeout = 10) {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: runtime,
      Handler: handler,
      Role: ROLE,
      Code: { ZipFile: zipPackage(files) },
      Timeout: timeout,
    }),
  );
}

async function bucketFor(bucket: string, configs: { fn: string; events: string[]; prefix?: string }[]) {
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: sb.region as never } }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: configs.map((c) => ({
          LambdaFunctionArn: arn(c.fn),
          Events: c.events as never,
          ...(c.prefix ? { Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: c.prefix }] } } } : {}),
        })),
      },
    }),
  );
}

/** The five operations of the blog, in order, on one bucket. */
async function fireAll(bucket: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'test.txt', Body: 'S3 events trigger demo file.\n' }));
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy_test.txt', CopySource: `${bucket}/test.txt` }));
  const post = await createPresignedPost(s3, { Bucket: bucket, Key: 'posted.txt' });
  const form = new FormData();
  for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
  form.append('file', new Blob(['S3 events trigger demo file.\n']), 'posted.txt');
  const posted = await fetch(post.url, { method: 'POST', body: form });
  assert.equal(posted.status, 204, await posted.text());
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'copy_test.txt' }));
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'bigfile.bin' }));
  const part = Buffer.alloc(5 * 1024 * 1024, 1);
  const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'bigfile.bin', UploadId, PartNumber: 1, Body: part }));
  const p2 = await s3.send(
    new UploadPartCommand({ Bucket: bucket, Key: 'bigfile.bin', UploadId, PartNumber: 2, Body: Buffer.from('tail') }),
  );
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: 'bigfile.bin',
      UploadId,
      MultipartUpload: {
        Parts: [
          { ETag: p1.ETag, PartNumber: 1 },
          { ETag: p2.ETag, PartNumber: 2 },
        ],
      },
    }),
  );
}

async function eventsOf(group: string, until: (m: string[]) => boolean): Promise<FilteredLogEvent[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const events: FilteredLogEvent[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken }));
        events.push(...(out.events ?? []));
        nextToken = out.nextToken;
      } while (nextToken);
    } catch (err) {
      if (!(err instanceof Error && err.name === 'ResourceNotFoundException')) throw err;
    }
    const messages = events.map((e) => e.message ?? '');
    if (until(messages)) return events;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${group}:\n${messages.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function messagesOf(group: string, until: (m: string[]) => boolean): Promise<string[]> {
  return (await eventsOf(group, until)).map((e) => e.message ?? '');
}

/** Each invocation's lines (START..END within its stream), in the order of the START lines. */
function invocations(events: FilteredLogEvent[]): string[][] {
  const open = new Map<string, string[]>();
  const ordered: string[][] = [];
  for (const e of events) {
    const stream = e.logStreamName ?? '';
    const message = e.message ?? '';
    if (message.startsWith('START RequestId: ')) {
      const lines: string[] = [];
      open.set(stream, lines);
      ordered.push(lines);
    } else if (message.startsWith('END RequestId: ')) open.delete(stream);
    else open.get(stream)?.push(message);
  }
  return ordered;
}

const reports = (m: string[]) => m.filter((l) => l.startsWith('REPORT RequestId: '));
const REPORT_RE =
  /^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t(Init Duration: \d+\.\d\d ms\t)?\n$/;

test('python (the blog handler): PUT / COPY / POST / DELETE / multipart each print one block with the right Event Type', async () => {
  await createFunction('blog-py', 'python3.9', 'event_handler.handler', { 'event_handler.py': BLOG_HANDLER });
  await bucketFor('py-bucket', [
    { fn: 'blog-py', events: ['s3:ObjectCreated:*'] },
    { fn: 'blog-py', events: ['s3:ObjectRemoved:*'] },
  ]);
  await fireAll('py-bucket');
  const events = await eventsOf('/aws/lambda/blog-py', (m) => reports(m).length === 5);
  const messages = events.map((e) => e.message ?? '');
  // START lines keep commit order; the invocations themselves may overlap, as on AWS.
  const types = invocations(events).map((lines) => lines.map((l) => /Event Type: (.*)\n$/.exec(l)?.[1]).find(Boolean));
  assert.deepEqual(types, [
    'ObjectCreated:Put (Put)',
    'ObjectCreated:Copy (Copy)',
    'ObjectCreated:Post (Post)',
    'ObjectRemoved:Delete (Delete)',
    'ObjectCreated:CompleteMultipartUpload (CompleteMultipartUpload)',
  ]);
  assert.equal(messages.filter((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d S3 Event Detected\n$/.test(l)).length, 5);
  assert.ok(messages.includes(messages.find((l) => / Size: {7}29 bytes\n$/.test(l))!));
  assert.ok(messages.some((l) => / Object: {5}bigfile\.bin\n$/.test(l)));
  assert.ok(messages.some((l) => / Size: {7}5242884 bytes\n$/.test(l)));
  assert.ok(
    messages.some((l) => / Size: {7}0 bytes\n$/.test(l)),
    'delete prints size 0',
  );
  const rs = reports(messages);
  for (const r of rs) assert.match(r, REPORT_RE);
  assert.equal(rs.filter((r) => r.includes('Init Duration')).length >= 1, true);
  const starts = messages.filter((l) => l.startsWith('START RequestId: '));
  assert.equal(starts.length, 5);
});

test('node handler: the five operations arrive in commit order, one invocation each', async () => {
  await createFunction('blog-node', 'nodejs20.x', 'index.handler', { 'index.mjs': NODE_HANDLER });
  await bucketFor('node-bucket', [{ fn: 'blog-node', events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] }]);
  await fireAll('node-bucket');
  const events = await eventsOf('/aws/lambda/blog-node', (m) => reports(m).length === 5);
  const messages = events.map((e) => e.message ?? '');
  const records = invocations(events).map((lines) =>
    lines.map((l) => /\tINFO\trecord (\S+) (\S+) (\d+)\n$/.exec(l)?.slice(1).join(' ')).find(Boolean),
  );
  assert.deepEqual(records, [
    'ObjectCreated:Put test.txt 29',
    'ObjectCreated:Copy copy_test.txt 29',
    'ObjectCreated:Post posted.txt 29',
    'ObjectRemoved:Delete copy_test.txt 0',
    'ObjectCreated:CompleteMultipartUpload bigfile.bin 5242884',
  ]);
  for (const r of reports(messages)) assert.match(r, REPORT_RE);
});

test('handlers that write back into their own bucket (boto3 and the JS SDK) reach the sandbox', async () => {
  await createFunction('writeback-py', 'python3.12', 'app.handler', { 'app.py': WRITEBACK_PY });
  await createFunction('writeback-node', 'nodejs20.x', 'index.handler', { 'index.mjs': WRITEBACK_NODE });
  await bucketFor('wb-bucket', [
    { fn: 'writeback-py', events: ['s3:ObjectCreated:*'], prefix: 'py-in/' },
    { fn: 'writeback-node', events: ['s3:ObjectCreated:*'], prefix: 'node-in/' },
  ]);
  await s3.send(new PutObjectCommand({ Bucket: 'wb-bucket', Key: 'py-in/a.txt', Body: 'a' }));
  await s3.send(new PutObjectCommand({ Bucket: 'wb-bucket', Key: 'node-in/b.txt', Body: 'b' }));
  const py = await messagesOf('/aws/lambda/writeback-py', (m) => reports(m).length === 1);
  assert.ok(py.includes('wrote back py-in/a.txt\n'), py.join(''));
  const node = await messagesOf('/aws/lambda/writeback-node', (m) => reports(m).length === 1);
  assert.ok(
    node.some((l) => l.endsWith('\tINFO\twrote back node-in/b.txt\n')),
    node.join(''),
  );
  const a = await s3.send(new GetObjectCommand({ Bucket: 'wb-bucket', Key: 'py-out/a.txt' }));
  assert.equal(await a.Body!.transformToString(), 'seen py-in/a.txt');
  const b = await s3.send(new GetObjectCommand({ Bucket: 'wb-bucket', Key: 'node-out/b.txt' }));
  assert.equal(await b.Body!.transformToString(), 'seen node-in/b.txt');
});

test('a notification for a function that was deleted is dropped with a sandbox log line', async () => {
  const lines: string[] = [];
  const own = await startSandbox({ port: 0, log: (l) => lines.push(l) });
  try {
    own.context.s3Events.publish({
      record: { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k' } } } as never,
      destination: { kind: 'lambda', arn: arn('gone'), configurationId: 'c' },
    });
    assert.ok(
      lines.some((l) => l.includes('function arn:aws:lambda:eu-west-1:000000000000:function:gone does not exist')),
      lines.join('\n'),
    );
  } finally {
    await own.close();
  }
});

test('the sandbox keeps serving while a handler hangs and floods its output', async () => {
  await createFunction(
    'flood',
    'python3.12',
    'app.handler',
    { 'app.py': `def handler(event, context):\n    while True:\n        print('z' * 4096)\n` },
    3,
  );
  const invocation = lambda.send(new InvokeCommand({ FunctionName: 'flood', Payload: Buffer.from('{}') }));
  const started = Date.now();
  await messagesOf('/aws/lambda/flood', (m) => m.some((l) => l.startsWith('zzzz')));
  await s3.send(new PutObjectCommand({ Bucket: 'node-bucket', Key: 'during-flood.txt', Body: 'still here' }));
  const listed = await lambda.send(new ListFunctionsCommand({}));
  assert.ok(listed.Functions!.some((f) => f.FunctionName === 'flood'));
  assert.ok(Date.now() - started < 3_000, 'served before the flood timed out');
  const out = await invocation;
  assert.equal(out.FunctionError, 'Unhandled');
  assert.match(Buffer.from(out.Payload!).toString(), /Task timed out after 3\.00 seconds/);
});
