/**
 * Requests Node's HTTP parser refuses before any service sees them (a body cut short of its Content-Length,
 * bytes that are not a request): Node would write a bare `400 Bad Request`; the sandbox answers S3's XML
 * error instead, as AWS's S3 endpoint does (S3 is the service a request without another's signature goes to).
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { restXmlErrorBody } from './protocol/errors.js';

/** S3's answer to a parse error: IncompleteBody when the connection ended inside a body, BadRequest otherwise. */
export function clientErrorAnswer(code: string | undefined): { code: string; message: string } {
  return code === 'HPE_INVALID_EOF_STATE'
    ? { code: 'IncompleteBody', message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.' }
    : { code: 'BadRequest', message: 'An error occurred when parsing the HTTP request.' };
}

type InFlight = { headersSent: boolean; writableFinished: boolean; once(event: 'finish', fn: () => void): void };

/** The `clientError` listener: writes the XML answer when the socket can still take one, then closes it. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: InFlight })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  // Bytes past a complete request (a body longer than its Content-Length): that request is answered first.
  if (err.code !== 'HPE_INVALID_EOF_STATE' && inFlight && !inFlight.writableFinished) {
    inFlight.once('finish', () => answerClientError(err, socket));
    return;
  }
  if (inFlight?.headersSent && !inFlight.writableFinished) {
    socket.destroy();
    return;
  }
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const body = restXmlErrorBody(clientErrorAnswer(err.code), '/', requestId);
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-amz-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}
