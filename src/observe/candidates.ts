/**
 * The ops an invocation may belong to, indexed by what evidence can name: their keys (every spelling), S3 request ids
 * and, for REPLAY, their own Invoke request ids. decideMatch then weighs an invocation against the few ops its
 * evidence names instead of every op of a burst (a thousand ops stay candidates until their timeout).
 *
 * `named(ev)` is a superset of the ops evidenceFor gives a confidence for (correlate.ts), pending or not, so matching
 * through the index decides exactly as matching against the whole list: each test of evidenceFor has its lookup here.
 */
import { decodeEventKey } from '../aws/s3-events.js';
import { KeyForms } from './key-forms.js';
import { keySpellings } from './s3-mentions.js';
import { awaitsMore, type InvocationEvidence, type OpCandidate } from './correlate.js';

/** What decideMatch asks of the ops it weighs (correlate.ts). */
export interface CandidateLookup {
  /** Every op, in the order they were first added. */
  all(): readonly OpCandidate[];
  /** The ops `ev` can be evidence for (a superset), in `all()` order. */
  named(ev: InvocationEvidence): readonly OpCandidate[];
  /** The ops of this bucket and key, in `all()` order. */
  at(bucket: string, key: string): readonly OpCandidate[];
  /** Whether an op has this S3 request id. */
  hasRequestId(requestId: string): boolean;
  /** The ops that may still take an invocation without evidence: a superset of those `waitsFrom` a log group. */
  waiting(): Iterable<OpCandidate>;
}

/** A plain list as a CandidateLookup: every op is named (what matching did before the index; unit tests use it). */
export function listLookup(ops: readonly OpCandidate[]): CandidateLookup {
  let ids: Set<string> | undefined;
  return {
    all: () => ops,
    named: () => ops,
    waiting: () => ops,
    at: (bucket, key) => ops.filter((op) => op.bucket === bucket && op.key === key),
    hasRequestId: (id) => {
      ids ??= new Set(ops.flatMap((op) => (op.requestId ? [op.requestId] : [])));
      return ids.has(id);
    },
  };
}

/** evidenceFor's whole-token test of a key (textMentionsKey) uses these; a spelling made of them is one token. */
const isKeyChar = (c: number) =>
  (c >= 48 && c <= 57) ||
  (c >= 65 && c <= 90) ||
  (c >= 97 && c <= 122) ||
  c === 95 || // _
  c === 46 || // .
  c === 37 || // %
  c === 43 || // +
  c === 47 || // /
  c === 126 || // ~
  c === 45; // -
/** Characters of S3 request ids as AWS and the emulators write them (hex, base64-free); others are searched one by one. */
const isIdChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
const allOf = (s: string, test: (c: number) => boolean) => {
  for (let i = 0; i < s.length; i++) if (!test(s.charCodeAt(i))) return false;
  return true;
};

/** The maximal runs of `test` characters in `text`, at least `min` long. */
function* runs(text: string, test: (c: number) => boolean, min = 1): Generator<[from: number, to: number]> {
  let from = -1;
  for (let i = 0; i <= text.length; i++) {
    const inside = i < text.length && test(text.charCodeAt(i));
    if (inside && from < 0) from = i;
    else if (!inside && from >= 0) {
      if (i - from >= min) yield [from, i];
      from = -1;
    }
  }
}

/** Whether `token` (key characters only) is a whole run of key characters somewhere in `text`. */
function hasToken(text: string, token: string): boolean {
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    const end = at + token.length;
    if ((at === 0 || !isKeyChar(text.charCodeAt(at - 1))) && (end === text.length || !isKeyChar(text.charCodeAt(end)))) return true;
  }
  return false;
}

/** evidenceFor only counts request ids this long (shorter ones would be found in any text). */
const MIN_REQUEST_ID = 8;

class MultiMap {
  private readonly map = new Map<string, Set<number>>();
  add(key: string, id: number): void {
    const ids = this.map.get(key);
    if (ids) ids.add(id);
    else this.map.set(key, new Set([id]));
  }
  delete(key: string, id: number): void {
    const ids = this.map.get(key);
    if (!ids) return;
    ids.delete(id);
    if (ids.size === 0) this.map.delete(key);
  }
  get(key: string): ReadonlySet<number> | undefined {
    return this.map.get(key);
  }
}

interface Entry {
  op: OpCandidate;
  seq: number;
  spellings: readonly string[];
}

/** The observer's ops, indexed for matching, and the spellings of their keys (for recording evidence as lines arrive). */
export class CandidateIndex implements CandidateLookup {
  private readonly entries = new Map<number, Entry>();
  private nextSeq = 0;
  private readonly byKey = new MultiMap();
  /** Spellings made only of key characters: a mention in text is then exactly one token. */
  private readonly byToken = new MultiMap();
  /** Ops with a spelling holding other characters (a space): tested on every text. */
  private readonly oddKeys = new Set<number>();
  private readonly byRequestId = new MultiMap();
  /** length -> ops with an id-character request id that long (at least MIN_REQUEST_ID). */
  private readonly idLengths = new Map<number, number>();
  private readonly oddRequestIds = new Set<number>();
  private readonly byInvocationId = new MultiMap();
  /** Ops still waiting for an invocation (awaitsMore), REPLAY ops aside: the only ones a time match can go to. */
  private readonly awaiting = new Set<number>();
  /** The spellings of every op's key (pending ones included). */
  readonly keyForms = new KeyForms();

  get size(): number {
    return this.entries.size;
  }

  get(opId: number): OpCandidate | undefined {
    return this.entries.get(opId)?.op;
  }

  /** Adds or replaces the op (a replaced op keeps its place in `all()`). */
  set(op: OpCandidate): void {
    const old = this.entries.get(op.opId);
    if (old) this.unindex(old);
    const entry: Entry = { op, seq: old?.seq ?? this.nextSeq++, spellings: op.key ? keySpellings(op.key) : [] };
    this.entries.set(op.opId, entry); // a Map keeps a replaced key's place
    this.index(entry);
  }

  delete(opId: number): void {
    const entry = this.entries.get(opId);
    if (!entry) return;
    this.unindex(entry);
    this.entries.delete(opId);
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) this.delete(id);
  }

  all(): OpCandidate[] {
    return [...this.values()];
  }

  /** The ops that may still take an invocation without evidence (a superset of decideMatch's time-match candidates). */
  *waiting(): IterableIterator<OpCandidate> {
    for (const id of this.awaiting) yield this.entries.get(id)!.op;
  }

  /** The ops in `all()` order, without copying them. */
  *values(): IterableIterator<OpCandidate> {
    for (const e of this.entries.values()) yield e.op;
  }

  at(bucket: string, key: string): OpCandidate[] {
    return this.ops(this.byKey.get(key)).filter((op) => op.bucket === bucket);
  }

  hasRequestId(requestId: string): boolean {
    return this.byRequestId.get(requestId) !== undefined;
  }

  named(ev: InvocationEvidence): OpCandidate[] {
    const hits = new Set<number>();
    const add = (ids: Iterable<number> | undefined) => {
      if (ids) for (const id of ids) hits.add(id);
    };
    if (ev.requestId) add(this.byInvocationId.get(ev.requestId));
    for (const m of ev.mentions) {
      if (m.requestId) add(this.byRequestId.get(m.requestId));
      add(this.byKey.get(m.key));
      add(this.byKey.get(decodeEventKey(m.key)));
    }
    // A request id anywhere in the text: an id-character id lies within one run of id characters.
    if (this.idLengths.size) {
      for (const [from, to] of runs(ev.text, isIdChar, MIN_REQUEST_ID)) {
        for (const length of this.idLengths.keys())
          for (let at = from; at + length <= to; at++) add(this.byRequestId.get(ev.text.slice(at, at + length)));
      }
    }
    add(this.oddRequestIds);
    if (ev.mentions.length === 0) {
      for (const [from, to] of runs(ev.text, isKeyChar)) add(this.byToken.get(ev.text.slice(from, to)));
      add(this.oddKeys);
    }
    return this.ops(hits);
  }

  /**
   * Whether `named(ev)` holds `op`, by `op`'s own tests only: the observer asks this of every undecided invocation at
   * each ack, and named() scans the text for every op's request ids and key tokens (a burst's acks spent ~8% of the
   * tool's CPU there). Same answer as `named(ev).includes(op)`: each lookup of named() has its test of one op here.
   */
  names(ev: InvocationEvidence, op: OpCandidate): boolean {
    const entry = this.entries.get(op.opId);
    if (entry?.op !== op) return this.named(ev).includes(op);
    if (ev.requestId && op.invocationRequestIds?.includes(ev.requestId)) return true;
    for (const m of ev.mentions) {
      if (m.requestId && m.requestId === op.requestId) return true;
      if (m.key === op.key || decodeEventKey(m.key) === op.key) return true;
    }
    const id = op.requestId;
    // An id-character id is found within a run of id characters, i.e. anywhere in the text; another is always named.
    if (id && id.length >= MIN_REQUEST_ID && (!allOf(id, isIdChar) || ev.text.includes(id))) return true;
    if (ev.mentions.length > 0) return false;
    return entry.spellings.some((form) => !allOf(form, isKeyChar) || hasToken(ev.text, form));
  }

  /** The entries' ops in `all()` order. */
  private ops(ids: ReadonlySet<number> | undefined): OpCandidate[] {
    if (!ids?.size) return [];
    const entries = [...ids].map((id) => this.entries.get(id)!);
    return entries.sort((a, b) => a.seq - b.seq).map((e) => e.op);
  }

  private index({ op, spellings }: Entry): void {
    this.byKey.add(op.key, op.opId);
    for (const form of spellings) {
      if (allOf(form, isKeyChar)) this.byToken.add(form, op.opId);
      else this.oddKeys.add(op.opId);
    }
    this.keyForms.add(spellings);
    if (op.requestId) {
      this.byRequestId.add(op.requestId, op.opId);
      if (op.requestId.length >= MIN_REQUEST_ID) {
        if (allOf(op.requestId, isIdChar)) this.idLengths.set(op.requestId.length, (this.idLengths.get(op.requestId.length) ?? 0) + 1);
        else this.oddRequestIds.add(op.opId);
      }
    }
    for (const id of op.invocationRequestIds ?? []) this.byInvocationId.add(id, op.opId);
    if (!op.invocationRequestIds && awaitsMore(op)) this.awaiting.add(op.opId);
  }

  private unindex({ op, spellings }: Entry): void {
    this.byKey.delete(op.key, op.opId);
    for (const form of spellings) this.byToken.delete(form, op.opId);
    this.oddKeys.delete(op.opId);
    this.keyForms.delete(spellings);
    if (op.requestId) {
      this.byRequestId.delete(op.requestId, op.opId);
      const n = this.idLengths.get(op.requestId.length);
      if (op.requestId.length >= MIN_REQUEST_ID && allOf(op.requestId, isIdChar) && n !== undefined) {
        if (n > 1) this.idLengths.set(op.requestId.length, n - 1);
        else this.idLengths.delete(op.requestId.length);
      }
      this.oddRequestIds.delete(op.opId);
    }
    for (const id of op.invocationRequestIds ?? []) this.byInvocationId.delete(id, op.opId);
    this.awaiting.delete(op.opId);
  }
}
