/**
 * The pre-dispatch guard: whether the sandbox serves a request at all, before any service sees it.
 * Pure (headers, URL and peer address in, a verdict out), so the rules are table-tested.
 *
 * Three checks, in order:
 *  1. Host: a loopback name or address, `*.localhost`, `localhost.localstack.cloud` and its subdomains,
 *     `<bucket>.s3.<one of those>`, or a name the sandbox was told to accept (`--allow-host`, a
 *     non-loopback `--host`; AWS's endpoint names only through startSandbox's test-only `acceptAwsHostNames`).
 *     Anything else is a DNS-rebinding page speaking to us under its own name.
 *  2. Origin: a browser request from another origin (an `Origin` that is not on this machine, or no
 *     `Origin` and `Sec-Fetch-Site: cross-site`) is refused, unless the service lets its own rules decide
 *     (S3's bucket CORS configuration, as on AWS).
 *  3. Authorization: a SigV4-shaped `Authorization` header (any key; signatures are not verified) or a
 *     presigned query (SigV4 `X-Amz-Signature`, SigV2 `Signature` + `AWSAccessKeyId`), except where the
 *     service opens a request to anonymous callers (S3 GET/HEAD from this machine, browser-form POST Object).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isRegionName } from '../aws/region.js';

/** What a service lets through for one request; declared by the service (see ServiceDefinition.access). */
export interface RequestAccess {
  /** Unsigned requests: `anyone`, only from a loopback peer, or `never`. */
  anonymous: 'anyone' | 'loopback' | 'never';
  /** Cross-origin requests: never, decided by the service's CORS rules, or answered by the service itself (preflight). */
  crossOrigin: 'never' | 'cors' | 'service';
}

export interface GuardRequest {
  method: string;
  /** The raw request target (path and query). */
  url: string;
  headers: IncomingHttpHeaders;
  /** The peer's address (socket.remoteAddress). */
  remoteAddress?: string;
}

export interface GuardPolicy {
  /** Host names accepted besides the loopback ones (lower case, no port): --allow-host, a non-loopback --host. */
  allowHosts: readonly string[];
  /** Also AWS's own endpoint names of the sandbox's services (isAwsEndpointName); tests only, never a CLI flag. */
  awsHostNames?: boolean;
}

export type Refusal = 'ForeignHost' | 'CrossOrigin' | 'Unsigned';

export type GuardVerdict = { ok: true; signed: boolean; cors?: string } | { ok: false; refusal: Refusal; message: string };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The host name of a Host header value: lower case, no port, no trailing dot; IPv6 keeps its brackets. */
export function hostName(host: string): string | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]\s/@]+)(?::\d{1,5})?$/i.exec(host.trim());
  return m ? m[1]!.toLowerCase().replace(/\.$/, '') : undefined;
}

/** `localhost`, `*.localhost`, `localhost.localstack.cloud` (and subdomains), 127.0.0.0/8, [::1]. */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === 'localhost.localstack.cloud' || name.endsWith('.localhost.localstack.cloud')) return true;
  if (name === '[::1]') return true;
  const v4 = /^(?:\[::ffff:)?127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\]?$/.exec(name);
  const octetsOk = v4?.slice(1).every((o) => Number(o) <= 255) ?? false;
  return octetsOk && name.startsWith('[') === name.endsWith(']');
}

/** Endpoint prefixes of the sandbox's services on AWS (`stream-logs` is the SDKs' host prefix for StartLiveTail). */
const AWS_ENDPOINT_PREFIXES = new Set(['s3', 'logs', 'stream-logs', 'lambda', 'sts', 'sqs', 'sns', 'events']);

/**
 * An AWS endpoint name of a service the sandbox has: `<prefix>.<region>.amazonaws.com`, the global
 * `s3.amazonaws.com` and `sts.amazonaws.com`, and S3's virtual-host `<bucket>.s3[.<region>].amazonaws.com`
 * (AWS General Reference, "Service endpoints"; S3 User Guide, "Virtual hosting of buckets").
 */
export function isAwsEndpointName(name: string): boolean {
  const labels = name.split('.');
  if (labels.pop() !== 'com' || labels.pop() !== 'amazonaws' || labels.length === 0 || labels.includes('')) return false;
  if (labels.length === 1) return labels[0] === 's3' || labels[0] === 'sts';
  const [prefix, region] = labels.slice(-2) as [string, string];
  if (labels.length === 2 && AWS_ENDPOINT_PREFIXES.has(prefix) && isRegionName(region)) return true;
  if (region === 's3') return true; // <bucket>.s3.amazonaws.com
  return labels.length > 2 && prefix === 's3' && isRegionName(region);
}

/** A Host name the sandbox answers to: loopback, allowed, `<bucket>.s3.` + one of those, or (when the policy says so) AWS's names. */
export function isAcceptedHost(name: string, policy: GuardPolicy): boolean {
  if (policy.awsHostNames && isAwsEndpointName(name)) return true;
  const plain = (n: string) => isLoopbackName(n) || policy.allowHosts.includes(n);
  if (plain(name)) return true;
  for (let i = name.indexOf('.s3.'); i > 0; i = name.indexOf('.s3.', i + 1)) {
    if (plain(name.slice(i + 4))) return true;
  }
  return false;
}

/** An origin served from this machine (or a name the sandbox accepts): http(s) and an accepted host. */
export function isLocalOrigin(origin: string, policy: GuardPolicy): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes `null` (sandboxed frames, file: pages)
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isAcceptedHost(url.hostname.toLowerCase(), policy);
}

/** A loopback peer address as Node reports it (`127.x`, `::1`, `::ffff:127.x`). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

const SIGV4_HEADER =
  /^AWS4-(?:HMAC-SHA256|ECDSA-P256-SHA256) +Credential=[^/\s,]+\/\d{8}\/(?:[^/\s,]+\/)?[^/\s,]+\/aws4_request *, *SignedHeaders=[^,\s]+ *, *Signature=[0-9a-f]+ *$/i;
const SIGV2_HEADER = /^AWS [^:\s]+:\S+$/;

/** True when the request carries a SigV4-shaped Authorization header, a SigV2 one, or a presigned query. */
export function isSigned(headers: IncomingHttpHeaders, url: string): boolean {
  const auth = first(headers.authorization);
  if (auth && (SIGV4_HEADER.test(auth) || SIGV2_HEADER.test(auth))) return true;
  const q = url.indexOf('?');
  if (q < 0) return false;
  const query = new URLSearchParams(url.slice(q + 1));
  const has = (name: string) => (query.get(name) ?? '') !== '';
  if (has('X-Amz-Algorithm') && has('X-Amz-Credential') && has('X-Amz-Signature')) return true;
  return has('AWSAccessKeyId') && has('Signature');
}

/** Printable in a one-line message: a value a client sent, or a placeholder when it is not plain text. */
const quoted = (value: string) => (/^[\x21-\x7e]{1,255}$/.test(value) ? `'${value}'` : '(unprintable)');

/** Decides whether a request may be dispatched; `cors` names an origin the service's CORS rules must allow. */
export function guardRequest(req: GuardRequest, access: RequestAccess, policy: GuardPolicy): GuardVerdict {
  const rawHost = first(req.headers.host);
  if (rawHost !== undefined) {
    const name = hostName(rawHost);
    if (name === undefined || !isAcceptedHost(name, policy)) {
      return {
        ok: false,
        refusal: 'ForeignHost',
        message: `Host ${quoted(name ?? rawHost)} is not a name of this sandbox (start it with --allow-host NAME to accept one)`,
      };
    }
  }
  const origin = first(req.headers.origin);
  const crossSite = origin === undefined ? first(req.headers['sec-fetch-site']) === 'cross-site' : !isLocalOrigin(origin, policy);
  let cors: string | undefined;
  if (crossSite) {
    if (access.crossOrigin === 'never' || (access.crossOrigin === 'cors' && origin === undefined)) {
      return {
        ok: false,
        refusal: 'CrossOrigin',
        message: `Cross-origin request from ${quoted(origin ?? 'a cross-site page')} refused: this API of the s3trigger sandbox accepts no browser request from another origin`,
      };
    }
    if (access.crossOrigin === 'cors') cors = origin;
  }
  const signed = isSigned(req.headers, req.url);
  if (!signed) {
    const open = access.anonymous === 'anyone' || (access.anonymous === 'loopback' && isLoopbackAddress(req.remoteAddress));
    if (!open) return { ok: false, refusal: 'Unsigned', message: 'Missing Authentication Token' };
  }
  return cors === undefined ? { ok: true, signed } : { ok: true, signed, cors };
}
