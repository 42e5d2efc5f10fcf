import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { ROLE, errorOf } from './helpers.js';

let sb: Sandbox;
let lambda: LambdaClient;
before(async () => {
  sb = await startSandbox({ port: 0 });
  lambda = new LambdaClient({ endpoint: sb.endpoint, region: sb.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
after(async () => {
  lambda.destroy();
  await sb.close();
});

const echo = zipPackage({
  'index.mjs': `export const handler = async (event, context) => { console.log('echo', JSON.stringify(event)); if (event.fail) throw new Error(event.fail); return { event, fn: context.functionName, env: process.env.GREETING ?? null }; };`,
});
const utf8 = (b?: Uint8Array) => Buffer.from(b ?? []).toString('utf8');

test('CreateFunction returns Pending, GetFunction then Active; Get/List/Configuration shapes', async () => {
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'echo',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: echo },
      Environment: { Variables: { GREETING: 'hi' } },
    }),
  );
  assert.equal(created.State, 'Pending');
  assert.equal(created.StateReasonCode, 'Creating');
  assert.equal(created.FunctionArn, 'arn:aws:lambda:eu-west-1:000000000000:function:echo');
  assert.equal(created.Timeout, 3);
  assert.equal(created.MemorySize, 128);
  assert.equal(created.CodeSize, echo.length);
  assert.match(created.LastModified!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  assert.equal(created.PackageType, 'Zip');
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10, minDelay: 1 }, { FunctionName: 'echo' });
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'echo' }));
  assert.equal(got.Configuration?.State, 'Active');
  assert.equal(got.Configuration?.LastUpdateStatus, 'Successful');
  assert.equal(got.Configuration?.CodeSha256, created.CodeSha256);
  const zip = await fetch(got.Code!.Location!);
  assert.deepEqual(new Uint8Array(await zip.arrayBuffer()), echo);
  const byArn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: created.FunctionArn }));
  assert.equal(byArn.FunctionName, 'echo');
  const list = await lambda.send(new ListFunctionsCommand({}));
  assert.deepEqual(
    list.Functions?.map((f) => f.FunctionName),
    ['echo'],
  );
});

test('Invoke RequestResponse with LogType Tail; Event -> 202; DryRun -> 204; function error -> Unhandled', async () => {
  const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"a":1}'), LogType: 'Tail' }));
  assert.equal(out.StatusCode, 200);
  assert.equal(out.ExecutedVersion, '$LATEST');
  assert.equal(out.FunctionError, undefined);
  assert.deepEqual(JSON.parse(utf8(out.Payload)), { event: { a: 1 }, fn: 'echo', env: 'hi' });
  const tail = Buffer.from(out.LogResult!, 'base64').toString('utf8');
  assert.match(tail, /^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
  assert.match(tail, /\tINFO\techo {"a":1}\n/);
  assert.match(tail, /REPORT RequestId: .*\tInit Duration: /);

  const ev = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: Buffer.from('{}') }));
  assert.equal(ev.StatusCode, 202);
  const dry = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
  assert.equal(dry.StatusCode, 204);

  const failed = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"fail":"nope"}') }));
  assert.equal(failed.StatusCode, 200);
  assert.equal(failed.FunctionError, 'Unhandled');
  const body = JSON.parse(utf8(failed.Payload));
  assert.equal(body.errorType, 'Error');
  assert.equal(body.errorMessage, 'nope');
});

test('Invoke Event: the 202 carries the invocation own request id (x-amzn-RequestId), as its START line does on AWS', async () => {
  const ev = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: Buffer.from('{"replay":1}') }));
  const id = ev.$metadata.requestId;
  assert.match(id ?? '', /^[0-9a-f-]{36}$/);
  const logs = new CloudWatchLogsClient({
    endpoint: sb.endpoint,
    region: sb.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  let starts: string[] = [];
  for (let i = 0; i < 100 && starts.length === 0; i++) {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/echo', filterPattern: `"${id}"` }));
    starts = (out.events ?? []).map((e) => e.message ?? '').filter((m) => m.startsWith('START'));
    if (starts.length === 0) await new Promise((r) => setTimeout(r, 50));
  }
  logs.destroy();
  assert.deepEqual(starts, [`START RequestId: ${id} Version: $LATEST\n`]);
});

test('Invoke RequestResponse: END and REPORT are in the log once the response is read (stored after it is written), in order', async () => {
  const logs = new CloudWatchLogsClient({
    endpoint: sb.endpoint,
    region: sb.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    for (const n of [1, 2]) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from(`{"n":${n}}`), LogType: 'Tail' }));
      const id = /^START RequestId: ([0-9a-f-]{36})/.exec(Buffer.from(out.LogResult!, 'base64').toString('utf8'))?.[1];
      assert.ok(id, 'the tail starts with START');
      // No wait: the next request the client sends must already find END and REPORT stored.
      const found = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/echo', filterPattern: `"${id}"` }));
      const kinds = (found.events ?? []).map((e) => (e.message ?? '').split(/[ \t]/)[0]);
      assert.deepEqual(
        kinds.filter((k) => k === 'START' || k === 'END' || k === 'REPORT'),
        ['START', 'END', 'REPORT'],
        `invoke ${n}`,
      );
      assert.equal(kinds.at(-1), 'REPORT', `invoke ${n}: REPORT is the invocation's last line`);
    }
  } finally {
    logs.destroy();
  }
});

test('errors: not found, conflict, bad runtime, bad JSON payload, bad zip', async () => {
  let e = await errorOf(lambda.send(new GetFunctionCommand({ FunctionName: 'missing' })));
  assert.deepEqual([e.name, e.status], ['ResourceNotFoundException', 404]);
  assert.match(e.message, /Function not found: arn:aws:lambda:eu-west-1:000000000000:function:missing/);
  e = await errorOf(lambda.send(new InvokeCommand({ FunctionName: 'missing' })));
  assert.equal(e.name, 'ResourceNotFoundException');
  e = await errorOf(
    lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'echo',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: echo },
      }),
    ),
  );
  assert.deepEqual([e.name, e.status], ['ResourceConflictException', 409]);
  e = await errorOf(
    lambda.send(new CreateFunctionCommand({ FunctionName: 'j', Runtime: 'java21', Handler: 'a.b', Role: ROLE, Code: { ZipFile: echo } })),
  );
  assert.equal(e.name, 'InvalidParameterValueException');
  e = await errorOf(
    lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'z',
        Runtime: 'python3.12',
        Handler: 'a.b',
        Role: ROLE,
        Code: { ZipFile: Buffer.from('not a zip') },
      }),
    ),
  );
  assert.equal(e.name, 'InvalidParameterValueException');
  assert.match(e.message, /Could not unzip/);
  e = await errorOf(lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{not json') })));
  assert.deepEqual([e.name, e.status], ['InvalidRequestContentException', 400]);
  e = await errorOf(lambda.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '7' })));
  assert.equal(e.name, 'ResourceNotFoundException');
});

test('UpdateFunctionCode swaps the code and the next invocation is a cold start', async () => {
  const v2 = zipPackage({ 'index.mjs': `export const handler = async () => 'v2';` });
  const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'echo', ZipFile: v2 }));
  assert.equal(updated.LastUpdateStatus, 'InProgress');
  const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', LogType: 'Tail' }));
  assert.equal(utf8(out.Payload), '"v2"');
  assert.match(Buffer.from(out.LogResult!, 'base64').toString(), /Init Duration/);
  const cfg = await lambda.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: 'echo', Timeout: 10, Environment: { Variables: { ALPHA: '1' } } }),
  );
  assert.equal(cfg.Timeout, 10);
  assert.deepEqual(cfg.Environment?.Variables, { ALPHA: '1' });
});

test('AddPermission records the statement; GetPolicy returns it; duplicates conflict', async () => {
  const added = await lambda.send(
    new AddPermissionCommand({
      FunctionName: 'echo',
      StatementId: 's3',
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      SourceArn: 'arn:aws:s3:::b',
    }),
  );
  const statement = JSON.parse(added.Statement!);
  assert.deepEqual(statement.Principal, { Service: 's3.amazonaws.com' });
  assert.deepEqual(statement.Condition, { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::b' } });
  const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'echo' }))).Policy!);
  assert.equal(policy.Statement[0].Sid, 's3');
  const e = await errorOf(
    lambda.send(
      new AddPermissionCommand({ FunctionName: 'echo', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }),
    ),
  );
  assert.equal(e.name, 'ResourceConflictException');
});

test('functions persist across a restart with the same data dir; DeleteFunction removes them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-lambda-persist-'));
  try {
    const first = await startSandbox({ port: 0, dataDir });
    const c1 = new LambdaClient({
      endpoint: first.endpoint,
      region: first.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await c1.send(
      new CreateFunctionCommand({
        FunctionName: 'kept',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: echo },
      }),
    );
    c1.destroy();
    await first.close();
    const second = await startSandbox({ port: 0, dataDir });
    const c2 = new LambdaClient({
      endpoint: second.endpoint,
      region: second.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const out = await c2.send(new InvokeCommand({ FunctionName: 'kept', Payload: Buffer.from('{"x":1}') }));
    assert.equal(JSON.parse(utf8(out.Payload)).event.x, 1);
    await c2.send(new DeleteFunctionCommand({ FunctionName: 'kept' }));
    const e = await errorOf(c2.send(new GetFunctionCommand({ FunctionName: 'kept' })));
    assert.equal(e.name, 'ResourceNotFoundException');
    c2.destroy();
    await second.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('CreateFunction and UpdateFunctionCode take the package from the sandbox S3 (S3Bucket/S3Key)', async () => {
  const s3 = new S3Client({
    endpoint: sb.endpoint,
    region: sb.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'code', CreateBucketConfiguration: { LocationConstraint: sb.region as never } }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'code',
        Key: 'pkgs/v1 fn.zip',
        Body: zipPackage({ 'app.py': 'def handler(e, c):\n    return "from s3"\n' }),
      }),
    );
    const created = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'from-s3',
        Runtime: 'python3.12',
        Handler: 'app.handler',
        Role: ROLE,
        Code: { S3Bucket: 'code', S3Key: 'pkgs/v1 fn.zip' },
      }),
    );
    assert.ok(created.CodeSize! > 0);
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'from-s3' }));
    assert.equal(utf8(out.Payload), '"from s3"');
    const e = await errorOf(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'from-s3', S3Bucket: 'code', S3Key: 'missing.zip' })),
    );
    assert.equal(e.name, 'InvalidParameterValueException');
    assert.match(e.message, /Error occurred while GetObject\. S3 Error Code: NoSuchKey/);
  } finally {
    s3.destroy();
  }
});

test('Invoke passes X-Amz-Client-Context (base64 JSON) to the handler as context.clientContext', async () => {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'ctx',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zipPackage({ 'index.mjs': 'export const handler = async (e, c) => c.clientContext;' }) },
    }),
  );
  const out = await lambda.send(
    new InvokeCommand({ FunctionName: 'ctx', ClientContext: Buffer.from(JSON.stringify({ custom: { a: 1 } })).toString('base64') }),
  );
  assert.deepEqual(JSON.parse(utf8(out.Payload)), { custom: { a: 1 } });
});
