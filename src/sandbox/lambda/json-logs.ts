/**
 * The lines an execution environment writes for the platform (INIT_START, START, END, REPORT, the timeout line) and
 * for unhandled errors, in the function's LogFormat. Text is log-format.ts; JSON is Lambda's JSON log format:
 * platform records `{"time","type":"platform.initStart|start|report","record":{…}}` (no END: it has no JSON record),
 * filtered by SystemLogLevel, and the runtimes' JSON error records; application lines in JSON are filtered by
 * ApplicationLogLevel as Lambda filters them (a JSON object with a known `level` and a `timestamp`).
 */
import type { ApplicationLogLevel, SystemLogLevel } from '@aws-sdk/client-lambda';
import {
  billedDuration,
  endLine,
  initStartLine,
  nodeErrorLine,
  pythonErrorLine,
  reportLine,
  startLine,
  timeoutLine,
  type HandlerError,
  type ReportFields,
} from './log-format.js';
import { APPLICATION_LOG_LEVELS, SYSTEM_LOG_LEVELS, type LogSettings } from './logging-config.js';

/** Lambda's platform events are INFO in its system log-level mapping; WARN drops them. */
const PLATFORM_EVENT_LEVEL: SystemLogLevel = 'INFO';

const rank = <T extends string>(levels: readonly T[], level: T) => levels.indexOf(level);

/** The runtime version Lambda names in INIT_START / platform.initStart (`nodejs:20.v1`, `python:3.12.v1`). */
function runtimeVersion(runtime: string): string {
  return `${runtime
    .replace(/\.x$/, '')
    .replace(/^(nodejs|python|ruby)(\d)/, '$1:$2')
    .replace(/^provided\./, 'provided:')}.v1`;
}

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

/** One platform record as Lambda writes it to CloudWatch in the JSON format. */
export function platformRecord(time: number, type: string, record: Record<string, unknown>): string {
  return `${JSON.stringify({ time: new Date(time).toISOString(), type, record })}\n`;
}

/** The `platform.report` record: metrics in ms / MB (3 decimals), `status` success | error | timeout, `errorType` when failed. */
export function reportRecord(time: number, f: ReportFields): string {
  return platformRecord(time, 'platform.report', {
    requestId: f.requestId,
    metrics: {
      durationMs: round3(f.durationMs),
      billedDurationMs: billedDuration(f.durationMs, f.initDurationMs),
      memorySizeMB: f.memorySizeMB,
      maxMemoryUsedMB: f.maxMemoryUsedMB,
      ...(f.initDurationMs !== undefined ? { initDurationMs: round3(f.initDurationMs) } : {}),
    },
    status: f.status ?? 'success',
    ...(f.errorType ? { errorType: f.errorType } : {}),
  });
}

/** `2024-01-01T00:00:00` (no fraction, no zone): the Python runtime's timestamp on its unhandled-error record. */
function pythonErrorTimestamp(time: number): string {
  return new Date(time).toISOString().slice(0, 19);
}

/** The unhandled-error record of the Node and Python runtimes in the JSON format; undefined for Ruby (text only). */
export function jsonErrorLine(runtime: string, time: number, requestId: string | undefined, err: HandlerError): string | undefined {
  if (runtime.startsWith('python')) {
    return `${JSON.stringify({
      timestamp: pythonErrorTimestamp(time),
      level: 'ERROR',
      errorMessage: err.errorMessage,
      errorType: err.errorType,
      requestId: requestId ?? '',
      stackTrace: err.trace,
    })}\n`;
  }
  if (runtime.startsWith('nodejs')) {
    const message = { errorType: err.errorType, errorMessage: err.errorMessage, stackTrace: err.trace };
    return `${JSON.stringify({ timestamp: new Date(time).toISOString(), level: 'ERROR', requestId, message })}\n`;
  }
  return undefined;
}

/**
 * Whether Lambda keeps an application line under ApplicationLogLevel: only JSON objects with a known `level` and a
 * `timestamp` are filtered (plain text such as Python's print always passes), as the JSON format documents.
 */
export function keepsApplicationLine(line: string, minLevel: ApplicationLogLevel | undefined): boolean {
  if (!minLevel || !line.startsWith('{')) return true;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return true;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return true;
  const { level, timestamp } = value as { level?: unknown; timestamp?: unknown };
  if (typeof level !== 'string' || timestamp === undefined) return true;
  const at = rank(APPLICATION_LOG_LEVELS, level.toUpperCase() as ApplicationLogLevel);
  return at === -1 || at >= rank(APPLICATION_LOG_LEVELS, minLevel);
}

/** The platform and error lines of one function's environments, in its log format. */
export class FunctionLogFormat {
  constructor(
    readonly settings: LogSettings,
    private readonly runtime: string,
    private readonly now: () => number = Date.now,
    /** `$LATEST` or the published version the environment runs. */
    private readonly version = '$LATEST',
  ) {}

  get json(): boolean {
    return this.settings.format === 'JSON';
  }

  private platformShown(): boolean {
    const level = this.settings.systemLogLevel ?? 'INFO';
    return rank(SYSTEM_LOG_LEVELS, PLATFORM_EVENT_LEVEL) >= rank(SYSTEM_LOG_LEVELS, level);
  }

  private platform(type: string, record: Record<string, unknown>): string[] {
    return this.platformShown() ? [platformRecord(this.now(), type, record)] : [];
  }

  /** INIT_START, or `platform.initStart` {initializationType, phase, runtimeVersion, runtimeVersionArn, functionName, functionVersion}. */
  initStart(functionName: string): string[] {
    if (!this.json) return [initStartLine(this.runtime)];
    return this.platform('platform.initStart', {
      initializationType: 'on-demand',
      phase: 'init',
      runtimeVersion: runtimeVersion(this.runtime),
      runtimeVersionArn: `s3trigger-sandbox:${this.runtime}`,
      functionName,
      functionVersion: this.version,
    });
  }

  /** START, or `platform.start` {requestId, version}. */
  start(requestId: string): string[] {
    return this.json ? this.platform('platform.start', { requestId, version: this.version }) : [startLine(requestId, this.version)];
  }

  /** END; nothing in JSON (Lambda writes no record for it to CloudWatch). */
  end(requestId: string): string[] {
    return this.json ? [] : [endLine(requestId)];
  }

  /** `outcome` error: a handler's own failure, which the text REPORT leaves without a Status and the JSON record says. */
  report(fields: ReportFields, outcome?: 'success' | 'error' | 'timeout'): string[] {
    if (!this.json) return [reportLine(fields)];
    const status = fields.status ?? (outcome === 'error' ? 'error' : undefined);
    return this.platformShown() ? [reportRecord(this.now(), { ...fields, ...(status ? { status } : {}) })] : [];
  }

  /** The text timeout line; in JSON the report's `"status":"timeout"` says it. */
  timeout(requestId: string, timeoutSeconds: number): string[] {
    return this.json ? [] : [timeoutLine(this.now(), requestId, timeoutSeconds)];
  }

  /** An unhandled error (Node, Python); undefined when the runtime's text lines apply (Ruby, or Text format). */
  handlerError(requestId: string | undefined, err: HandlerError, phase: 'invoke' | 'init'): string[] | undefined {
    if (!this.json) {
      if (this.runtime.startsWith('python')) return [pythonErrorLine(err)];
      if (this.runtime.startsWith('nodejs')) return [nodeErrorLine(this.now(), requestId, err, phase)];
      return undefined;
    }
    const line = jsonErrorLine(this.runtime, this.now(), requestId, err);
    return line ? [line] : undefined;
  }

  /** Whether an application line passes ApplicationLogLevel (JSON format only). */
  keeps(line: string): boolean {
    return !this.json || keepsApplicationLine(line, this.settings.applicationLogLevel);
  }
}
