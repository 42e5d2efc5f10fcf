/**
 * Groups log lines into Lambda invocations by RequestId. A pure reducer: each call returns
 * the next state plus the invocation(s) that changed. Lines without an id (python print,
 * unhandled-exception tracebacks) belong to the invocation running in their log stream at
 * their timestamp; when none is known yet they wait in a small per-stream buffer.
 */
import type { ParsedLambdaLine } from './lambda-log.js';
import type { Invocation, LogLine } from './types.js';

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

const streamKey = (line: Pick<LogLine, 'logGroup' | 'logStream'>) => `${line.logGroup}\u0000${line.logStream}`;

/** Last timestamp that still belongs to an invocation, when it is known to be over. */
function closedAt(inv: Invocation): number | undefined {
  return inv.reportedAt ?? inv.endedAt;
}

function owns(inv: Invocation, timestamp: number): boolean {
  if (inv.startedAt === undefined || inv.startedAt > timestamp) return false;
  const end = closedAt(inv);
  return end === undefined || timestamp <= end;
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
  out.splice(i, 0, line);
  if (out.length > max) {
    // Drop the oldest application line, never START/END/REPORT.
    const drop = out.findIndex((l) => l.kind === 'app');
    out.splice(Math.max(drop, 0), 1);
  }
  return out;
}

const STATUS_RANK: Record<Invocation['status'], number> = { running: 0, succeeded: 1, failed: 2, 'timed-out': 3 };

function withStatus(inv: Invocation, status: Invocation['status']): Invocation {
  return STATUS_RANK[status] > STATUS_RANK[inv.status] ? { ...inv, status } : inv;
}

function applyParsed(inv: Invocation, line: LogLine, parsed: ParsedLambdaLine, limits: InvocationsLimits): Invocation {
  let next: Invocation = { ...inv, lines: insertLine(inv.lines, line, limits.maxLinesPerInvocation) };
  if (parsed.kind === 'start') next.startedAt = line.timestamp;
  if (parsed.kind === 'end') {
    next.endedAt = line.timestamp;
    next = withStatus(next, 'succeeded');
  }
  if (parsed.kind === 'report') {
    next.reportedAt = line.timestamp;
    if (parsed.report) next.report = parsed.report;
    next = withStatus(next, 'succeeded');
  }
  if (parsed.outcome) next = withStatus(next, parsed.outcome);
  return next;
}

function capMap<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value as K);
}

export function addLine(
  state: InvocationsState,
  rawLine: LogLine,
  parsed: ParsedLambdaLine,
  limits: InvocationsLimits = DEFAULT_LIMITS,
  isEvidence?: EvidenceTest,
): AddLineResult {
  const key = streamKey(rawLine);
  const requestId = parsed.requestId ?? rawLine.requestId ?? findOwner(state, rawLine);
  if (requestId === undefined) {
    const orphans = new Map(state.orphans);
    orphans.set(key, [...(state.orphans.get(key) ?? []), rawLine].slice(-limits.maxOrphansPerStream));
    capMap(orphans, limits.maxInvocations);
    return { state: { ...state, orphans }, line: rawLine, updated: [], evidence: false };
  }

  const line: LogLine = rawLine.requestId === requestId ? rawLine : { ...rawLine, requestId };
  const byId = new Map(state.byId);
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

  let idsByStream = state.idsByStream;
  if (!existing) {
    const ids = [...(state.idsByStream.get(key) ?? []), requestId].slice(-limits.maxIdsPerStream);
    const nextIds = new Map(state.idsByStream);
    nextIds.set(key, ids);
    idsByStream = nextIds;
  }

  // Adopt earlier id-less lines once this invocation's time span is known.
  let orphans = state.orphans;
  const waiting = state.orphans.get(key);
  if (waiting?.length && inv.startedAt !== undefined) {
    const adopted = waiting.filter((l) => owns(inv, l.timestamp));
    if (adopted.length) {
      for (const l of adopted) {
        const owned = { ...l, requestId };
        inv = withEvidence({ ...inv, lines: insertLine(inv.lines, owned, limits.maxLinesPerInvocation) }, owned, isEvidence, limits);
      }
      const rest = waiting.filter((l) => !adopted.includes(l));
      const nextOrphans = new Map(state.orphans);
      if (rest.length) nextOrphans.set(key, rest);
      else nextOrphans.delete(key);
      orphans = nextOrphans;
    }
  }

  byId.delete(requestId); // re-insert so the map's order is "least recently touched first"
  byId.set(requestId, inv);
  capMap(byId, limits.maxInvocations);
  return { state: { byId, idsByStream, orphans }, line, updated: [inv], evidence: (inv.evidence?.length ?? 0) > before };
}

/** True once the runtime has reported on it (REPORT), the point where its figures are final. */
export function isComplete(inv: Invocation): boolean {
  return inv.reportedAt !== undefined;
}
