/** Request/response plumbing shared by the S3 handlers. */
import { validateHeaderName, validateHeaderValue, type IncomingMessage, type ServerResponse } from 'node:http';
import { S3Error, s3ErrorXml } from './errors.js';
import type { S3Target } from './request.js';

export interface S3Call {
  req: IncomingMessage;
  res: ServerResponse;
  target: S3Target;
  requestId: string;
  hostId: string;
}

export function sendXml(call: S3Call, body: string, status = 200, headers: Record<string, string> = {}): void {
  const { res } = call;
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', 'application/xml');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(call.req.method === 'HEAD' ? undefined : body);
}

export function sendEmpty(call: S3Call, status = 200, headers: Record<string, string | number> = {}): void {
  const { res } = call;
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (status !== 204 && status !== 304) res.setHeader('Content-Length', 0);
  res.end();
}

export function sendError(call: S3Call, err: S3Error): void {
  const { req, res } = call;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = err.status;
  // The request body may be unread (or still arriving): do not try to reuse this connection.
  if (!req.complete) res.setHeader('Connection', 'close');
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const resource = call.target.path;
  const body = s3ErrorXml(err, resource, call.requestId);
  res.setHeader('Content-Type', 'application/xml');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

export const quoteEtag = (etag: string) => `"${etag}"`;
export const unquoteEtag = (etag: string) => etag.trim().replace(/^"|"$/g, '');

/** x-amz-meta-* request headers, names lower-cased without the prefix. */
export function userMetadata(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') out[name.slice(11)] = value;
  }
  return out;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Throws 400 InvalidArgument (naming `argument`) when name: value could not be sent as a response
 * header (CR, LF or another control character): stored or echoed, it would fail every later response.
 */
export function requireHeaderSafe(name: string, value: string, argument: string): void {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  } catch {
    throw new S3Error('InvalidArgument', `${argument} contains characters that are not allowed in an HTTP header.`, 400, {
      ArgumentName: argument,
      ArgumentValue: value,
    });
  }
}
