/**
 * What `--replay FILE` and the TUI's `r` re-send: an event as a handler received it. Pure: texts in, the event (or
 * what is wrong) out.
 */
import { extractS3Mentions, jsonIn } from '../observe/s3-mentions.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An event to re-send, with what it says about the S3 object (the first record's), and the function it reached. */
export interface ReplayEvent {
  /** The event exactly as the handler received it (S3 records, or the SNS / SQS / EventBridge envelope around them). */
  event: Json;
  bucket?: string;
  /** The object key, decoded from the record's URL-encoded form. */
  key?: string;
  /** e.g. `ObjectCreated:Put`, without `s3:`. */
  eventName?: string;
  /** The function that ran for it, when the file is s3trigger's `--json` output (`match.function`). */
  function?: string;
}

/** The first S3 object the event is about (through any envelope), as ReplayEvent's bucket/key/eventName. */
export function describeEvent(event: Json): Pick<ReplayEvent, 'bucket' | 'key' | 'eventName'> {
  const [first] = extractS3Mentions([JSON.stringify(event)]);
  if (!first) return {};
  let key = first.key;
  try {
    key = decodeURIComponent(first.key.replace(/\+/g, ' '));
  } catch {}
  return {
    ...(first.bucket !== undefined ? { bucket: first.bucket } : {}),
    key,
    ...(first.eventName !== undefined ? { eventName: first.eventName } : {}),
  };
}

/** Whether a parsed document is an event a handler received: it names an S3 object (directly or inside an envelope). */
function isEvent(doc: unknown): doc is Json {
  return isObject(doc) && extractS3Mentions([JSON.stringify(doc)]).length > 0;
}

/**
 * The event an invocation's handler printed, from its log messages: a message holding the whole event as JSON (Node's
 * `console.log(JSON.stringify(event))`, Python's `print(json.dumps(event))`, after any log prefix), else all messages
 * together (an indented dump printed line by line). Undefined when the handler never logged it (the blog's block of
 * fields is not the event).
 */
export function loggedEvent(messages: readonly string[]): Json | undefined {
  for (const message of messages) {
    const doc = jsonIn(message);
    if (isEvent(doc)) return doc;
  }
  const all = jsonIn(messages.join('\n'));
  return isEvent(all) ? all : undefined;
}

/**
 * The events in a `--replay FILE`: the file as one JSON event, or s3trigger's `--json` output (NDJSON `type: "op"`
 * records) with the event found in each record's log. Errors name what to fix; an op record whose handler did not
 * log its event is skipped (and counted in `skipped`).
 */
export function parseReplayFile(text: string, file: string): { events: ReplayEvent[]; skipped: number } | { problem: string } {
  const whole = tryParse(text);
  if (whole !== undefined) {
    if (isObject(whole) && whole.type === 'op') return fromOpRecords([whole], file);
    if (!isEvent(whole))
      return { problem: `--replay ${file}: the JSON names no S3 object (no Records[].s3, SNS, SQS or EventBridge S3 event)` };
    return { events: [{ event: whole, ...describeEvent(whole) }], skipped: 0 };
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const docs = lines.map(tryParse);
  const bad = docs.indexOf(undefined);
  if (lines.length === 0) return { problem: `--replay ${file} is empty: give a JSON event or a line of s3trigger --json output` };
  if (bad >= 0) return { problem: `--replay ${file}: line ${bad + 1} is not JSON: give a JSON event or s3trigger --json output` };
  return fromOpRecords(
    docs.filter(isObject).filter((d) => d.type === 'op'),
    file,
  );
}

function fromOpRecords(records: Json[], file: string): { events: ReplayEvent[]; skipped: number } | { problem: string } {
  if (records.length === 0) return { problem: `--replay ${file} has no "type": "op" record: give a JSON event or s3trigger --json output` };
  const events: ReplayEvent[] = [];
  for (const record of records) {
    const log = Array.isArray(record.log) ? record.log : [];
    const messages = log.map((l) => (isObject(l) && typeof l.message === 'string' ? l.message : '')).filter(Boolean);
    const event = loggedEvent(messages);
    if (!event) continue;
    const match = isObject(record.match) ? record.match : {};
    events.push({ event, ...describeEvent(event), ...(typeof match.function === 'string' ? { function: match.function } : {}) });
  }
  if (events.length === 0) {
    return {
      problem: `--replay ${file}: no handler in it logged its event (print the event, e.g. console.log(JSON.stringify(event)), then run again with --json)`,
    };
  }
  return { events, skipped: records.length - events.length };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
