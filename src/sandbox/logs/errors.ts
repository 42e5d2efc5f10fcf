/** A CloudWatch Logs error: AWS's `__type` code, its message and HTTP status (400 unless said otherwise). */
export class LogsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'LogsError';
  }
}

export const groupNotFound = () => new LogsError('ResourceNotFoundException', 'The specified log group does not exist.');
export const streamNotFound = () => new LogsError('ResourceNotFoundException', 'The specified log stream does not exist.');
/** What AWS answers a request over an API's quota: 400 `ThrottlingException`, "Rate exceeded". */
export const throttled = () => new LogsError('ThrottlingException', 'Rate exceeded');
export const invalidParameter = (message: string) => new LogsError('InvalidParameterException', message);

/** The body AWS sends with a JSON 1.1 error. */
export function errorBody(err: LogsError): { __type: string; message: string } {
  return { __type: err.code, message: err.message };
}
