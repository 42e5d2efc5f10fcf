/**
 * SNS's errors as the query protocol carries them (`<Error><Type>Sender</Type><Code/><Message/></Error>`), with the
 * codes and messages AWS answers (recorded in LocalStack's AWS-validated snapshots, `tests/aws/services/sns`).
 */
import type { ProtocolError } from '../protocol/errors.js';

export class SnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }

  toProtocolError(): ProtocolError {
    return { code: this.code, message: this.message, status: this.status };
  }
}

/** 400 InvalidParameter `Invalid parameter: <detail>`. */
export const invalidParameter = (detail: string) => new SnsError('InvalidParameter', `Invalid parameter: ${detail}`);

/** 404 NotFound: `Topic does not exist`, `Subscription does not exist`. */
export const notFound = (what: 'Topic' | 'Subscription') => new SnsError('NotFound', `${what} does not exist`, 404);

/** 400 ParameterValueInvalid (message attribute errors). */
export const parameterValueInvalid = (message: string) => new SnsError('ParameterValueInvalid', message);

/** 400 ValidationError for a required member that is missing, in AWS's wording (`'topicArn'`, `'messageAttributes.a.member.dataType'`). */
export const missingMember = (path: string) =>
  new SnsError(
    'ValidationError',
    `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`,
  );

/**
 * Checks the shape of a topic or subscription ARN as SNS does before looking it up: fewer than 6 `:`-separated
 * elements is `Invalid parameter: <param> Reason: An ARN must have at least 6 elements, not N`; empty is `no value for
 * required parameter`.
 */
export function checkArnShape(param: string, arn: string | null | undefined): string {
  if (!arn) throw invalidParameter(`${param} Reason: no value for required parameter`);
  const elements = arn.split(':').length;
  if (elements < 6) throw invalidParameter(`${param} Reason: An ARN must have at least 6 elements, not ${elements}`);
  return arn;
}
