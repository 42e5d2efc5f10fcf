/**
 * SQS's errors on both wire protocols. JSON 1.0 (awsQueryCompatible): `{"__type":"com.amazonaws.sqs#<Shape>","message":…}`
 * plus `x-amzn-query-error: <query code>;Sender`, from which botocore and the JS SDK take `Error.Code` and pick the
 * modeled exception by its shape name. Query: `<ErrorResponse><Error><Type/><Code>` with the query code. Codes and
 * statuses as the SQS model (`awsQueryError` traits of @aws-sdk/client-sqs and botocore's query-era model) declares them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeProtocolError } from '../protocol/errors.js';

/** The wire a request came over: AWS JSON 1.0 (`X-Amz-Target: AmazonSQS.*`) or the query protocol (form `Action=`). */
export type SqsWire = 'json' | 'query';

/** Shape name (JSON `__type` suffix) -> the query-protocol code and HTTP status. */
const CATALOG = {
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  InvalidAttributeName: ['InvalidAttributeName', 400],
  InvalidAttributeValue: ['InvalidAttributeValue', 400],
  InvalidMessageContents: ['InvalidMessageContents', 400],
  InvalidIdFormat: ['InvalidIdFormat', 400],
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
  OverLimit: ['OverLimit', 403],
  // Not modeled: AWS answers them with these shapes (recorded by LocalStack's AWS-validated snapshots).
  InvalidParameterValueException: ['InvalidParameterValue', 400],
  MissingRequiredParameterException: ['MissingParameter', 400],
  UnknownOperationException: ['InvalidAction', 400],
} as const;

export type SqsErrorShape = keyof typeof CATALOG;

/** An SQS error a request (or one batch entry) ends in; `shape` names AWS's error shape. */
export class SqsError extends Error {
  constructor(
    readonly shape: SqsErrorShape,
    message: string,
  ) {
    super(message);
    this.name = shape;
  }

  /** The query-protocol code (`AWS.SimpleQueueService.NonExistentQueue`), also a batch entry's `Code`. */
  get code(): string {
    return CATALOG[this.shape][0];
  }

  get status(): number {
    return CATALOG[this.shape][1];
  }
}

export const invalidParameter = (message: string) => new SqsError('InvalidParameterValueException', message);

/** `Value <v> for parameter <name> is invalid. Reason: <reason>` (InvalidParameterValue), AWS's wording. */
export const invalidValue = (name: string, value: unknown, reason: string) =>
  invalidParameter(`Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`);

export const missingParameter = (name: string) =>
  new SqsError('MissingRequiredParameterException', `The request must contain the parameter ${name}.`);

/** AWS words this one differently per protocol (the query text is from the 2012 WSDL era). */
export const queueDoesNotExist = () => new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');

/** Writes `err` in the request's protocol (see the module comment for the shapes). */
export function writeSqsError(req: IncomingMessage, res: ServerResponse, wire: SqsWire, err: SqsError): void {
  const message =
    wire === 'query' && err.shape === 'QueueDoesNotExist' ? 'The specified queue does not exist for this wsdl version.' : err.message;
  if (wire === 'query') {
    writeProtocolError(req, res, 'query', { code: err.code, message, status: err.status });
    return;
  }
  if (!res.headersSent) res.setHeader('x-amzn-query-error', `${err.code};Sender`);
  writeProtocolError(req, res, 'json-1.0', { code: `com.amazonaws.sqs#${err.shape}`, message, status: err.status });
}
