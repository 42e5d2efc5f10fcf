/**
 * REPLAY: re-send an event a handler received to its function(s), as an asynchronous (`Event`) invoke, the way S3
 * invokes (issue #14, item 4). Matched by the request ids of its own Invoke calls, not by S3 evidence.
 */
import { readFileSync } from 'node:fs';
import type { OpDefinition } from './definition.js';
import { problem } from './problems.js';
import { oneLine } from '../errors.js';
import { parseReplayFile, type ReplayEvent } from '../replay/event-file.js';

/** One event re-sent to the functions that receive the bucket's events (`--function` or discovery), else to `recordedFunction`. */
export interface ReplayInput {
  kind: 'replay';
  bucket: string;
  /** The object the event is about (decoded), or '' when it names none. */
  key: string;
  /** The event as JSON text, sent unchanged as the Invoke payload. */
  event: string;
  eventName?: string;
  /** Exactly these functions (the TUI's `r`: the row's function); absent: `--function` / discovery decides. */
  functions?: string[];
  /** The function the event reached when it was recorded (s3trigger --json output, or the TUI row). */
  recordedFunction?: string;
  /** Where the event came from: the file, or the TUI row. */
  source: string;
  /** What is wrong with the file (read when the flag is parsed; reported before anything is sent). */
  fileProblem?: string;
  /** Events in the file after the one replayed (one event per run). */
  notReplayed?: number;
}

/** A replay input from an event already in hand (the TUI's `r` on a row). */
export function replayInputOf(found: ReplayEvent, bucket: string, source: string): ReplayInput {
  return {
    kind: 'replay',
    bucket: found.bucket ?? bucket,
    key: found.key ?? '',
    event: JSON.stringify(found.event),
    ...(found.eventName ? { eventName: found.eventName } : {}),
    ...(found.function ? { recordedFunction: found.function } : {}),
    source,
  };
}

/** `--replay FILE` -> the input of its first event; a file that cannot be read or holds no event becomes `fileProblem`. */
export function replayInputFromFile(file: string, bucket: string): ReplayInput {
  const empty: ReplayInput = { kind: 'replay', bucket, key: '', event: '', source: file };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : code;
    return { ...empty, fileProblem: `--replay ${file}: ${why ?? 'cannot be read'}` };
  }
  const parsed = parseReplayFile(text, file);
  if ('problem' in parsed) return { ...empty, fileProblem: parsed.problem };
  const [first, ...rest] = parsed.events;
  return { ...replayInputOf(first!, bucket, file), ...(rest.length ? { notReplayed: rest.length } : {}) };
}

/** The functions a replay invokes: its own list (TUI row), else `--function` / discovery's for the bucket, else the recorded one. */
export function replayFunctions(input: ReplayInput, discovered: readonly string[]): string[] {
  if (input.functions?.length) return [...input.functions];
  if (discovered.length) return [...discovered];
  return input.recordedFunction ? [input.recordedFunction] : [];
}

/**
 * Why a replay has no function to invoke (no `--function`, no function known to receive the event's bucket, none
 * recorded), as a one-line usage error; `watched` is the bucket whose notifications were read (`--bucket`).
 */
export function noFunctionProblem(input: ReplayInput, watched: string): string {
  const bucket = oneLine(input.bucket);
  const why =
    input.bucket === watched
      ? `no function receives bucket ${bucket}'s events: give --function NAME`
      : `the event names bucket ${bucket}, not ${oneLine(watched)} (--bucket): give --function NAME, or --bucket ${bucket}`;
  return `--replay ${oneLine(input.source)}: ${why}`;
}

/** The REPLAY operation (CI `--replay FILE`; the TUI fires it with `r` on a row, so it has no key of its own). */
export const replay: OpDefinition<'replay', undefined, 'replay'> = {
  kind: 'replay',
  label: 'REPLAY',
  eventNames: ['ObjectCreated:*'],
  invokes: 'lambda',
  keyOf: (input) => input.key,
  keys: () => [],
  expectedFunctions: replayFunctions,
  problem(input) {
    if (input.fileProblem) return problem('InvalidReplayFile', input.fileProblem);
    return input.event ? undefined : problem('Usage', '--replay needs a FILE holding an event');
  },
  run: async (ctx, input, startedAt) => (await import('./replay-run.js')).invokeWithEvent(ctx, input, startedAt),
  cli: {
    flag: 'replay',
    metavars: ['FILE'],
    describe:
      "Invoke the bucket's function(s), or --function NAME whatever bucket the event names, asynchronously with the event in FILE (a JSON event, or s3trigger --json output)",
    order: 21,
    input: ([file = ''], f) => replayInputFromFile(file, f.bucket),
    startLine: (input) =>
      `Replaying ${input.eventName ?? 'the event'}${input.key ? ` of ${input.key}` : ''} from ${input.source}` +
      (input.notReplayed ? ` (${input.notReplayed} more event(s) in it not replayed: one per run)` : ''),
    doneLine: (_input, result) => `Invoked ${result.invocationRequestIds?.length ?? 0} function(s) asynchronously.`,
  },
};
