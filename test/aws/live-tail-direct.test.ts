import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { startLiveTailDirect } from '../../src/aws/live-tail-direct.js';
import { isRefusal } from '../../src/observe/tail-live.js';
import { encodeEventStreamMessage } from '../../src/sandbox/protocol/event-stream.js';
import { startLogsFixture } from '../sandbox/logs/helpers.js';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

function clientOf(endpoint: string, extra: Partial<ConstructorParameters<typeof CloudWatchLogsClient>[0]> = {}): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint,
    region: 'eu-west-1',
    credentials: CREDENTIALS,
    disableHostPrefix: true,
    maxAttempts: 1,
    ...extra,
  });
}

/** Without the ids each session makes its own of. */
function comparable(frame: StartLiveTailResponseStream): unknown {
  if (frame.sessionStart) return { sessionStart: { ...frame.sessionStart, sessionId: '-', requestId: '-' } };
  return frame;
}

test('startLiveTailDirect on the sandbox: the same frames as the SDK session of the same group, field by field', async (t) => {
  const fx = await startLogsFixture();
  t.after(() => fx.close());
  const group = '/aws/lambda/direct-fn';
  await fx.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await fx.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: '2026/12/01/[$LATEST]abc' }));
  const abort = new AbortController();
  t.after(() => abort.abort());
  const direct = await startLiveTailDirect(fx.logs, [group], abort.signal);
  assert.ok(direct, 'a 200 event stream from the sandbox');
  const viaSdk = await fx.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [group] }), { abortSignal: abort.signal });
  const a = direct[Symbol.asyncIterator]();
  const b = viaSdk.responseStream![Symbol.asyncIterator]();
  const [startA, startB] = await Promise.all([a.next(), b.next()]);
  assert.ok(startA.value?.sessionStart?.sessionId);
  assert.deepEqual(comparable(startA.value), comparable(startB.value));
  const messages = ['START RequestId: 1 Version: $LATEST', 'é ünïcode ✓ "quoted"\n', 'REPORT RequestId: 1\tDuration: 1.00 ms'];
  const now = Date.now();
  await fx.logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: '2026/12/01/[$LATEST]abc',
      logEvents: messages.map((message, i) => ({ timestamp: now + i, message })),
    }),
  );
  const [updateA, updateB] = await Promise.all([a.next(), b.next()]);
  assert.deepEqual(updateA.value, updateB.value);
  assert.deepEqual(
    updateA.value?.sessionUpdate?.sessionResults?.map((r: { message?: string }) => r.message),
    messages,
  );
  abort.abort();
  await assert.rejects(a.next(), 'the session ends with the abort');
});

test('startLiveTailDirect leaves the session to the SDK for AWS itself, a host prefix and no answer at all', async () => {
  const signal = new AbortController().signal;
  const cases: [string, CloudWatchLogsClient][] = [
    ['AWS itself', new CloudWatchLogsClient({ region: 'eu-west-1', credentials: CREDENTIALS })],
    ['host prefix kept', clientOf('http://127.0.0.1:9', { disableHostPrefix: false })],
    ['closed port', clientOf('http://127.0.0.1:9')],
  ];
  for (const [name, client] of cases) {
    assert.equal(await startLiveTailDirect(client, ['/aws/lambda/none'], signal), undefined, name);
    client.destroy();
  }
});

test('startLiveTailDirect rejects as the SDK does where no session starts: a missing group, an HTML page', async (t) => {
  const fx = await startLogsFixture();
  t.after(() => fx.close());
  const html = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<html>proxy login</html>');
  });
  await new Promise<void>((ok) => html.listen(0, '127.0.0.1', ok));
  t.after(() => html.close());
  const signal = new AbortController().signal;
  const missing = clientOf(fx.sandbox.endpoint);
  const page = clientOf(`http://127.0.0.1:${(html.address() as AddressInfo).port}`);
  t.after(() => {
    missing.destroy();
    page.destroy();
  });
  const sdkError = await missing.send(new StartLiveTailCommand({ logGroupIdentifiers: ['/aws/lambda/none'] })).catch((e: Error) => e);
  const directError = await startLiveTailDirect(missing, ['/aws/lambda/none'], signal).catch((e: Error) => e);
  assert.ok(directError instanceof Error);
  assert.equal(directError.name, 'ResourceNotFoundException');
  assert.equal(directError.name, (sdkError as Error).name);
  assert.equal(directError.message, (sdkError as Error).message);
  assert.deepEqual((directError as { $metadata?: unknown }).$metadata, { httpStatusCode: 400 });
  const notAStream = await startLiveTailDirect(page, ['g'], signal).catch((e: Error) => e);
  assert.ok(notAStream instanceof Error);
  assert.ok(isRefusal(notAStream), `an HTML page means no live tail here: ${notAStream.message}`);
});

/** A server answering StartLiveTail with these frames, then holding the stream open. */
async function streaming(t: { after(fn: () => void): void }, frames: Buffer[]): Promise<string> {
  const handler: RequestListener = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
    // Split across writes at odd offsets: frames are reassembled from chunks.
    const all = Buffer.concat(frames);
    for (let at = 0; at < all.length; at += 7) res.write(all.subarray(at, at + 7));
  };
  const server = createServer(handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const event = (type: string, payload: unknown) =>
  encodeEventStreamMessage(
    [
      [':message-type', 'event'],
      [':event-type', type],
      [':content-type', 'application/json'],
    ],
    Buffer.from(JSON.stringify(payload)),
  );

test('startLiveTailDirect: frames split across chunks, a modeled exception as its union member, a broken CRC rejects', async (t) => {
  const timeout = encodeEventStreamMessage(
    [
      [':message-type', 'exception'],
      [':exception-type', 'SessionTimeoutException'],
      [':content-type', 'application/json'],
    ],
    Buffer.from(JSON.stringify({ message: 'Session timed out after 3 hours' })),
  );
  const broken = event('sessionUpdate', { sessionResults: [] });
  broken.writeUInt8(broken.readUInt8(broken.length - 1) ^ 0xff, broken.length - 1);
  const endpoint = await streaming(t, [
    event('sessionStart', { sessionId: 's1', logGroupIdentifiers: ['g'] }),
    event('sessionUpdate', { sessionMetadata: { sampled: false }, sessionResults: [{ message: 'hello', timestamp: 1 }] }),
    timeout,
    broken,
  ]);
  const client = clientOf(endpoint);
  t.after(() => client.destroy());
  const abort = new AbortController();
  t.after(() => abort.abort());
  const stream = await startLiveTailDirect(client, ['g'], abort.signal);
  assert.ok(stream);
  const it = stream[Symbol.asyncIterator]();
  assert.deepEqual((await it.next()).value, { sessionStart: { sessionId: 's1', logGroupIdentifiers: ['g'] } });
  assert.deepEqual((await it.next()).value, {
    sessionUpdate: { sessionMetadata: { sampled: false }, sessionResults: [{ message: 'hello', timestamp: 1 }] },
  });
  assert.deepEqual((await it.next()).value, { SessionTimeoutException: { message: 'Session timed out after 3 hours' } });
  await assert.rejects(it.next(), /checksum|crc/i);
});
