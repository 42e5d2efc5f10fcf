/** The Runtime API server alone, spoken to with raw HTTP: routes, headers, AWS's status codes and error bodies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import {
  MAX_RESPONSE_BYTES,
  newTraceId,
  parseRuntimeError,
  RuntimeApiServer,
  type RuntimeApiEvents,
} from '../../../src/sandbox/lambda/runtime-api/server.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request to `127.0.0.1:PORT` (no client library adds or normalises headers). */
function raw(address: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), method, path, headers: { Host: address, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

type Recorded = [string, ...unknown[]];

/** Resolves once the server has reported `kind` (the long poll has reached it). */
async function reported(seen: Recorded[], kind: string): Promise<void> {
  while (!seen.some((e) => e[0] === kind)) await new Promise((r) => setTimeout(r, 5));
}

/** `drained` stands for the environment taking the runtime's output so far (environment.ts): at once unless given. */
async function started(
  drained: () => Promise<void> = async () => {},
): Promise<{ server: RuntimeApiServer; address: string; seen: Recorded[] }> {
  const seen: Recorded[] = [];
  const events: RuntimeApiEvents = {
    ready: () => seen.push(['ready']),
    initError: (error, body) => seen.push(['initError', error, body]),
    response: (id, body) => {
      seen.push(['response', id, body]);
      return drained();
    },
    invocationError: (id, error, body) => {
      seen.push(['invocationError', id, error, body]);
      return drained();
    },
    responseTooLarge: (id, error, body) => seen.push(['responseTooLarge', id, error, body]),
  };
  const server = new RuntimeApiServer(events);
  const address = await server.listen();
  return { server, address, seen };
}

const NEXT = '/2018-06-01/runtime/invocation/next';
const invocation = (requestId: string) => ({
  requestId,
  payload: '{"Records":[]}',
  deadlineMs: 1_900_000_000_000,
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:go',
  traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0',
  clientContext: '{"custom":{"a":"b"}}',
});

test('next: a long poll answered with the event and the Lambda-Runtime-* headers; response: 202 {"status":"OK"}', async () => {
  const { server, address, seen } = await started();
  try {
    assert.match(address, /^127\.0\.0\.1:\d+$/);
    let answered = false;
    const polled = raw(address, 'GET', NEXT).finally(() => {
      answered = true;
    });
    await reported(seen, 'ready');
    await new Promise((r) => setImmediate(r));
    assert.equal(answered, false, 'the poll waits for an invocation');
    assert.deepEqual(seen, [['ready']]);
    server.invoke(invocation('req-1'));
    const next = await polled;
    assert.equal(next.status, 200);
    assert.equal(next.body, '{"Records":[]}');
    assert.equal(next.headers['content-type'], 'application/json');
    assert.equal(next.headers['lambda-runtime-aws-request-id'], 'req-1');
    assert.equal(next.headers['lambda-runtime-deadline-ms'], '1900000000000');
    assert.equal(next.headers['lambda-runtime-invoked-function-arn'], 'arn:aws:lambda:eu-west-1:000000000000:function:go');
    assert.equal(next.headers['lambda-runtime-trace-id'], 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0');
    assert.equal(next.headers['lambda-runtime-client-context'], '{"custom":{"a":"b"}}');
    assert.equal(next.headers['lambda-runtime-cognito-identity'], undefined, 'absent when the invoke has none, as AWS');

    const wrong = await raw(address, 'POST', '/2018-06-01/runtime/invocation/req-0/response', '{}');
    assert.equal(wrong.status, 400);
    assert.deepEqual(JSON.parse(wrong.body), { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });

    const ok = await raw(address, 'POST', '/2018-06-01/runtime/invocation/req-1/response', '{"processed":1}', {
      'Content-Type': 'application/json',
    });
    assert.equal(ok.status, 202);
    assert.deepEqual(JSON.parse(ok.body), { status: 'OK' });
    assert.deepEqual(seen.at(-1), ['response', 'req-1', '{"processed":1}']);

    const again = await raw(address, 'POST', '/2018-06-01/runtime/invocation/req-1/response', '{}');
    assert.equal(again.status, 400, 'a second response to the same invocation');
    assert.equal(JSON.parse(again.body).errorType, 'InvalidRequestID');
  } finally {
    server.close();
  }
});

test('response and error: the 202 waits until the environment has taken the output printed before them', async () => {
  for (const kind of ['response', 'error'] as const) {
    let drain!: () => void;
    const { server, address, seen } = await started(() => new Promise<void>((r) => (drain = r)));
    try {
      const polled = raw(address, 'GET', NEXT);
      await reported(seen, 'ready');
      server.invoke(invocation('req-1'));
      assert.equal((await polled).status, 200);
      let answered = false;
      const posted = raw(address, 'POST', `/2018-06-01/runtime/invocation/req-1/${kind}`, '{}').finally(() => {
        answered = true;
      });
      await reported(seen, kind === 'response' ? 'response' : 'invocationError');
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(answered, false, `${kind}: no 202 before the output is drained`);
      drain();
      assert.equal((await posted).status, 202);
    } finally {
      server.close();
    }
  }
});

test('response or error before any next, or next twice: 403 InvalidStateTransition', async () => {
  const { server, address, seen } = await started();
  try {
    const early = await raw(address, 'POST', '/2018-06-01/runtime/invocation/x/response', '{}');
    assert.equal(early.status, 403);
    assert.deepEqual(JSON.parse(early.body), {
      errorMessage:
        'State transition from RuntimeStarted to RuntimeInvocationResponse failed for runtime. Error: State transition is not allowed',
      errorType: 'InvalidStateTransition',
    });
    const polled = raw(address, 'GET', NEXT);
    await reported(seen, 'ready');
    const twice = await raw(address, 'GET', NEXT);
    assert.equal(twice.status, 403);
    assert.equal(JSON.parse(twice.body).errorType, 'InvalidStateTransition');
    server.invoke(invocation('req-2'));
    assert.equal((await polled).status, 200);
    const initLate = await raw(address, 'POST', '/2018-06-01/runtime/init/error', '{}');
    assert.equal(initLate.status, 403, 'init/error after init');
  } finally {
    server.close();
  }
});

test('error: 202, the invocation fails with the Lambda-Runtime-Function-Error-Type and the runtime body', async () => {
  const { server, address, seen } = await started();
  try {
    const polled = raw(address, 'GET', NEXT);
    server.invoke(invocation('req-3'));
    await polled;
    const body = '{"errorMessage":"refusing fail.txt","errorType":"errorString","stackTrace":["main.go:42"]}';
    const res = await raw(address, 'POST', '/2018-06-01/runtime/invocation/req-3/error', body, {
      'Lambda-Runtime-Function-Error-Type': 'Custom.Error',
    });
    assert.equal(res.status, 202);
    assert.deepEqual(JSON.parse(res.body), { status: 'OK' });
    assert.deepEqual(seen.at(-1), [
      'invocationError',
      'req-3',
      { errorType: 'Custom.Error', errorMessage: 'refusing fail.txt', trace: ['main.go:42'] },
      body,
    ]);
  } finally {
    server.close();
  }
});

test('init/error: 202 and the environment init fails with the runtime body', async () => {
  const { server, address, seen } = await started();
  try {
    const res = await raw(address, 'POST', '/2018-06-01/runtime/init/error', '{"errorMessage":"no config","errorType":"InitError"}', {
      'Lambda-Runtime-Function-Error-Type': 'Runtime.ConfigError',
    });
    assert.equal(res.status, 202);
    assert.deepEqual(seen, [
      [
        'initError',
        { errorType: 'Runtime.ConfigError', errorMessage: 'no config', trace: [] },
        '{"errorMessage":"no config","errorType":"InitError"}',
      ],
    ]);
    const next = await raw(address, 'GET', NEXT);
    assert.equal(next.status, 403, 'no invocation after a failed init');
  } finally {
    server.close();
  }
});

test('a response over 6 MB: 413 RequestEntityTooLarge to the runtime, Function.ResponseSizeTooLarge to the invoke', async () => {
  const { server, address, seen } = await started();
  try {
    const polled = raw(address, 'GET', NEXT);
    server.invoke(invocation('req-4'));
    await polled;
    const res = await raw(address, 'POST', '/2018-06-01/runtime/invocation/req-4/response', Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x61));
    assert.equal(res.status, 413);
    assert.deepEqual(JSON.parse(res.body), {
      errorMessage: 'Exceeded maximum allowed payload size (6291556 bytes).',
      errorType: 'RequestEntityTooLarge',
    });
    const [kind, id, error, body] = seen.at(-1)!;
    assert.equal(kind, 'responseTooLarge');
    assert.equal(id, 'req-4');
    assert.equal((error as { errorType: string }).errorType, 'Function.ResponseSizeTooLarge');
    assert.deepEqual(JSON.parse(body as string), {
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
      errorType: 'Function.ResponseSizeTooLarge',
    });
  } finally {
    server.close();
  }
});

test('the sandbox guard: a foreign Host or a cross-site browser request is refused; unknown paths are 404', async () => {
  const { server, address, seen } = await started();
  try {
    const foreign = await raw(address, 'GET', NEXT, undefined, { Host: 'attacker.example' });
    assert.equal(foreign.status, 403);
    assert.equal(JSON.parse(foreign.body).errorType, 'ForeignHost');
    const cross = await raw(address, 'POST', '/2018-06-01/runtime/init/error', '{}', { Origin: 'https://evil.example' });
    assert.equal(cross.status, 403);
    assert.equal(JSON.parse(cross.body).errorType, 'CrossOrigin');
    assert.deepEqual(seen, [], 'nothing reached the environment');
    assert.equal((await raw(address, 'GET', '/2018-06-01/runtime/nope')).status, 404);
    assert.equal((await raw(address, 'DELETE', NEXT)).status, 405);
  } finally {
    server.close();
  }
});

test('parseRuntimeError: header first, then the body; a body that is not JSON becomes the message', () => {
  const cases: [string | undefined, string, { errorType: string; errorMessage: string }, string][] = [
    [undefined, '{"errorMessage":"m","errorType":"T"}', { errorType: 'T', errorMessage: 'm' }, '{"errorMessage":"m","errorType":"T"}'],
    ['H', '{"errorMessage":"m","errorType":"T"}', { errorType: 'H', errorMessage: 'm' }, '{"errorMessage":"m","errorType":"T"}'],
    ['H', 'plain text', { errorType: 'H', errorMessage: 'plain text' }, '{"errorMessage":"plain text","errorType":"H"}'],
    [undefined, '', { errorType: 'Runtime.Unknown', errorMessage: '' }, '{"errorMessage":"","errorType":"Runtime.Unknown"}'],
  ];
  for (const [header, body, expected, payload] of cases) {
    const parsed = parseRuntimeError(header, body);
    assert.deepEqual({ errorType: parsed.error.errorType, errorMessage: parsed.error.errorMessage }, expected, body);
    assert.equal(parsed.payload, payload, body);
  }
});

test('newTraceId: X-Ray Root/Parent/Sampled shape, dated by the epoch seconds', () => {
  assert.match(newTraceId(0x5759e988 * 1000), /^Root=1-5759e988-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
});
