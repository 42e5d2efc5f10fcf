/**
 * What Lambda sends where an asynchronous invocation ends (AWS: "Capturing records of Lambda asynchronous
 * invocations"): the invocation record for OnSuccess / OnFailure destinations, and the dead-letter queue message
 * (the event itself, with the RequestID, ErrorCode and ErrorMessage attributes). Pure.
 */
import type { QueueMessageAttribute } from '../../context.js';
import type { InvocationOutcome } from '../spec.js';

/** Why the record was sent: the event succeeded, failed every attempt, or waited longer than MaximumEventAgeInSeconds. */
export type RecordCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

/** One asynchronous event's end, as the runner reports it. */
export interface AsyncEventEnd {
  requestId: string;
  /** The function's name and unqualified ARN. */
  functionName: string;
  functionArn: string;
  /** The event as queued (JSON text). */
  payload: string;
  condition: RecordCondition;
  /** How many times the function ran with this event (0 when it never ran). */
  attempts: number;
  /** The last attempt's outcome; absent when the event never ran. */
  outcome?: InvocationOutcome;
  /** When it ended (ms). */
  at: number;
  /** Never run because Lambda stopped it (recursive loop detection): the dead-letter message's ErrorCode and ErrorMessage. */
  stopped?: { errorCode: string; errorMessage: string };
}

/** Lambda's invocation record (version 1.0). */
export interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: RecordCondition; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext?: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: unknown;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The record for a destination; `responseContext`/`responsePayload` only when the function ran. */
export function invocationRecord(end: AsyncEventEnd): InvocationRecord {
  const record: InvocationRecord = {
    version: '1.0',
    timestamp: new Date(end.at).toISOString(),
    requestContext: {
      requestId: end.requestId,
      functionArn: `${end.functionArn}:$LATEST`,
      condition: end.condition,
      approximateInvokeCount: end.attempts,
    },
    requestPayload: parsed(end.payload),
  };
  if (end.outcome) {
    record.responseContext = {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(end.outcome.status !== 'success' ? { functionError: 'Unhandled' } : {}),
    };
    record.responsePayload = parsed(end.outcome.payload);
  }
  return record;
}

/** The error text a dead-letter message carries: the handler's errorMessage, else the response, else the condition. */
function errorMessageOf(end: AsyncEventEnd): string {
  if (end.stopped) return end.stopped.errorMessage;
  if (end.outcome) {
    const body = parsed(end.outcome.payload) as { errorMessage?: unknown } | undefined;
    if (body && typeof body === 'object' && typeof body.errorMessage === 'string') return body.errorMessage;
    return end.outcome.payload;
  }
  return end.condition === 'EventAgeExceeded' ? 'Event age exceeded' : 'Function throttled';
}

/**
 * The dead-letter message: the event as the body, and the attributes Lambda adds: RequestID, ErrorCode (the
 * response's status code, 200 for a function error; 429 for a throttled event that never ran) and ErrorMessage
 * (its first 1 KB).
 */
export function deadLetterMessage(end: AsyncEventEnd): { body: string; attributes: Record<string, QueueMessageAttribute> } {
  const message = Buffer.from(errorMessageOf(end))
    .subarray(0, 1024)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return {
    body: end.payload,
    attributes: {
      RequestID: { DataType: 'String', StringValue: end.requestId },
      ErrorCode: { DataType: 'Number', StringValue: end.stopped?.errorCode ?? (end.outcome ? '200' : '429') },
      ErrorMessage: { DataType: 'String', StringValue: message },
    },
  };
}
