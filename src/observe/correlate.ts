/**
 * Matches invocations to the operations fired here. Pure: the Observer owns the state and
 * the timers, these functions only weigh evidence.
 *
 * Confidence, best first:
 * - request-id: the op's S3 request id appears in the invocation's log (a handler that prints the event);
 * - key: the object key (raw or AWS-encoded) and the event name appear, or a printed record names them;
 * - time: the invocation shows no S3 evidence at all and exactly one op is awaiting a match on that bucket.
 */
import { extractS3Mentions, keySpellings, mentionNamesKey, type S3Mention } from './s3-mentions.js';
import { listLookup, type CandidateLookup } from './candidates.js';
import type { KeyForms } from './key-forms.js';
import type { Invocation, MatchConfidence } from './types.js';

export interface OpCandidate {
  opId: number;
  bucket: string;
  key: string;
  /** The S3 event names the op can cause (its registry entry's `eventNames`), e.g. ObjectRemoved:Delete and ObjectRemoved:DeleteMarkerCreated. */
  eventNames: readonly string[];
  requestId?: string;
  /** REPLAY: the request ids of its own asynchronous Invokes; it matches those invocations and nothing else. */
  invocationRequestIds?: readonly string[];
  /** This machine's clock. */
  startedAt: number;
  ackedAt?: number;
  /** Fired but not acked yet: its key and request id are not final. */
  pending: boolean;
  /** Already has a matched invocation (further ones may still match on evidence: fan-out). */
  matched: boolean;
  /** The log groups its matched invocations came from (fan-out: one per function); absent: `matched` alone decides. */
  matchedGroups?: readonly string[];
  /** The log groups of the functions its event reaches (from the chain); absent: any watched group. */
  expectedGroups?: readonly string[];
  /** Invocations each function gets for it (RESTORE on the sandbox: Post, then Completed); absent: 1. */
  perFunction?: number;
}

/** Whether the op already has every invocation it waits for from this log group (so another one there is not for it). */
export function hasMatchFrom(op: OpCandidate, logGroup: string): boolean {
  if (!op.matchedGroups) return op.matched;
  return op.matchedGroups.filter((g) => g === logGroup).length >= (op.perFunction ?? 1);
}

/** Whether the op still waits for an invocation: none yet, an expected function has not run for it, or not all its events. */
export function awaitsMore(op: OpCandidate): boolean {
  if (!op.matched) return true;
  if (op.expectedGroups) return op.expectedGroups.some((g) => !hasMatchFrom(op, g));
  return (op.matchedGroups?.length ?? 1) < (op.perFunction ?? 1);
}

/**
 * Whether the op may take an invocation of this log group that shows no evidence (a time match): it waits for an
 * expected function that has not run for it; otherwise only until its first match. REPLAY ops match their own only.
 */
export function waitsFrom(op: OpCandidate, logGroup: string): boolean {
  if (op.invocationRequestIds) return false;
  return op.expectedGroups ? op.expectedGroups.includes(logGroup) && !hasMatchFrom(op, logGroup) : awaitsMore(op);
}

export interface InvocationEvidence {
  /** The invocation's Lambda request id (absent for a single record weighed alone). */
  requestId?: string;
  /** All message text, to search. */
  text: string;
  mentions: S3Mention[];
}

/** The invocation's kept lines plus the evidence recorded past the line cap, each once, in timestamp order. */
export function evidenceOf(inv: Invocation): InvocationEvidence {
  // An invocation snapshot is never changed (invocations.ts makes a new one per line): read it once.
  const known = evidenceCache.get(inv);
  if (known) return known;
  const ev = readEvidence(inv);
  evidenceCache.set(inv, ev);
  return ev;
}

const evidenceCache = new WeakMap<Invocation, InvocationEvidence>();

function readEvidence(inv: Invocation): InvocationEvidence {
  const kept = inv.lines.filter((l) => l.kind === 'app' || l.kind === 'error');
  const extra = (inv.evidence ?? []).filter((l) => !kept.includes(l));
  const lines = extra.length ? [...kept, ...extra].sort((a, b) => a.timestamp - b.timestamp) : kept;
  const texts = lines.map((l) => l.message);
  return { requestId: inv.requestId, text: texts.join('\n'), mentions: extractS3Mentions(texts) };
}

/** What S3 evidence looks like before the ops are known: event names, records, EventBridge, S3's 16-hex request ids. */
const EVIDENCE_MARKERS = /Object(?:Created|Removed|Restore|Tagging|Acl)|s3:TestEvent|x-amz-request-id|detail-type|\b[0-9A-F]{16}\b/;

/**
 * Whether a log line may be match evidence, decided as it arrives: an S3 marker, or a spelling of a key this
 * session fired (`keyForms`, from keySpellings). Cheap: substring tests only.
 */
export function mayBeEvidence(message: string, keyForms: readonly string[] | Pick<KeyForms, 'foundIn'>): boolean {
  if (EVIDENCE_MARKERS.test(message)) return true;
  return 'foundIn' in keyForms ? keyForms.foundIn(message) : keyForms.some((form) => message.includes(form));
}

const KEY_CHAR = /[A-Za-z0-9_.%+/~-]/;

/** The key appears as a whole token (so "test.txt" is not found in "copy_test.txt" or "test.txt.out"). */
export function textMentionsKey(text: string, key: string): boolean {
  for (const form of keySpellings(key)) {
    let at = text.indexOf(form);
    while (at >= 0) {
      const before = at > 0 ? text[at - 1]! : '';
      const after = text[at + form.length] ?? '';
      if (!KEY_CHAR.test(before) && !KEY_CHAR.test(after)) return true;
      at = text.indexOf(form, at + 1);
    }
  }
  return false;
}

/** S3 request ids of the ops fired here (only `has` is asked). */
export type RequestIds = Pick<ReadonlySet<string>, 'has'>;

function sameBucket(mention: S3Mention, op: OpCandidate): boolean {
  return mention.bucket === undefined || mention.bucket === op.bucket;
}

/**
 * The best evidence tying this invocation to this op, if any. `ours`: the S3 request ids of the ops fired here; a
 * printed record carrying one of them that is not this op's is another op's event of the same key. Any other id
 * (emulators invent ids for event records) does not count against the match.
 */
export function evidenceFor(
  ev: InvocationEvidence,
  op: OpCandidate,
  ours: RequestIds = new Set(),
): Exclude<MatchConfidence, 'time'> | undefined {
  if (op.invocationRequestIds) return ev.requestId && op.invocationRequestIds.includes(ev.requestId) ? 'request-id' : undefined;
  if (op.requestId && op.requestId.length >= 8) {
    if (ev.mentions.some((m) => m.requestId === op.requestId) || ev.text.includes(op.requestId)) return 'request-id';
  }
  if (op.pending) return undefined;
  for (const m of ev.mentions) {
    if (sameBucket(m, op) && mentionNamesKey(m, op.key) && (m.eventName === undefined || op.eventNames.includes(m.eventName))) {
      if (m.requestId && m.requestId !== op.requestId && ours.has(m.requestId)) continue;
      return 'key';
    }
  }
  if (ev.mentions.length === 0 && op.eventNames.some((name) => ev.text.includes(name)) && textMentionsKey(ev.text, op.key)) return 'key';
  return undefined;
}

/** An invocation is about something specific when it shows any S3 record or names an op's key. */
export function showsS3Evidence(ev: InvocationEvidence, ops: readonly OpCandidate[]): boolean {
  // S3 sends s3:TestEvent to queues and topics when a notification configuration is saved: an S3 event of no op.
  if (ev.text.includes('s3:TestEvent')) return true;
  return ev.mentions.length > 0 || ops.some((op) => evidenceFor(ev, { ...op, pending: false }) !== undefined);
}

export interface MatchDecision {
  opId: number;
  confidence: MatchConfidence;
}

export interface TimeMatchOptions {
  /** Tolerated difference between this machine's clock and Lambda's (ms). */
  clockSkewMs: number;
  /** Lambda's clock minus this machine's as measured (ms, see clock.ts); taken off Lambda's times. Default 0. */
  clockOffsetMs?: number;
  /** S3 request ids of ops fired here that are no longer candidates (settled, timed out); the candidates' are added. */
  ourRequestIds?: ReadonlySet<string>;
}

/** When the invocation began, on this machine's clock (Lambda's, less the measured offset). */
function beganAt(inv: Invocation, options: TimeMatchOptions): number {
  const lambdaTime = inv.startedAt ?? inv.lines[0]?.timestamp;
  return lambdaTime === undefined ? inv.firstSeenAt : lambdaTime - (options.clockOffsetMs ?? 0);
}

/**
 * The records of a batched invocation (SQS, or a handler printing each message's body): several S3 records. S3
 * notifies Lambda with one record per event, so several distinct records in one invocation are a batch.
 */
function batchRecords(ev: InvocationEvidence): S3Mention[] {
  if (ev.mentions.length < 2) return []; // the common case, weighed at every ack while undecided: nothing to build
  const queued = ev.mentions.filter((m) => m.envelopes?.at(-1)?.kind === 'sqs');
  if (queued.length > 1) return queued;
  const distinct = new Map(ev.mentions.map((m) => [`${m.requestId ?? ''}\n${m.key}\n${m.eventName ?? ''}`, m]));
  return distinct.size > 1 ? [...distinct.values()] : [];
}

/**
 * A batched SQS invocation: each record goes to its own op (its request id, else its key: the earliest op without a
 * match from this log group first), no op twice. Empty when no record names a plausible op.
 */
function batchMatch(
  inv: Invocation,
  records: S3Mention[],
  ops: readonly OpCandidate[],
  ours: RequestIds,
  began: number,
  skewMs: number,
): MatchDecision[] {
  const taken = new Map<number, MatchConfidence>();
  for (const record of records) {
    const one: InvocationEvidence = { text: '', mentions: [record] };
    const fits = ops
      .filter((op) => !taken.has(op.opId) && op.startedAt - skewMs <= began)
      .map((op) => ({ op, confidence: evidenceFor(one, op, ours) }))
      .filter((c): c is { op: OpCandidate; confidence: Exclude<MatchConfidence, 'time'> } => c.confidence !== undefined)
      .sort(
        (a, b) =>
          CONFIDENCE_ORDER[b.confidence] - CONFIDENCE_ORDER[a.confidence] ||
          Number(hasMatchFrom(a.op, inv.logGroup)) - Number(hasMatchFrom(b.op, inv.logGroup)) ||
          a.op.startedAt - b.op.startedAt,
      );
    if (fits[0]) taken.set(fits[0].op.opId, fits[0].confidence);
  }
  return [...taken].map(([opId, confidence]) => ({ opId, confidence }));
}

const CONFIDENCE_ORDER: Record<MatchConfidence, number> = { time: 0, key: 1, 'request-id': 2 };

/**
 * Which ops this invocation belongs to. One op, except a batched SQS invocation (each of its records names its own
 * op) and request-id evidence naming several ops. key evidence names one (the earliest op without a match from this
 * log group: fan-out gives an op one invocation per function); a time match needs a complete invocation with no S3
 * evidence and exactly one op waiting for an invocation from this log group.
 */
export function decideMatch(
  inv: Invocation,
  ev: InvocationEvidence,
  ops: readonly OpCandidate[],
  options: TimeMatchOptions,
): MatchDecision[] {
  return decideMatchAmong(inv, ev, listLookup(ops), options);
}

/** An op evidenceFor can tie nothing to yet: pending, and known by its key only. */
const unackedOnly = (op: OpCandidate) => op.pending && !op.requestId && !op.invocationRequestIds;

/**
 * decideMatch over indexed ops (candidates.ts): the evidence is weighed against the ops it names only; every op is
 * looked at only for a time match (no S3 evidence at all). Decides as decideMatch over `candidates.all()`.
 */
export function decideMatchAmong(
  inv: Invocation,
  ev: InvocationEvidence,
  candidates: CandidateLookup,
  options: TimeMatchOptions,
): MatchDecision[] {
  const ours: RequestIds = { has: (id) => options.ourRequestIds?.has(id) === true || candidates.hasRequestId(id) };
  const ops = candidates.named(ev);
  // S3 evidence naming only ops not acked yet decides nothing now (no confidence without their request id, no time
  // match with S3 evidence): the common case of a burst, whose invocations are weighed again at every ack.
  if (ev.mentions.length > 0 && ops.every(unackedOnly)) return [];
  const records = batchRecords(ev);
  if (records.length) {
    const batch = batchMatch(inv, records, ops, ours, beganAt(inv, options), options.clockSkewMs);
    if (batch.length) return batch;
  }
  const evidence = new Map(ops.map((op) => [op.opId, evidenceFor(ev, op, ours)]));
  const byRequestId = ops.filter((op) => evidence.get(op.opId) === 'request-id');
  if (byRequestId.length) {
    // Not a batch: one op, the one its printed record names (an id elsewhere in the text is weaker), else the earliest.
    const inRecord = (op: OpCandidate) => Number(!ev.mentions.some((m) => m.requestId === op.requestId));
    const best = [...byRequestId].sort(
      (a, b) =>
        inRecord(a) - inRecord(b) ||
        Number(hasMatchFrom(a, inv.logGroup)) - Number(hasMatchFrom(b, inv.logGroup)) ||
        a.startedAt - b.startedAt,
    )[0]!;
    return [{ opId: best.opId, confidence: 'request-id' }];
  }

  const byKey = ops.filter((op) => evidence.get(op.opId) === 'key');
  if (byKey.length) {
    const began = beganAt(inv, options);
    const plausible = byKey.filter((op) => op.startedAt - options.clockSkewMs <= began);
    // An invocation that began before every candidate op was fired is an earlier run's, not ours.
    if (!plausible.length) return [];
    const here = (op: OpCandidate) => Number(hasMatchFrom(op, inv.logGroup));
    const best = [...plausible].sort((a, b) => here(a) - here(b) || a.startedAt - b.startedAt)[0]!;
    // An op of the same key not acked yet may be its owner: an op that already has its match does not take it meanwhile.
    const unacked = candidates.at(best.bucket, best.key).some((op) => op.pending && op.startedAt - options.clockSkewMs <= began);
    if (hasMatchFrom(best, inv.logGroup) && unacked) return [];
    return [{ opId: best.opId, confidence: 'key' }];
  }

  if (inv.status === 'running' || showsS3Evidence(ev, ops)) return [];
  // Fan-out: an op still waits for an expected function that has not run for it; otherwise only until its first match.
  const waiting = [...candidates.waiting()].filter((op) => waitsFrom(op, inv.logGroup));
  const buckets = new Set(waiting.map((op) => op.bucket));
  // Without evidence the invocation's bucket is unknown: only unambiguous when one op waits overall.
  if (waiting.length !== 1 || buckets.size !== 1) return [];
  const op = waiting[0]!;
  if (op.pending) return []; // decide once it is acked (its key could still show up)
  if (beganAt(inv, options) < op.startedAt - options.clockSkewMs) return [];
  return [{ opId: op.opId, confidence: 'time' }];
}
