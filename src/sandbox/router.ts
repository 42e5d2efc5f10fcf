/**
 * The router: recognises each request's service from the service list, runs the guard, then hands the
 * request to the service. Requests for services the sandbox does not have get 501 NotImplemented in
 * their own protocol; a service's failure is answered per request and never ends the process.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { s3RequestId } from './protocol/ids.js';
import type { SandboxService, ServiceDefinition } from './context.js';
import { guardRequest, type GuardPolicy, type Refusal } from './guard.js';
import { notImplemented, writeProtocolError, type Protocol, type ProtocolError } from './protocol/errors.js';

export type Recognised = { kind: 'service'; definition: ServiceDefinition } | { kind: 'unknown'; name: string; protocol: Protocol };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The service of a SigV4 credential scope, from the Authorization header or a presigned query's X-Amz-Credential. */
export function signingScope(headers: IncomingHttpHeaders, url: string): string | undefined {
  // SigV4 scopes are key/date/region/service; SigV4a's have no region.
  const scope = /Credential=[^/\s,]+\/\d{8}\/(?:[^/\s,]+\/)?([A-Za-z0-9._-]+)\/aws4_request/;
  const fromHeader = scope.exec(first(headers.authorization) ?? '');
  if (fromHeader) return fromHeader[1];
  const q = url.indexOf('?');
  const credential = q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get('X-Amz-Credential');
  return credential ? /^[^/]+\/\d{8}\/(?:[^/]+\/)?([A-Za-z0-9._-]+)\/aws4_request$/.exec(credential)?.[1] : undefined;
}

/** The wire protocol of a request for a service the sandbox does not have, read from its shape. */
export function protocolOfUnknown(headers: IncomingHttpHeaders): Protocol {
  const type = (first(headers['content-type']) ?? '').toLowerCase();
  if (first(headers['x-amz-target']) !== undefined) return type.includes('x-amz-json-1.0') ? 'json-1.0' : 'json-1.1';
  if (type.startsWith('application/x-www-form-urlencoded')) return 'query';
  return 'rest-json';
}

/** Which service a request is for: by signing scope, then X-Amz-Target prefix, then path; otherwise the fallback (S3). */
export function recognise(
  req: { headers: IncomingHttpHeaders; url: string },
  services: readonly ServiceDefinition[],
  fallback: ServiceDefinition,
): Recognised {
  const scope = signingScope(req.headers, req.url);
  if (scope !== undefined) {
    const definition = services.find((s) => s.signingName === scope);
    return definition ? { kind: 'service', definition } : { kind: 'unknown', name: scope, protocol: protocolOfUnknown(req.headers) };
  }
  const target = first(req.headers['x-amz-target']);
  if (target !== undefined) {
    const definition = services.find((s) => s.targetPrefix !== undefined && target.startsWith(s.targetPrefix));
    return definition
      ? { kind: 'service', definition }
      : { kind: 'unknown', name: target.split('.')[0] ?? target, protocol: protocolOfUnknown(req.headers) };
  }
  const path = req.url.split('?')[0]!;
  const definition = services.find((s) => s.paths?.test(path));
  return { kind: 'service', definition: definition ?? fallback };
}

/** How a guard refusal reads in each protocol (AWS's codes: S3 AccessDenied, JSON MissingAuthenticationTokenException...). */
export function refusalError(protocol: Protocol, refusal: Refusal, message: string): ProtocolError {
  if (protocol === 'rest-xml') return { code: 'AccessDenied', message: refusal === 'Unsigned' ? 'Access Denied' : message, status: 403 };
  const suffix = protocol === 'query' ? '' : 'Exception';
  return refusal === 'Unsigned'
    ? { code: `MissingAuthenticationToken${suffix}`, message, status: 403 }
    : { code: protocol === 'query' ? 'AccessDenied' : 'AccessDeniedException', message, status: 403 };
}

const MAX_QUERY_BODY = 64 * 1024;

/** The operation a request names: X-Amz-Target's suffix, the query protocol's Action, or method and path. */
async function actionOf(req: IncomingMessage, protocol: Protocol): Promise<string> {
  const url = req.url ?? '/';
  const target = first(req.headers['x-amz-target']);
  if (target !== undefined) return target.slice(target.lastIndexOf('.') + 1) || target;
  if (protocol === 'query') {
    const q = url.indexOf('?');
    const fromUrl = q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get('Action');
    if (fromUrl) return fromUrl;
    let body = '';
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (body.length < MAX_QUERY_BODY) body += chunk.toString('latin1');
    }
    const action = new URLSearchParams(body.slice(0, MAX_QUERY_BODY)).get('Action');
    if (action) return action;
  }
  return `${req.method ?? 'GET'} ${url.split('?')[0]}`;
}

export interface RouterOptions {
  services: readonly ServiceDefinition[];
  fallback: ServiceDefinition;
  /** The started service of each definition. */
  running: Map<ServiceDefinition, SandboxService>;
  policy: GuardPolicy;
  /** The sandbox's own log, already scrubbed of secrets. */
  log(line: string): void;
}

/** S3 request ids are 16 chars of [0-9A-F], like AWS's; the JSON services use UUIDs. */
const requestIdHeader = (protocol: Protocol): [string, string] =>
  protocol === 'rest-xml' ? ['x-amz-request-id', s3RequestId()] : ['x-amzn-RequestId', randomUUID()];

/** Answers one request; resolves when the service is done with it (never rejects). */
export async function route(options: RouterOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // A client that goes away mid-request must not surface as an unhandled 'error' event.
  req.on('error', () => {});
  res.on('error', () => {});
  let protocol: Protocol = options.fallback.protocol;
  let name = options.fallback.signingName;
  try {
    const url = req.url ?? '/';
    const found = recognise({ headers: req.headers, url }, options.services, options.fallback);
    protocol = found.kind === 'service' ? found.definition.protocol : found.protocol;
    name = found.kind === 'service' ? found.definition.signingName : found.name;
    res.setHeader(...requestIdHeader(protocol));
    const guardInput = { method: req.method ?? 'GET', url, headers: req.headers, remoteAddress: req.socket.remoteAddress };
    const access = found.kind === 'service' ? found.definition.access(guardInput) : ({ anonymous: 'never', crossOrigin: 'never' } as const);
    const verdict = guardRequest(guardInput, access, options.policy);
    if (!verdict.ok) return writeProtocolError(req, res, protocol, refusalError(protocol, verdict.refusal, verdict.message));
    if (found.kind === 'unknown') {
      const action = await actionOf(req, protocol);
      return writeProtocolError(req, res, protocol, notImplemented(name, action));
    }
    const service = options.running.get(found.definition)!;
    if (verdict.cors !== undefined && !service.allowsCrossOrigin?.(req, verdict.cors)) {
      const message = `Cross-origin request from '${verdict.cors}' refused: no CORS rule of this bucket allows it (PutBucketCors)`;
      return writeProtocolError(req, res, protocol, refusalError(protocol, 'CrossOrigin', message));
    }
    const paths = found.definition.paths;
    if (paths && !paths.test(url.split('?')[0]!)) {
      return writeProtocolError(req, res, protocol, {
        code: 'UnknownOperationException',
        message: `Unknown operation ${req.method} ${url.split('?')[0]}`,
        status: 404,
      });
    }
    await service.handle(req, res);
  } catch (err) {
    options.log(`${name}: internal error on ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const code = protocol === 'rest-xml' ? 'InternalError' : protocol === 'rest-json' ? 'ServiceException' : 'InternalFailure';
    writeProtocolError(req, res, protocol, { code, message: 'We encountered an internal error. Please try again.', status: 500 });
  }
}
