/**
 * The AWS JSON protocols (1.0: SQS; 1.1: CloudWatch Logs, EventBridge): a POST whose `X-Amz-Target` is
 * `<prefix><Operation>`, and a body that is one JSON object (an empty body is `{}`). Errors are the caller's to
 * answer, in its service's words (`UnknownOperationException`, `SerializationException`).
 */
import type { IncomingMessage } from 'node:http';

/** The operation a JSON-protocol request names, or undefined when it is not a POST with `X-Amz-Target: <prefix>…`. */
export function jsonTargetOperation(req: IncomingMessage, prefix: string): string | undefined {
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(prefix)) return undefined;
  return target.slice(prefix.length);
}

/** The body as a JSON object (`''` and whitespace are `{}`), or undefined when it is not one. */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  if (body.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
