/** The NDJSON record of one operation (--json): result, match, latency and the invocation's log. */
import type { Chain, TargetInfo } from '../events.js';
import type { Latency, LatencyHop } from '../observe/types.js';
import { failedToText, type AsyncFate } from '../observe/async-fate.js';
import { attemptCount } from '../observe/invocations.js';
import { invocationVersion } from '../observe/lambda-log.js';
import { keyOf } from '../ops/index.js';
import { errorLines, invocationFailed, statusOf, type OpMatchSummary, type OpOutcome } from './outcome.js';

const raw = (message: string) => message.replace(/\n+$/, '');

function matchRecord(
  { invocation: inv, confidence, latency }: OpMatchSummary,
  fates?: Record<string, AsyncFate>,
  byGroup?: Record<string, string>,
): MatchRecord {
  const fate = fates?.[functionOfGroup(inv.logGroup, byGroup)];
  const attempts = attemptCount(inv);
  const exhausted = fate && invocationFailed(inv) && attempts >= fate.maximumRetryAttempts + 1;
  const version = invocationVersion(inv);
  return {
    function: functionOfGroup(inv.logGroup, byGroup),
    confidence,
    requestId: inv.requestId,
    logGroup: inv.logGroup,
    logStream: inv.logStream,
    status: inv.status,
    ...(version ? { version } : {}),
    errors: errorLines(inv).map((l) => raw(l.message)),
    coldStart: latency.coldStart,
    ...(inv.report ? { report: { ...inv.report } } : {}),
    hops: latency.hops ?? [],
    attempts,
    ...(exhausted ? { failedTo: failedToText(fate) } : {}),
  };
}

/**
 * `/aws/lambda/NAME` -> NAME; a group a function's LoggingConfig names -> that function (`byGroup`, from discovery's
 * logGroupByFunction); another log group (--log-group) as it is.
 */
export function functionOfGroup(logGroup: string, byGroup?: Record<string, string>): string {
  const named = byGroup?.[logGroup];
  if (named) return named;
  return logGroup.startsWith('/aws/lambda/') ? logGroup.slice('/aws/lambda/'.length) : logGroup;
}

/** group -> function, from discovery's function -> group. */
export function functionsByGroup(logGroupByFunction: Record<string, string> | undefined): Record<string, string> | undefined {
  return logGroupByFunction ? Object.fromEntries(Object.entries(logGroupByFunction).map(([fn, group]) => [group, fn])) : undefined;
}

/** Version of the NDJSON records' shape; bumped when a field changes meaning or goes away. */
export const RECORD_SCHEMA = 1;

/** One matched invocation in a record. */
export interface MatchRecord {
  /** The function (from its log group `/aws/lambda/NAME`; another --log-group as given). */
  function: string;
  confidence: string;
  requestId: string;
  logGroup: string;
  logStream: string;
  /** The invocation's status (running, succeeded, failed, timed-out): with retries, its last attempt's. */
  status: string;
  /** The function version that ran (`$LATEST`, `3`), from its START line; absent before START is seen. */
  version?: string;
  /** Its error lines (unhandled error, runtime exit, `Task timed out`), raw as logged; empty when it succeeded. */
  errors: string[];
  coldStart: boolean;
  report?: Record<string, number | undefined>;
  /** Per-hop latency through SNS, SQS and EventBridge, each naming its clocks (empty for a direct notification). */
  hops: LatencyHop[];
  /** Times Lambda ran it (START lines with its request id): retries of an asynchronous event share the id. */
  attempts: number;
  /** A failed event after its last attempt: where Lambda sent it, from the function's GetFunctionEventInvokeConfig. */
  failedTo?: string;
}

/** The `op` record: one per operation. */
export interface OutcomeRecord {
  type: 'op';
  schema: typeof RECORD_SCHEMA;
  op: string;
  bucket: string;
  key: string;
  status: ReturnType<typeof statusOf>;
  /**
   * What was asked beyond the key (present when any was given): the upload options (`storageClass`, `acl`,
   * `tagging`), DELETE's `versionId`, RESTORE's `days`, `tier` and `waitRestore`.
   */
  options?: Record<string, string | number | boolean>;
  target: string;
  warnings: string[];
  result: Record<string, unknown> | null;
  /** `bucketName`: the bucket S3's error named (NoSuchBucket: with COPY, the source or the destination). */
  error: { code: string; message: string; httpStatus?: number; bucketName?: string } | null;
  /** The first (or only) match; `matches` has every one (fan-out: one per function). */
  match: MatchRecord | null;
  matches: MatchRecord[];
  /** Fan-out: the functions its event reaches that did not run for it within --timeout (present when any). */
  missing?: string[];
  /** `cancelled` while waiting: ms from S3's ack to the interrupt (the wait was cut short, not timed out). */
  waitedMs?: number;
  /** Where the bucket's events go, as discovery followed them (absent when the configuration was not read). */
  chain?: Chain;
  /** The first match's figures (ms, never negative); `oneClock`: the ack and Lambda's timestamps share this machine's clock. */
  latency: (Latency & { oneClock: boolean }) | null;
  expect?: { pattern: string; ok: boolean };
  /** timestamp: Lambda's clock; seenAt: when this tool received the line (this machine). */
  log: { timestamp: number; seenAt: number; message: string; kind: string }[];
}

const OPTION_FIELDS = ['storageClass', 'acl', 'tagging', 'versionId', 'days', 'tier', 'waitRestore'] as const;

/** The input's options among OPTION_FIELDS, as given. */
export function optionsOf(input: OpOutcome['input']): Record<string, string | number | boolean> {
  const fields = input as Partial<Record<(typeof OPTION_FIELDS)[number], string | number | boolean>>;
  return Object.fromEntries(OPTION_FIELDS.flatMap((f) => (fields[f] !== undefined ? [[f, fields[f]]] : [])));
}

/**
 * The record of one operation. `oneClock`: the target stamps Lambda's times on this machine's clock (the sandbox,
 * Logs on loopback); said in `latency`. Log messages stay raw (Lambda's `\r` inside a multi-line message kept).
 */
export function outcomeRecord(
  o: OpOutcome,
  target: TargetInfo,
  oneClock = false,
  chain?: Chain,
  fates?: Record<string, AsyncFate>,
  byGroup?: Record<string, string>,
): OutcomeRecord {
  const { error, ...result } = o.result ?? { error: undefined };
  const inv = o.match?.invocation;
  const matches = o.matches ?? (o.match ? [o.match] : []);
  const options = optionsOf(o.input);
  return {
    type: 'op',
    schema: RECORD_SCHEMA,
    op: o.input.kind,
    bucket: o.input.bucket,
    key: keyOf(o.input),
    status: statusOf(o),
    ...(Object.keys(options).length ? { options } : {}),
    target: target.kind,
    warnings: o.warnings,
    result: o.result ? result : null,
    error: error ?? null,
    match: o.match ? matchRecord(o.match, fates, byGroup) : null,
    matches: matches.map((m) => matchRecord(m, fates, byGroup)),
    ...(o.missing?.length ? { missing: o.missing } : {}),
    ...(o.waitedMs !== undefined ? { waitedMs: o.waitedMs } : {}),
    ...(chain ? { chain } : {}),
    latency: o.match ? { ...o.match.latency, oneClock } : null,
    ...(o.expect ? { expect: o.expect } : {}),
    log: (inv?.lines ?? []).map((l) => ({ timestamp: l.timestamp, seenAt: l.seenAt, message: raw(l.message), kind: l.kind })),
  };
}
