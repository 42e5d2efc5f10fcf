/**
 * `--same-key`: which write each invocation reports. When the handler logs S3's request id the engine matched each
 * invocation to its own write (confidence `request-id`) and that stands. Otherwise the engine can only go by the key,
 * first come first served, which says nothing about coalescing; so the invocations are given to the writes by the
 * event time the handler printed (the record's `eventTime`, or the demo handler's `Timestamp:` line): S3 stamps it
 * while it handles the request, so it lies between the write's start and its acknowledgement.
 *
 * The counts must hold whatever order the matching took: per function each distinct event goes to its own write, so
 * N writes with N events are all matched. Writes commit within one millisecond under a burst, so one event time twice
 * is two writes; one event delivered twice is known only by the identity the handler printed (the record's
 * `sequencer` or `x-amz-request-id`), or from more invocations than acknowledged writes (the surplus). Pure.
 */
import type { OpMatch, OpState } from '../op-state.js';
import { computeLatency } from '../observe/latency.js';
import type { Invocation } from '../observe/types.js';

/** How the invocations were given to the writes. */
export type Attribution = 'engine' | 'event-time';

const RECORD_TIME = /"eventTime"\s*:\s*"([^"]+)"/;
const DEMO_TIME = /Timestamp:\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/;

/** The S3 event time the invocation's log shows (epoch ms), if any. */
export function eventTimeOf(inv: Pick<Invocation, 'lines' | 'evidence'>): number | undefined {
  for (const line of [...inv.lines, ...(inv.evidence ?? [])]) {
    const m = RECORD_TIME.exec(line.message) ?? DEMO_TIME.exec(line.message);
    const t = m ? Date.parse(m[1]!) : Number.NaN;
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}

const SEQUENCER = /"sequencer"\s*:\s*"([^"]+)"|\bSequencer:\s+([0-9A-Fa-f]+)/;
const S3_REQUEST_ID = /"x-amz-request-id"\s*:\s*"([^"]+)"/;

/**
 * The identity of the S3 event the invocation's log shows, if the handler printed one: the record's `sequencer`
 * (unique per event of a key, the same on a second delivery), else the write's S3 request id (`x-amz-request-id`).
 */
export function eventIdOf(inv: Pick<Invocation, 'lines' | 'evidence'>): string | undefined {
  for (const line of [...inv.lines, ...(inv.evidence ?? [])]) {
    const seq = SEQUENCER.exec(line.message);
    if (seq) return `sequencer ${seq[1] ?? seq[2]}`;
    const id = S3_REQUEST_ID.exec(line.message);
    if (id) return `request-id ${id[1]}`;
  }
  return undefined;
}

/** One S3 event as one function saw it: its invocations (more than one: delivered twice) and its time. */
interface SeenEvent {
  matches: OpMatch[];
  at: number;
}

/**
 * The states with their matches given to the writes by event time (see above); unchanged, with `engine`, when every
 * match is by request id, some invocation shows no event time, or one invocation went to several writes (a batch).
 * `skewMs`: how far an event time may lie outside a write's start…ack window (clocks of S3 and this machine).
 */
export function attributeSameKey(states: readonly OpState[], skewMs = 50): { states: OpState[]; attribution: Attribution } {
  const engine = { states: [...states], attribution: 'engine' as const };
  const all = states.flatMap((s) => s.matches);
  if (all.length === 0 || all.every((m) => m.confidence === 'request-id')) return engine;
  /** Per function: its invocations (once each), and the write a request-id match fixed. */
  const groups = new Map<string, Map<string, { m: OpMatch; fixedTo?: number }>>();
  const owner = new Map<string, number>();
  for (const [i, s] of states.entries()) {
    for (const m of s.matches) {
      const k = `${m.logGroup}\n${m.requestId}`;
      if (owner.has(k) && owner.get(k) !== i) return engine;
      owner.set(k, i);
      const group = groups.get(m.logGroup) ?? new Map();
      groups.set(m.logGroup, group);
      group.set(m.requestId, { m, ...(m.confidence === 'request-id' ? { fixedTo: i } : {}) });
    }
  }
  if (all.some((m) => m.confidence !== 'request-id' && eventTimeOf(m.invocation) === undefined)) return engine;
  const acked = states
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.result && !s.result.error && s.result.ackedAt !== undefined)
    .sort((a, b) => a.s.result!.ackedAt! - b.s.result!.ackedAt!);
  const given = new Map<number, OpMatch[]>();
  const give = (i: number, ms: OpMatch[]) => given.set(i, [...(given.get(i) ?? []), ...ms]);
  for (const group of groups.values()) {
    const used = new Set<number>();
    /** Event identity -> the write it went to, so a second delivery joins it. */
    const writeOfId = new Map<string, number>();
    for (const { m, fixedTo } of group.values()) {
      if (fixedTo === undefined) continue;
      used.add(fixedTo);
      give(fixedTo, [m]);
      const id = eventIdOf(m.invocation);
      if (id) writeOfId.set(id, fixedTo);
    }
    const events = new Map<string, SeenEvent>();
    for (const { m, fixedTo } of group.values()) {
      if (fixedTo !== undefined) continue;
      const id = eventIdOf(m.invocation);
      const known = id === undefined ? undefined : writeOfId.get(id);
      if (known !== undefined) {
        give(known, [m]);
        continue;
      }
      const key = id ?? `invocation ${m.requestId}`;
      const event = events.get(key) ?? { matches: [], at: eventTimeOf(m.invocation)! };
      event.matches.push(m);
      events.set(key, event);
    }
    const ordered = [...events.values()].sort(
      (a, b) => a.at - b.at || (a.matches[0]!.invocation.startedAt ?? 0) - (b.matches[0]!.invocation.startedAt ?? 0),
    );
    /** Write -> the event time it got here, to place a surplus delivery next to its likeliest original. */
    const timeOf = new Map<number, number>();
    for (const { matches, at } of ordered) {
      const free = acked.filter(({ i }) => !used.has(i));
      const fits = free.filter(({ s }) => s.startedAt - skewMs <= at && at <= s.result!.ackedAt! + skewMs);
      // The earliest acknowledged write whose window holds the time; else the first acknowledged at or after it.
      let target = (fits[0] ?? free.find(({ s }) => s.result!.ackedAt! >= at) ?? free.at(-1))?.i;
      if (target === undefined) {
        // More events than acknowledged writes: this one is a second delivery of the write whose event time is nearest.
        target = [...timeOf].sort(([, a], [, b]) => Math.abs(a - at) - Math.abs(b - at))[0]?.[0];
        if (target === undefined) continue;
      }
      used.add(target);
      if (!timeOf.has(target)) timeOf.set(target, at);
      give(target, matches);
    }
  }
  const out = states.map((s, i) => {
    const matches = (given.get(i) ?? []).map((m) => ({ ...m, latency: s.result ? computeLatency(s.result, m.invocation) : m.latency }));
    if (!s.result || s.result.error) return s;
    const status: OpState['status'] = matches.length
      ? matches.some((m) => m.invocation.status === 'failed' || m.invocation.status === 'timed-out')
        ? 'lambda-failed'
        : 'matched'
      : 'no-match';
    return { ...s, matches, status };
  });
  return { states: out, attribution: 'event-time' };
}
