/**
 * Exit codes, documented in README and --help (one table for every mode). Once anything has fired, a run's code
 * follows 130 > 1 > 4 > 3 > 0 (ci/outcome.ts). The sandbox's own stop codes (0 on SIGTERM, 129 on SIGHUP) are
 * lifecycle.cts's.
 */
export const ExitCode = {
  Ok: 0,
  /** An S3 operation failed (NoSuchKey, AccessDenied...). */
  OperationFailed: 1,
  /** Usage or bad input: nothing was fired. */
  Usage: 2,
  /** No matching invocation within --timeout, or --expect did not match. */
  NoMatch: 3,
  /** The matched Lambda ran and failed: its last attempt seen within --timeout ended in an error or a timeout. */
  LambdaFailed: 4,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error a user can act on: a stable code, a one-line message naming what to fix,
 * and the exit code it maps to. One place (ci/report-error.ts / cli.ts) prints it.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = ExitCode.OperationFailed,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export function usageError(message: string): AppError {
  return new AppError('Usage', message, ExitCode.Usage);
}

/** A value as it can be shown inside a one-line message: control characters (a newline in a name) escaped as \n, \u0001... */
export function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}
