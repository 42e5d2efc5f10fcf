/** Lambda's REST-JSON errors: `x-amzn-ErrorType` header plus `{"Type","message"}` body. */
import type { ServerResponse } from 'node:http';

export class LambdaError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'User' | 'Service' = 'User',
  ) {
    super(message);
    this.name = 'LambdaError';
  }
}

export const notFound = (arn: string) => new LambdaError('ResourceNotFoundException', `Function not found: ${arn}`, 404);
export const invalidParameter = (message: string) => new LambdaError('InvalidParameterValueException', message, 400);
export const conflict = (message: string) => new LambdaError('ResourceConflictException', message, 409);

export function sendLambdaError(res: ServerResponse, err: LambdaError): void {
  // A throttle also says why (TooManyRequestsException's Reason, e.g. ReservedFunctionConcurrentInvocationLimitExceeded).
  const reason = (err as { reason?: string }).reason;
  const body = JSON.stringify({ ...(reason ? { Reason: reason } : {}), Type: err.type, message: err.message });
  res.writeHead(err.status, {
    'x-amzn-ErrorType': err.code,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
