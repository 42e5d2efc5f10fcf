/**
 * Latency of one matched operation. Clocks (documented on Latency in types.ts):
 * ack and seenAt are this machine's; START/REPORT timestamps are Lambda's; Duration and
 * Init Duration are Lambda's own measurements. Figures spanning two clocks include their skew.
 */
import type { OpResult } from '../ops/types.js';
import { evidenceOf } from './correlate.js';
import { mentionNamesKey, type Envelope, type S3Mention } from './s3-mentions.js';
import type { Invocation, Latency, LatencyHop } from './types.js';

/**
 * From an earlier moment to a later one, never below 0 ms. On one clock (the sandbox) START can be stamped before
 * the SDK has parsed the ack, so a few ms below zero mean "less than a millisecond"; across two clocks it is their
 * skew, which no figure can take back. Faces show 0 as `<1 ms`.
 */
function span(from: number, to: number): number {
  return Math.max(0, to - from);
}

const CLOCK: Record<LatencyHop['from'] | LatencyHop['to'], string> = {
  ack: 'this machine',
  sns: "SNS's clock",
  sqs: "SQS's clock",
  eventbridge: "EventBridge's clock, whole seconds",
  start: "Lambda's clock",
};

/** Envelope markers: a log without any of them has no hops to measure (keeps the fold cheap for plain S3 events). */
const ENVELOPE_MARKERS = /aws:sns|aws:sqs|TopicArn|detail-type/;

/**
 * Per-hop figures from the envelopes of the record that is this op's (its request id, else its key, else the only
 * one): ack -> first envelope, envelope -> envelope, last envelope -> START. EventBridge's `time` has whole seconds.
 */
export function hopsOf(envelopes: readonly Envelope[], ack: number | undefined, start: number | undefined): LatencyHop[] {
  const stamps: { at: number | undefined; name: LatencyHop['from'] | 'start' }[] = [
    { at: ack, name: 'ack' },
    ...envelopes.map((e) => ({ at: e.at, name: e.kind })),
    { at: start, name: 'start' },
  ];
  const hops: LatencyHop[] = [];
  for (let i = 0; i + 1 < stamps.length; i++) {
    const from = stamps[i]!;
    const to = stamps[i + 1]!;
    if (from.at === undefined || to.at === undefined || from.name === 'start' || to.name === 'ack') continue;
    hops.push({ from: from.name, to: to.name, ms: span(from.at, to.at), clocks: `${CLOCK[from.name]} -> ${CLOCK[to.name]}` });
  }
  return hops;
}

function recordOf(inv: Invocation, op: OpRef): S3Mention | undefined {
  const texts = [...inv.lines, ...(inv.evidence ?? [])].map((l) => l.message);
  if (!texts.some((t) => ENVELOPE_MARKERS.test(t))) return undefined;
  const wrapped = evidenceOf(inv).mentions.filter((m) => m.envelopes?.length);
  return (
    (op.requestId ? wrapped.find((m) => m.requestId === op.requestId) : undefined) ??
    (op.key !== undefined
      ? wrapped.find((m) => mentionNamesKey(m, op.key!) && (!m.bucket || !op.bucket || m.bucket === op.bucket))
      : undefined) ??
    (wrapped.length === 1 ? wrapped[0] : undefined)
  );
}

type OpRef = Pick<OpResult, 'ackedAt'> & Partial<Pick<OpResult, 'op' | 'key' | 'bucket' | 'requestId'>>;

/**
 * The figures of one matched invocation against its operation's ack (ms): trigger (ack -> START), end-to-end
 * (ack -> REPORT), Lambda's own duration and init duration, tail lag (START -> seen here), and the hops through SNS,
 * SQS and EventBridge when the printed event carries their times. None is negative. A REPLAY has no hops: the times
 * in the event it re-sent are the original delivery's, not its own.
 */
export function computeLatency(result: OpRef, inv: Invocation): Latency {
  const ack = result.ackedAt;
  const start = inv.lines.find((l) => l.kind === 'start');
  const initDurationMs = inv.report?.initDurationMs;
  return {
    ...(ack !== undefined && inv.startedAt !== undefined ? { triggerMs: span(ack, inv.startedAt) } : {}),
    ...(ack !== undefined && inv.reportedAt !== undefined ? { endToEndMs: span(ack, inv.reportedAt) } : {}),
    ...(inv.report ? { durationMs: inv.report.durationMs } : {}),
    ...(initDurationMs !== undefined ? { initDurationMs } : {}),
    coldStart: initDurationMs !== undefined,
    ...(start ? { tailLagMs: span(start.timestamp, start.seenAt) } : {}),
    ...withHops(result, inv),
  };
}

function withHops(result: OpRef, inv: Invocation): Pick<Latency, 'hops'> {
  if (result.op === 'replay') return {};
  const envelopes = recordOf(inv, result)?.envelopes;
  if (!envelopes?.length) return {};
  const hops = hopsOf(envelopes, result.ackedAt, inv.startedAt);
  return hops.length ? { hops } : {};
}
