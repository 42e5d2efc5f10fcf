/** Request bodies and JSON responses, shared by the sandbox's JSON services (Lambda's REST-JSON, Logs' JSON 1.1). */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The whole request body, at most `maxBytes`. A larger body is read to its end (the client gets its answer
 * instead of a reset) without being kept, then rejected with `tooLarge()`, the service's own error.
 */
export function readBody(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => (size > maxBytes ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** Answers `status` with `value` as JSON (`content-type` as the protocol has it). */
export function sendJson(res: ServerResponse, status: number, value: unknown, contentType = 'application/json'): void {
  // Encoded once: a string body would be measured (byteLength) and then encoded again by end().
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': contentType, 'content-length': body.length });
  res.end(body);
}
