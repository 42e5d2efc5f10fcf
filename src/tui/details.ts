/** The details view of one row as plain lines. Pure. */
import type { ChainRoute } from '../events.js';
import type { Invocation, Latency, LogLine } from '../observe/types.js';
import { failedToText, type AsyncFate } from '../observe/async-fate.js';
import { attemptCount } from '../observe/invocations.js';
import { hopLatencyText, routeText } from './details-chain.js';
import {
  CONFIDENCE_LABELS,
  OP_LABELS,
  childStatusText,
  foldRuntimePrefix,
  formatBytes,
  formatMs,
  formatTimestamp,
  messageLines,
  statusText,
} from './format.js';
import { bindingFor, formatKeys } from './keymap.js';
import type { ChildRow, OpRow, Row } from './state/types.js';

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

/**
 * The event record as the function logged it: the first app line holding S3 event JSON (an SNS, SQS or EventBridge
 * envelope included), alone or after a label (`EVENT {"Records":…}`).
 */
export function loggedEvent(invocation: Invocation | undefined): string | undefined {
  for (const line of invocation?.lines ?? []) {
    if (line.kind !== 'app') continue;
    const brace = line.message.indexOf('{');
    const json = prettyJson(line.message) ?? (brace >= 0 ? prettyJson(line.message.slice(brace)) : undefined);
    if (json && (json.includes('"Records"') || json.includes('"detail-type"'))) return json;
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

function invocationLines(invocation: Invocation | undefined, fates?: Record<string, AsyncFate>): DetailLine[] {
  if (!invocation) return [{ text: 'no invocation matched yet', style: 'dim' }];
  const lines: DetailLine[] = [
    plain(`request id    ${invocation.requestId} (${invocation.status})`),
    plain(`log           ${invocation.logGroup} ${invocation.logStream}`),
  ];
  // Retries of an asynchronous event share its request id; once the last one failed, where Lambda sent the event.
  const attempts = attemptCount(invocation);
  const fate = fates?.[invocation.logGroup.replace(/^\/aws\/lambda\//, '')];
  if (attempts > 1) lines.push(plain(`attempts      ${attempts}`));
  if (fate && (invocation.status === 'failed' || invocation.status === 'timed-out') && attempts >= fate.maximumRetryAttempts + 1)
    lines.push({ text: `went to       ${failedToText(fate)}`, style: 'error' });
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

/** When the S3 request went out and was acked (this machine's clock). */
function requestTimes(row: OpRow | undefined): DetailLine[] {
  return [
    plain(`started       ${formatTimestamp(row?.startedAt)}  (this machine)`),
    plain(`acked         ${formatTimestamp(row?.result?.ackedAt)}  (this machine)`),
  ];
}

function timingLines(row: OpRow | undefined, l: Latency | undefined, invocation: Invocation | undefined): DetailLine[] {
  const hops = (l?.hops ?? []).map((hop, i) => plain(`${i === 0 ? 'per hop' : ''}`.padEnd(14) + hopLatencyText(hop)));
  return [
    ...requestTimes(row),
    plain(`START         ${formatTimestamp(invocation?.startedAt)}  (Lambda clock)`),
    plain(`END           ${formatTimestamp(invocation?.endedAt)}  (Lambda clock)`),
    plain(`REPORT        ${formatTimestamp(invocation?.reportedAt)}  (Lambda clock)`),
    plain(`first seen    ${formatTimestamp(invocation?.firstSeenAt)}  (this machine)`),
    plain(`trigger       ${formatMs(l?.triggerMs) || '-'}  ack -> START (this machine -> Lambda clock)`),
    ...hops,
    plain(`end to end    ${formatMs(l?.endToEndMs) || '-'}  ack -> REPORT (this machine -> Lambda clock)`),
    plain(`duration      ${formatMs(l?.durationMs) || '-'}  REPORT Duration (Lambda's own)`),
    plain(`tail lag      ${formatMs(l?.tailLagMs) || '-'}  START -> seen here (Lambda clock -> this machine)`),
  ];
}

/** The rows a row's details also read: a child row's op row, an op row's child rows. */
export interface DetailContext {
  parent?: OpRow;
  children?: readonly ChildRow[];
  /** Discovery's asynchronous settings per function (where failed events go). */
  fates?: Record<string, AsyncFate>;
}

/** The op's request, S3's answer and the op's warnings. */
function opLines(row: OpRow): DetailLine[] {
  const lines = [title('Request'), ...requestLines(row), title('S3 response'), ...responseLines(row)];
  if (row.warnings.length) lines.push(title('Warnings'), ...row.warnings.map((w) => ({ text: w, style: 'error' as const })));
  return lines;
}

function routeLines(bucket: string, routes: readonly ChainRoute[]): DetailLine[] {
  return routes.map((route) => plain(routeText(bucket, route)));
}

/** One line per function of a fan-out, and how to open one. */
function functionLines(children: readonly ChildRow[]): DetailLine[] {
  const lines = children.map((child) => {
    const l = child.latency;
    const figures = [
      l?.triggerMs !== undefined ? `trigger ${formatMs(l.triggerMs)}` : '',
      l?.durationMs !== undefined ? `λ ${formatMs(l.durationMs)}` : '',
      l?.coldStart ? 'cold' : '',
    ].filter(Boolean);
    const text = `${child.last ? '└─' : '├─'} ${child.function.padEnd(24)} ${childStatusText(child).padEnd(14)} ${figures.join('  ')}`;
    return child.status === 'did-not-run' || child.status === 'lambda-failed' ? { text, style: 'error' as const } : plain(text);
  });
  const enter = formatKeys(bindingFor('events.details'));
  return [...lines, { text: `a function's row (under this row in the events table) + ${enter}: its invocation and route`, style: 'dim' }];
}

function childDetailLines(
  row: ChildRow,
  invocations: Record<string, Invocation>,
  parent: OpRow | undefined,
  fates?: Record<string, AsyncFate>,
): DetailLine[] {
  const invocation = row.requestId ? invocations[row.requestId] : undefined;
  const op = parent ? ` ${OP_LABELS[parent.input.kind]}` : '';
  const how = row.confidence ? `, matched by ${CONFIDENCE_LABELS[row.confidence]}` : '';
  const lines: DetailLine[] = [title(`#${row.opId}${op} → λ ${row.function}: ${childStatusText(row)}${how}`)];
  if (parent) lines.push(...opLines(parent));
  lines.push(title('Route'));
  if (row.routes.length && parent) lines.push(...routeLines(parent.input.bucket, row.routes));
  else lines.push({ text: 'no route to this function in the discovered chain (matched by its log group)', style: 'dim' });
  lines.push(title('Invocation'));
  if (invocation || row.status === 'matched' || row.status === 'lambda-failed') lines.push(...invocationLines(invocation, fates));
  else if (row.status === 'did-not-run')
    lines.push({ text: `did not run: no invocation of ${row.function} matched before the operation's timeout`, style: 'error' });
  else lines.push({ text: `waiting for ${row.function}: no invocation matched yet`, style: 'dim' });
  lines.push(title('Timings'), ...timingLines(parent, row.latency, invocation));
  return lines;
}

export function detailLines(row: Row, invocations: Record<string, Invocation>, context: DetailContext = {}): DetailLine[] {
  if (row.kind === 'foreign') {
    return [
      title(`Foreign invocation ${row.requestId} (no operation of this session explains it)`),
      ...invocationLines(invocations[row.requestId], context.fates),
    ];
  }
  if (row.kind === 'child') return childDetailLines(row, invocations, context.parent, context.fates);
  const invocation = row.requestId ? invocations[row.requestId] : undefined;
  const how = row.confidence && !row.fanout ? `, matched by ${CONFIDENCE_LABELS[row.confidence]}` : '';
  const lines: DetailLine[] = [title(`#${row.opId} ${OP_LABELS[row.input.kind]}: ${statusText(row, 20)}${how}`), ...opLines(row)];
  if (row.routes?.length) lines.push(title('Route'), ...routeLines(row.input.bucket, row.routes));
  if (row.fanout) {
    lines.push(title('Functions'), ...functionLines(context.children ?? []));
    lines.push(title('Timings'), ...requestTimes(row));
    return lines;
  }
  lines.push(title('Invocation'), ...invocationLines(invocation, context.fates));
  lines.push(title('Timings'), ...timingLines(row, row.latency, invocation));
  return lines;
}
