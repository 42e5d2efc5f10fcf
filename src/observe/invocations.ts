/**
 * Groups log lines into Lambda invocations by RequestId. A pure reducer: each call returns
 * the next state plus the invocation(s) that changed. Lines without an id (python print,
 * unhandled-exception tracebacks) belong to the invocation running in their log stream at
 * their timestamp; when none is known yet they wait in a small per-stream buffer.
 * Retries of one event share its RequestId: each START … REPORT is an attempt of its own.
 */
import { parseLambdaMessage, type ParsedLambdaLine } from './lambda-log.js';
import type { Invocation, InvocationAttempt, LogLine } from './types.js';

export interface InvocationsState {
  readonly byId: ReadonlyMap<string, Invocation>;
  /** Request ids per stream (group + stream), oldest first, capped. */
  readonly idsByStream: ReadonlyMap<string, readonly string[]>;
  /** Id-less lines seen in a stream before any invocation that could own them. */
  readonly orphans: ReadonlyMap<string, readonly LogLine[]>;
}

export interface InvocationsLimits {
  maxInvocations: number;
  maxLinesPerInvocation: number;
  maxOrphansPerStream: number;
  maxIdsPerStream: number;
  /** Evidence lines kept per invocation, the first ones (default 200). */
  maxEvidenceLines?: number;
}

export const DEFAULT_LIMITS: InvocationsLimits = {
  maxInvocations: 500,
  maxLinesPerInvocation: 1000,
  maxOrphansPerStream: 200,
  maxIdsPerStream: 32,
  maxEvidenceLines: 200,
};

export function emptyInvocations(): InvocationsState {
  return { byId: new Map(), idsByStream: new Map(), orphans: new Map() };
}

export interface AddLineResult {
  state: InvocationsState;
  /** The line with requestId filled in when it was attributed. */
  line: LogLine;
  /** Invocations that changed, newest snapshot each. */
  updated: Invocation[];
  /** The line (or an adopted earlier one) was recorded as match evidence. */
  evidence: boolean;
}

/** Decides, as a line arrives, whether it may be match evidence (see Invocation.evidence). */
export type EvidenceTest = (line: LogLine) => boolean;

/** Records the line as evidence when it may be, up to the limit; the invocation unchanged otherwise. */
function withEvidence(inv: Invocation, line: LogLine, isEvidence: EvidenceTest | undefined, limits: InvocationsLimits): Invocation {
  if (!isEvidence || (line.kind !== 'app' && line.kind !== 'error')) return inv;
  const kept = inv.evidence ?? [];
  if (kept.length >= (limits.maxEvidenceLines ?? DEFAULT_LIMITS.maxEvidenceLines!) || !isEvidence(line)) return inv;
  return { ...inv, evidence: [...kept, line] };
}

/** Group -> stream -> their key, one string each: a key made per line was hashed anew at every map lookup. */
const streamKeys = new Map<string, Map<string, string>>();
const MAX_STREAM_KEYS = 10_000;

function streamKey(line: Pick<LogLine, 'logGroup' | 'logStream'>): string {
  let byStream = streamKeys.get(line.logGroup);
  if (!byStream) {
    if (streamKeys.size >= MAX_STREAM_KEYS) streamKeys.clear();
    byStream = new Map();
    streamKeys.set(line.logGroup, byStream);
  }
  const known = byStream.get(line.logStream);
  if (known !== undefined) return known;
  if (byStream.size >= MAX_STREAM_KEYS) byStream.clear();
  const key = `${line.logGroup}\u0000${line.logStream}`;
  byStream.set(line.logStream, key);
  return key;
}

/** Last timestamp that still belongs to an attempt, when it is known to be over. */
function closedAt(attempt: Pick<InvocationAttempt, 'reportedAt' | 'endedAt'>): number | undefined {
  return attempt.reportedAt ?? attempt.endedAt;
}

/** Whether a line at `timestamp` falls within one of the invocation's attempts. */
function owns(inv: Invocation, timestamp: number): boolean {
  return (inv.attempts ?? [inv]).some((a) => {
    if (a.startedAt === undefined || a.startedAt > timestamp) return false;
    const end = closedAt(a);
    return end === undefined || timestamp <= end;
  });
}

/** How many times Lambda ran it (retries of an asynchronous event share the RequestId). */
export function attemptCount(inv: Invocation): number {
  return Math.max(1, inv.attempts?.length ?? 1);
}

function findOwner(state: InvocationsState, line: LogLine): string | undefined {
  const ids = state.idsByStream.get(streamKey(line)) ?? [];
  for (let i = ids.length - 1; i >= 0; i--) {
    const inv = state.byId.get(ids[i]!);
    if (inv && owns(inv, line.timestamp)) return inv.requestId;
  }
  // An invocation seen only through id-carrying lines (its START not read yet) and still open.
  const last = ids.length ? state.byId.get(ids[ids.length - 1]!) : undefined;
  if (last && last.startedAt === undefined && closedAt(last) === undefined) return last.requestId;
  return undefined;
}

/** Inserts keeping timestamp order; equal timestamps keep arrival order. */
function insertLine(lines: readonly LogLine[], line: LogLine, max: number): LogLine[] {
  const out = lines.slice();
  let i = out.length;
  while (i > 0 && out[i - 1]!.timestamp > line.timestamp) i--;
  if (i === out.length) out.push(line);
  else out.splice(i, 0, line);
  if (out.length > max) {
    // Drop the oldest application line, never START/END/REPORT.
    const drop = out.findIndex((l) => l.kind === 'app');
    out.splice(Math.max(drop, 0), 1);
  }
  return out;
}

const STATUS_RANK: Record<Invocation['status'], number> = { running: 0, succeeded: 1, failed: 2, 'timed-out': 3 };

function withStatus<T extends { status: Invocation['status'] }>(item: T, status: Invocation['status']): T {
  return STATUS_RANK[status] > STATUS_RANK[item.status] ? { ...item, status } : item;
}

/** One attempt's figures as a line changes them. */
function applyToAttempt(attempt: InvocationAttempt, line: LogLine, parsed: ParsedLambdaLine): InvocationAttempt {
  let next = attempt;
  if (parsed.kind === 'end') next = withStatus({ ...next, endedAt: line.timestamp }, 'succeeded');
  if (parsed.kind === 'report')
    next = withStatus({ ...next, reportedAt: line.timestamp, ...(parsed.report ? { report: parsed.report } : {}) }, 'succeeded');
  if (parsed.outcome) next = withStatus(next, parsed.outcome);
  return next;
}

/** A line's parse, read once: attempts are re-read from every platform line at each START, END and REPORT. */
const parses = new WeakMap<LogLine, ParsedLambdaLine>();
function parsedOf(line: LogLine): ParsedLambdaLine {
  let parsed = parses.get(line);
  if (!parsed) {
    parsed = parseLambdaMessage(line.message);
    parses.set(line, parsed);
  }
  return parsed;
}

/**
 * The attempts in timestamp-ordered lines: each START opens one (unless the open one has not seen its START yet);
 * END, REPORT and failure lines belong to the attempt open at their timestamp. Pure.
 */
export function attemptsOf(lines: readonly LogLine[]): InvocationAttempt[] {
  const attempts: InvocationAttempt[] = [];
  for (const line of lines) {
    if (line.kind === 'app') continue;
    const parsed = parsedOf(line);
    const open = attempts.at(-1);
    if (parsed.kind === 'start') {
      if (open && open.startedAt === undefined && closedAt(open) === undefined)
        attempts[attempts.length - 1] = { ...open, logStream: line.logStream, startedAt: line.timestamp };
      else attempts.push({ logStream: line.logStream, startedAt: line.timestamp, status: 'running' });
      continue;
    }
    if (parsed.kind !== 'end' && parsed.kind !== 'report' && !parsed.outcome) continue;
    if (open) attempts[attempts.length - 1] = applyToAttempt(open, line, parsed);
    else attempts.push(applyToAttempt({ logStream: line.logStream, status: 'running' }, line, parsed));
  }
  return attempts;
}

/** The invocation with its attempts re-read and the last one's figures on top. */
function withAttempts(inv: Invocation): Invocation {
  const attempts = attemptsOf(inv.lines);
  const last = attempts.at(-1);
  if (!last) return { ...inv, attempts };
  // Built field by field: an object rest (`{ startedAt, ...rest } = inv`) took V8's slow generic copy, per platform line.
  const next: Invocation = {
    requestId: inv.requestId,
    logGroup: inv.logGroup,
    logStream: last.logStream,
    status: last.status,
    attempts,
    lines: inv.lines,
    firstSeenAt: inv.firstSeenAt,
  };
  if (last.startedAt !== undefined) next.startedAt = last.startedAt;
  if (last.endedAt !== undefined) next.endedAt = last.endedAt;
  if (last.reportedAt !== undefined) next.reportedAt = last.reportedAt;
  if (last.report) next.report = last.report;
  if (inv.evidence) next.evidence = inv.evidence;
  return next;
}

function applyParsed(inv: Invocation, line: LogLine, parsed: ParsedLambdaLine, limits: InvocationsLimits): Invocation {
  const next: Invocation = { ...inv, lines: insertLine(inv.lines, line, limits.maxLinesPerInvocation) };
  // Only platform and failure lines change the attempts; application lines (the flood) cost nothing more.
  return parsed.kind === 'start' || parsed.kind === 'end' || parsed.kind === 'report' || parsed.outcome ? withAttempts(next) : next;
}

function capMap<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value as K);
}

/** The maps addLine changes, copied once per call (per batch for addLines) and changed in place. */
interface Draft {
  byId: Map<string, Invocation>;
  idsByStream: Map<string, readonly string[]>;
  orphans: Map<string, readonly LogLine[]>;
}

const draftOf = (state: InvocationsState): Draft => ({
  byId: new Map(state.byId),
  idsByStream: new Map(state.idsByStream),
  orphans: new Map(state.orphans),
});

/** Adds one line to the state. Pure: the state passed in is not changed. */
export function addLine(
  state: InvocationsState,
  rawLine: LogLine,
  parsed: ParsedLambdaLine,
  limits: InvocationsLimits = DEFAULT_LIMITS,
  isEvidence?: EvidenceTest,
): AddLineResult {
  const draft = draftOf(state);
  const r = addTo(draft, rawLine, parsed, limits, isEvidence);
  return { state: draft, ...r };
}

/**
 * Adds lines in order, as addLine one after the other would, copying the state's maps once for the batch instead of
 * once per line (a tail delivers a burst's lines by the hundred). Pure: the state passed in is not changed.
 */
export function addLines(
  state: InvocationsState,
  lines: readonly { line: LogLine; parsed: ParsedLambdaLine }[],
  limits: InvocationsLimits = DEFAULT_LIMITS,
  isEvidence?: EvidenceTest,
): { state: InvocationsState; results: Omit<AddLineResult, 'state'>[] } {
  const draft = draftOf(state);
  const results = lines.map(({ line, parsed }) => addTo(draft, line, parsed, limits, isEvidence));
  return { state: draft, results };
}

/**
 * The invocations of a tail kept in place, for the observer that owns them: addLine's reducer applied to maps changed
 * in place (copying every map per delivered line cost a burst more than matching did). Each Invocation stays an
 * immutable snapshot. `byId` is ordered least recently touched first, as addLine's.
 */
export class InvocationBook implements InvocationsState {
  private readonly draft: Draft = { byId: new Map(), idsByStream: new Map(), orphans: new Map() };
  /** Request id -> when it was last touched (a counter): byId's order, without walking byId. */
  private readonly touched = new Map<string, number>();
  private touches = 0;

  constructor(private readonly limits: InvocationsLimits = DEFAULT_LIMITS) {}

  get byId(): ReadonlyMap<string, Invocation> {
    return this.draft.byId;
  }
  get idsByStream(): ReadonlyMap<string, readonly string[]> {
    return this.draft.idsByStream;
  }
  get orphans(): ReadonlyMap<string, readonly LogLine[]> {
    return this.draft.orphans;
  }

  /** addLine, in place. */
  add(line: LogLine, parsed: ParsedLambdaLine, isEvidence?: EvidenceTest): Omit<AddLineResult, 'state'> {
    const r = addTo(this.draft, line, parsed, this.limits, isEvidence);
    for (const inv of r.updated) this.touched.set(inv.requestId, ++this.touches);
    if (this.touched.size > 2 * this.limits.maxInvocations)
      for (const id of this.touched.keys()) if (!this.draft.byId.has(id)) this.touched.delete(id);
    return r;
  }

  /** Sorts invocations of `byId` into its order (least recently touched first). */
  inOrder(invocations: Iterable<Invocation>): Invocation[] {
    return [...invocations].sort((a, b) => (this.touched.get(a.requestId) ?? 0) - (this.touched.get(b.requestId) ?? 0));
  }
}

function addTo(
  draft: Draft,
  rawLine: LogLine,
  parsed: ParsedLambdaLine,
  limits: InvocationsLimits,
  isEvidence: EvidenceTest | undefined,
): Omit<AddLineResult, 'state'> {
  const key = streamKey(rawLine);
  const requestId = parsed.requestId ?? rawLine.requestId ?? findOwner(draft, rawLine);
  if (requestId === undefined) {
    const { orphans } = draft;
    orphans.set(key, [...(orphans.get(key) ?? []), rawLine].slice(-limits.maxOrphansPerStream));
    capMap(orphans, limits.maxInvocations);
    return { line: rawLine, updated: [], evidence: false };
  }

  const line: LogLine = rawLine.requestId === requestId ? rawLine : { ...rawLine, requestId };
  const { byId } = draft;
  const existing = byId.get(requestId);
  let inv: Invocation = existing ?? {
    requestId,
    logGroup: line.logGroup,
    logStream: line.logStream,
    status: 'running',
    lines: [],
    firstSeenAt: line.seenAt,
  };
  inv = applyParsed(inv, line, parsed, limits);
  const before = inv.evidence?.length ?? 0;
  inv = withEvidence(inv, line, isEvidence, limits);

  const streamIds = draft.idsByStream.get(key);
  // The last id first: a stream's lines come one invocation after the other.
  if (streamIds?.[streamIds.length - 1] !== requestId && !streamIds?.includes(requestId))
    draft.idsByStream.set(key, [...(streamIds ?? []), requestId].slice(-limits.maxIdsPerStream));

  // Adopt earlier id-less lines once this invocation's time span is known.
  const waiting = draft.orphans.get(key);
  if (waiting?.length && inv.startedAt !== undefined) {
    const adopted = waiting.filter((l) => owns(inv, l.timestamp));
    if (adopted.length) {
      for (const l of adopted) {
        const owned = { ...l, requestId };
        inv = withEvidence({ ...inv, lines: insertLine(inv.lines, owned, limits.maxLinesPerInvocation) }, owned, isEvidence, limits);
      }
      if (adopted.some((l) => l.kind !== 'app')) inv = withAttempts(inv); // an unhandled error read before its START
      const rest = waiting.filter((l) => !adopted.includes(l));
      if (rest.length) draft.orphans.set(key, rest);
      else draft.orphans.delete(key);
    }
  }

  byId.delete(requestId); // re-insert so the map's order is "least recently touched first"
  byId.set(requestId, inv);
  capMap(byId, limits.maxInvocations);
  return { line, updated: [inv], evidence: (inv.evidence?.length ?? 0) > before };
}

/** True once the runtime has reported on it (REPORT), the point where its figures are final. */
export function isComplete(inv: Invocation): boolean {
  return inv.reportedAt !== undefined;
}
