/**
 * `client.send(command, { abortSignal })` for the calls a burst repeats (PutObject, CopyObject, DeleteObject), without
 * the SDK building the command's middleware stack again on every call: the stack is resolved once per client, command
 * and bucket, and reused (as the SDK's own `cacheMiddleware: true` does, which only works without a per-call abort
 * signal). The per-call signal reaches the HTTP handler instead: a middleware, innermost, notes which signal the
 * request being sent belongs to, and the handler the cached stack ends in passes it on. An aborted call rejects with
 * the SDK's own AbortError, as before.
 *
 * Why per bucket: the SDK's handler keeps one context object for every call through it (endpoint, signing region);
 * calls of one bucket resolve the same values, so sharing it is safe there.
 */
import type { S3Client } from '@aws-sdk/client-s3';

/** The input property carrying the call's signal (a symbol: the serializers read only the operation's members). */
const CALL_SIGNAL = Symbol('s3trigger.callSignal');

/** The SDK's handler of a command: called with the command itself (its `input`), as Client.send does. */
type Handler<I, O> = (args: { input: I }) => Promise<{ output: O }>;
/** What a command of @aws-sdk/client-s3 offers: its input and the resolution of its middleware stack. */
interface S3Command<I extends { Bucket?: string }, O> {
  input: I;
  resolveMiddleware(stack: S3Client['middlewareStack'], config: S3Client['config'], options: undefined): Handler<I, O>;
}

interface ClientCache {
  /** Command class -> bucket -> handler. */
  handlers: Map<unknown, Map<string, Handler<never, unknown>>>;
  /** The request each call sends (as signed, per attempt) -> its signal. */
  signals: WeakMap<object, AbortSignal>;
}

/** Buckets kept per command class (a session touches few; the oldest is resolved again when more come). */
const MAX_BUCKETS = 16;
const caches = new WeakMap<S3Client, ClientCache>();

/** Sends `command` on `client`, aborted by `signal`; resolves with the command's output. */
export async function sendS3<I extends { Bucket?: string }, O>(
  client: S3Client,
  command: S3Command<I, O>,
  signal?: AbortSignal,
): Promise<O> {
  let cache = caches.get(client);
  if (!cache) {
    cache = { handlers: new Map(), signals: new WeakMap() };
    caches.set(client, cache);
  }
  const bucket = command.input.Bucket ?? '';
  let byBucket = cache.handlers.get(command.constructor);
  if (!byBucket) {
    byBucket = new Map();
    cache.handlers.set(command.constructor, byBucket);
  }
  let handler = byBucket.get(bucket) as Handler<I, O> | undefined;
  if (!handler) {
    handler = resolve(client, command, cache);
    if (byBucket.size >= MAX_BUCKETS) byBucket.delete(byBucket.keys().next().value!);
    byBucket.set(bucket, handler as Handler<never, unknown>);
  }
  if (signal) Object.assign(command.input, { [CALL_SIGNAL]: signal });
  return (await handler(command)).output;
}

/** The command's handler, on a copy of the client's stack ending in the signal relay. */
function resolve<I extends { Bucket?: string }, O>(client: S3Client, command: S3Command<I, O>, cache: ClientCache): Handler<I, O> {
  const stack = client.middlewareStack.clone();
  stack.add(
    (next) => (args) => {
      const signal = (args.input as { [CALL_SIGNAL]?: AbortSignal })[CALL_SIGNAL];
      const request = (args as { request?: object }).request;
      if (signal && request) cache.signals.set(request, signal);
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 's3triggerCallSignal' },
  );
  const { config } = client;
  const inner = config.requestHandler;
  const relay = Object.create(inner) as typeof inner;
  relay.handle = (request, options) => {
    const signal = cache.signals.get(request);
    return inner.handle(request, signal ? { ...options, abortSignal: signal } : options);
  };
  // The handler takes the config's requestHandler as it resolves (synchronously); the middleware keep the client's
  // config object itself, which S3's region redirect changes while a call runs (a copy would miss that).
  config.requestHandler = relay;
  try {
    return command.resolveMiddleware(stack, config, undefined);
  } finally {
    config.requestHandler = inner;
  }
}
