/** The details view of one row as plain lines. Pure. */
import type { Invocation, LogLine } from '../observe/types.js';
import {
  CONFIDENCE_LABELS,
  OP_LABELS,
  foldRuntimePrefix,
  formatBytes,
  formatMs,
  formatTimestamp,
  messageLines,
  statusText,
} from './format.js';
import type { OpRow, Row } from './state/types.js';

export interface DetailLine {
  text: string;
  style?: 'title' | 'error' | 'dim' | 'log';
  kind?: LogLine['kind'];
}

const title = (text: string): DetailLine => ({ text, style: 'title' });
const plain = (text: string): DetailLine => ({ text });

/** The JSON a log line carries after the runtime's "timestamp\trequestId\tLEVEL\t" prefix, pretty; else undefined. */
export function prettyJson(message: string): string | undefined {
  const body = message.split('\t').pop()!.trim();
  if (!body.startsWith('{') && !body.startsWith('[')) return undefined;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return undefined;
  }
}

/** The event record as the function logged it: the first app line holding S3 event JSON. */
export function loggedEvent(invocation: Invocation | undefined): string | undefined {
  for (const line of invocation?.lines ?? []) {
    if (line.kind !== 'app') continue;
    const json = prettyJson(line.message);
    if (json?.includes('"Records"')) return json;
  }
  return undefined;
}

// Lines Lambda's runtimes write for a failure that the log parser may have filed as app output.
const ERROR_TEXT = /\berrorType\b|^Traceback \(most recent call last\)|\tERROR\t|^\[ERROR\]|Task timed out after/;

/**
 * The lines that tell why an invocation failed, one per text line: ERROR lines (node's `Invoke Error` with its
 * `errorType`, python's `[ERROR]` with its traceback, joined by `\r`), and `Task timed out after N seconds`.
 */
export function lambdaErrorLines(invocation: Invocation | undefined): string[] {
  const out: string[] = [];
  for (const line of invocation?.lines ?? []) {
    if (line.kind === 'error' || line.kind === 'timeout' || ERROR_TEXT.test(line.message)) out.push(...errorTextLines(line.message));
  }
  return out;
}

/**
 * One error line as a reader wants it: the runtime prefix folded; node's `Invoke Error {"errorType",…}` as
 * `errorType: errorMessage` and its stack, one frame a line (Lambda's error object, as the Node.js runtime logs it).
 */
function errorTextLines(message: string): string[] {
  const text = foldRuntimePrefix(message);
  const json = text.indexOf('{');
  if (json >= 0 && text.includes('errorType')) {
    try {
      const e = JSON.parse(text.slice(json)) as { errorType?: string; errorMessage?: string; stack?: unknown; trace?: unknown };
      const frames = Array.isArray(e.stack) ? e.stack : Array.isArray(e.trace) ? e.trace : [];
      const head = `${e.errorType ?? 'Error'}: ${e.errorMessage ?? ''}`;
      return [head, ...frames.filter((f): f is string => typeof f === 'string' && !f.startsWith(head)).flatMap(messageLines)];
    } catch {
      // not the runtime's error object: shown as it is
    }
  }
  return messageLines(text);
}

function requestLines(row: OpRow): DetailLine[] {
  const i = row.input;
  const lines = [plain(`bucket        ${i.bucket}`), plain(`key           ${i.key ?? '(from file name)'}`)];
  if ('file' in i && i.file) lines.push(plain(`file          ${i.file}`));
  if (i.kind === 'copy') lines.push(plain(`source        ${i.sourceBucket}/${i.sourceKey}`));
  if (i.kind === 'multipart' && !i.file) lines.push(plain(`size          ${i.sizeMB ?? '?'} MB generated`));
  return lines;
}

function responseLines(row: OpRow): DetailLine[] {
  const r = row.result;
  if (!r) return [{ text: row.status === 'progress' ? statusText(row, 20) : 'waiting for S3…', style: 'dim' }];
  const lines: DetailLine[] = [];
  if (r.error) {
    lines.push({ text: `error         ${r.error.code}${r.error.httpStatus ? ` (HTTP ${r.error.httpStatus})` : ''}`, style: 'error' });
    lines.push({ text: `              ${r.error.message}`, style: 'error' });
  }
  lines.push(plain(`request id    ${r.requestId ?? '-'}`));
  lines.push(plain(`ETag          ${r.etag ?? '-'}`));
  lines.push(plain(`version       ${r.versionId ?? '-'}`));
  if (r.bytes !== undefined) lines.push(plain(`bytes         ${r.bytes} (${formatBytes(r.bytes)})`));
  return lines;
}

function invocationLines(invocation: Invocation | undefined): DetailLine[] {
  if (!invocation) return [{ text: 'no invocation matched yet', style: 'dim' }];
  const lines: DetailLine[] = [
    plain(`request id    ${invocation.requestId} (${invocation.status})`),
    plain(`log           ${invocation.logGroup} ${invocation.logStream}`),
  ];
  if (invocation.status === 'failed' || invocation.status === 'timed-out') {
    const errors = lambdaErrorLines(invocation);
    lines.push(title('Lambda error'));
    if (errors.length) for (const text of errors) lines.push({ text, style: 'error' });
    else
      lines.push({
        text: invocation.status === 'timed-out' ? 'timed out (no line says more)' : 'failed (no error line was logged)',
        style: 'dim',
      });
  }
  const event = loggedEvent(invocation);
  lines.push(title('Event record (as the function logged it)'));
  if (event) for (const text of event.split('\n')) lines.push(plain(text));
  else lines.push({ text: 'not logged as JSON; see the log lines below', style: 'dim' });
  lines.push(title('Log lines'));
  for (const line of invocation.lines) {
    for (const text of messageLines(line.message)) lines.push({ text, style: 'log', kind: line.kind });
  }
  const report = invocation.report;
  lines.push(title('REPORT'));
  if (report) {
    lines.push(plain(`duration      ${report.durationMs} ms (billed ${report.billedDurationMs} ms)`));
    lines.push(plain(`memory        ${report.maxMemoryUsedMB} of ${report.memorySizeMB} MB`));
    lines.push(
      plain(`init          ${report.initDurationMs === undefined ? '- (warm start)' : `${report.initDurationMs} ms (cold start)`}`),
    );
  } else {
    lines.push({ text: 'no REPORT line yet', style: 'dim' });
  }
  return lines;
}

function timingLines(row: OpRow, invocation: Invocation | undefined): DetailLine[] {
  const l = row.latency;
  return [
    plain(`started       ${formatTimestamp(row.startedAt)}  (this machine)`),
    plain(`acked         ${formatTimestamp(row.result?.ackedAt)}  (this machine)`),
    plain(`START         ${formatTimestamp(invocation?.startedAt)}  (Lambda clock)`),
    plain(`END           ${formatTimestamp(invocation?.endedAt)}  (Lambda clock)`),
    plain(`REPORT        ${formatTimestamp(invocation?.reportedAt)}  (Lambda clock)`),
    plain(`first seen    ${formatTimestamp(invocation?.firstSeenAt)}  (this machine)`),
    plain(`trigger       ${formatMs(l?.triggerMs) || '-'}  ack -> START (this machine -> Lambda clock)`),
    plain(`end to end    ${formatMs(l?.endToEndMs) || '-'}  ack -> REPORT (this machine -> Lambda clock)`),
    plain(`duration      ${formatMs(l?.durationMs) || '-'}  REPORT Duration (Lambda's own)`),
    plain(`tail lag      ${formatMs(l?.tailLagMs) || '-'}  START -> seen here (Lambda clock -> this machine)`),
  ];
}

export function detailLines(row: Row, invocations: Record<string, Invocation>): DetailLine[] {
  if (row.kind === 'foreign') {
    return [
      title(`Foreign invocation ${row.requestId} (no operation of this session explains it)`),
      ...invocationLines(invocations[row.requestId]),
    ];
  }
  const invocation = row.requestId ? invocations[row.requestId] : undefined;
  const lines: DetailLine[] = [
    title(
      `#${row.opId} ${OP_LABELS[row.input.kind]}: ${statusText(row, 20)}${row.confidence ? `, matched by ${CONFIDENCE_LABELS[row.confidence]}` : ''}`,
    ),
    title('Request'),
    ...requestLines(row),
    title('S3 response'),
    ...responseLines(row),
  ];
  if (row.warnings.length) lines.push(title('Warnings'), ...row.warnings.map((w) => ({ text: w, style: 'error' as const })));
  lines.push(title('Invocation'), ...invocationLines(invocation));
  lines.push(title('Timings'), ...timingLines(row, invocation));
  return lines;
}
