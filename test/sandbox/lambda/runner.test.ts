import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createFn, lambdaHarness, zipBase64, type Harness } from './helpers.js';

const NODE_OK = `console.log('loading');
export const handler = async (event, context) => {
  console.log('event', JSON.stringify(event));
  console.warn('two\\nlines');
  process.stdout.write('raw stdout\\n');
  return { id: context.awsRequestId, fn: context.functionName, left: context.getRemainingTimeInMillis() > 0,
    mem: context.memoryLimitInMB, group: context.logGroupName, stream: context.logStreamName, arn: context.invokedFunctionArn,
    endpoint: process.env.AWS_ENDPOINT_URL ?? null, region: process.env.AWS_REGION };
};`;

const PY_OK = `print('loading')
def handler(event, context):
    print('event', event['n'])
    print('no newline', end='')
    return {'id': context.aws_request_id, 'fn': context.function_name, 'left': context.get_remaining_time_in_millis() > 0,
            'group': context.log_group_name, 'stream': context.log_stream_name, 'mem': context.memory_limit_in_mb}
`;

let h: Harness;
before(async () => {
  h = await lambdaHarness();
});
after(() => h.close());

const streamOf = (requestId: string) => h.sink.events.find((e) => e.message.startsWith(`START RequestId: ${requestId}`))?.stream;
const linesOf = (stream: string) => h.sink.events.filter((e) => e.stream === stream).map((e) => e.message);

test('node: cold then warm in one environment; Init Duration only on the first REPORT; Lambda line format', async () => {
  await createFn(h, 'node-ok', 'nodejs20.x', 'index.handler', { 'index.mjs': NODE_OK });
  const first = await h.service.functions.invoke('node-ok', '{"n":1}', undefined, undefined, true);
  const second = await h.service.functions.invoke('node-ok', '{"n":2}');
  assert.equal(first.status, 'success');
  const result = JSON.parse(first.payload);
  assert.equal(result.id, first.requestId);
  assert.equal(result.fn, 'node-ok');
  assert.equal(result.left, true);
  assert.equal(result.mem, '128');
  assert.equal(result.group, '/aws/lambda/node-ok');
  assert.equal(result.arn, 'arn:aws:lambda:eu-west-1:000000000000:function:node-ok');
  assert.equal(result.region, 'eu-west-1');
  assert.ok(first.initDurationMs! > 0);
  assert.equal(second.initDurationMs, undefined);
  const stream = streamOf(first.requestId)!;
  assert.match(stream, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(result.stream, stream);
  assert.equal(streamOf(second.requestId), stream, 'warm invocation reuses the environment');
  const lines = linesOf(stream);
  const id = first.requestId;
  const at = lines.indexOf(`START RequestId: ${id} Version: $LATEST\n`);
  assert.ok(at > 0);
  assert.match(lines[at - 1]!, /^\d{4}-\d\d-\d\dT[\d:.]+Z\tundefined\tINFO\tloading\n$/);
  assert.match(lines[at + 1]!, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${id}\\tINFO\\tevent {"n":1}\\n$`));
  assert.match(lines[at + 2]!, new RegExp(`\\t${id}\\tWARN\\ttwo\\rlines\\n$`));
  assert.equal(lines[at + 3], 'raw stdout\n');
  assert.equal(lines[at + 4], `END RequestId: ${id}\n`);
  assert.match(
    lines[at + 5]!,
    new RegExp(
      `^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms\\t\\n$`,
    ),
  );
  const secondReport = lines.find((l) => l.startsWith(`REPORT RequestId: ${second.requestId}`))!;
  assert.doesNotMatch(secondReport, /Init Duration/);
  assert.match(first.logTail, /^START RequestId/);
  assert.match(first.logTail, /REPORT RequestId/);
  assert.equal(second.logTail, '', 'the log tail is kept only when asked (LogType Tail)');
});

test('node: output that bypasses process.stdout (fs.writeSync to fd 1 and 2, a child process) stays in its invocation', async () => {
  // Only writes through process.stdout/stderr make the runtime end an invocation with markers; these go around them.
  const source = `import { writeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
export const handler = async (event) => {
  console.log('via console', event.n);
  writeSync(1, 'direct stdout ' + event.n + '\\n');
  writeSync(2, 'partial stderr ' + event.n);
  if (event.child) execFileSync(process.execPath, ['-e', 'process.stdout.write("from child\\\\n")'], { stdio: ['ignore', 'inherit', 'ignore'] });
  return event.n;
};`;
  await createFn(h, 'node-bypass', 'nodejs20.x', 'index.handler', { 'index.mjs': source });
  for (const n of [1, 2, 3]) {
    const out = await h.service.functions.invoke('node-bypass', JSON.stringify({ n, child: n === 3 }));
    assert.equal(out.status, 'success', out.payload);
    const lines = linesOf(streamOf(out.requestId)!);
    const start = lines.indexOf(`START RequestId: ${out.requestId} Version: $LATEST\n`);
    const end = lines.indexOf(`END RequestId: ${out.requestId}\n`);
    assert.ok(start !== -1 && end > start, 'START and END present');
    const own = lines.slice(start + 1, end);
    assert.ok(
      own.some((l) => l.endsWith(`\tINFO\tvia console ${n}\n`)),
      JSON.stringify(own),
    );
    assert.ok(own.includes(`direct stdout ${n}\n`), JSON.stringify(own));
    assert.ok(own.includes(`partial stderr ${n}\n`), JSON.stringify(own));
    if (n === 3) assert.ok(own.includes('from child\n'), JSON.stringify(own));
    // Nothing of this invocation after its END (the next one's lines are its own).
    assert.ok(!lines.slice(end).some((l) => l.includes(`stdout ${n}\n`) || l.includes(`stderr ${n}\n`)));
  }
});

test('python: print lines raw, one event per line, context fields', async () => {
  await createFn(h, 'py-ok', 'python3.11', 'app.handler', { 'app.py': PY_OK });
  const first = await h.service.functions.invoke('py-ok', '{"n":1}');
  const second = await h.service.functions.invoke('py-ok', '{"n":2}');
  assert.equal(first.status, 'success', first.payload);
  const result = JSON.parse(first.payload);
  assert.equal(result.id, first.requestId);
  assert.equal(result.fn, 'py-ok');
  assert.equal(result.left, true);
  const stream = streamOf(first.requestId)!;
  assert.equal(result.stream, stream);
  assert.equal(streamOf(second.requestId), stream);
  const lines = linesOf(stream);
  const at = lines.indexOf(`START RequestId: ${first.requestId} Version: $LATEST\n`);
  assert.equal(lines[at - 1], 'loading\n');
  assert.deepEqual(lines.slice(at + 1, at + 4), ['event 1\n', 'no newline\n', `END RequestId: ${first.requestId}\n`]);
  assert.match(lines[at + 4]!, /\tInit Duration: /);
  assert.doesNotMatch(lines.find((l) => l.startsWith(`REPORT RequestId: ${second.requestId}`))!, /Init Duration/);
});

test('node: a thrown error is logged as Invoke Error and returned with X-Amz-Function-Error semantics', async () => {
  await createFn(h, 'node-throw', 'nodejs20.x', 'index.handler', {
    'index.mjs': `export const handler = async () => { throw new TypeError('boom'); };`,
  });
  const out = await h.service.functions.invoke('node-throw', '{}');
  assert.equal(out.status, 'error');
  const payload = JSON.parse(out.payload);
  assert.equal(payload.errorType, 'TypeError');
  assert.equal(payload.errorMessage, 'boom');
  assert.ok(Array.isArray(payload.trace));
  const line = linesOf(streamOf(out.requestId)!).find((l) => l.includes('Invoke Error'))!;
  const m = new RegExp(`^[\\d-]+T[\\d:.]+Z\\t${out.requestId}\\tERROR\\tInvoke Error \\t(.*)\\n$`).exec(line);
  assert.ok(m, line);
  const body = JSON.parse(m[1]!);
  assert.equal(body.errorType, 'TypeError');
  assert.equal(body.errorMessage, 'boom');
  assert.match(body.stack[0], /TypeError: boom/);
});

test('python: an exception is logged as [ERROR] Type: message with the traceback', async () => {
  await createFn(h, 'py-throw', 'python3.11', 'app.handler', {
    'app.py': `def handler(event, context):\n    raise ValueError('bad value')\n`,
  });
  const out = await h.service.functions.invoke('py-throw', '{}');
  assert.equal(out.status, 'error');
  const payload = JSON.parse(out.payload);
  assert.equal(payload.errorType, 'ValueError');
  assert.equal(payload.errorMessage, 'bad value');
  assert.equal(payload.requestId, out.requestId);
  assert.match(payload.stackTrace[0], /File ".*app\.py", line 2, in handler/);
  const line = linesOf(streamOf(out.requestId)!).find((l) => l.startsWith('[ERROR]'))!;
  assert.match(
    line,
    /^\[ERROR\] ValueError: bad value\rTraceback \(most recent call last\):\r {2}File ".*app\.py", line 2, in handler\r {4}raise ValueError\('bad value'\)\n$/,
  );
});

test('timeout: the child is killed, Lambda prints the timeout line, the environment is replaced', async () => {
  await createFn(
    h,
    'py-slow',
    'python3.11',
    'app.handler',
    { 'app.py': `import time\ndef handler(event, context):\n    if event.get('sleep'):\n        time.sleep(30)\n    return 'ok'\n` },
    { Timeout: 1 },
  );
  const out = await h.service.functions.invoke('py-slow', '{"sleep":true}');
  assert.equal(out.status, 'timeout');
  assert.match(JSON.parse(out.payload).errorMessage, /Task timed out after 1\.00 seconds/);
  const stream = streamOf(out.requestId)!;
  const lines = linesOf(stream);
  const timeout = lines.find((l) => l.includes('Task timed out'))!;
  assert.match(timeout, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${out.requestId} Task timed out after 1\\.00 seconds\\n$`));
  // Lambda reports the configured timeout as the Duration, and ends a REPORT with a Status without a tab.
  assert.match(lines.find((l) => l.startsWith(`REPORT RequestId: ${out.requestId}`))!, /\tDuration: 1000\.00 ms\t.*\tStatus: timeout\n$/);
  assert.equal(out.durationMs, 1000);
  const next = await h.service.functions.invoke('py-slow', '{}');
  assert.equal(next.status, 'success');
  assert.notEqual(streamOf(next.requestId), stream, 'a new environment after a timeout');
  assert.ok(next.initDurationMs! > 0, 'the replacement is a cold start');
});

test('a handler that never returns (node, pending promise) times out and the service keeps working', async () => {
  await createFn(
    h,
    'node-hang',
    'nodejs20.x',
    'index.handler',
    { 'index.mjs': `export const handler = () => new Promise(() => {});` },
    { Timeout: 1 },
  );
  const out = await h.service.functions.invoke('node-hang', '{}');
  assert.equal(out.status, 'timeout');
  const again = await h.service.functions.invoke('node-ok', '{"n":3}');
  assert.equal(again.status, 'success');
});

test('10 MB of output (one long line and many lines) is logged in CloudWatch-sized events', async () => {
  await createFn(
    h,
    'py-loud',
    'python3.11',
    'app.handler',
    {
      'app.py': `def handler(event, context):\n    print('x' * (10 * 1024 * 1024))\n    for i in range(20000):\n        print('line', i)\n    return 'done'\n`,
    },
    { Timeout: 30 },
  );
  const out = await h.service.functions.invoke('py-loud', '{}');
  assert.equal(out.status, 'success');
  const lines = linesOf(streamOf(out.requestId)!);
  const big = lines.filter((l) => /^x+\n?$/.test(l));
  assert.equal(
    big.reduce((n, l) => n + l.replace('\n', '').length, 0),
    10 * 1024 * 1024,
  );
  assert.ok(big.every((l) => Buffer.byteLength(l) <= 262_144 - 26));
  assert.ok(lines.includes('line 19999\n'));
  assert.ok(lines.some((l) => l.startsWith(`REPORT RequestId: ${out.requestId}`)));
});

test('two concurrent invocations get two environments', async () => {
  await createFn(h, 'node-wait', 'nodejs20.x', 'index.handler', {
    'index.mjs': `export const handler = async () => { await new Promise((r) => setTimeout(r, 300)); return 1; };`,
  });
  const [a, b] = await Promise.all([h.service.functions.invoke('node-wait', '{}'), h.service.functions.invoke('node-wait', '{}')]);
  assert.notEqual(streamOf(a.requestId), streamOf(b.requestId));
  assert.ok(a.initDurationMs! > 0 && b.initDurationMs! > 0);
  assert.equal(h.service.runner.environmentCount('node-wait'), 2);
});

test('Event invocations of a failing handler are retried twice with the same request id', async () => {
  await createFn(h, 'node-fail-async', 'nodejs20.x', 'index.handler', {
    'index.mjs': `export const handler = async () => { throw new Error('always'); };`,
  });
  const id = h.service.functions.invokeAsync('node-fail-async', '{}');
  await h.sink.until((events) => events.filter((e) => e.message.startsWith(`REPORT RequestId: ${id}`)).length === 3);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(h.sink.messages('/aws/lambda/node-fail-async').filter((m) => m.startsWith(`START RequestId: ${id}`)).length, 3);
  assert.ok(h.sandboxLog.some((l) => l.includes('failed 3 times')));
});

test('init errors: a missing module is reported like Lambda and the service survives', async () => {
  await createFn(h, 'py-missing', 'python3.11', 'nope.handler', { 'app.py': 'x = 1\n' });
  const out = await h.service.functions.invoke('py-missing', '{}');
  assert.equal(out.status, 'error');
  assert.equal(JSON.parse(out.payload).errorType, 'Runtime.ImportModuleError');
  assert.ok(
    h.sink
      .messages('/aws/lambda/py-missing')
      .some((m) => m.startsWith("[ERROR] Runtime.ImportModuleError: Unable to import module 'nope'")),
  );
  await createFn(h, 'node-nohandler', 'nodejs20.x', 'index.handler', { 'index.mjs': 'export const other = 1;' });
  const out2 = await h.service.functions.invoke('node-nohandler', '{}');
  assert.equal(JSON.parse(out2.payload).errorType, 'Runtime.HandlerNotFound');
});

test('a handler that exits the process is reported as Runtime.ExitError', async () => {
  await createFn(h, 'node-exit', 'nodejs20.x', 'index.handler', {
    'index.mjs': `export const handler = async () => { process.exit(3); };`,
  });
  const out = await h.service.functions.invoke('node-exit', '{}');
  assert.equal(out.status, 'error');
  assert.equal(JSON.parse(out.payload).errorType, 'Runtime.ExitError');
  assert.ok(h.sink.messages('/aws/lambda/node-exit').some((m) => m.includes('Runtime exited with error: exit status 3')));
});

test('endless output is capped per invocation with one notice line, then the timeout ends it', async () => {
  const small = await lambdaHarness({ maxOutputBytes: 256 * 1024 });
  try {
    await createFn(
      small,
      'py-flood',
      'python3.11',
      'app.handler',
      { 'app.py': `def handler(event, context):\n    while True:\n        print('y' * 1000)\n` },
      { Timeout: 1 },
    );
    const out = await small.service.functions.invoke('py-flood', '{}');
    assert.equal(out.status, 'timeout');
    const lines = small.sink.messages('/aws/lambda/py-flood');
    const kept = lines.filter((l) => l.startsWith('yyy')).length;
    assert.ok(kept > 100 && kept <= 262, `kept ${kept}`);
    assert.equal(lines.filter((l) => l.includes('output of this invocation truncated')).length, 1);
    assert.ok(lines.some((l) => l.includes('Task timed out after 1.00 seconds')));
  } finally {
    await small.close();
  }
});

test('closing the service settles in-flight invocations and kills environments still initialising', async () => {
  const own = await lambdaHarness();
  await createFn(
    own,
    'node-forever',
    'nodejs20.x',
    'index.handler',
    { 'index.mjs': `export const handler = () => new Promise(() => {});` },
    { Timeout: 60 },
  );
  await createFn(own, 'py-slow-init', 'python3.11', 'app.handler', {
    'app.py': `import time\ntime.sleep(30)\ndef handler(e, c):\n    return 1\n`,
  });
  const inFlight = own.service.functions.invoke('node-forever', '{}');
  await own.sink.until((events) => events.some((e) => e.message.startsWith('START RequestId')));
  const initialising = own.service.functions.invoke('py-slow-init', '{}').catch((err: Error) => err);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(own.service.runner.environmentCount('py-slow-init'), 1);
  await own.close();
  const out = await inFlight;
  assert.equal(out.status, 'error');
  assert.equal(out.error?.errorType, 'Runtime.ExitError');
  assert.ok(await initialising, 'the pending invocation settles too');
});

test('an idle environment is reclaimed after the idle timeout; the next invocation is cold', async () => {
  const own = await lambdaHarness({ idleTimeoutMs: 200 });
  try {
    await createFn(own, 'node-idle', 'nodejs20.x', 'index.handler', { 'index.mjs': `export const handler = async () => 1;` });
    const first = await own.service.functions.invoke('node-idle', '{}');
    assert.ok(first.initDurationMs !== undefined);
    assert.equal(own.service.runner.environmentCount('node-idle'), 1);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(own.service.runner.environmentCount('node-idle'), 0);
    const second = await own.service.functions.invoke('node-idle', '{}');
    assert.ok(second.initDurationMs !== undefined, 'cold again');
  } finally {
    await own.close();
  }
});

test('node: one 10 MB console.log becomes CloudWatch-sized events with the INFO prefix on the first', async () => {
  // 30 s: this test is about splitting, and a loaded machine takes seconds to pipe 10 MB through the runtime.
  await createFn(
    h,
    'node-loud',
    'nodejs20.x',
    'index.handler',
    { 'index.mjs': `export const handler = async () => { console.log('x'.repeat(10 * 1024 * 1024)); return 'done'; };` },
    { Timeout: 30 },
  );
  const out = await h.service.functions.invoke('node-loud', '{}');
  assert.equal(out.status, 'success');
  const lines = linesOf(streamOf(out.requestId)!);
  const start = lines.findIndex((l) => l.startsWith(`START RequestId: ${out.requestId}`));
  const end = lines.findIndex((l) => l.startsWith(`END RequestId: ${out.requestId}`));
  const pieces = lines.slice(start + 1, end);
  assert.match(pieces[0]!, new RegExp(`^\\S+Z\\t${out.requestId}\\tINFO\\txxx`));
  assert.ok(pieces.every((l) => Buffer.byteLength(l) <= 262_144 - 26));
  assert.equal(
    pieces
      .join('')
      .replace(/^.*\tINFO\t/, '')
      .replace('\n', '').length,
    10 * 1024 * 1024,
  );
});

test('python: sys.exit inside the handler: its last output precedes END, then Runtime.ExitError', async () => {
  await createFn(h, 'py-exit', 'python3.11', 'app.handler', {
    'app.py': `import sys\ndef handler(e, c):\n    print('about to exit')\n    sys.stderr.write('bye on stderr\\n')\n    sys.exit(2)\n`,
  });
  const out = await h.service.functions.invoke('py-exit', '{}');
  assert.equal(out.error?.errorType, 'Runtime.ExitError');
  const lines = linesOf(streamOf(out.requestId)!);
  const end = lines.indexOf(`END RequestId: ${out.requestId}\n`);
  assert.ok(lines.indexOf('about to exit\n') < end && lines.indexOf('about to exit\n') > 0);
  assert.ok(lines.indexOf('bye on stderr\n') < end && lines.indexOf('bye on stderr\n') > 0);
  assert.match(lines[end - 1]!, /Runtime exited with error: exit status 2\rRuntime\.ExitError\n$/);
  assert.match(lines[end + 1]!, /\tStatus: error\tError Type: Runtime\.ExitError\n$/);
});

test('code updated while an environment initialises: the waiting invocation runs the new code', async () => {
  await createFn(h, 'py-update-race', 'python3.11', 'app.handler', {
    'app.py': `import time\ntime.sleep(0.5)\ndef handler(e, c):\n    return 'v1'\n`,
  });
  const pending = h.service.functions.invoke('py-update-race', '{}');
  await new Promise((r) => setTimeout(r, 150));
  await h.service.functions.updateCode('py-update-race', { ZipFile: zipBase64({ 'app.py': `def handler(e, c):\n    return 'v2'\n` }) });
  const out = await pending;
  assert.equal(out.payload, '"v2"');
});

test('python: logging goes out in the runtime format; a failing Event invocation is retried twice', async () => {
  await createFn(h, 'py-log-fail', 'python3.11', 'app.handler', {
    'app.py': `import logging\nlogger = logging.getLogger()\nlogger.setLevel(logging.INFO)\ndef handler(e, c):\n    logger.info('line one\\nline two')\n    raise RuntimeError('again')\n`,
  });
  const id = h.service.functions.invokeAsync('py-log-fail', '{}');
  await h.sink.until((events) => events.filter((e) => e.message.startsWith(`REPORT RequestId: ${id}`)).length === 3);
  const messages = h.sink.messages('/aws/lambda/py-log-fail');
  const info = messages.filter((m) => m.startsWith('[INFO]'));
  assert.equal(info.length, 3);
  assert.match(info[0]!, new RegExp(`^\\[INFO\\]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${id}\\tline one\\rline two\\n$`));
  assert.equal(messages.filter((m) => m.startsWith('[ERROR] RuntimeError: again\rTraceback')).length, 3);
});

test('queued events: a warm environment freed while a cold one initialises takes the next event (no wait behind a cold start)', async () => {
  // Every environment takes 1.5 s to initialise; an invocation takes 100 ms.
  await createFn(h, 'slow-init', 'nodejs20.x', 'index.handler', {
    'index.mjs': `await new Promise((r) => setTimeout(r, 1500));
export const handler = async (event) => { await new Promise((r) => setTimeout(r, 100)); return event; };`,
  });
  const warmup = await h.service.functions.invoke('slow-init', '{}');
  assert.equal(warmup.status, 'success');
  const warmStream = streamOf(warmup.requestId)!;
  // B takes the one warm environment; C finds none idle, so a second one starts (1.5 s) — but B's frees up first.
  const b = h.service.functions.invokeAsync('slow-init', '{"n":"b"}');
  const c = h.service.functions.invokeAsync('slow-init', '{"n":"c"}');
  await h.sink.until((events) => [b, c].every((id) => events.some((e) => e.message.startsWith(`REPORT RequestId: ${id}`))));
  assert.equal(streamOf(b), warmStream);
  assert.equal(streamOf(c), warmStream, 'C ran on the environment B freed, not on the one still initialising');
});
