/**
 * A function's asynchronous invocation settings (Put/Get/Update/Delete/ListFunctionEventInvokeConfigs, API version
 * 2019-09-25) and its DeadLetterConfig: validation as Lambda answers it, and the store, one JSON file per function
 * (`<dataDir>/lambda/<name>/event-invoke-config.json`, removed with the function's folder). Only `$LATEST` exists here.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalidParameter, LambdaError } from '../errors.js';

/** One destination as Lambda's API spells it. */
export interface Destination {
  Destination?: string;
}

/** What PutFunctionEventInvokeConfig stores (Lambda's FunctionEventInvokeConfig without the derived members). */
export interface EventInvokeSettings {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: { OnSuccess?: Destination; OnFailure?: Destination };
}

/** A stored configuration: the settings and when they last changed (epoch ms). */
export interface StoredEventInvokeConfig extends EventInvokeSettings {
  lastModifiedMs: number;
}

/** Lambda's defaults: two retries, six hours in the queue (API_PutFunctionEventInvokeConfig). */
export const DEFAULT_RETRY_ATTEMPTS = 2;
export const DEFAULT_EVENT_AGE_SECONDS = 21_600;

/** Which service a destination ARN names, for delivery; undefined when Lambda does not deliver there. */
export type DestinationKind = 'sqs' | 'sns' | 'lambda' | 'events';

/** The destination services Lambda accepts (S3 buckets take only on-failure records on AWS, and no S3 here). */
export function destinationKind(arn: string): DestinationKind | undefined {
  const m = /^arn:aws[a-zA-Z-]*:(sqs|sns|lambda|events):[a-z0-9-]+:\d{12}:(.+)$/.exec(arn);
  if (!m) return undefined;
  const [, service, resource] = m;
  if (service === 'lambda' && !/^function:[a-zA-Z0-9_-]+(?::[a-zA-Z0-9_$-]+)?$/.test(resource!)) return undefined;
  if (service === 'events' && !/^event-bus\/.+$/.test(resource!)) return undefined;
  return service as DestinationKind;
}

const DESTINATION_PATTERN = /^$|^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/;
const validation = (detail: string) => new LambdaError('ValidationException', `1 validation error detected: ${detail}`);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validateRange(value: unknown, member: string, min: number, max: number): LambdaError | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    return new LambdaError('SerializationException', `Cannot read '${member}': expected an integer`);
  if (value < min)
    return validation(
      `Value '${value}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
    );
  if (value > max)
    return validation(`Value '${value}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  return undefined;
}

/**
 * The body of Put/UpdateFunctionEventInvokeConfig: MaximumRetryAttempts 0–2, MaximumEventAgeInSeconds 60–21600,
 * destinations that are SQS queues, SNS topics, Lambda functions (not `self`) or EventBridge buses. Returns the
 * settings read, or the LambdaError AWS answers (ValidationException for ranges and ARN patterns,
 * InvalidParameterValueException for a destination of another kind or an empty request).
 */
export function readEventInvokeSettings(body: Record<string, unknown>, self: string): EventInvokeSettings | LambdaError {
  const { MaximumRetryAttempts, MaximumEventAgeInSeconds, DestinationConfig } = body;
  if (MaximumRetryAttempts === undefined && MaximumEventAgeInSeconds === undefined && DestinationConfig === undefined)
    return invalidParameter('You must specify at least one of error handling or destination setting.');
  const bad =
    validateRange(MaximumRetryAttempts, 'maximumRetryAttempts', 0, 2) ??
    validateRange(MaximumEventAgeInSeconds, 'maximumEventAgeInSeconds', 60, 21_600);
  if (bad) return bad;
  const out: EventInvokeSettings = {};
  if (MaximumRetryAttempts !== undefined) out.MaximumRetryAttempts = MaximumRetryAttempts as number;
  if (MaximumEventAgeInSeconds !== undefined) out.MaximumEventAgeInSeconds = MaximumEventAgeInSeconds as number;
  if (DestinationConfig === undefined) return out;
  if (!isRecord(DestinationConfig))
    return new LambdaError('SerializationException', "Cannot read 'destinationConfig': expected a structure");
  const config: NonNullable<EventInvokeSettings['DestinationConfig']> = {};
  let wrongKind = false;
  for (const [key, member] of [
    ['OnSuccess', 'onSuccess'],
    ['OnFailure', 'onFailure'],
  ] as const) {
    const d = DestinationConfig[key];
    if (d === undefined) continue;
    if (!isRecord(d) || (d.Destination !== undefined && typeof d.Destination !== 'string'))
      return new LambdaError(
        'SerializationException',
        `Cannot read 'destinationConfig.${member}': expected a structure with a string Destination`,
      );
    const arn = d.Destination as string | undefined;
    if (arn === undefined || arn === '') {
      config[key] = {};
      continue;
    }
    if (arn.length > 350)
      return validation(
        `Value '${arn}' at 'destinationConfig.${member}.destination' failed to satisfy constraint: Member must have length less than or equal to 350`,
      );
    if (!DESTINATION_PATTERN.test(arn))
      return validation(
        `Value '${arn}' at 'destinationConfig.${member}.destination' failed to satisfy constraint: Member must satisfy regular expression pattern: ^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)`,
      );
    const kind = destinationKind(arn);
    if (kind === 'lambda' && /:function:([^:]+)/.exec(arn)?.[1] === self)
      return invalidParameter("You can't specify the function as a destination for itself.");
    if (!kind) wrongKind = true;
    config[key] = { Destination: arn };
  }
  if (wrongKind) {
    const part = (d: Destination | undefined, name: string) => (d?.Destination ? `${name}(destination=${d.Destination})` : 'null');
    return invalidParameter(
      `The provided destination config DestinationConfig(onSuccess=${part(config.OnSuccess, 'OnSuccess')}, onFailure=${part(config.OnFailure, 'OnFailure')}) is invalid.`,
    );
  }
  out.DestinationConfig = config;
  return out;
}

/**
 * DeadLetterConfig on Create/UpdateFunctionConfiguration: `TargetArn` an SQS queue or SNS topic ARN, or '' (remove).
 * Returns the LambdaError AWS answers, or undefined when it is acceptable.
 */
export function validateDeadLetterConfig(config: unknown): LambdaError | undefined {
  if (config === undefined) return undefined;
  if (!isRecord(config) || (config.TargetArn !== undefined && typeof config.TargetArn !== 'string'))
    return new LambdaError('SerializationException', "Cannot read 'deadLetterConfig': expected a structure with a string TargetArn");
  const arn = config.TargetArn as string | undefined;
  if (arn === undefined || arn === '') return undefined;
  if (!/^(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)$/.test(arn))
    return validation(
      `Value '${arn}' at 'deadLetterConfig.targetArn' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()`,
    );
  const kind = destinationKind(arn);
  if (kind !== 'sqs' && kind !== 'sns')
    return invalidParameter(
      `The provided target arn ${arn} is invalid. A dead-letter queue must be an Amazon SQS queue or an Amazon SNS topic.`,
    );
  return undefined;
}

/** Event invoke configs on disk, one per function folder; read through a small cache. */
export class EventInvokeConfigStore {
  private readonly cache = new Map<string, StoredEventInvokeConfig | null>();

  constructor(private readonly functionDir: (name: string) => string) {}

  private file(name: string): string {
    return join(this.functionDir(name), 'event-invoke-config.json');
  }

  get(name: string): StoredEventInvokeConfig | undefined {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    let read: StoredEventInvokeConfig | null = null;
    try {
      if (existsSync(this.file(name))) read = JSON.parse(readFileSync(this.file(name), 'utf8')) as StoredEventInvokeConfig;
    } catch {
      read = null; // a torn write from a crash: as if never configured
    }
    this.cache.set(name, read);
    return read ?? undefined;
  }

  put(name: string, config: StoredEventInvokeConfig): void {
    const file = this.file(name);
    writeFileSync(`${file}.tmp`, JSON.stringify(config, null, 2));
    renameSync(`${file}.tmp`, file);
    this.cache.set(name, config);
  }

  delete(name: string): void {
    rmSync(this.file(name), { force: true });
    this.cache.set(name, null);
  }

  /** The function is gone (its folder removed): drop what is cached. */
  forget(name: string): void {
    this.cache.delete(name);
  }
}
