/**
 * Parses one CloudWatch message written by the Lambda runtime: the platform lines
 * (START / END / REPORT), node's `<ISO>\t<id>\t<LEVEL>\t<msg>`, python logging's
 * `[LEVEL]\t<ts>\t<id>\t<msg>`, the JSON log format and the timeout / error lines (Ruby's error object too).
 */
import type { LogLine, ReportMetrics } from './types.js';

export interface ParsedLambdaLine {
  kind: LogLine['kind'];
  requestId?: string;
  /** REPORT metrics (text or JSON platform.report). */
  report?: ReportMetrics;
  /** The invocation ended badly: a timeout, an unhandled error, a REPORT/JSON status other than success. */
  outcome?: 'failed' | 'timed-out';
  /** Application text without the runtime's prefix (ISO time, id, level). */
  text?: string;
  level?: string;
}

const ID = '(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[\\w-]{8,64})';
const START_RE = new RegExp(`^START RequestId: (${ID})(?:\\s|$)`);
const END_RE = new RegExp(`^END RequestId: (${ID})(?:\\s|$)`);
const REPORT_RE = new RegExp(`^REPORT RequestId: (${ID})(?:\\s|$)`);
const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z';
const NODE_RE = new RegExp(`^(${ISO})[\\t ]+(${ID}|undefined)[\\t ]+([A-Z]+)\\t([\\s\\S]*)$`);
const PY_RE = new RegExp(`^\\[([A-Z]+)\\]\\t(\\S+)\\t(${ID}|undefined)?\\t([\\s\\S]*)$`);
const TIMEOUT_RE = new RegExp(`^(?:(${ISO})[\\t ]+)?(?:${ID}[\\t ]+)?Task timed out after [\\d.]+ seconds`);
const ERROR_LEVELS = new Set(['ERROR', 'FATAL', 'CRITICAL']);

/** `Name: 1.23 ms` / `Name: 128 MB` of a REPORT line, compiled once (a burst parses a REPORT line per invocation). */
const metricRe = (name: string) => new RegExp(`${name}: ([\\d.]+) (?:ms|MB)`);
const METRIC = {
  duration: metricRe('(?<!Init |Billed |Restore )Duration'),
  init: metricRe('Init Duration'),
  billed: metricRe('Billed Duration'),
  memory: metricRe('Memory Size'),
  maxMemory: metricRe('Max Memory Used'),
};

function metric(line: string, re: RegExp): number | undefined {
  const m = re.exec(line);
  return m ? Number(m[1]) : undefined;
}

export function parseReportMetrics(line: string): ReportMetrics | undefined {
  const durationMs = metric(line, METRIC.duration);
  if (durationMs === undefined) return undefined;
  const initDurationMs = metric(line, METRIC.init);
  return {
    durationMs,
    billedDurationMs: metric(line, METRIC.billed) ?? Math.ceil(durationMs),
    memorySizeMB: metric(line, METRIC.memory) ?? 0,
    maxMemoryUsedMB: metric(line, METRIC.maxMemory) ?? 0,
    ...(initDurationMs !== undefined ? { initDurationMs } : {}),
  };
}

/** Newer runtimes append `Status: timeout` / `Status: error` to REPORT. */
function reportOutcome(line: string): ParsedLambdaLine['outcome'] {
  const status = /\bStatus: (\w+)/.exec(line)?.[1];
  if (status === 'timeout') return 'timed-out';
  if (status === 'error' || status === 'failure') return 'failed';
  return undefined;
}

function jsonStatusOutcome(status: unknown): ParsedLambdaLine['outcome'] {
  if (status === 'timeout') return 'timed-out';
  if (status === 'error' || status === 'failure') return 'failed';
  return undefined;
}

function parseJsonLine(message: string): ParsedLambdaLine | undefined {
  if (!message.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const record = (obj.record && typeof obj.record === 'object' ? obj.record : {}) as Record<string, unknown>;
  const recordId = typeof record.requestId === 'string' ? record.requestId : undefined;
  switch (obj.type) {
    case 'platform.start':
      return recordId ? { kind: 'start', requestId: recordId } : undefined;
    case 'platform.runtimeDone': {
      const outcome = jsonStatusOutcome(record.status);
      return { kind: outcome === 'timed-out' ? 'timeout' : 'end', requestId: recordId, ...(outcome ? { outcome } : {}) };
    }
    case 'platform.report': {
      const m = (record.metrics ?? {}) as Record<string, unknown>;
      const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
      const durationMs = num(m.durationMs) ?? 0;
      const initDurationMs = num(m.initDurationMs);
      const outcome = jsonStatusOutcome(record.status);
      return {
        kind: 'report',
        requestId: recordId,
        report: {
          durationMs,
          billedDurationMs: num(m.billedDurationMs) ?? Math.ceil(durationMs),
          memorySizeMB: num(m.memorySizeMB) ?? 0,
          maxMemoryUsedMB: num(m.maxMemoryUsedMB) ?? 0,
          ...(initDurationMs !== undefined ? { initDurationMs } : {}),
        },
        ...(outcome ? { outcome } : {}),
      };
    }
  }
  if (typeof obj.type === 'string' && obj.type.startsWith('platform.')) return { kind: 'app', requestId: recordId };
  // The Ruby runtime's unhandled error: {"errorMessage","errorType":"Function<…>"|"Init<…>","stackTrace"}.
  if (typeof obj.errorType === 'string' && /^(Function|Init)<.+>$/.test(obj.errorType) && obj.requestId === undefined) {
    return { kind: 'error', level: 'ERROR', text: message, outcome: 'failed' };
  }
  // Application log in JSON format: {"timestamp","level","requestId","message"}.
  const requestId = typeof obj.requestId === 'string' ? obj.requestId : undefined;
  const level = typeof obj.level === 'string' ? obj.level.toUpperCase() : undefined;
  if (requestId === undefined && level === undefined) return undefined;
  const text = typeof obj.message === 'string' ? obj.message : JSON.stringify(obj.message ?? '');
  if (/^Task timed out after/.test(text)) return { kind: 'timeout', requestId, outcome: 'timed-out', text };
  const isError = level !== undefined && ERROR_LEVELS.has(level);
  const unhandled = isError && (typeof obj.errorType === 'string' || /^Invoke Error/.test(text));
  return { kind: isError ? 'error' : 'app', requestId, text, level, ...(unhandled ? { outcome: 'failed' as const } : {}) };
}

const START_VERSION_RE = new RegExp(`^START RequestId: ${ID} Version: (\\S+)`);

/**
 * The function version an invocation ran, from its last START line: `START RequestId: … Version: 3` or the JSON
 * `platform.start` record's `version`. Undefined without a START line.
 */
export function startVersion(lines: readonly { message: string }[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const message = lines[i]!.message;
    const text = START_VERSION_RE.exec(message)?.[1];
    if (text) return text;
    if (message.startsWith('{') && message.includes('platform.start')) {
      try {
        const obj = JSON.parse(message) as { type?: unknown; record?: { version?: unknown } };
        if (obj.type === 'platform.start' && typeof obj.record?.version === 'string') return obj.record.version;
      } catch {
        /* not a JSON record */
      }
    }
  }
  return undefined;
}

/**
 * The version an invocation ran: its START line's, else its log stream's (`YYYY/MM/DD/[3]<hex>`, the environment's
 * version; a START line can be missed by a tail that started late). Undefined when neither says.
 */
export function invocationVersion(inv: { lines: readonly { message: string }[]; logStream: string }): string | undefined {
  return startVersion(inv.lines) ?? /^\d{4}\/\d\d\/\d\d\/\[([^\]]+)\]/.exec(inv.logStream)?.[1];
}

/** Classifies one message; never throws. */
export function parseLambdaMessage(raw: string): ParsedLambdaLine {
  const message = raw.replace(/\r?\n$/, '');
  let m = START_RE.exec(message);
  if (m) return { kind: 'start', requestId: m[1] };
  m = END_RE.exec(message);
  if (m) return { kind: 'end', requestId: m[1] };
  m = REPORT_RE.exec(message);
  if (m) {
    const outcome = reportOutcome(message);
    return { kind: 'report', requestId: m[1], report: parseReportMetrics(message), ...(outcome ? { outcome } : {}) };
  }
  // The literal first: the pattern's optional time and id prefixes made every application line a backtracking search.
  m = message.includes('Task timed out after') ? TIMEOUT_RE.exec(message) : null;
  if (m) {
    const id = new RegExp(`(${ID})[\\t ]+Task timed out`).exec(message)?.[1];
    return { kind: 'timeout', ...(id ? { requestId: id } : {}), outcome: 'timed-out', text: message };
  }
  m = NODE_RE.exec(message);
  if (m) {
    const [, , id, level, text] = m as unknown as [string, string, string, string, string];
    const requestId = id === 'undefined' ? undefined : id;
    const isError = ERROR_LEVELS.has(level);
    const unhandled = isError && /^(Invoke Error|Uncaught Exception|Unhandled Promise Rejection)/.test(text);
    return { kind: isError ? 'error' : 'app', requestId, level, text, ...(unhandled ? { outcome: 'failed' as const } : {}) };
  }
  m = PY_RE.exec(message);
  if (m) {
    const [, level, , id, text] = m as unknown as [string, string, string, string | undefined, string];
    const requestId = id && id !== 'undefined' ? id : undefined;
    return { kind: ERROR_LEVELS.has(level) ? 'error' : 'app', requestId, level, text };
  }
  const json = parseJsonLine(message);
  if (json) return json;
  // The Ruby runtime's line before its error object.
  if (/^(Error raised from handler method|Critical exception from handler|Init error when loading handler)$/.test(message)) {
    return { kind: 'error', level: 'ERROR', text: message };
  }
  // Python's unhandled exception: "[ERROR] KeyError: 'x'\rTraceback ..." (no tabs, no id).
  if (/^\[ERROR\] [\w.]+: /.test(message)) {
    return { kind: 'error', level: 'ERROR', text: message, outcome: 'failed' };
  }
  // aws-lambda-go's failure (reportFailure logs the payload it posts to the Runtime API's /error with log.Printf):
  // `2024/01/02 15:04:05 {"errorMessage":"…","errorType":"…"}`.
  if (/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(?:\.\d+)? \{"errorMessage":.*"errorType":/.test(message)) {
    return { kind: 'error', level: 'ERROR', text: message, outcome: 'failed' };
  }
  if (/^RequestId: \S+ Error: Runtime exited|Process exited before completing request/.test(message)) {
    const id = /^RequestId: (\S+)/.exec(message)?.[1];
    return { kind: 'error', ...(id ? { requestId: id } : {}), text: message, outcome: 'failed' };
  }
  return { kind: 'app', text: message };
}

/** A raw event the tail delivered, before parsing. */
export type RawLogEvent = Pick<LogLine, 'logGroup' | 'logStream' | 'timestamp' | 'ingestionTime' | 'message' | 'eventId'>;

export function toLogLine(raw: RawLogEvent, seenAt: number): { line: LogLine; parsed: ParsedLambdaLine } {
  const parsed = parseLambdaMessage(raw.message);
  const line: LogLine = {
    logGroup: raw.logGroup,
    logStream: raw.logStream,
    timestamp: raw.timestamp,
    ...(raw.ingestionTime !== undefined ? { ingestionTime: raw.ingestionTime } : {}),
    message: raw.message,
    ...(raw.eventId !== undefined ? { eventId: raw.eventId } : {}),
    seenAt,
    ...(parsed.requestId !== undefined ? { requestId: parsed.requestId } : {}),
    kind: parsed.kind,
  };
  return { line, parsed };
}
