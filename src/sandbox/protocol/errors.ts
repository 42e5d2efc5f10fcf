/**
 * One error writer per AWS wire protocol, for answers the router gives on a service's behalf (guard
 * refusals, 501 for services the sandbox does not have, internal errors). Shapes as the AWS SDKs parse them:
 *  - rest-xml (S3): `<Error><Code/><Message/>…<Resource/><RequestId/></Error>`;
 *  - rest-json (Lambda): `x-amzn-ErrorType: Code` and `{"Type":"User","message":…}`;
 *  - json-1.0 / json-1.1 (DynamoDB, Logs, Kinesis…): `{"__type":Code,"message":…}` and `x-amzn-ErrorType`;
 *  - query (CloudFormation, SNS, STS…): `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Protocol = 'rest-xml' | 'rest-json' | 'json-1.0' | 'json-1.1' | 'query';

/** An error answered in a protocol: AWS's code, its message, the HTTP status; extra elements for rest-xml. */
export interface ProtocolError {
  code: string;
  message: string;
  status: number;
  extra?: Record<string, string | number>;
}

/** The 501 for an operation the sandbox does not have: `<service> <Action> is not implemented by the s3trigger sandbox`. */
export function notImplemented(service: string, action: string): ProtocolError {
  return { code: 'NotImplemented', message: `${service} ${action} is not implemented by the s3trigger sandbox`, status: 501 };
}

export const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** The rest-xml (S3) error document. */
export function restXmlErrorBody(err: Omit<ProtocolError, 'status'>, resource: string, requestId: string): string {
  const extra = Object.entries(err.extra ?? {})
    .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message>` +
    `${extra}<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`
  );
}

/** The query-protocol error document (Type Sender for 4xx, Receiver otherwise). */
export function queryErrorBody(err: ProtocolError, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>${err.status < 500 ? 'Sender' : 'Receiver'}</Type>` +
    `<Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

/** The request id already set on the response by the router (S3's or the JSON services' header). */
function requestIdOf(res: ServerResponse): string {
  return String(res.getHeader('x-amz-request-id') ?? res.getHeader('x-amzn-RequestId') ?? '');
}

/** Writes `err` in `protocol`; a response already under way is cut off instead (the client sees a broken body). */
export function writeProtocolError(req: IncomingMessage, res: ServerResponse, protocol: Protocol, err: ProtocolError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const requestId = requestIdOf(res);
  let type: string;
  let body: string;
  switch (protocol) {
    case 'rest-xml':
      type = 'application/xml';
      body = restXmlErrorBody(err, (req.url ?? '/').split('?')[0]!, requestId);
      break;
    case 'query':
      type = 'text/xml';
      body = queryErrorBody(err, requestId);
      break;
    case 'rest-json':
      type = 'application/json';
      body = JSON.stringify({ Type: err.status < 500 ? 'User' : 'Service', message: err.message });
      res.setHeader('x-amzn-ErrorType', err.code);
      break;
    default:
      type = `application/x-amz-${protocol}`;
      body = JSON.stringify({ __type: err.code, message: err.message });
      res.setHeader('x-amzn-ErrorType', err.code);
  }
  // The body may be unread (or still arriving): this connection is not reused.
  if (!req.complete) res.setHeader('Connection', 'close');
  res.statusCode = err.status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}
