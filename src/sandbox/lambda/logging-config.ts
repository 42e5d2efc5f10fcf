/**
 * A function's LoggingConfig (API_LoggingConfig): validation as Lambda answers it, how an update merges into the
 * stored value, and what an execution environment is given from it. Lambda fills the levels in (INFO) once the
 * format is JSON and drops them when it is Text, so what GetFunction returns is what the environments apply.
 */
import type { ApplicationLogLevel, LoggingConfig, SystemLogLevel } from '@aws-sdk/client-lambda';
import { invalidParameter, LambdaError } from './errors.js';
import { logGroupFor } from './log-format.js';

export const LOG_FORMATS = ['JSON', 'Text'] as const;
/** Most detailed first (TRACE) to least (FATAL): a level lets through itself and everything after it. */
export const APPLICATION_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export const SYSTEM_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN'] as const;
const LOG_GROUP_RE = /^[.\-_/#A-Za-z0-9]+$/;

/** What an execution environment applies: the format, the levels (JSON only) and where the logs go. */
export interface LogSettings {
  format: 'Text' | 'JSON';
  applicationLogLevel?: ApplicationLogLevel;
  systemLogLevel?: SystemLogLevel;
  logGroup: string;
}

const validation = (detail: string) => new LambdaError('ValidationException', `1 validation error detected: ${detail}`);
const enumError = (value: unknown, member: string, values: readonly string[]) =>
  validation(
    `Value '${String(value)}' at 'loggingConfig.${member}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
  );

/** The message Lambda answers when a level comes with the Text format (InvalidParameterValueException). */
export const LEVEL_WITH_TEXT_MESSAGE =
  'LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel from your request or change the LogFormat to "Json" and try again.';

/**
 * Checks a request's LoggingConfig against the stored one (`current`, absent on CreateFunction): enum values and the
 * log group's pattern (ValidationException), and levels asked for while the resulting format is Text
 * (InvalidParameterValueException, as Lambda answers it).
 */
export function validateLoggingConfig(input: unknown, current?: LoggingConfig): LambdaError | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'object' || Array.isArray(input))
    return new LambdaError('SerializationException', "Cannot read 'loggingConfig': expected a structure");
  const c = input as Record<string, unknown>;
  if (c.LogFormat !== undefined && !(LOG_FORMATS as readonly unknown[]).includes(c.LogFormat))
    return enumError(c.LogFormat, 'logFormat', LOG_FORMATS);
  if (c.ApplicationLogLevel !== undefined && !(APPLICATION_LOG_LEVELS as readonly unknown[]).includes(c.ApplicationLogLevel))
    return enumError(c.ApplicationLogLevel, 'applicationLogLevel', APPLICATION_LOG_LEVELS);
  if (c.SystemLogLevel !== undefined && !(SYSTEM_LOG_LEVELS as readonly unknown[]).includes(c.SystemLogLevel))
    return enumError(c.SystemLogLevel, 'systemLogLevel', SYSTEM_LOG_LEVELS);
  if (c.LogGroup !== undefined) {
    if (typeof c.LogGroup !== 'string')
      return new LambdaError('SerializationException', "Cannot read 'loggingConfig.logGroup': expected a string");
    if (c.LogGroup.length < 1 || c.LogGroup.length > 512)
      return validation(
        `Value '${c.LogGroup}' at 'loggingConfig.logGroup' failed to satisfy constraint: Member must have length ${c.LogGroup.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 512'}`,
      );
    if (!LOG_GROUP_RE.test(c.LogGroup))
      return validation(
        `Value '${c.LogGroup}' at 'loggingConfig.logGroup' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
      );
  }
  const format = (c.LogFormat as string | undefined) ?? current?.LogFormat ?? 'Text';
  if (format === 'Text' && (c.ApplicationLogLevel !== undefined || c.SystemLogLevel !== undefined))
    return invalidParameter(LEVEL_WITH_TEXT_MESSAGE);
  return undefined;
}

/** The stored LoggingConfig after a (validated) request: JSON gets INFO levels unless given, Text has none. */
export function mergeLoggingConfig(
  functionName: string,
  current: LoggingConfig | undefined,
  input: LoggingConfig | undefined,
): LoggingConfig {
  const format = input?.LogFormat ?? current?.LogFormat ?? 'Text';
  const logGroup = input?.LogGroup ?? current?.LogGroup ?? logGroupFor(functionName);
  if (format === 'Text') return { LogFormat: 'Text', LogGroup: logGroup };
  return {
    LogFormat: 'JSON',
    ApplicationLogLevel: input?.ApplicationLogLevel ?? current?.ApplicationLogLevel ?? 'INFO',
    SystemLogLevel: input?.SystemLogLevel ?? current?.SystemLogLevel ?? 'INFO',
    LogGroup: logGroup,
  };
}

/** What an execution environment applies, from the stored configuration (an old data dir may have none). */
export function logSettingsOf(functionName: string, config: LoggingConfig | undefined): LogSettings {
  const merged = mergeLoggingConfig(functionName, config, undefined);
  return {
    format: merged.LogFormat === 'JSON' ? 'JSON' : 'Text',
    ...(merged.ApplicationLogLevel ? { applicationLogLevel: merged.ApplicationLogLevel } : {}),
    ...(merged.SystemLogLevel ? { systemLogLevel: merged.SystemLogLevel } : {}),
    logGroup: merged.LogGroup!,
  };
}

/**
 * The variables Lambda sets for the runtime from the LoggingConfig (AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL: the
 * managed runtimes and custom ones read them) and the log group the context reports.
 */
export function loggingEnvironment(settings: LogSettings): Record<string, string> {
  return {
    AWS_LAMBDA_LOG_GROUP_NAME: settings.logGroup,
    ...(settings.format === 'JSON' ? { AWS_LAMBDA_LOG_FORMAT: 'JSON' } : {}),
    ...(settings.applicationLogLevel ? { AWS_LAMBDA_LOG_LEVEL: settings.applicationLogLevel } : {}),
  };
}
