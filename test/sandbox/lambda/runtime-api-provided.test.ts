/**
 * provided.al2023 / provided.al2 functions in the Lambda service: the package's `bootstrap` runs with the standard
 * environment and AWS_LAMBDA_RUNTIME_API, and speaks raw HTTP to it (here a node script, so these tests need no Go).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { lambdaHarness, ROLE, type Harness } from './helpers.js';

let h: Harness;
before(async () => {
  h = await lambdaHarness();
});
after(() => h.close());

/** A bootstrap script (CommonJS, so `body` runs in an async function) with `api(method, path, body, headers)` → {status, headers, text} in scope. */
const script = (body: string) => `#!${process.execPath}
const base = 'http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime/';
async function api(method, path, body, headers = {}) {
  const res = await fetch(base + path, { method, body, headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
(async () => {
${body}
})();
`;

const LOOP = script(`
console.log('init ' + process.env._HANDLER + ' ' + process.env.LAMBDA_TASK_ROOT + ' ' + (process.env.AWS_EXECUTION_ENV ?? 'no-execution-env'));
for (;;) {
  const next = await api('GET', 'invocation/next');
  const id = next.headers.get('lambda-runtime-aws-request-id');
  const event = JSON.parse(next.text);
  console.log('event ' + event.n + ' ' + next.headers.get('lambda-runtime-invoked-function-arn'));
  if (event.mode === 'error') {
    await api('POST', 'invocation/' + id + '/error', JSON.stringify({ errorMessage: 'bad ' + event.n, errorType: 'errorString' }),
      { 'Lambda-Runtime-Function-Error-Type': 'errorString' });
  } else if (event.mode === 'exit') {
    process.exit(3);
  } else if (event.mode === 'hang') {
    await new Promise(() => setInterval(() => {}, 1000)); // a pending promise alone would let node exit
  } else {
    const deadline = Number(next.headers.get('lambda-runtime-deadline-ms'));
    const r = await api('POST', 'invocation/' + id + '/response', JSON.stringify({ n: event.n, left: deadline > Date.now(), trace: next.headers.get('lambda-runtime-trace-id') }));
    console.error('posted ' + r.status + ' ' + r.text); // after the response: logged between invocations
  }
}`);

async function createProvided(name: string, files: Parameters<typeof zipPackage>[0], runtime = 'provided.al2023', extra: object = {}) {
  return h.service.functions.create({
    FunctionName: name,
    Runtime: runtime as never,
    Handler: 'bootstrap',
    Role: ROLE,
    Code: { ZipFile: Buffer.from(zipPackage(files)).toString('base64') },
    ...extra,
  });
}

const linesOf = (requestId: string) => {
  const stream = h.sink.events.find((e) => e.message.startsWith(`START RequestId: ${requestId}`))?.stream;
  return h.sink.events.filter((e) => e.stream === stream).map((e) => e.message);
};

test('provided.al2023: bootstrap with the standard environment, START/END/REPORT around its output, Init Duration once', async () => {
  await createProvided('custom-ok', { bootstrap: { content: LOOP, mode: 0o755 } });
  const first = await h.service.functions.invoke('custom-ok', '{"n":1}');
  const second = await h.service.functions.invoke('custom-ok', '{"n":2}');
  assert.equal(first.status, 'success', first.payload);
  const body = JSON.parse(first.payload);
  assert.equal(body.n, 1);
  assert.equal(body.left, true);
  // The invocation's _X_AMZN_TRACE_ID, with the recursion lineage Lambda adds (recursion/trace-header.ts).
  assert.match(body.trace, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0;Lineage=2:[0-9a-f]{8}:0$/);
  assert.ok(first.initDurationMs !== undefined && first.initDurationMs > 0);
  assert.equal(second.initDurationMs, undefined);
  const lines = linesOf(first.requestId);
  assert.match(lines[0]!, /^INIT_START Runtime Version: provided:al2023\.v1\t/);
  assert.match(lines[1]!, /^init bootstrap \/.+\/code no-execution-env\n$/);
  const at = lines.indexOf(`START RequestId: ${first.requestId} Version: $LATEST\n`);
  assert.deepEqual(lines.slice(at + 1, at + 3), [
    'event 1 arn:aws:lambda:eu-west-1:000000000000:function:custom-ok\n',
    `END RequestId: ${first.requestId}\n`,
  ]);
  assert.ok(lines.slice(at + 4).includes('posted 202 {"status":"OK"}\n'), 'the runtime saw 202 {"status":"OK"}');
  assert.match(
    lines[at + 3]!,
    /^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\t\n$/,
  );
  const warm = lines.indexOf(`START RequestId: ${second.requestId} Version: $LATEST\n`);
  assert.ok(warm > at, 'the second invocation ran in the same environment');
  assert.doesNotMatch(lines.find((l) => l.startsWith(`REPORT RequestId: ${second.requestId}`))!, /Init Duration/);
});

test('provided: an error post is FunctionError Unhandled with the runtime body; the environment stays warm', async () => {
  await createProvided('custom-err', { bootstrap: { content: LOOP, mode: 0o755 } }, 'provided.al2');
  const failed = await h.service.functions.invoke('custom-err', '{"n":7,"mode":"error"}');
  assert.equal(failed.status, 'error');
  assert.deepEqual(JSON.parse(failed.payload), { errorMessage: 'bad 7', errorType: 'errorString' });
  assert.equal(failed.error?.errorType, 'errorString');
  const ok = await h.service.functions.invoke('custom-err', '{"n":8}');
  assert.equal(ok.status, 'success');
  assert.equal(ok.initDurationMs, undefined, 'same environment');
});

test('provided: the runtime exiting mid-invocation is Runtime.ExitError, as AWS reports it', async () => {
  await createProvided('custom-exit', { bootstrap: { content: LOOP, mode: 0o755 } });
  const out = await h.service.functions.invoke('custom-exit', '{"n":1,"mode":"exit"}');
  assert.equal(out.status, 'error');
  assert.equal(out.error?.errorType, 'Runtime.ExitError');
  assert.match(out.error!.errorMessage, /^RequestId: \S+ Error: Runtime exited with error: exit status 3$/);
  assert.ok(
    linesOf(out.requestId).some((l) => l.startsWith(`RequestId: ${out.requestId} Error: Runtime exited with error: exit status 3`)),
  );
});

test('provided: a timeout kills the runtime; the next invocation starts a new one', async () => {
  await createProvided('custom-hang', { bootstrap: { content: LOOP, mode: 0o755 } }, 'provided.al2023', { Timeout: 1 });
  const out = await h.service.functions.invoke('custom-hang', '{"n":1,"mode":"hang"}');
  assert.equal(out.status, 'timeout');
  assert.ok(linesOf(out.requestId).some((l) => l.includes('Task timed out after 1.00 seconds')));
  const again = await h.service.functions.invoke('custom-hang', '{"n":2}');
  assert.equal(again.status, 'success');
  assert.ok(again.initDurationMs !== undefined, 'a cold start');
});

test('provided: init/error fails the invocation with the body the runtime posted', async () => {
  const initError = script(`
console.log('reading config');
const r = await api('POST', 'init/error', JSON.stringify({ errorMessage: 'missing TABLE_NAME', errorType: 'InitError' }),
  { 'Lambda-Runtime-Function-Error-Type': 'Runtime.InitError' });
console.log('init error posted ' + r.status);
process.exit(1);`);
  await createProvided('custom-init', { bootstrap: { content: initError, mode: 0o755 } });
  const out = await h.service.functions.invoke('custom-init', '{}');
  assert.equal(out.status, 'error');
  assert.equal(out.error?.errorType, 'Runtime.InitError');
  assert.deepEqual(JSON.parse(out.payload), { errorMessage: 'missing TABLE_NAME', errorType: 'InitError' });
  const lines = h.sink.messages('/aws/lambda/custom-init');
  const printed = lines.indexOf('reading config\n');
  assert.ok(printed >= 0 && printed < lines.indexOf(`START RequestId: ${out.requestId} Version: $LATEST\n`), lines.join(''));
});

test('provided: a bootstrap the zip does not mark executable fails as AWS does (Runtime.InvalidEntrypoint, permission denied)', async () => {
  await createProvided('custom-noexec', { bootstrap: { content: LOOP, mode: 0o644 } });
  const out = await h.service.functions.invoke('custom-noexec', '{}');
  assert.equal(out.status, 'error');
  const payload = JSON.parse(out.payload);
  assert.equal(payload.errorType, 'Runtime.InvalidEntrypoint');
  assert.match(payload.errorMessage, new RegExp(`^RequestId: ${out.requestId} Error: fork/exec /.+/bootstrap: permission denied$`));
  assert.deepEqual(Object.keys(payload), ['errorType', 'errorMessage']);
  const lines = linesOf(out.requestId);
  assert.ok(
    lines.includes(`RequestId: ${out.requestId} Error: ${payload.errorMessage.split(' Error: ')[1]}\rRuntime.InvalidEntrypoint\n`),
    lines.join(''),
  );
});

test('provided: a bootstrap executable by its owner only (0744) is not executable for Lambda, which runs code as another user', async () => {
  await createProvided('custom-0744', { bootstrap: { content: LOOP, mode: 0o744 } });
  const out = await h.service.functions.invoke('custom-0744', '{}');
  assert.equal(JSON.parse(out.payload).errorType, 'Runtime.InvalidEntrypoint');
});

test('provided: no bootstrap in the package is Runtime.InvalidEntrypoint "Couldn\'t find valid bootstrap(s)"', async () => {
  await createProvided('custom-missing', { 'main.go': 'package main\n' });
  const out = await h.service.functions.invoke('custom-missing', '{}');
  const payload = JSON.parse(out.payload);
  assert.equal(payload.errorType, 'Runtime.InvalidEntrypoint');
  assert.match(payload.errorMessage, /Error: Couldn't find valid bootstrap\(s\): \[\/.+\/bootstrap \/opt\/bootstrap\]$/);
});

test('provided: a handler without a dot is valid for a custom runtime only', async () => {
  await assert.rejects(
    h.service.functions.create({
      FunctionName: 'node-nodot',
      Runtime: 'nodejs20.x',
      Handler: 'bootstrap',
      Role: ROLE,
      Code: { ZipFile: Buffer.from(zipPackage({ 'index.mjs': '' })).toString('base64') },
    }),
    /handler/,
  );
  const created = await createProvided('custom-handler', { bootstrap: { content: LOOP, mode: 0o755 } });
  assert.equal(created.Handler, 'bootstrap');
  assert.equal(created.Runtime, 'provided.al2023');
});
