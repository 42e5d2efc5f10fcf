/** Turns anything an operation can throw into an OpError value, with secrets scrubbed from every message. */
import type { MiddlewareStack } from '@smithy/types';
import type { OpError } from './types.js';
import { scrubSecretPatterns } from '../aws/secrets.js';

/** The literal secret values of the credentials in use; shorter ones (the sandbox's `test`) are no secret. */
const literalSecrets = new Set<string>();
const MIN_SECRET_LENGTH = 16;

/**
 * Makes scrub() remove these values wherever they appear, also URL-encoded: a secret access key and session token
 * (an endpoint may quote the token in an error message, which no pattern would recognise).
 */
export function addSecrets(...values: (string | undefined)[]): void {
  for (const v of values) {
    if (!v || v.length < MIN_SECRET_LENGTH) continue;
    literalSecrets.add(v);
    literalSecrets.add(encodeURIComponent(v));
  }
}

// Credentials in the environment are known before any client exists.
addSecrets(process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN);

/** Removes signatures, credentials, tokens and URL passwords from text meant for output: the one scrubber. */
export function scrub(text: string): string {
  let out = text;
  for (const secret of literalSecrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return scrubSecretPatterns(out);
}

interface CredentialsLike {
  secretAccessKey?: string;
  sessionToken?: string;
}

/** The part of an AWS SDK v3 client this needs (types only: this module loads no SDK code). */
interface SdkClientLike {
  config: { credentials?: unknown };
  // biome-ignore lint/suspicious/noExplicitAny: any client; its input and output types do not matter here
  middlewareStack: Pick<MiddlewareStack<any, any>, 'add'>;
}

/**
 * Before each request, adds the client's resolved credentials (env, profile, SSO, role...) to the literal
 * secrets scrub() removes. The SDK memoizes its credential provider, so this asks for what it already has.
 */
export function scrubCredentialsOf(client: SdkClientLike): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const provider = client.config.credentials;
      if (typeof provider === 'function') {
        try {
          const c = (await provider()) as CredentialsLike | undefined;
          addSecrets(c?.secretAccessKey, c?.sessionToken);
        } catch {
          // the SDK reports a provider failure itself, as this request's error
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 's3triggerScrubCredentials' },
  );
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface ErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  cause?: unknown;
  path?: string;
  BucketName?: string;
  $metadata?: { httpStatusCode?: number };
  errors?: unknown[];
}

/** A network-level code (ECONNREFUSED...) anywhere in the error, its cause or its aggregate members. */
export function networkCodeOf(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as ErrorLike;
  if (e.code && NETWORK_CODES.has(e.code)) return e.code;
  for (const inner of [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = networkCodeOf(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

export function toOpError(err: unknown): OpError {
  if (!err || typeof err !== 'object') return { code: 'Error', message: scrub(String(err)) };
  const e = err as ErrorLike;
  const status = e.$metadata?.httpStatusCode;
  const withStatus = (o: OpError): OpError => ({
    ...o,
    ...(status ? { httpStatus: status } : {}),
    ...(typeof e.BucketName === 'string' && e.BucketName ? { bucketName: e.BucketName } : {}),
  });
  const message = scrub(e.message ?? String(err));
  if (e.name === 'AbortError' || e.code === 'ABORT_ERR') return { code: 'Aborted', message: 'operation cancelled' };
  if (e.code === 'ENOENT') return { code: 'FileNotFound', message: `file not found: ${e.path ?? ''}`.trim() };
  if (e.code === 'EACCES' || e.code === 'EPERM')
    return { code: 'FileUnreadable', message: `permission denied reading ${e.path ?? 'the file'}` };
  if (e.code === 'EISDIR') return { code: 'FileUnreadable', message: `${e.path ?? 'the path'} is a directory, not a file` };
  const net = networkCodeOf(err);
  if (net) return { code: 'EndpointUnreachable', message: `cannot reach the endpoint (${NETWORK_WORDS[net] ?? net})` };
  if (e.name === 'CredentialsProviderError' || e.name === 'ProviderError') {
    return { code: 'NoCredentials', message: 'AWS credentials could not be loaded' };
  }
  if (e.name === 'TimeoutError') return { code: 'Timeout', message: 'the request timed out' };
  const code = e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? 'Error';
  if (code === 'NotFound' && status === 404) return withStatus({ code: 'NotFound', message: 'not found (404)' });
  const generic = /^UnknownError$|^Unknown$/.test(message) || message === code;
  return withStatus({ code, message: generic && status ? `HTTP ${status}` : message });
}

/** One scrubbed line for a diagnostic. */
export function describeError(err: unknown): string {
  const e = toOpError(err);
  return e.message.includes(e.code) ? e.message : `${e.message} (${e.code})`;
}
