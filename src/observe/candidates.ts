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

/** Polynomial hash (mod 2^32) of a window of characters; scanWindows rolls the same hash along a text. */
const HASH_BASE = 131;

function windowHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, HASH_BASE) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Calls `found(from)` for every window of `length` id characters of `text` (within one run of them) whose hash is in
 * `hashes`: a superset of the windows equal to a hashed id (a collision costs one lookup). No string is made meanwhile.
 */
function scanWindows(text: string, length: number, hashes: ReadonlyMap<number, number>, found: (from: number) => void): void {
  let pow = 1; // HASH_BASE^(length - 1)
  for (let i = 1; i < length; i++) pow = Math.imul(pow, HASH_BASE);
  let runStart = 0;
  let h = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isIdChar(c)) {
      runStart = i + 1;
      h = 0;
      continue;
    }
    const inRun = i - runStart + 1;
    if (inRun > length) h = (h - Math.imul(text.charCodeAt(i - length), pow)) | 0;
    h = (Math.imul(h, HASH_BASE) + c) | 0;
    if (inRun >= length && hashes.has(h)) found(i - length + 1);
  }
}

/** The maximal runs of `test` characters in `text`. */
function* runs(text: string, test: (c: number) => boolean): Generator<[from: number, to: number]> {
  let from = -1;
  for (let i = 0; i <= text.length; i++) {
    const inside = i < text.length && test(text.charCodeAt(i));
    if (inside && from < 0) from = i;
    else if (!inside && from >= 0) {
      yield [from, i];
      from = -1;
    }
  }
}

/** The distinct key-character tokens of a text, in order of first appearance. */
function tokensIn(text: string): string[] {
  const distinct = new Set<string>();
  for (const [from, to] of runs(text, isKeyChar)) distinct.add(text.slice(from, to));
  return [...distinct];
}

/** Evidence whose tokens named() keeps (the undecided invocations of a burst are a few dozen); older ones are read again. */
const TOKEN_CACHE_SIZE = 256;

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

/** Whether two versions of an op are indexed alike (index() reads only these, and awaitsMore). */
function sameIndexKeys(a: OpCandidate, b: OpCandidate): boolean {
  if (a.key !== b.key || a.requestId !== b.requestId) return false;
  const x = a.invocationRequestIds;
  const y = b.invocationRequestIds;
  return x === y || (x !== undefined && y !== undefined && x.length === y.length && x.every((id, i) => id === y[i]));
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
  /**
   * length -> hash of an id-character request id that long (at least MIN_REQUEST_ID) -> how many ops have one: named()
   * rolls a hash over the text and looks an id up only where a hash is known, instead of a slice at every position.
   */
  private readonly idHashes = new Map<number, Map<number, number>>();
  private readonly oddRequestIds = new Set<number>();
  /**
   * The id-character request ids (at least MIN_REQUEST_ID long) in the order they were indexed, repeats kept, and what
   * named() found of them in each evidence text: an invocation weighed again (at every ack while it is undecided) is
   * searched for the ids indexed since, not scanned again. `idEpoch` changes when the log is compacted.
   */
  private idLog: string[] = [];
  private idEpoch = 0;
  private liveIds = 0;
  private readonly tokens = new Map<InvocationEvidence, readonly string[]>();
  private readonly idsIn = new WeakMap<InvocationEvidence, { epoch: number; upTo: number; found: Set<string> }>();
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
    if (old && sameIndexKeys(old.op, op)) {
      // A match noted (matched, matchedGroups): what the indexes hold is unchanged but whether it still awaits one.
      this.entries.set(op.opId, { op, seq: old.seq, spellings: old.spellings });
      this.awaiting.delete(op.opId);
      if (!op.invocationRequestIds && awaitsMore(op)) this.awaiting.add(op.opId);
      return;
    }
    if (old) this.unindex(old);
    const entry: Entry = { op, seq: old?.seq ?? this.nextSeq++, spellings: op.key ? keySpellings(op.key) : [] };
    this.entries.set(op.opId, entry); // a Map keeps a replaced key's place
    this.index(entry, old?.op.requestId !== op.requestId);
  }

  delete(opId: number): void {
    const entry = this.entries.get(opId);
    if (!entry) return;
    this.unindex(entry);
    this.entries.delete(opId);
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) this.delete(id);
    this.tokens.clear();
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
    for (const id of this.requestIdsIn(ev)) add(this.byRequestId.get(id));
    add(this.oddRequestIds);
    if (ev.mentions.length === 0) {
      for (const token of this.tokensOf(ev)) add(this.byToken.get(token));
      add(this.oddKeys);
    }
    return this.ops(hits);
  }

  /**
   * `ev.text`'s tokens, read once per evidence while it is among the last TOKEN_CACHE_SIZE weighed: an invocation is
   * weighed again at every ack while it is undecided (a burst's, a dozen times each), and slicing its text into tokens
   * each time was most of it. Bounded, so the tokens of invocations long decided are not kept with them.
   */
  private tokensOf(ev: InvocationEvidence): readonly string[] {
    let tokens = this.tokens.get(ev);
    if (!tokens) {
      tokens = tokensIn(ev.text);
      this.tokens.set(ev, tokens);
      if (this.tokens.size > TOKEN_CACHE_SIZE) this.tokens.delete(this.tokens.keys().next().value as InvocationEvidence);
    }
    return tokens;
  }

  /**
   * The indexed id-character request ids found in `ev.text` (and maybe some no longer indexed: the caller looks each
   * up). An id-character id lies within one run of id characters: the first time, one rolling scan of the text finds
   * every indexed id; later, only the ids indexed since are searched for.
   */
  private requestIdsIn(ev: InvocationEvidence): ReadonlySet<string> {
    const known = this.idsIn.get(ev);
    if (known?.epoch === this.idEpoch) {
      for (; known.upTo < this.idLog.length; known.upTo++) {
        const id = this.idLog[known.upTo]!;
        if (ev.text.includes(id)) known.found.add(id);
      }
      return known.found;
    }
    const found = new Set<string>();
    for (const [length, hashes] of this.idHashes) {
      scanWindows(ev.text, length, hashes, (from) => {
        const id = ev.text.slice(from, from + length);
        if (this.byRequestId.get(id)) found.add(id);
      });
    }
    this.idsIn.set(ev, { epoch: this.idEpoch, upTo: this.idLog.length, found });
    return found;
  }

  /** Logs a newly indexed id-character request id; past twice the live ones (plus some), the log keeps the live ones only. */
  private logRequestId(id: string): void {
    this.idLog.push(id);
    if (this.idLog.length <= 2 * this.liveIds + 64) return;
    this.idLog = [...new Set(this.idLog)].filter((logged) => this.byRequestId.get(logged));
    this.idEpoch++;
  }

  /** The entries' ops in `all()` order. */
  private ops(ids: ReadonlySet<number> | undefined): OpCandidate[] {
    if (!ids?.size) return [];
    const entries = [...ids].map((id) => this.entries.get(id)!);
    return entries.sort((a, b) => a.seq - b.seq).map((e) => e.op);
  }

  /** `newId`: false when the entry replaces one with the same request id (already logged: see idLog). */
  private index({ op, spellings }: Entry, newId = true): void {
    this.byKey.add(op.key, op.opId);
    for (const form of spellings) {
      if (allOf(form, isKeyChar)) this.byToken.add(form, op.opId);
      else this.oddKeys.add(op.opId);
    }
    this.keyForms.add(spellings);
    if (op.requestId) {
      this.byRequestId.add(op.requestId, op.opId);
      if (op.requestId.length >= MIN_REQUEST_ID) {
        if (allOf(op.requestId, isIdChar)) {
          const hashes = this.idHashes.get(op.requestId.length) ?? new Map<number, number>();
          const h = windowHash(op.requestId);
          hashes.set(h, (hashes.get(h) ?? 0) + 1);
          this.idHashes.set(op.requestId.length, hashes);
          this.liveIds++;
          if (newId) this.logRequestId(op.requestId);
        } else this.oddRequestIds.add(op.opId);
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
      const hashes = this.idHashes.get(op.requestId.length);
      if (op.requestId.length >= MIN_REQUEST_ID && allOf(op.requestId, isIdChar) && hashes) {
        const h = windowHash(op.requestId);
        const n = hashes.get(h) ?? 0;
        if (n > 1) hashes.set(h, n - 1);
        else hashes.delete(h);
        if (hashes.size === 0) this.idHashes.delete(op.requestId.length);
        this.liveIds--;
      }
      this.oddRequestIds.delete(op.opId);
    }
    for (const id of op.invocationRequestIds ?? []) this.byInvocationId.delete(id, op.opId);
    this.awaiting.delete(op.opId);
  }
}
