/** CI mode: fire the planned operations one by one, wait for their invocations, print, and decide the exit code. */
import type { Writable } from 'node:stream';
import type { Chain, SessionApi, SessionEvent } from '../events.js';
import { foldOpEvent, type OpState, type OpStates } from '../op-state.js';
import type { OpInput } from '../ops/types.js';
import type { AsyncFate } from '../observe/async-fate.js';
import { checkInput } from '../ops/validate.js';
import { opDefinition } from '../ops/registry.js';
import { noFunctionProblem } from '../ops/replay.js';
import { scrub, toOpError } from '../ops/errors.js';
import { AppError, ExitCode, usageError } from '../errors.js';
import { lifecycle } from '../lifecycle.cjs';
import { bucketNameProblem } from '../aws/bucket-name.js';
import { createSession, onThisMachinesClock, type SessionOptions } from '../session.js';
import type { TargetFlags } from '../target-decision.js';
import { planOps, type OpFlags } from './plan.js';
import {
  exitCodeFor,
  invocationFailed,
  invocationText,
  mayBeRetried,
  outcomeOf,
  retryRunning,
  statusOf,
  type OpOutcome,
} from './outcome.js';
import { functionOfGroup, functionsByGroup, outcomeRecord } from './json.js';
import * as text from './text.js';
import { progressText, StatusLine, waitingText, type MaybeTty } from './status-line.js';

export interface CiOptions extends OpFlags, TargetFlags {
  wait: boolean;
  timeoutMs: number;
  expect?: string;
  json: boolean;
  quiet: boolean;
  createBucket: boolean;
  /** Answers every question s3trigger would ask: here, whether to fire an operation no notification covers. */
  yes: boolean;
  functions?: string[];
  logGroups?: string[];
  poll: boolean;
  /** --expect-invocations: how many invocations each operation must get (default: one per function reached). */
  expectInvocations?: number;
  /** --retrigger-prefix: re-fire every object under this prefix (after the other operations). */
  retriggerPrefix?: string;
  /** --parallel: operations in flight at once (default 1: one by one). */
  parallel?: number;
}

export interface CiIo {
  stdout: Writable;
  /** Progress and waiting lines go here, in place, when it is a terminal. */
  stderr: MaybeTty;
}

/** How a signal reaches the run: `cancelled` resolves and `interrupted` turns true (lifecycle.cts stops it). */
interface Interruption {
  interrupted: boolean;
  cancelled: Promise<void>;
}

const CREDENTIAL_CODES = new Set([
  'EndpointUnreachable',
  'NoCredentials',
  'ExpiredToken',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
]);

function compileExpect(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern, 'm');
  } catch (err) {
    throw usageError(`--expect '${pattern}' is not a valid regular expression: ${(err as Error).message}`);
  }
}

/** The run's view of the engine: its fold of every op event, and a way to wait for the next one. */
class OpWatch {
  states: OpStates = {};
  private wake: () => void = () => {};
  private next = new Promise<void>((resolve) => (this.wake = resolve));

  onEvent(e: SessionEvent): void {
    this.states = foldOpEvent(this.states, e);
    this.wake();
    this.next = new Promise<void>((resolve) => (this.wake = resolve));
  }

  /** Resolves at the next op event, or after `ms`. */
  async changed(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.next, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))))]);
    clearTimeout(timer);
  }
}

/**
 * Fires one op and waits for the engine to settle it (or for an interrupt, which closes the session). A Lambda that
 * failed may be retried with the same request id: its outcome is the last attempt seen within --timeout of the ack,
 * or the third (Lambda's last) when it comes sooner.
 */
async function runOne(
  session: SessionApi,
  watch: OpWatch,
  input: OpInput,
  o: CiOptions,
  stop: Interruption,
  status: StatusLine,
  fates?: Record<string, AsyncFate>,
): Promise<OpOutcome> {
  const fired = session.fire(input);
  const waiting = setInterval(() => showWaiting(watch.states[fired.opId], o.timeoutMs, status), 1000);
  try {
    const interrupted = await Promise.race([fired.settled.then(() => false), stop.cancelled.then(() => true)]);
    const interruptedAt = interrupted ? Date.now() : undefined;
    if (interrupted) await session.close(); // aborts an upload in flight; every waiting op then settles as it stands
    let state = await fired.settled;
    const deadline = (state.result?.ackedAt ?? 0) + o.timeoutMs;
    // The last attempt decides: wait while a failed one may be retried or a retry is still running.
    const maxAttempts = (logGroup: string) => {
      const fate = fates?.[functionOfGroup(logGroup)];
      return fate ? fate.maximumRetryAttempts + 1 : undefined;
    };
    const retriable = (s: OpState) =>
      s.matches.some((m) => mayBeRetried(m.invocation, maxAttempts(m.invocation.logGroup)) || retryRunning(m.invocation));
    while (retriable(state) && !stop.interrupted && Date.now() < deadline) {
      showWaiting(state, o.timeoutMs, status);
      await Promise.race([watch.changed(Math.min(1000, deadline - Date.now())), stop.cancelled]);
      state = watch.states[fired.opId] ?? state;
    }
    return outcomeOf(state, interrupted, interruptedAt);
  } finally {
    clearInterval(waiting);
    status.clear();
  }
}

/** The status line of an op awaiting its invocation (or its Lambda's retries); nothing otherwise. */
function showWaiting(state: OpState | undefined, timeoutMs: number, status: StatusLine): void {
  const ackedAt = state?.result?.ackedAt;
  if (!state || ackedAt === undefined || !state.awaitsInvocation) return;
  if (state.status !== 'acked' && state.status !== 'lambda-failed') return;
  status.show(waitingText(state.input, Date.now() - ackedAt, timeoutMs, state.status === 'lambda-failed'), true);
}

/**
 * Fires the planned operations one by one and resolves with the exit code (ExitCode). A signal cancels the
 * operation in flight (a multipart upload is aborted), and the run ends after the session is closed.
 * Bad flags or input reject with an AppError (exit 2) before anything is fired.
 */
export async function runCi(o: CiOptions, io: CiIo): Promise<number> {
  let cancel = () => {};
  const stop: Interruption = { interrupted: false, cancelled: new Promise<void>((resolve) => (cancel = resolve)) };
  return lifecycle.stoppable(runPlanned(o, io, stop), () => {
    stop.interrupted = true;
    cancel();
  });
}

/** The session a CI run (or a burst) opens: the target flags, the bucket, and whether it observes invocations. */
export function ciSessionOptions(
  o: Pick<CiOptions, keyof TargetFlags | 'bucket' | 'timeoutMs' | 'poll' | 'functions' | 'logGroups' | 'expectInvocations'>,
  observe: boolean,
): SessionOptions {
  return {
    ...(o.local ? { local: true } : {}),
    ...(o.handler ? { handler: o.handler } : {}),
    ...(o.endpointUrl ? { endpointUrl: o.endpointUrl } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.region ? { region: o.region } : {}),
    ...(o.timing ? { timing: o.timing } : {}),
    ...(o.via ? { via: o.via } : {}),
    ...(o.strict ? { strict: true } : {}),
    bucket: o.bucket,
    observe,
    matchTimeoutMs: o.timeoutMs,
    ...(o.poll ? { tailMode: 'poll' as const } : {}),
    ...(o.functions?.length ? { functions: o.functions } : {}),
    ...(o.logGroups?.length ? { logGroups: o.logGroups } : {}),
    ...(o.expectInvocations !== undefined ? { expectInvocations: o.expectInvocations } : {}),
  };
}

async function runPlanned(o: CiOptions, io: CiIo, stop: Interruption): Promise<number> {
  const ops = planOps(o);
  const expect = compileExpect(o.expect);
  for (const op of ops) {
    const problem = await checkInput(op);
    if (problem) throw new AppError(problem.code, problem.message, ExitCode.Usage);
  }
  const wait = o.wait || expect !== undefined;
  // A dumb terminal cannot erase a line: it would show the escape codes.
  const status = new StatusLine(io.stderr, Boolean(io.stderr.isTTY) && !o.quiet && process.env.TERM !== 'dumb');
  // Lines can carry SDK and tail error texts: no credential or signature gets through.
  const info = (line: string) => {
    if (!o.quiet) status.write(() => (o.json ? io.stderr : io.stdout).write(`${scrub(line)}\n`));
  };
  const problem = (line: string) => status.write(() => io.stderr.write(`${scrub(line)}\n`));

  const session = await createSession(ciSessionOptions(o, wait));
  const oneClock = onThisMachinesClock(session.target);
  const outcomes: OpOutcome[] = [];
  const tailNotes = new Map<string, string>();
  const watch = new OpWatch();
  session.on((e) => {
    watch.onEvent(e);
    if (e.type === 'OpProgress') {
      const input = watch.states[e.opId]?.input;
      if (input) status.show(progressText(input, e.loaded, e.total), e.loaded === e.total);
    }
    if (e.type === 'Warning') info(`Warning: ${e.message}`); // tail trouble, recursion...
    if (e.type === 'HandlerReloaded') problem(`Handler reloaded (${e.files.length} file${e.files.length === 1 ? '' : 's'} changed)`);
    if (e.type !== 'TailState') return;
    const note =
      e.state.detail ?? (e.state.mode === 'waiting-for-group' ? 'the log group does not exist yet (nothing has logged to it)' : undefined);
    if (note) tailNotes.set(e.state.logGroup, note);
    else tailNotes.delete(e.state.logGroup); // recovered
  });
  try {
    for (const line of text.targetLines(session.target)) info(line);
    const checkBucket = session.target.kind !== 'aws' || o.createBucket;
    // Without --wait nothing is observed and discovery is one read: it goes out beside the bucket check (one round
    // trip, not two). A bucket the check had to create is read again after it (its notifications came with it).
    let early = checkBucket && !wait && !bucketNameProblem(o.bucket) ? settled(session.selectBucket(o.bucket)) : undefined;
    if (checkBucket) {
      try {
        const created = await session.ensureBucket(o.bucket);
        if (created && early) {
          await early;
          early = undefined;
        }
        info(text.bucketLine(o.bucket, created));
      } catch (err) {
        await early;
        if (err instanceof AppError) throw err;
        const e = toOpError(err);
        const where =
          e.code === 'EndpointUnreachable' ? ` at ${session.target.endpoint ?? 'AWS'}: check --endpoint-url / AWS_ENDPOINT_URL` : '';
        throw new AppError(
          e.code,
          `cannot use bucket ${o.bucket}: ${e.message}${where}`,
          CREDENTIAL_CODES.has(e.code) ? ExitCode.Usage : ExitCode.OperationFailed,
          { cause: err },
        );
      }
    }
    let logGroups: string[] = [];
    let chain: Chain | undefined;
    let fates: Record<string, AsyncFate> | undefined;
    let byGroup: Record<string, string> | undefined;
    try {
      const discovery = early ? unwrap(await early) : await session.selectBucket(o.bucket);
      logGroups = discovery.logGroups;
      chain = discovery.chain;
      fates = discovery.asyncFates;
      byGroup = functionsByGroup(discovery.logGroupByFunction);
      // Where the other informational lines go: stderr with --json (stdout stays NDJSON), stdout otherwise; not with --quiet.
      const chainLine = text.chainLine(discovery);
      if (chainLine) info(chainLine);
      for (const line of text.discoveryLines(discovery, wait)) info(line);
    } catch (err) {
      // A target that cannot reach CloudWatch Logs at all is bad input: say so before anything is fired.
      if (wait && err instanceof AppError && err.exitCode === ExitCode.Usage) throw err;
      problem(`Warning: cannot watch the function logs: ${toOpError(err).message}`);
    }
    for (const input of ops)
      if (input.kind === 'replay' && session.directFunctions?.(input)?.length === 0) throw usageError(noFunctionProblem(input, o.bucket));
    if (o.retriggerPrefix !== undefined) {
      const keys = await session.listKeys(o.bucket, o.retriggerPrefix);
      info(text.retriggerPrefixLine(o.bucket, o.retriggerPrefix, keys.length));
      ops.push(...keys.map((key): OpInput => ({ kind: 'retrigger', bucket: o.bucket, key })));
    }
    // Asked before anything is fired: waiting for an operation no notification covers would only wait out --timeout.
    const refused = wait && !o.yes ? [...new Set(ops.flatMap((input) => session.previewWarning(input) ?? []))] : [];
    if (refused.length)
      throw usageError(`not firing, as no invocation could be awaited: ${refused.join('; ')} (pass --yes to fire anyway)`);
    let stoppedBy: 'failed' | 'interrupted' | undefined;
    const runInput = async (input: OpInput) => {
      if (stop.interrupted) stoppedBy = 'interrupted';
      if (stoppedBy) {
        const skipped = outcomeOf(await session.skip(input).settled);
        outcomes.push(skipped);
        problem(text.skippedLine(input, stoppedBy));
        if (o.json)
          status.write(() =>
            io.stdout.write(`${JSON.stringify(outcomeRecord(skipped, session.target, oneClock, chain, fates, byGroup))}\n`),
          );
        return;
      }
      if (!o.json) info(text.opStartLine(input));
      const outcome = await runOne(session, watch, input, o, stop, status, fates);
      for (const w of outcome.warnings) info(`Warning: ${w}`);
      if (outcome.result && !outcome.result.error && expect && outcome.match) {
        outcome.expect = { pattern: expect.source, ok: expect.test(invocationText(outcome.match.invocation)) };
      }
      outcomes.push(outcome);
      // With --json the record says it all; stderr keeps only what went wrong.
      report(outcome, o, logGroups, tailNotes, session, oneClock, o.json ? () => {} : info, problem, fates);
      if (o.json)
        status.write(() => io.stdout.write(`${JSON.stringify(outcomeRecord(outcome, session.target, oneClock, chain, fates, byGroup))}\n`));
      if (statusOf(outcome) === 'failed' || statusOf(outcome) === 'cancelled') stoppedBy = stop.interrupted ? 'interrupted' : 'failed';
    };
    await inPool(ops, Math.max(1, o.parallel ?? 1), runInput);
    // A loop an op started (sandbox): its stop by Lambda's recursion detection comes after the op settled.
    if (wait) await session.awaitLoops?.(Math.min(o.timeoutMs, 30_000));
  } finally {
    await session.close();
  }
  return exitCodeFor(outcomes, stop.interrupted);
}

type Settled<T> = { value: T } | { error: unknown };

/** A promise that never rejects (its error is kept for `unwrap`): one started early may be awaited late or never. */
function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

function unwrap<T>(result: Settled<T>): T {
  if ('error' in result) throw result.error;
  return result.value;
}

/** Runs `work` on every item, at most `limit` at once, starting them in order. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function report(
  outcome: OpOutcome,
  o: CiOptions,
  logGroups: string[],
  tailNotes: ReadonlyMap<string, string>,
  session: SessionApi,
  oneClock: boolean,
  info: (l: string) => void,
  problem: (l: string) => void,
  fates?: Record<string, AsyncFate>,
) {
  const { input, result } = outcome;
  if (!result || result.error) {
    problem(text.failureLine(input, result?.error ?? { code: 'Aborted', message: 'cancelled' }, session.target));
    return;
  }
  info(text.opDoneLine(input, result));
  if (outcome.match) {
    const matches = outcome.matches ?? [outcome.match];
    const fanOut = text.fanOutLine(
      matches.map((m) => functionOfGroup(m.invocation.logGroup)),
      outcome.missing ?? [],
    );
    if (fanOut) info(fanOut);
    const direct = opDefinition(input.kind).invokes === 'lambda';
    for (const m of matches) {
      for (const line of text.invocationLines(m.invocation, m.confidence, m.latency, direct)) info(line);
      info(text.latencyLine(m.latency, oneClock, direct));
    }
    const failed = matches.filter((m) => invocationFailed(m.invocation));
    for (const m of outcome.lambdaFailed ? failed : [])
      for (const line of text.lambdaFailedLines(m.invocation, fates?.[functionOfGroup(m.invocation.logGroup)])) problem(line);
    if (outcome.timedOut && outcome.missing?.length)
      problem(text.missingFunctionsLine(input, o.timeoutMs, outcome.missing, matches.length));
    else if (outcome.timedOut)
      problem(text.tooFewLine(input, o.timeoutMs, matches.length, outcome.expectedInvocations ?? matches.length + 1));
    if (outcome.expect && !outcome.expect.ok) problem(text.expectFailedLine(outcome.expect.pattern, outcome.match.invocation));
  } else if (outcome.timedOut) {
    problem(text.noMatchLine(input, o.timeoutMs, logGroups, tailNotes));
  }
  if (outcome.cancelled) problem(text.interruptedWaitLine(input, outcome.waitedMs, o.timeoutMs));
}
