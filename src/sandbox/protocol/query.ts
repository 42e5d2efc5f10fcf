/**
 * The AWS query protocol (STS, SNS, SQS's older clients): parameters from the query string and an
 * `application/x-www-form-urlencoded` body (a body field wins), flattened lists (`Attribute.1.Name`), and the XML
 * answer `<ActionResponse xmlns=…><ActionResult>…</ActionResult><ResponseMetadata><RequestId/></ResponseMetadata>`.
 * Errors are written by protocol/errors.ts (`writeProtocolError(…, 'query', …)`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.js';

/** Thrown for a request the protocol itself cannot take (too large, no Action); `code` is AWS's. */
export class QueryProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Reads the request's parameters: the query string, then the form body. Errors: QueryProtocolError
 * `RequestEntityTooLarge` (413) past `maxBytes` of body.
 */
export async function readQueryParameters(req: IncomingMessage, maxBytes: number): Promise<URLSearchParams> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const body = await readBody(
    req,
    maxBytes,
    () => new QueryProtocolError('RequestEntityTooLarge', `The request body is larger than ${maxBytes} bytes`, 413),
  );
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.set(name, value);
  }
  return params;
}

/**
 * A flattened list: `prefix.N.rest` parameters grouped by N (in N's order) into `{ rest: value }` records, e.g.
 * `Attribute.1.Name=A&Attribute.1.Value=1` with prefix `Attribute` -> `[{ Name: 'A', Value: '1' }]`, and
 * `MessageAttribute.1.Value.StringValue` -> `{ 'Value.StringValue': … }`. A plain `prefix.N=v` becomes `{ '': v }`.
 */
export function indexedMembers(params: URLSearchParams, prefix: string): Record<string, string>[] {
  const byIndex = new Map<number, Record<string, string>>();
  const head = `${prefix}.`;
  for (const [name, value] of params) {
    if (!name.startsWith(head)) continue;
    const m = /^(\d+)(?:\.(.+))?$/.exec(name.slice(head.length));
    if (!m) continue;
    const index = Number(m[1]);
    const member = byIndex.get(index) ?? {};
    member[m[2] ?? ''] = value;
    byIndex.set(index, member);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, member]) => member);
}

/** Writes the XML answer of `action`; `resultXml` goes inside `<ActionResult>` (omitted when undefined, as AWS does for some actions). */
export function sendQueryResult(res: ServerResponse, action: string, namespace: string, resultXml: string | undefined): void {
  const requestId = String(res.getHeader('x-amzn-RequestId') ?? '');
  const result = resultXml === undefined ? '' : `<${action}Result>${resultXml}</${action}Result>`;
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">${result}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
