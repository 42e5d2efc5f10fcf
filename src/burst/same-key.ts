/**
 * `--same-key`: which write each invocation reports. When the handler logs S3's request id the engine matched each
 * invocation to its own write (confidence `request-id`) and that stands. Otherwise the engine can only go by the key,
 * first come first served, which says nothing about coalescing; so the invocations are given to the writes by the
 * event time the handler printed (the record's `eventTime`, or the demo handler's `Timestamp:` line): S3 stamps it
 * while it handles the request, so it lies between the write's start and its acknowledgement. Two invocations with one
 * event time in one function are one write delivered twice. Pure.
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

/**
 * The states with their matches given to the writes by event time (see above); unchanged, with `engine`, when every
 * match is by request id or some invocation shows no event time. `skewMs`: how far an event time may lie outside
 * a write's start…ack window (clocks of S3 and this machine).
 */
export function attributeSameKey(states: readonly OpState[], skewMs = 50): { states: OpState[]; attribution: Attribution } {
  const all = states.flatMap((s) => s.matches);
  if (all.length === 0 || all.every((m) => m.confidence === 'request-id')) return { states: [...states], attribution: 'engine' };
  const byId = new Map<string, OpMatch>();
  for (const m of all) byId.set(m.requestId, m);
  const events = [...byId.values()].map((m) => ({ m, at: eventTimeOf(m.invocation) }));
  if (events.some((e) => e.at === undefined)) return { states: [...states], attribution: 'engine' };
  events.sort((a, b) => a.at! - b.at! || (a.m.invocation.startedAt ?? 0) - (b.m.invocation.startedAt ?? 0));
  const acked = states
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.result && !s.result.error && s.result.ackedAt !== undefined)
    .sort((a, b) => a.s.result!.ackedAt! - b.s.result!.ackedAt!);
  const given = new Map<number, OpMatch[]>();
  /** Event time -> the op it went to, per function: the same time again is a duplicate delivery of that write. */
  const writeOf = new Map<string, number>();
  for (const { m, at } of events) {
    const same = writeOf.get(`${m.logGroup}\n${at}`);
    let target = same;
    if (target === undefined) {
      const free = acked.filter(({ i }) => !given.has(i));
      const fits = free.filter(({ s }) => s.startedAt - skewMs <= at! && at! <= s.result!.ackedAt! + skewMs);
      // The earliest acknowledged write whose window holds the time; else the first acknowledged at or after it.
      target = (fits[0] ?? free.find(({ s }) => s.result!.ackedAt! >= at!) ?? free.at(-1))?.i;
      if (target === undefined) continue;
      writeOf.set(`${m.logGroup}\n${at}`, target);
    }
    given.set(target, [...(given.get(target) ?? []), m]);
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
