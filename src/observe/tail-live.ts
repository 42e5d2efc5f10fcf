/**
 * One StartLiveTail session for one log group. Resolves with why it ended, so the caller can
 * fall back to polling (refused), wait for the group (not-found) or reconnect (dropped). On a custom endpoint the
 * session is read directly (aws/live-tail-direct.ts); anything that way does not start goes through the SDK.
 */
import {
  DescribeLogGroupsCommand,
  StartLiveTailCommand,
  type CloudWatchLogsClient,
  type LiveTailSessionLogEvent,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import type { RawLogEvent } from './lambda-log.js';
import { startLiveTailDirect } from '../aws/live-tail-direct.js';
import { errorName, errorText, isGroupMissing, untilAborted } from './tail-poll.js';

export type LiveEnd =
  | { kind: 'refused'; detail: string }
  | { kind: 'not-found' }
  | { kind: 'dropped'; detail: string }
  | { kind: 'stopped' };

export interface LiveTailOptions {
  logs: CloudWatchLogsClient;
  logGroup: string;
  /** ARN (AWS requires one) or name (emulators accept it). */
  identifier: string;
  signal: AbortSignal;
  onConnected(): void;
  onEvents(events: RawLogEvent[]): void;
}

/**
 * Whether an error before the session started means "this endpoint will not do live tail"
 * (fall back to polling) rather than a passing network problem (retry).
 */
export function isRefusal(err: unknown): boolean {
  const name = errorName(err);
  if (name === 'ThrottlingException') return false; // StartLiveTail's 5 TPS: retry, the session quota is LimitExceeded
  if (
    /^(UnknownOperation|AccessDenied|LimitExceeded|UnrecognizedClient|InvalidParameter|InvalidAction|NotImplemented|UnsupportedOperation|ValidationException|InvalidSignature|NotAuthorized)/.test(
      name,
    )
  )
    return true;
  // A reply that is not an event stream nor an AWS error (an HTML page): the endpoint does not speak StartLiveTail.
  if (name === 'SyntaxError' || /Deserialization error/.test((err as Error)?.message ?? '')) return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (status === 501) return true;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** The log group's ARN for StartLiveTail, or undefined when the group does not exist. Falls back to the name. */
export async function liveTailIdentifier(logs: CloudWatchLogsClient, logGroup: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroup }), { abortSignal: signal });
    const group = out.logGroups?.find((g) => g.logGroupName === logGroup);
    if (!group) return undefined;
    return group.logGroupArn ?? group.arn?.replace(/:\*$/, '') ?? logGroup;
  } catch (err) {
    if (isGroupMissing(err)) return undefined;
    return logGroup; // DescribeLogGroups denied or unsupported: let StartLiveTail decide
  }
}

let liveCounter = 0;

/** A session's few stream names, one string each: every line keeps its stream's name for as long as it is kept. */
const streamNames = new Map<string, string>();
const MAX_STREAM_NAMES = 1000;

function streamName(name: string): string {
  const known = streamNames.get(name);
  if (known !== undefined) return known;
  if (streamNames.size >= MAX_STREAM_NAMES) streamNames.clear();
  streamNames.set(name, name);
  return name;
}

/**
 * Live events carry no eventId: each gets a synthesized one (dedupe against polled events is by content).
 * As toRawEvents, in one pass (a burst delivers thousands per second).
 */
function toRaw(logGroup: string, events: readonly LiveTailSessionLogEvent[]): RawLogEvent[] {
  const raw: RawLogEvent[] = [];
  for (const e of events) {
    if (e.timestamp === undefined || e.message === undefined) continue;
    const logStream = streamName(e.logStreamName ?? '');
    const eventId = `live-${++liveCounter}`;
    raw.push(
      e.ingestionTime !== undefined
        ? { logGroup, logStream, timestamp: e.timestamp, ingestionTime: e.ingestionTime, message: e.message, eventId }
        : { logGroup, logStream, timestamp: e.timestamp, message: e.message, eventId },
    );
  }
  return raw;
}

export async function runLiveTail(o: LiveTailOptions): Promise<LiveEnd> {
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  let started = false;
  let iterator: AsyncIterator<StartLiveTailResponseStream> | undefined;
  try {
    let stream = await startLiveTailDirect(o.logs, [o.identifier], abort.signal);
    if (o.signal.aborted) return { kind: 'stopped' };
    if (!stream) {
      const sent = o.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [o.identifier] }), { abortSignal: abort.signal });
      sent.catch(() => {}); // a rejection after we stopped waiting is not news
      const out = await untilAborted(sent, o.signal);
      if (out === undefined) return { kind: 'stopped' };
      if (!out.responseStream) return { kind: 'refused', detail: 'no response stream' };
      stream = out.responseStream;
    }
    iterator = stream[Symbol.asyncIterator]();
    for (;;) {
      const next = iterator.next();
      next.catch(() => {});
      const step = await untilAborted(next, o.signal);
      if (step === undefined) return { kind: 'stopped' };
      if (step.done) break;
      const item = step.value;
      if (item.sessionStart) {
        started = true;
        o.onConnected();
      } else if (item.sessionUpdate) {
        if (!started) {
          started = true;
          o.onConnected();
        }
        const events = toRaw(o.logGroup, item.sessionUpdate.sessionResults ?? []);
        if (events.length) o.onEvents(events);
      } else if (item.SessionTimeoutException || item.SessionStreamingException) {
        const e = item.SessionTimeoutException ?? item.SessionStreamingException;
        return {
          kind: 'dropped',
          detail: `${item.SessionTimeoutException ? 'SessionTimeoutException' : 'SessionStreamingException'}: ${e?.message ?? ''}`,
        };
      }
    }
    if (o.signal.aborted) return { kind: 'stopped' };
    return started ? { kind: 'dropped', detail: 'stream closed' } : { kind: 'refused', detail: 'stream closed before the session started' };
  } catch (err) {
    if (o.signal.aborted) return { kind: 'stopped' };
    if (isGroupMissing(err)) return { kind: 'not-found' };
    if (!started && isRefusal(err)) return { kind: 'refused', detail: errorText(err) };
    return { kind: 'dropped', detail: errorText(err) };
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    abort.abort(); // releases the socket when we leave early
    void iterator?.return?.().catch(() => {});
  }
}
