/**
 * Pure rules of an SQS event source mapping: the request members CreateEventSourceMapping and
 * UpdateEventSourceMapping take, their validation (AWS's model constraints, then Lambda's own SQS rules), and the
 * EventSourceMappingConfiguration returned. AWS: API_CreateEventSourceMapping, API_UpdateEventSourceMapping,
 * "Using Lambda with Amazon SQS"; error texts as AWS answers them (recorded in LocalStack's AWS-validated snapshots).
 */
import type { EventSourceMappingConfiguration, FunctionResponseType } from '@aws-sdk/client-lambda';
import { invalidParameter, LambdaError } from '../errors.js';

/** A mapping as stored (and, with a State of the moment, as returned). `LastModified` is epoch seconds. */
export interface StoredMapping {
  UUID: string;
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  EventSourceArn: string;
  /** The function's ARN, with the qualifier the request named (`:$LATEST`), as AWS echoes it. */
  FunctionArn: string;
  LastModified: number;
  Enabled: boolean;
  FunctionResponseTypes: FunctionResponseType[];
  ScalingConfig?: { MaximumConcurrency: number };
  EventSourceMappingArn: string;
}

/** What AWS reports: the settled states, and the transitional ones a Create/Update/Delete answers with. */
export type MappingState = 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Deleting';

/** EventSourceMappingConfiguration on the wire (REST-JSON: LastModified in epoch seconds), members in the model's order. */
export type MappingView = Omit<EventSourceMappingConfiguration, 'LastModified'> & { LastModified: number };

/** The members of CreateEventSourceMapping / UpdateEventSourceMapping this sandbox reads, as JSON gives them. */
export interface MappingRequest {
  EventSourceArn?: unknown;
  FunctionName?: unknown;
  Enabled?: unknown;
  BatchSize?: unknown;
  MaximumBatchingWindowInSeconds?: unknown;
  FunctionResponseTypes?: unknown;
  ScalingConfig?: unknown;
  [member: string]: unknown;
}

/** The settings a request sets (undefined: left as they are, or the default on create). */
export interface MappingSettings {
  eventSourceArn?: string;
  functionName?: string;
  enabled?: boolean;
  batchSize?: number;
  window?: number;
  responseTypes?: FunctionResponseType[];
  /** null: the request cleared it (an empty ScalingConfig). */
  scaling?: { MaximumConcurrency: number } | null;
}

const ARN_PATTERN = 'arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)';
const ARN_RE = new RegExp(`^${ARN_PATTERN}$`);
const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_NAME_RE = new RegExp(`^${FUNCTION_NAME_PATTERN}$`);

/** Members of other event sources (streams, Kafka, MQ, DocumentDB) that an SQS mapping does not take. */
const NOT_FOR_SQS = [
  'StartingPosition',
  'StartingPositionTimestamp',
  'ParallelizationFactor',
  'DestinationConfig',
  'MaximumRecordAgeInSeconds',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'TumblingWindowInSeconds',
  'Topics',
  'Queues',
  'SourceAccessConfigurations',
  'SelfManagedEventSource',
  'AmazonManagedKafkaEventSourceConfig',
  'SelfManagedKafkaEventSourceConfig',
  'DocumentDBEventSourceConfig',
];
/** Members AWS takes for SQS that the sandbox does not model; refused rather than silently ignored. */
const NOT_MODELLED = ['FilterCriteria', 'KMSKeyArn', 'MetricsConfig', 'LoggingConfig', 'ProvisionedPollerConfig'];

const serialization = (member: string, type: string) => new LambdaError('SerializationException', `${member} must be ${type}`);

function integer(body: MappingRequest, member: string): number | undefined {
  const v = body[member];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw serialization(member, 'an integer');
  return v;
}

/** AWS's model-constraint error: `N validation error(s) detected: Value … at '…' failed to satisfy constraint: …`. */
export function validationError(problems: string[]): LambdaError {
  const n = problems.length;
  return new LambdaError('ValidationException', `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
}

function range(problems: string[], path: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (value < min)
    problems.push(`Value '${value}' at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
  else if (value > max)
    problems.push(`Value '${value}' at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
}

/**
 * Reads and checks a Create (`create`: EventSourceArn and FunctionName required) or Update request's members:
 * wrong JSON types are SerializationException; model constraints (BatchSize 1-10000, window 0-300, the
 * FunctionResponseTypes enum, MaximumConcurrency 2-1000, ARN and function-name patterns) ValidationException;
 * members an SQS mapping does not take InvalidParameterValueException.
 */
export function readMappingRequest(body: MappingRequest, create: boolean): MappingSettings {
  const settings: MappingSettings = {};
  for (const member of ['EventSourceArn', 'FunctionName'] as const) {
    const v = body[member];
    if (v !== undefined && typeof v !== 'string') throw serialization(member, 'a string');
  }
  if (body.Enabled !== undefined && typeof body.Enabled !== 'boolean') throw serialization('Enabled', 'a boolean');
  const batchSize = integer(body, 'BatchSize');
  const window = integer(body, 'MaximumBatchingWindowInSeconds');
  let responseTypes: string[] | undefined;
  if (body.FunctionResponseTypes !== undefined) {
    if (!Array.isArray(body.FunctionResponseTypes) || body.FunctionResponseTypes.some((t) => typeof t !== 'string')) {
      throw serialization('FunctionResponseTypes', 'a list of strings');
    }
    responseTypes = body.FunctionResponseTypes as string[];
  }
  let concurrency: number | undefined;
  let scalingCleared = false;
  if (body.ScalingConfig !== undefined) {
    const sc = body.ScalingConfig;
    if (!sc || typeof sc !== 'object' || Array.isArray(sc)) throw serialization('ScalingConfig', 'an object');
    const mc = (sc as { MaximumConcurrency?: unknown }).MaximumConcurrency;
    if (mc === undefined) scalingCleared = true;
    else if (typeof mc !== 'number' || !Number.isInteger(mc)) throw serialization('ScalingConfig.MaximumConcurrency', 'an integer');
    else concurrency = mc;
  }

  const problems: string[] = [];
  const arn = body.EventSourceArn as string | undefined;
  if (arn !== undefined && !ARN_RE.test(arn)) {
    problems.push(
      `Value '${arn}' at 'eventSourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ARN_PATTERN}`,
    );
  }
  const fn = body.FunctionName as string | undefined;
  if (fn !== undefined) {
    if (fn.length < 1 || fn.length > 140) {
      problems.push(
        `Value '${fn}' at 'functionName' failed to satisfy constraint: Member must have length ${fn.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 140'}`,
      );
    } else if (!FUNCTION_NAME_RE.test(fn)) {
      problems.push(
        `Value '${fn}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
      );
    }
  }
  range(problems, 'batchSize', batchSize, 1, 10000);
  range(problems, 'maximumBatchingWindowInSeconds', window, 0, 300);
  if (responseTypes !== undefined) {
    if (responseTypes.some((t) => t !== 'ReportBatchItemFailures')) {
      problems.push(
        `Value '[${responseTypes.join(', ')}]' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]`,
      );
    } else if (responseTypes.length > 1) {
      problems.push(
        `Value '[${responseTypes.join(', ')}]' at 'functionResponseTypes' failed to satisfy constraint: Member must have length less than or equal to 1`,
      );
    }
  }
  range(problems, 'scalingConfig.maximumConcurrency', concurrency, 2, 1000);
  if (problems.length) throw validationError(problems);

  if (create && arn === undefined) throw invalidParameter('Unrecognized event source.');
  if (create && fn === undefined) {
    throw validationError(["Value null at 'functionName' failed to satisfy constraint: Member must not be null"]);
  }
  for (const member of NOT_FOR_SQS) {
    if (body[member] !== undefined) throw invalidParameter(`${member} is not valid for SQS event sources.`);
  }
  for (const member of NOT_MODELLED) {
    if (body[member] !== undefined) {
      throw invalidParameter(`${member} is not supported by the s3trigger sandbox's event source mappings; remove it`);
    }
  }
  if (arn !== undefined) settings.eventSourceArn = arn;
  if (fn !== undefined) settings.functionName = fn;
  if (body.Enabled !== undefined) settings.enabled = body.Enabled as boolean;
  if (batchSize !== undefined) settings.batchSize = batchSize;
  if (window !== undefined) settings.window = window;
  if (responseTypes !== undefined) settings.responseTypes = [...new Set(responseTypes)] as FunctionResponseType[];
  if (concurrency !== undefined) settings.scaling = { MaximumConcurrency: concurrency };
  else if (scalingCleared) settings.scaling = null;
  return settings;
}

/** Whether an ARN names an SQS queue (`arn:<partition>:sqs:<region>:<account>:<name>`). */
export function isSqsArn(arn: string): boolean {
  return /^arn:aws[a-zA-Z0-9-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(?:\.fifo)?$/.test(arn);
}

/** Lambda's SQS rules, checked on the merged settings (Create's, or Update's over the stored ones). */
export function checkSqsSettings(batchSize: number, window: number, fifo: boolean): void {
  if (batchSize > 10 && window === 0) {
    throw invalidParameter('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  }
  // FIFO limits as AWS documents them (batch size at most 10, no batching window); the wording is ours.
  if (fifo && batchSize > 10) throw invalidParameter('Batch size must not exceed 10 for FIFO queues.');
  if (fifo && window > 0) throw invalidParameter('Batching window is not supported for FIFO queues.');
}

/** AWS refuses a mapping whose queue hides a received message for less time than the function may run. */
export function checkVisibilityTimeout(queueSeconds: number, functionSeconds: number): void {
  if (queueSeconds < functionSeconds) {
    throw invalidParameter(`Queue visibility timeout: ${queueSeconds} seconds is less than Function timeout: ${functionSeconds} seconds`);
  }
}

/** The ResourceConflictException AWS answers for a second mapping of the same queue and function. */
export function duplicateMapping(queueArn: string, functionName: string, uuid: string): LambdaError {
  return new LambdaError(
    'ResourceConflictException',
    `An event source mapping with SQS arn (" ${queueArn} ") and function (" ${functionName} ") already exists. Please update or delete the existing mapping with UUID ${uuid}`,
    409,
  );
}

/** AWS's answer for an unknown UUID (Get, Update, Delete). */
export const mappingNotFound = () => new LambdaError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);

/** The mapping as returned, in `state` (the settled one unless a transition is being reported). */
export function mappingView(m: StoredMapping, state: MappingState = m.Enabled ? 'Enabled' : 'Disabled'): MappingView {
  return {
    UUID: m.UUID,
    BatchSize: m.BatchSize,
    MaximumBatchingWindowInSeconds: m.MaximumBatchingWindowInSeconds,
    EventSourceArn: m.EventSourceArn,
    FunctionArn: m.FunctionArn,
    LastModified: m.LastModified,
    State: state,
    StateTransitionReason: 'USER_INITIATED',
    FunctionResponseTypes: m.FunctionResponseTypes,
    ...(m.ScalingConfig ? { ScalingConfig: m.ScalingConfig } : {}),
    EventSourceMappingArn: m.EventSourceMappingArn,
  };
}

/** Epoch seconds with milliseconds, the REST-JSON timestamp AWS sends for LastModified. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
