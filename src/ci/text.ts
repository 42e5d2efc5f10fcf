/** Human CI output, as pure line builders: the scripts' lines for each op, then the invocation and its latency. */
import type { Discovery, TargetInfo } from '../events.js';
import type { OpError, OpInput, OpResult } from '../ops/types.js';
import type { Invocation, Latency, LatencyHop, MatchConfidence } from '../observe/types.js';
import { keyOf } from '../ops/index.js';
import { attemptCount } from '../observe/invocations.js';
import { invocationVersion } from '../observe/lambda-log.js';
import { failedToText, type AsyncFate } from '../observe/async-fate.js';
import { errorLines } from './outcome.js';
import { opDefinition } from '../ops/registry.js';

export function targetLines(target: TargetInfo): string[] {
  return [`Target: ${target.label}`, ...(target.note ? [`Note: ${target.note}`] : [])];
}

export function bucketLine(bucket: string, created: boolean): string {
  return created ? `Bucket ${bucket} created.` : `Bucket '${bucket}' exists and is accessible.`;
}

export function discoveryLines(d: Discovery, tailing: boolean): string[] {
  const lines: string[] = [];
  if (tailing && d.logGroups.length) {
    const fns = d.functions.length ? ` (function ${d.functions.join(', ')})` : '';
    lines.push(`Watching ${d.logGroups.join(', ')}${fns}`);
  }
  // A followed chain names its topics, queues and rules on the Chain line already.
  if (!d.chain?.routes.some((r) => r.hops.length > 0)) for (const dest of d.destinations) lines.push(`Note: ${dest}`);
  for (const w of d.warnings) lines.push(`Warning: ${w}`);
  return lines;
}

/** The chain discovery followed, once (stderr): `Chain: test-bucket → SNS uploads → fn-resize, fn-index`. */
export function chainLine(d: Discovery): string | undefined {
  return d.chain ? `Chain: ${d.chain.summary}` : undefined;
}

/** A fan-out operation's line naming each function and whether it ran: `Functions: event-handler (matched), event-indexer (did not run)`. */
export function fanOutLine(matchedFunctions: readonly string[], missing: readonly string[]): string | undefined {
  if (matchedFunctions.length + missing.length < 2) return undefined;
  const parts = [...matchedFunctions.map((f) => `${f} (matched)`), ...missing.map((f) => `${f} (did not run)`)];
  return `Functions: ${parts.join(', ')}`;
}

/** Exit 3 of a fan-out: the functions that did not run for the operation within --timeout. */
export function missingFunctionsLine(input: OpInput, timeoutMs: number, missing: readonly string[], ran: number): string {
  const fns = missing.join(', ');
  return `No invocation of ${fns} for ${opName(input)} ${keyOf(input)} within ${timeoutMs / 1000}s (${ran} of ${ran + missing.length} functions ran)`;
}

/** Exit 3 of --expect-invocations N: fewer invocations than asked within --timeout. */
export function tooFewLine(input: OpInput, timeoutMs: number, got: number, expected: number): string {
  return `Only ${got} of ${expected} expected invocations for ${opName(input)} ${keyOf(input)} within ${timeoutMs / 1000}s`;
}

/** The scripts' line before an operation runs. */
export function opStartLine(input: OpInput): string {
  return opDefinition(input.kind).cli.startLine(input);
}

export { partCount } from '../ops/multipart.js';

/**
 * The scripts' line once S3 acknowledged an operation, with the version S3 gave it on a versioned bucket:
 * `Done. (version id 3HL4kqtJ…)`, `Done. (delete marker, version id …)`.
 */
export function opDoneLine(input: OpInput, result: OpResult): string {
  const line = opDefinition(input.kind).cli.doneLine?.(input, result) ?? 'Done.';
  if (result.versionId === undefined) return result.deleteMarker ? `${line} (delete marker)` : line;
  return `${line} (${result.deleteMarker ? 'delete marker, ' : ''}version id ${result.versionId})`;
}

const opName = (input: OpInput) => opDefinition(input.kind).label;

/** One line naming what failed and what to do about it. */
export function failureLine(input: OpInput, error: OpError, target?: TargetInfo): string {
  const where = `${opName(input)} s3://${input.bucket}/${keyOf(input)}`;
  switch (error.code) {
    case 'NoSuchKey':
      if (input.kind === 'copy') {
        return `Error: copy source s3://${input.sourceBucket}/${input.sourceKey} does not exist (NoSuchKey): check --copy SRC_BUCKET SRC_KEY`;
      }
      return `Error: ${where}: no such key (NoSuchKey)`;
    case 'NoSuchBucket':
      return noSuchBucketLine(input, where, error.bucketName);
    case 'AccessDenied':
    case 'Forbidden':
      return `Error: ${where}: access denied (${error.code}): ${error.message === 'Access Denied' ? 'check the IAM permissions of your credentials' : error.message}`;
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return `Error: ${where}: the AWS session token has expired (${error.code}): refresh your credentials`;
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
      return `Error: ${where}: AWS rejected the credentials (${error.code}): check them, or use --local for the sandbox`;
    case 'NoCredentials':
      return `Error: ${where}: no AWS credentials could be loaded: configure them, or use --local for the sandbox`;
    case 'EndpointUnreachable':
      return `Error: ${where}: ${error.message} at ${target?.endpoint ?? 'AWS'}: check --endpoint-url / AWS_ENDPOINT_URL or your network`;
    case 'Aborted':
      return `Cancelled: ${where}`;
    default:
      return `Error: ${where}: ${error.message}${error.message.includes(error.code) ? '' : ` (${error.code})`}`;
  }
}

/**
 * NoSuchBucket names the bucket in its `<BucketName>` (AWS and the sandbox do): a COPY's may be its source, which
 * --create-bucket would not create. An endpoint that names none leaves both of a COPY's buckets as suspects.
 */
function noSuchBucketLine(input: OpInput, where: string, bucketName: string | undefined): string {
  const create = 'pass --create-bucket to create it';
  if (input.kind !== 'copy' || input.sourceBucket === input.bucket || bucketName === input.bucket)
    return `Error: ${where}: the bucket does not exist (NoSuchBucket): ${create}`;
  if (bucketName === input.sourceBucket) {
    return `Error: copy source s3://${input.sourceBucket}/${input.sourceKey}: the bucket ${input.sourceBucket} does not exist (NoSuchBucket): check --copy SRC_BUCKET SRC_KEY`;
  }
  return `Error: ${where}: a bucket does not exist (NoSuchBucket), the endpoint did not say which: the source ${input.sourceBucket} (check --copy SRC_BUCKET SRC_KEY) or the destination ${input.bucket} (${create})`;
}

const CONFIDENCE_WORDS: Record<MatchConfidence, string> = {
  'request-id': 'request-id (the S3 request id is in its log)',
  key: 'key (the object key and event are in its log)',
  time: 'time (the only operation awaiting a match; no id or key in its log)',
};

/** A log message's lines: Lambda joins a multi-line message with `\r` (every Python traceback), and each part is one line. */
export function messageLines(message: string): string[] {
  return message.replace(/[\r\n]+$/, '').split(/\r\n|\r|\n/);
}

/** `direct`: the op invoked Lambda itself (REPLAY), so a request-id match is the id its Invoke returned. */
export function invocationLines(inv: Invocation, confidence: MatchConfidence, latency: Latency, direct = false): string[] {
  const version = invocationVersion(inv);
  const flags = [
    ...(version && version !== '$LATEST' ? [`version ${version}`] : []),
    latency.coldStart ? 'cold start' : 'warm',
    ...(inv.status !== 'succeeded' && inv.status !== 'running' ? [inv.status] : []),
  ];
  const header = `Invocation ${inv.requestId} in ${inv.logGroup} matched by ${direct && confidence === 'request-id' ? 'request-id (the one its Invoke returned)' : CONFIDENCE_WORDS[confidence]}, ${flags.join(', ')}`;
  const body = inv.lines.flatMap((l) => messageLines(l.message).map((s) => `  ${s}`));
  return [header, ...body];
}

/**
 * A failed or timed-out invocation: one line saying so, then its error lines (each `\r` part on its own line); when
 * Lambda ran it more than once, or its asynchronous settings (`fate`, GetFunctionEventInvokeConfig) are known and every
 * attempt was seen, a last line with the attempts and where the event went: `2 attempts; retries exhausted → OnFailure
 * queue q-failed`.
 */
export function lambdaFailedLines(inv: Invocation, fate?: AsyncFate): string[] {
  const how = inv.status === 'timed-out' ? 'timed out' : 'ended in an error';
  const body = errorLines(inv).flatMap((l) => messageLines(l.message).map((s) => `  ${s}`));
  const attempts = attemptCount(inv);
  const parts = [
    ...(attempts > 1 ? [`${attempts} attempts`] : []),
    ...(fate && attempts >= fate.maximumRetryAttempts + 1 ? [failedToText(fate)] : []),
  ];
  return [
    `Lambda failed: invocation ${inv.requestId} in ${inv.logGroup} ${how}`,
    ...body,
    ...(parts.length ? [`  ${parts.join('; ')}`] : []),
  ];
}

/** What --retrigger-prefix found to re-fire. */
export function retriggerPrefixLine(bucket: string, prefix: string, count: number): string {
  const where = `s3://${bucket}/${prefix}`;
  return count === 0 ? `No object under ${where}: nothing to re-fire` : `Re-firing ${count} object(s) under ${where}`;
}

/** An operation not fired because an earlier one of the run failed, or the run was interrupted. */
export function skippedLine(input: OpInput, why: 'failed' | 'interrupted' = 'failed'): string {
  return `Skipped: ${opName(input)} s3://${input.bucket}/${keyOf(input)} (${why === 'failed' ? 'an earlier operation failed' : 'interrupted'})`;
}

/** 0 is what a span below zero was clamped to (observe/latency.ts): less than a millisecond. */
const ms = (n: number) => (n === 0 ? '<1 ms' : `${Number.isInteger(n) ? n : n.toFixed(1)} ms`);

/**
 * Every figure says which clocks it spans. `oneClock`: S3's ack and Lambda's timestamps come from this machine's
 * clock (the sandbox, an endpoint on loopback).
 */
export function latencyLine(l: Latency, oneClock = false, direct = false): string {
  const ack = direct ? 'Invoke ack' : 'S3 ack';
  const across = (from: string, to: string) =>
    oneClock ? `${from} -> ${to}, one clock: this machine's` : `${from}, this machine -> ${to}, Lambda clock`;
  const parts: string[] = [];
  if (l.triggerMs !== undefined) parts.push(`trigger ${ms(l.triggerMs)} (${across(ack, 'START')})`);
  if (l.endToEndMs !== undefined) parts.push(`end-to-end ${ms(l.endToEndMs)} (${across(ack, 'REPORT')})`);
  if (l.durationMs !== undefined) parts.push(`duration ${ms(l.durationMs)} (Lambda's own)`);
  if (l.initDurationMs !== undefined) parts.push(`init ${ms(l.initDurationMs)} (cold start, Lambda's own)`);
  if (l.tailLagMs !== undefined) {
    parts.push(
      `tail lag ${ms(l.tailLagMs)} (${oneClock ? "START -> seen, one clock: this machine's" : 'START, Lambda clock -> seen, this machine'})`,
    );
  }
  if (l.hops?.length) parts.push(`hops ${l.hops.map(hopText).join(', ')}`);
  return `Latency: ${parts.length ? parts.join(', ') : 'not measurable (no START/REPORT seen)'}`;
}

const HOP_NAMES: Record<LatencyHop['from'] | LatencyHop['to'], string> = {
  ack: 'S3 ack',
  sns: 'SNS',
  sqs: 'SQS',
  eventbridge: 'EventBridge',
  start: 'START',
};

/** `SNS -> START 4 ms (SNS's clock -> Lambda's clock)`. */
export function hopText(h: LatencyHop): string {
  return `${HOP_NAMES[h.from]} -> ${HOP_NAMES[h.to]} ${ms(h.ms)} (${h.clocks})`;
}

/** `tailNotes`: what the tail last said of each group that had trouble (refused, errors), so a timeout explains itself. */
export function noMatchLine(
  input: OpInput,
  timeoutMs: number,
  logGroups: string[],
  tailNotes: ReadonlyMap<string, string> = new Map(),
): string {
  const watched = logGroups.length ? `in ${logGroups.join(', ')}` : '(no log group to watch: pass --function or --log-group)';
  const notes = [...tailNotes].map(([group, note]) => `${group}: ${note}`);
  const why = notes.length ? ` (tail: ${notes.join('; ')})` : '';
  return `No matching invocation for ${opName(input)} ${keyOf(input)} within ${timeoutMs / 1000}s ${watched}${why}`;
}

/** An interrupt (Ctrl-C, SIGTERM) ended the wait for an acked op: after `waitedMs` of --timeout, not at it. */
export function interruptedWaitLine(input: OpInput, waitedMs: number | undefined, timeoutMs: number): string {
  const after = waitedMs === undefined ? ' (' : `, after ${(waitedMs / 1000).toFixed(1)}s of `;
  return `Interrupted while waiting for an invocation of ${opName(input)} ${keyOf(input)}${after}--timeout ${timeoutMs / 1000}s${waitedMs === undefined ? ')' : ''}`;
}

export function expectFailedLine(pattern: string, inv: Invocation): string {
  return `Expect failed: /${pattern}/ not found in the log of invocation ${inv.requestId}`;
}
