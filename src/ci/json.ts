/** The NDJSON record of one operation (--json): result, match, latency and the invocation's log. */
import type { TargetInfo } from '../events.js';
import { keyOf } from '../ops/index.js';
import { statusOf, type OpMatchSummary, type OpOutcome } from './outcome.js';

function matchRecord({ invocation: inv, confidence, latency }: OpMatchSummary): MatchRecord {
  return {
    confidence,
    requestId: inv.requestId,
    logGroup: inv.logGroup,
    logStream: inv.logStream,
    status: inv.status,
    coldStart: latency.coldStart,
    ...(inv.report ? { report: { ...inv.report } } : {}),
  };
}

/** Version of the NDJSON records' shape; bumped when a field changes meaning or goes away. */
export const RECORD_SCHEMA = 1;

/** One matched invocation in a record. */
export interface MatchRecord {
  confidence: string;
  requestId: string;
  logGroup: string;
  logStream: string;
  status: string;
  coldStart: boolean;
  report?: Record<string, number | undefined>;
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
  /** The first (or only) match; `matches` has every one (fan-out). */
  match: MatchRecord | null;
  matches: MatchRecord[];
  latency: Record<string, number | boolean | undefined> | null;
  expect?: { pattern: string; ok: boolean };
  /** timestamp: Lambda's clock; seenAt: when this tool received the line (this machine). */
  log: { timestamp: number; seenAt: number; message: string; kind: string }[];
}

export function outcomeRecord(o: OpOutcome, target: TargetInfo): OutcomeRecord {
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
    match: o.match ? matchRecord(o.match) : null,
    matches: matches.map(matchRecord),
    latency: o.match ? { ...o.match.latency } : null,
    ...(o.expect ? { expect: o.expect } : {}),
    log: (inv?.lines ?? []).map((l) => ({ timestamp: l.timestamp, seenAt: l.seenAt, message: l.message.replace(/\n+$/, ''), kind: l.kind })),
  };
}
