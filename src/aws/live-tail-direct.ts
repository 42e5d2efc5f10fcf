/**
 * StartLiveTail as one SigV4-signed request (aws/direct-request.ts) to a custom Logs endpoint (the sandbox,
 * LocalStack), its `application/vnd.amazon.eventstream` response read here: each message framed by its length,
 * decoded by @smithy/eventstream-codec (CRCs checked) and its JSON payload parsed once. The SDK's event-stream
 * deserializer costs ~0.15 ms of the CLI's main thread per operation of a burst (its schema walk and copies, and the
 * garbage they leave), the thread whose turns make the matching's added latency.
 *
 * Yields StartLiveTail's union members as the SDK does (`sessionStart`, `sessionUpdate`, `SessionTimeoutException`,
 * `SessionStreamingException`). An error answer rejects as the SDK's would (the JSON protocol's error type as `name`,
 * its message, `$metadata.httpStatusCode`); an answer that is no event stream rejects with a deserialization error.
 */
import type { IncomingMessage } from 'node:http';
import type { CloudWatchLogsClient, StartLiveTailResponseStream } from '@aws-sdk/client-cloudwatch-logs';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { AwsCredentialIdentity } from '@smithy/types';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { DirectEndpoint, directEndpointUrl, sha256Hex } from './direct-request.js';

/** The parts of a Logs client's resolved config this reads. */
interface LogsConfig {
  isCustomEndpoint?: boolean;
  disableHostPrefix?: boolean;
  endpoint?: () => Promise<{ protocol: string; hostname: string; port?: number; path: string }>;
  region: () => Promise<string>;
  credentials: () => Promise<AwsCredentialIdentity>;
}

/**
 * Starts a live tail session of `logGroupIdentifiers` directly, or resolves `undefined` (start it through the SDK):
 * AWS itself (its streaming- host prefix), an endpoint that is not a plain http(s) URL, or no answer at all (a network
 * error: the SDK's retries decide). Rejects on an HTTP answer that starts no session, as described above; the stream's
 * iterator rejects on a broken frame, a dropped connection or `signal`'s abort.
 */
export async function startLiveTailDirect(
  logs: CloudWatchLogsClient,
  logGroupIdentifiers: string[],
  signal: AbortSignal,
): Promise<AsyncIterable<StartLiveTailResponseStream> | undefined> {
  const config = logs.config as unknown as LogsConfig;
  if (!config.isCustomEndpoint || !config.disableHostPrefix || !config.endpoint) return undefined;
  let endpoint: DirectEndpoint | undefined;
  let res: IncomingMessage;
  try {
    const e = await config.endpoint();
    const url = directEndpointUrl(`${e.protocol}//${e.hostname}${e.port ? `:${e.port}` : ''}${e.path}`);
    if (!url) return undefined;
    endpoint = new DirectEndpoint({
      endpoint: url,
      region: await config.region(),
      service: 'logs',
      credentials: () => config.credentials(),
      keepAlive: false,
    });
    const body = Buffer.from(JSON.stringify({ logGroupIdentifiers }));
    res = await endpoint.send(
      {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.StartLiveTail' },
        body,
        payloadSha256Hex: sha256Hex(body),
      },
      signal,
    );
  } catch {
    endpoint?.destroy();
    return undefined;
  }
  if (res.statusCode === 200 && /^application\/vnd\.amazon\.eventstream/.test(res.headers['content-type'] ?? '')) {
    return messagesOf(res, endpoint);
  }
  try {
    throw await errorOf(res);
  } finally {
    endpoint.destroy();
  }
}

/**
 * The error an answer without a session stands for, as the SDK's JSON protocol makes it: the type from
 * x-amzn-errortype or the body's `__type` (without a `#` namespace or a `:` suffix), the body's message.
 */
async function errorOf(res: IncomingMessage): Promise<Error> {
  const status = res.statusCode ?? 0;
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: { __type?: string; message?: string; Message?: string } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const type = (res.headers['x-amzn-errortype'] as string | undefined) ?? body?.__type;
  if (status === 200 || !type) {
    const what = `${status} ${res.headers['content-type'] ?? 'without a content type'}`;
    return Object.assign(new Error(`Deserialization error: StartLiveTail answered ${what}, not an event stream`), {
      name: 'DeserializationError',
      $metadata: { httpStatusCode: status },
    });
  }
  const name = type.split(':')[0]!.split('#').pop()!;
  return Object.assign(new Error(body?.message ?? body?.Message ?? name), { name, $metadata: { httpStatusCode: status } });
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** The response's messages as the SDK's union members; ends (and closes the connection) when the stream does. */
async function* messagesOf(res: IncomingMessage, endpoint: DirectEndpoint): AsyncGenerator<StartLiveTailResponseStream> {
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 4) {
        const total = pending.readUInt32BE(0);
        if (pending.length < total) break;
        const member = memberOf(codec.decode(pending.subarray(0, total)));
        pending = pending.subarray(total);
        if (member) yield member;
      }
    }
  } finally {
    res.destroy();
    endpoint.destroy();
  }
}

/** The message as a union member; `undefined` for the JSON protocol's `initial-response` event (the SDK skips it too). */
function memberOf(message: ReturnType<EventStreamCodec['decode']>): StartLiveTailResponseStream | undefined {
  const header = (name: string) => {
    const v = message.headers[name];
    return v?.type === 'string' ? v.value : undefined;
  };
  const payload = message.body.length ? JSON.parse(toUtf8(message.body)) : {};
  switch (header(':message-type')) {
    case 'event':
      if (header(':event-type') === 'initial-response') return undefined;
      return { [header(':event-type') ?? '$unknown']: payload } as unknown as StartLiveTailResponseStream;
    case 'exception':
      return { [header(':exception-type') ?? '$unknown']: payload } as unknown as StartLiveTailResponseStream;
    default:
      throw Object.assign(new Error(header(':error-message') ?? 'live tail stream error'), {
        name: header(':error-code') ?? 'InternalError',
      });
  }
}
