/**
 * Lambda's text log format, exactly as the managed runtimes write it to CloudWatch.
 * Every message ends in "\n"; newlines inside one message become "\r" (one call = one event).
 */
import { randomBytes } from 'node:crypto';

/** CloudWatch's maximum event size (256 KiB) minus its 26 bytes of per-event overhead. */
export const MAX_EVENT_BYTES = 262_144 - 26;

export function logGroupFor(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** `YYYY/MM/DD/[$LATEST]<32 lowercase hex>` (`[3]` for version 3), dated by the environment's UTC creation day. */
export function logStreamName(createdAt: Date, hex: string = randomBytes(16).toString('hex'), version = '$LATEST'): string {
  const d = createdAt.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${d}/[${version}]${hex}`;
}

/** `START RequestId: … Version: $LATEST`, or the published version that runs (`Version: 3`). */
export function startLine(requestId: string, version = '$LATEST'): string {
  return `START RequestId: ${requestId} Version: ${version}\n`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}\n`;
}

export function initStartLine(runtime: string): string {
  const family = runtime
    .replace(/\.x$/, '')
    .replace(/^(nodejs|python|ruby)(\d)/, '$1:$2')
    .replace(/^provided\./, 'provided:');
  return `INIT_START Runtime Version: ${family}.v1\tRuntime Version ARN: s3trigger-sandbox:${runtime}\n`;
}

export interface ReportFields {
  requestId: string;
  durationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  initDurationMs?: number;
  status?: 'timeout' | 'error';
  errorType?: string;
}

/**
 * Billed Duration in whole ms: the Duration rounded up, plus the Init Duration on a cold start (Lambda bills the INIT
 * phase of on-demand functions since August 2025: `Duration: 5000.00 ms  Billed Duration: 5579 ms … Init Duration: 578.07 ms`).
 */
export function billedDuration(durationMs: number, initDurationMs = 0): number {
  return Math.max(1, Math.ceil(durationMs + initDurationMs));
}

export function reportLine(f: ReportFields): string {
  const parts = [
    `REPORT RequestId: ${f.requestId}`,
    `Duration: ${f.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${billedDuration(f.durationMs, f.initDurationMs)} ms`,
    `Memory Size: ${f.memorySizeMB} MB`,
    `Max Memory Used: ${f.maxMemoryUsedMB} MB`,
  ];
  if (f.initDurationMs !== undefined) parts.push(`Init Duration: ${f.initDurationMs.toFixed(2)} ms`);
  if (f.status) parts.push(`Status: ${f.status}`);
  if (f.errorType) parts.push(`Error Type: ${f.errorType}`);
  // Lambda ends a plain REPORT with a tab, one with a Status without (`…Max Memory Used: 1201 MB\tStatus: timeout\n`).
  return `${parts.join('\t')}${f.status ? '' : '\t'}\n`;
}

const oneEvent = (text: string) => text.replace(/\r?\n/g, '\r');

/** Node's console.* line: `<ISO>\t<requestId>\t<LEVEL>\t<message>`; init-phase lines carry "undefined". */
export function nodeConsoleLine(timestamp: number, requestId: string | undefined, level: string, message: string): string {
  return `${new Date(timestamp).toISOString()}\t${requestId ?? 'undefined'}\t${level}\t${oneEvent(message)}\n`;
}

export function timeoutLine(timestamp: number, requestId: string, timeoutSeconds: number): string {
  return `${new Date(timestamp).toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds\n`;
}

/** What a handler's failure looks like on the wire (payload) and in the log. */
export interface HandlerError {
  errorType: string;
  errorMessage: string;
  /** Node: the stack's lines; Python: the traceback's frames (each "  File ...\n    code\n"). */
  trace: string[];
}

/** Node: `ERROR\tInvoke Error \t{"errorType","errorMessage","stack":[...]}`; "Uncaught Exception" during init. */
export function nodeErrorLine(timestamp: number, requestId: string | undefined, err: HandlerError, phase: 'invoke' | 'init'): string {
  const body = JSON.stringify({ errorType: err.errorType, errorMessage: err.errorMessage, stack: err.trace });
  const label = phase === 'init' ? 'Uncaught Exception' : 'Invoke Error';
  return nodeConsoleLine(timestamp, requestId, 'ERROR', `${label} \t${body}`);
}

/** Python: `[ERROR] Type: message\rTraceback (most recent call last):\r  File ...`. */
export function pythonErrorLine(err: HandlerError): string {
  const head = `[ERROR] ${err.errorType}: ${err.errorMessage}`;
  const trace = err.trace.length ? `\nTraceback (most recent call last):\n${err.trace.join('').replace(/\n$/, '')}` : '';
  return `${oneEvent(head + trace)}\n`;
}

/** The Invoke response payload of a failed invocation, per runtime. */
export function errorPayload(runtime: string, err: HandlerError, requestId: string): Record<string, unknown> {
  if (runtime.startsWith('python')) {
    return { errorMessage: err.errorMessage, errorType: err.errorType, requestId, stackTrace: err.trace };
  }
  return { errorType: err.errorType, errorMessage: err.errorMessage, trace: err.trace };
}

export function runtimeExitLine(requestId: string, detail: string): string {
  return `RequestId: ${requestId} Error: Runtime exited with error: ${detail}\rRuntime.ExitError\n`;
}

/** Splits text into messages no longer than CloudWatch's event limit (by UTF-8 bytes). */
export function splitForCloudWatch(message: string, maxBytes = MAX_EVENT_BYTES): string[] {
  if (Buffer.byteLength(message) <= maxBytes) return [message];
  const out: string[] = [];
  let rest = message;
  while (Buffer.byteLength(rest) > maxBytes) {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes; try the ASCII-sized cut first.
    let cut = Math.min(rest.length, maxBytes);
    if (Buffer.byteLength(rest.slice(0, cut)) > maxBytes) cut = Math.floor(maxBytes / 3);
    if (/[\ud800-\udbff]/.test(rest[cut - 1] ?? '')) cut -= 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}
