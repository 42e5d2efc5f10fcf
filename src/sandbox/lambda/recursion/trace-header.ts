/**
 * The X-Ray trace header Lambda hands each invocation as `_X_AMZN_TRACE_ID` and the AWS SDKs send back as
 * `X-Amzn-Trace-Id`: `Root=1-<8 hex epoch s>-<24 hex>;Parent=<16 hex>;Sampled=0;Lineage=2:<8 hex>:<count>`.
 * `Lineage` is what recursive loop detection reads: per function (a hash of its ARN) how many times the chain of
 * events has invoked it. Headers seen from AWS write `Lineage=2:a87bd80c:0` (older ones `a87bd80c:0`, several
 * functions `a87bd80c:1|68fd508a:5`); every form is read, the first is written. Pure.
 */
import { createHash, randomFillSync } from 'node:crypto';

/** One function's count in a chain: `hash` is 8 hex digits of the function ARN's SHA-256. */
export interface LineageEntry {
  hash: string;
  count: number;
}

export interface TraceHeader {
  root?: string;
  parent?: string;
  sampled?: string;
  lineage: LineageEntry[];
  /** Other fields (`Self=…`), kept in order. */
  other: string[];
}

const LINEAGE_VERSION = '2';

/**
 * Random bytes handed out from a pool refilled 4 KiB at a time: every invocation takes 20 (root and parent), and a
 * randomBytes call each costs more than the rest of the header (a crypto call, and OpenSSL's fork check).
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += bytes;
  return pool.toString('hex', poolAt - bytes, poolAt);
}

/** A new trace root: `1-<epoch seconds, 8 hex>-<96 random bits, 24 hex>`. */
export function newRoot(now: number = Date.now()): string {
  return `1-${Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0')}-${randomHex(12)}`;
}

const hashes = new Map<string, string>();

/** The lineage hash of a function: 8 hex digits of its ARN's SHA-256 (AWS's own hash is internal); computed once per ARN. */
export function lineageHash(functionArn: string): string {
  let hash = hashes.get(functionArn);
  if (hash === undefined) {
    hash = createHash('sha256').update(functionArn).digest('hex').slice(0, 8);
    if (hashes.size >= 1024) hashes.clear();
    hashes.set(functionArn, hash);
  }
  return hash;
}

function parseLineage(value: string): LineageEntry[] {
  const entries: LineageEntry[] = [];
  for (const part of value.split('|')) {
    const fields = part.split(':');
    // `2:hash:count` (versioned) or `hash:count`.
    const [hash, count] = fields.length === 3 ? [fields[1], fields[2]] : [fields[0], fields[1]];
    if (!hash || !/^[0-9a-f]{1,16}$/i.test(hash) || !count || !/^\d{1,6}$/.test(count)) continue;
    entries.push({ hash: hash.toLowerCase(), count: Number(count) });
  }
  return entries;
}

/** Reads a header (missing or malformed fields are left out); undefined for no header at all. */
export function parseTraceHeader(text: string | undefined): TraceHeader | undefined {
  if (!text?.trim()) return undefined;
  const header: TraceHeader = { lineage: [], other: [] };
  for (const field of text.split(';')) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const name = field.slice(0, eq).trim();
    const value = field.slice(eq + 1).trim();
    if (name === 'Root' && /^1-[0-9a-f]{8}-[0-9a-f]{24}$/i.test(value)) header.root = value;
    else if (name === 'Parent') header.parent = value;
    else if (name === 'Sampled') header.sampled = value;
    else if (name === 'Lineage') header.lineage = parseLineage(value);
    else if (name && name !== 'Root') header.other.push(`${name}=${value}`);
  }
  return header;
}

/** Writes a header in AWS's field order. */
export function formatTraceHeader(h: TraceHeader): string {
  const fields: string[] = [];
  if (h.root) fields.push(`Root=${h.root}`);
  if (h.parent) fields.push(`Parent=${h.parent}`);
  fields.push(`Sampled=${h.sampled ?? '0'}`);
  if (h.lineage.length) fields.push(`Lineage=${LINEAGE_VERSION}:${h.lineage.map((e) => `${e.hash}:${e.count}`).join('|')}`);
  return [...fields, ...h.other].join(';');
}

/** The count the function already has in the chain, undefined when the chain has not invoked it yet. */
export function lineageCount(h: TraceHeader | undefined, hash: string): number | undefined {
  return h?.lineage.find((e) => e.hash === hash)?.count;
}

/**
 * The header of the invocation the incoming event leads to: the same root (a new one when the event carries none:
 * a new chain, as a write without the header starts on AWS), a new parent, and the function's count raised by one
 * (0 on its first invocation in the chain).
 */
export function nextInvocationHeader(incoming: TraceHeader | undefined, hash: string, now: number = Date.now()): TraceHeader {
  const root = incoming?.root ?? newRoot(now);
  const chained = incoming?.root !== undefined;
  const previous = chained ? lineageCount(incoming, hash) : undefined;
  const count = previous === undefined ? 0 : previous + 1;
  const others = chained ? (incoming?.lineage ?? []).filter((e) => e.hash !== hash) : [];
  return {
    root,
    parent: randomHex(8),
    sampled: '0',
    lineage: [...others, { hash, count }],
    other: [],
  };
}

/** A fresh `_X_AMZN_TRACE_ID` for an invocation that starts a chain (a direct Invoke): the function's count 0. */
export function newTraceId(functionArn: string, now: number = Date.now()): string {
  return formatTraceHeader(nextInvocationHeader(undefined, lineageHash(functionArn), now));
}
