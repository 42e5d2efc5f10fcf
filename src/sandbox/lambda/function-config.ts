/** Pure rules of a function's configuration: names and ARNs, CreateFunction validation, the returned shape. */
import type { CreateFunctionRequest, FunctionConfiguration, UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';
import { validateDeadLetterConfig } from './async/config.js';
import { invalidParameter, LambdaError } from './errors.js';
import { mergeLoggingConfig, validateLoggingConfig } from './logging-config.js';

/** CreateFunction as it arrives in JSON: ZipFile is base64 text, not bytes. */
export type CreateFunctionBody = Omit<CreateFunctionRequest, 'Code'> & { Code?: CodeSource & { ImageUri?: string } };

/** Where the code comes from, as in CreateFunction's Code and UpdateFunctionCode's body. */
export interface CodeSource {
  ZipFile?: string;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
}

export const NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;
const REF_RE =
  /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:)?([a-zA-Z0-9_-]{1,64})(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export interface FunctionRef {
  name: string;
  qualifier?: string;
  region?: string;
  account?: string;
}

/** Accepts `name`, `name:qualifier`, `account:function:name`, and full ARNs. */
export function parseFunctionRef(ref: string): FunctionRef | undefined {
  const m = REF_RE.exec(ref);
  if (!m) return undefined;
  return { name: m[4]!, qualifier: m[5], region: m[1], account: m[2] ?? m[3] };
}

export function functionArn(region: string, account: string, name: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}

/** `2025-11-07T09:36:30.640+0000`, Lambda's LastModified format. */
export function lastModified(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

export const SUPPORTED_RUNTIME = /^(nodejs\d+\.x|python3\.\d+|ruby3\.[234]|provided\.al2|provided\.al2023)$/;
const RESERVED_ENV = new Set([
  '_HANDLER',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'AWS_LAMBDA_RUNTIME_API',
]);

/** A Coral-style constraint failure, as Lambda words them: `1 validation error detected: Value ... at 'member' ...`. */
const validation = (detail: string) => new LambdaError('ValidationException', `1 validation error detected: ${detail}`);
/** A member of the wrong JSON type (no SDK sends one): the request cannot be read. */
const wrongType = (member: string, expected: string) =>
  new LambdaError('SerializationException', `Cannot read '${member}': expected ${expected}`);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ENV_KEY = /^[a-zA-Z][a-zA-Z0-9_]+$/;
const HANDLER_MAX = 128;
const ARCHITECTURES = ['x86_64', 'arm64'];

/** Environment.Variables: a map whose keys match AWS's pattern and whose values a process environment can hold. */
function validateEnvironment(environment: unknown): LambdaError | undefined {
  if (environment === undefined) return undefined;
  if (!isRecord(environment)) return wrongType('environment', 'a structure');
  const variables = environment.Variables ?? {};
  if (!isRecord(variables)) return wrongType('environment.variables', 'a map of names to strings');
  if (Object.values(variables).some((v) => typeof v !== 'string'))
    return invalidParameter('Environment.Variables must map names to string values.');
  if (Object.keys(variables).some((k) => !ENV_KEY.test(k))) {
    return validation(
      "Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
    );
  }
  // No process environment can hold a NUL: refused here rather than failing every Invoke.
  if (Object.values(variables).some((v) => (v as string).includes('\0'))) {
    return validation(
      "Value at 'environment.variables' failed to satisfy constraint: Map value must satisfy constraint: [Member must not contain the NUL character]",
    );
  }
  const reserved = Object.keys(variables).filter((k) => RESERVED_ENV.has(k));
  if (reserved.length) {
    return invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  return undefined;
}

/** EphemeralStorage.Size: an integer number of MB, 512 to 10240 (API_EphemeralStorage). */
function validateEphemeralStorage(storage: unknown): LambdaError | undefined {
  if (storage === undefined) return undefined;
  if (!isRecord(storage)) return wrongType('ephemeralStorage', 'a structure');
  const size = storage.Size;
  if (size === undefined) return validation("Value null at 'ephemeralStorage.size' failed to satisfy constraint: Member must not be null");
  if (typeof size !== 'number' || !Number.isInteger(size)) return wrongType('ephemeralStorage.size', 'an integer');
  if (size < 512)
    return validation(
      `Value '${size}' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value greater than or equal to 512`,
    );
  if (size > 10240)
    return validation(
      `Value '${size}' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value less than or equal to 10240`,
    );
  return undefined;
}

/** Architectures: a list of exactly one of x86_64 / arm64 (CreateFunction and UpdateFunctionCode, API_CreateFunction). */
export function validateArchitectures(architectures: unknown): LambdaError | undefined {
  if (architectures === undefined) return undefined;
  if (!Array.isArray(architectures) || architectures.some((a) => typeof a !== 'string'))
    return wrongType('architectures', 'a list of strings');
  const shown = `[${architectures.join(', ')}]`;
  if (architectures.length < 1)
    return validation(
      `Value '${shown}' at 'architectures' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  if (architectures.length > 1)
    return validation(`Value '${shown}' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1`);
  if (!ARCHITECTURES.includes(architectures[0] as string)) {
    return validation(
      `Value '${shown}' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]`,
    );
  }
  return undefined;
}

function validateRole(role: unknown): LambdaError | undefined {
  if (typeof role !== 'string' || !/^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/.+/.test(role)) {
    return validation(
      `Value '${role}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`,
    );
  }
  return undefined;
}

type Settings = Pick<
  UpdateFunctionConfigurationRequest,
  | 'Runtime'
  | 'Handler'
  | 'Timeout'
  | 'MemorySize'
  | 'Environment'
  | 'EphemeralStorage'
  | 'Role'
  | 'Description'
  | 'DeadLetterConfig'
  | 'LoggingConfig'
>;

function validateSettings(input: Settings, current?: FunctionConfiguration): LambdaError | undefined {
  if (input.Role !== undefined) {
    const invalid = validateRole(input.Role);
    if (invalid) return invalid;
  }
  if (input.Description !== undefined && typeof input.Description !== 'string') return wrongType('description', 'a string');
  if (input.Description !== undefined && input.Description.length > 256) {
    return validation(
      `Value '${input.Description}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
  }
  if (input.Runtime !== undefined && !SUPPORTED_RUNTIME.test(input.Runtime)) {
    return invalidParameter(
      `The runtime parameter of ${input.Runtime} is not supported by the s3trigger sandbox (nodejs*.x, python3.*, ruby3.2-3.4, provided.al2023 and provided.al2 only).`,
    );
  }
  if (input.Handler !== undefined && typeof input.Handler !== 'string') return wrongType('handler', 'a string');
  if (input.Handler !== undefined && input.Handler.length > HANDLER_MAX) {
    return validation(
      `Value '${input.Handler}' at 'handler' failed to satisfy constraint: Member must have length less than or equal to ${HANDLER_MAX}`,
    );
  }
  // A custom runtime's handler is any name (its bootstrap reads _HANDLER); the managed ones need `module.function`.
  const custom = (input.Runtime ?? current?.Runtime ?? '').startsWith('provided');
  if (input.Handler !== undefined && !(custom ? /^[^\s\0]+$/ : /^[^\s\0]+\.[^\s.\0]+$/).test(input.Handler)) {
    return validation(
      `Value '${input.Handler}' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+`,
    );
  }
  if (input.Timeout !== undefined && (!Number.isInteger(input.Timeout) || input.Timeout < 1 || input.Timeout > 900)) {
    return invalidParameter(`Timeout must be between 1 and 900 seconds, got ${input.Timeout}.`);
  }
  if (input.MemorySize !== undefined && (!Number.isInteger(input.MemorySize) || input.MemorySize < 128 || input.MemorySize > 10240)) {
    return invalidParameter(`MemorySize must be between 128 and 10240 MB, got ${input.MemorySize}.`);
  }
  return (
    validateEnvironment(input.Environment) ??
    validateEphemeralStorage(input.EphemeralStorage) ??
    validateDeadLetterConfig(input.DeadLetterConfig) ??
    validateLoggingConfig(input.LoggingConfig, current?.LoggingConfig)
  );
}

export function validateCreate(input: CreateFunctionBody): LambdaError | undefined {
  if (typeof input.FunctionName !== 'string' || !NAME_RE.test(parseFunctionRef(input.FunctionName)?.name ?? '')) {
    return new LambdaError(
      'ValidationException',
      `1 validation error detected: Value '${input.FunctionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  if (input.PackageType === 'Image' || input.Code?.ImageUri) return invalidParameter('The s3trigger sandbox runs Zip packages only.');
  if (!input.Runtime) return invalidParameter('Runtime is required for .zip file deployment packages.');
  if (!input.Handler) return invalidParameter('Handler is required for .zip file deployment packages.');
  const badRole = validateRole(input.Role);
  if (badRole) return badRole;
  const code = input.Code;
  if (
    code !== undefined &&
    (typeof code !== 'object' ||
      code === null ||
      [code.ZipFile, code.S3Bucket, code.S3Key].some((v) => v !== undefined && typeof v !== 'string'))
  ) {
    return new LambdaError('SerializationException', 'Code.ZipFile, Code.S3Bucket and Code.S3Key must be strings');
  }
  if (!input.Code?.ZipFile && !(input.Code?.S3Bucket && input.Code.S3Key)) {
    return invalidParameter('Please provide a source for function code: ZipFile or S3Bucket and S3Key.');
  }
  return validateArchitectures(input.Architectures) ?? validateSettings(input);
}

/** `current`: the stored configuration (a level without a LogFormat in the request is checked against its format). */
export function validateUpdateConfiguration(
  input: UpdateFunctionConfigurationRequest,
  current?: FunctionConfiguration,
): LambdaError | undefined {
  return validateSettings(input, current);
}

export interface CodeInfo {
  codeSha256: string;
  codeSize: number;
}

export function newConfiguration(
  input: CreateFunctionBody,
  where: { region: string; accountId: string; now: Date; revisionId: string },
  code: CodeInfo,
): FunctionConfiguration {
  const name = parseFunctionRef(input.FunctionName!)!.name;
  return {
    FunctionName: name,
    FunctionArn: functionArn(where.region, where.accountId, name),
    Runtime: input.Runtime,
    Role: input.Role,
    Handler: input.Handler,
    CodeSize: code.codeSize,
    Description: input.Description ?? '',
    Timeout: input.Timeout ?? 3,
    MemorySize: input.MemorySize ?? 128,
    LastModified: lastModified(where.now),
    CodeSha256: code.codeSha256,
    Version: '$LATEST',
    ...(input.Environment?.Variables ? { Environment: { Variables: input.Environment.Variables } } : {}),
    ...(input.DeadLetterConfig?.TargetArn ? { DeadLetterConfig: { TargetArn: input.DeadLetterConfig.TargetArn } } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: where.revisionId,
    State: 'Pending',
    StateReason: 'The function is being created.',
    StateReasonCode: 'Creating',
    PackageType: 'Zip',
    Architectures: input.Architectures ?? ['x86_64'],
    EphemeralStorage: { Size: input.EphemeralStorage?.Size ?? 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: mergeLoggingConfig(name, undefined, input.LoggingConfig),
  };
}

/** The configuration once the (instant) creation or update has finished. */
export function settled(config: FunctionConfiguration): FunctionConfiguration {
  const { StateReason: _r, StateReasonCode: _c, LastUpdateStatusReason: _ur, LastUpdateStatusReasonCode: _uc, ...rest } = config;
  return { ...rest, State: 'Active', LastUpdateStatus: 'Successful' };
}

export function withNewCode(config: FunctionConfiguration, code: CodeInfo, now: Date, revisionId: string): FunctionConfiguration {
  return {
    ...config,
    CodeSha256: code.codeSha256,
    CodeSize: code.codeSize,
    LastModified: lastModified(now),
    RevisionId: revisionId,
    State: 'Active',
    LastUpdateStatus: 'InProgress',
  };
}

export function withSettings(
  config: FunctionConfiguration,
  input: UpdateFunctionConfigurationRequest,
  now: Date,
  revisionId: string,
): FunctionConfiguration {
  // DeadLetterConfig with an empty TargetArn removes the dead-letter queue.
  const { DeadLetterConfig: oldDeadLetter, ...base } = config;
  const deadLetter = input.DeadLetterConfig !== undefined ? input.DeadLetterConfig.TargetArn || undefined : oldDeadLetter?.TargetArn;
  return {
    ...base,
    ...(deadLetter ? { DeadLetterConfig: { TargetArn: deadLetter } } : {}),
    ...(input.Runtime !== undefined ? { Runtime: input.Runtime } : {}),
    ...(input.Handler !== undefined ? { Handler: input.Handler } : {}),
    ...(input.Timeout !== undefined ? { Timeout: input.Timeout } : {}),
    ...(input.MemorySize !== undefined ? { MemorySize: input.MemorySize } : {}),
    ...(input.Description !== undefined ? { Description: input.Description } : {}),
    ...(input.Role !== undefined ? { Role: input.Role } : {}),
    ...(input.Environment !== undefined ? { Environment: { Variables: input.Environment.Variables ?? {} } } : {}),
    ...(input.EphemeralStorage !== undefined ? { EphemeralStorage: { Size: input.EphemeralStorage.Size } } : {}),
    ...(input.LoggingConfig != null
      ? { LoggingConfig: mergeLoggingConfig(config.FunctionName!, config.LoggingConfig, input.LoggingConfig) }
      : {}),
    LastModified: lastModified(now),
    RevisionId: revisionId,
    LastUpdateStatus: 'InProgress',
  };
}
