/**
 * Identifiers of the Logs service: event ids, paging tokens and ARNs. All pure.
 *
 * An event's position is (timestamp, seq): seq is the store-wide ingestion counter, so the pair is
 * unique, orders events the way FilterLogEvents interleaves them, and survives a restart because
 * the journal is replayed in order. Event ids and GetLogEvents tokens are that pair as 56 digits.
 */

export interface EventPosition {
  timestamp: number;
  seq: number;
}

const TIMESTAMP_DIGITS = 20;
const SEQ_DIGITS = 36;

export function comparePositions(a: EventPosition, b: EventPosition): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

/** 56 digits, like AWS's eventIds; lexical order equals position order. */
export function positionDigits(p: EventPosition): string {
  return String(p.timestamp).padStart(TIMESTAMP_DIGITS, '0') + String(p.seq).padStart(SEQ_DIGITS, '0');
}

export function parsePositionDigits(digits: string): EventPosition | undefined {
  if (!/^\d{56}$/.test(digits)) return undefined;
  return { timestamp: Number(digits.slice(0, TIMESTAMP_DIGITS)), seq: Number(digits.slice(TIMESTAMP_DIGITS)) };
}

export const eventId = positionDigits;

/** GetLogEvents tokens: `f/<56 digits>` = "after this position", `b/<56 digits>` = "before this position". */
export type StreamToken = { direction: 'f' | 'b'; position: EventPosition };

export function formatStreamToken(token: StreamToken): string {
  return `${token.direction}/${positionDigits(token.position)}`;
}

export function parseStreamToken(text: string): StreamToken | undefined {
  const m = /^([fb])\/(\d{56})$/.exec(text);
  if (!m) return undefined;
  const position = parsePositionDigits(m[2]!);
  return position && { direction: m[1] as 'f' | 'b', position };
}

/** The lowest and the highest possible positions, for tokens of an empty result. */
export const START_POSITION: EventPosition = { timestamp: 0, seq: 0 };

/** Opaque paging tokens (FilterLogEvents, Describe*): base64url JSON of whatever the operation needs. */
export function encodePageToken(state: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodePageToken(token: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function logGroupArn(region: string, accountId: string, group: string): string {
  return `arn:aws:logs:${region}:${accountId}:log-group:${group}`;
}

export function logStreamArn(region: string, accountId: string, group: string, stream: string): string {
  return `${logGroupArn(region, accountId, group)}:log-stream:${stream}`;
}

/** A log group identifier is a name or an ARN (`arn:aws:logs:<region>:<acct>:log-group:<name>[:*]`). */
export function groupNameFromIdentifier(identifier: string): string {
  const m = /^arn:aws[a-z-]*:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(identifier);
  return m ? m[1]! : identifier;
}
