/** The NDJSON record of one operation (--json): result, match, latency and the invocation's log. */
import type { Chain, TargetInfo } from '../events.js';
import type { Latency, LatencyHop } from '../observe/types.js';
import { keyOf } from '../ops/index.js';
import { errorLines, statusOf, type OpMatchSummary, type OpOutcome } from './outcome.js';

const raw = (message: string) => message.replace(/\n+$/, '');

function matchRecord({ invocation: inv, confidence, latency }: OpMatchSummary, byGroup?: Record<string, string>): MatchRecord {
  return {
    function: functionOfGroup(inv.logGroup, byGroup),
    confidence,
    requestId: inv.requestId,
    logGroup: inv.logGroup,
    logStream: inv.logStream,
    status: inv.status,
    errors: errorLines(inv).map((l) => raw(l.message)),
    coldStart: latency.coldStart,
    ...(inv.report ? { report: { ...inv.report } } : {}),
    hops: latency.hops ?? [],
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
  /** Its error lines (unhandled error, runtime exit, `Task timed out`), raw as logged; empty when it succeeded. */
  errors: string[];
  coldStart: boolean;
  report?: Record<string, number | undefined>;
  /** Per-hop latency through SNS, SQS and EventBridge, each naming its clocks (empty for a direct notification). */
  hops: LatencyHop[];
}

/** The `op` record: one per operation. */
export interface OutcomeRecord {
  type: 'op';
  schema: typeof RECORD_SCHEMA;
  op: string;
  bucket: string;
  key: string;
  status: ReturnType<typeof statusOf>;
  target: string;
  warnings: string[];
  result: Record<string, unknown> | null;
  error: { code: string; message: string; httpStatus?: number } | null;
  /** The first (or only) match; `matches` has every one (fan-out: one per function). */
  match: MatchRecord | null;
  matches: MatchRecord[];
  /** Fan-out: the functions its event reaches that did not run for it within --timeout (present when any). */
  missing?: string[];
  /** Where the bucket's events go, as discovery followed them (absent when the configuration was not read). */
  chain?: Chain;
  /** The first match's figures (ms, never negative); `oneClock`: the ack and Lambda's timestamps share this machine's clock. */
  latency: (Latency & { oneClock: boolean }) | null;
  expect?: { pattern: string; ok: boolean };
  /** timestamp: Lambda's clock; seenAt: when this tool received the line (this machine). */
  log: { timestamp: number; seenAt: number; message: string; kind: string }[];
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
  byGroup?: Record<string, string>,
): OutcomeRecord {
  const { error, ...result } = o.result ?? { error: undefined };
  const inv = o.match?.invocation;
  const matches = o.matches ?? (o.match ? [o.match] : []);
  return {
    type: 'op',
    schema: RECORD_SCHEMA,
    op: o.input.kind,
    bucket: o.input.bucket,
    key: keyOf(o.input),
    status: statusOf(o),
    target: target.kind,
    warnings: o.warnings,
    result: o.result ? result : null,
    error: error ?? null,
    match: o.match ? matchRecord(o.match, byGroup) : null,
    matches: matches.map((m) => matchRecord(m, byGroup)),
    ...(o.missing?.length ? { missing: o.missing } : {}),
    ...(chain ? { chain } : {}),
    latency: o.match ? { ...o.match.latency, oneClock } : null,
    ...(o.expect ? { expect: o.expect } : {}),
    log: (inv?.lines ?? []).map((l) => ({ timestamp: l.timestamp, seenAt: l.seenAt, message: raw(l.message), kind: l.kind })),
  };
}
