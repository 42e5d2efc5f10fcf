/** `--burst N` in CI mode: checks, the session, the burst, then the summary (text) or the NDJSON records (--json). */
import type { Chain } from '../events.js';
import { AppError, ExitCode, usageError } from '../errors.js';
import { lifecycle } from '../lifecycle.cjs';
import { checkInput } from '../ops/validate.js';
import { fileProblem } from '../ops/problems.js';
import { scrub, toOpError } from '../ops/errors.js';
import { createSession, onThisMachinesClock } from '../session.js';
import { decideTarget, loadTargetEnvironment, type TargetFlags } from '../target-decision.js';
import { ciSessionOptions, type CiIo } from './run.js';
import * as text from './text.js';
import { StatusLine } from './status-line.js';
import { opDefinition } from '../ops/registry.js';
import { bodyFile, burstInputs, firingThreadFiles, runBurst, type BurstProgress } from '../burst/engine.js';
import { AWS_CONFIRM_ABOVE, burstKeys, newRunId, type BurstPlan } from '../burst/plan.js';
import { attributeSameKey } from '../burst/same-key.js';
import { burstExitCode, burstStats, missedGates } from '../burst/stats.js';
import { setupLine, summaryLines } from '../burst/report-text.js';
import { burstOpRecord, summaryRecord } from './burst-json.js';

export interface BurstCiOptions extends TargetFlags {
  bucket: string;
  plan: BurstPlan;
  timeoutMs: number;
  json: boolean;
  quiet: boolean;
  createBucket: boolean;
  yes: boolean;
  functions?: string[];
  logGroups?: string[];
  poll: boolean;
  expectInvocations?: number;
  partSize?: number;
  concurrency?: number;
}

/**
 * Refuses (usage error) a burst of more than 100 operations on AWS without --yes: decided from the flags and the
 * environment alone (target-decision.ts), before any request.
 */
export async function awsConfirmProblem(o: Pick<BurstCiOptions, keyof TargetFlags | 'plan' | 'yes'>): Promise<string | undefined> {
  if (o.yes || o.plan.count <= AWS_CONFIRM_ABOVE) return undefined;
  const decision = decideTarget(o, await loadTargetEnvironment());
  if (decision.kind !== 'aws') return undefined;
  return `--burst ${o.plan.count} fires more than ${AWS_CONFIRM_ABOVE} operations on AWS (billed requests and invocations): pass --yes to confirm`;
}

/** `BURST 120/200 fired, 100 acked, 80 matched` for the status line. */
export function progressLine(p: BurstProgress): string {
  if (p.phase === 'setup') return `BURST setup: ${p.setupDone}/${p.setupTotal} source objects`;
  return `BURST ${p.fired}/${p.total} fired, ${p.acked} acked, ${p.matched} matched, ${p.settled} settled`;
}

/** Runs the burst and resolves with the exit code; bad input rejects with an AppError (exit 2) before anything is fired. */
export async function runBurstCi(o: BurstCiOptions, io: CiIo): Promise<number> {
  const problem = await awsConfirmProblem(o);
  if (problem) throw usageError(problem);
  const controller = new AbortController();
  return lifecycle.stoppable(run(o, io, controller.signal), () => controller.abort());
}

async function run(o: BurstCiOptions, io: CiIo, signal: AbortSignal): Promise<number> {
  const { plan } = o;
  const modifiers = {
    ...(o.partSize !== undefined ? { partSize: o.partSize } : {}),
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
  };
  const runId = newRunId();
  // The body's file is given with --file (the op's own checks would name the op's flag, --put FILE).
  const noFile = 'file' in plan.body ? await fileProblem(plan.body.file, '--file') : undefined;
  if (noFile) throw new AppError(noFile.code, noFile.message, ExitCode.Usage);
  const body = await bodyFile(plan.body).catch((err: unknown) => {
    throw new AppError('TempFileUnwritable', `--burst: cannot write the body's temp file: ${toOpError(err).message}`, ExitCode.Usage);
  });
  const live = Boolean(io.stderr.isTTY) && !o.quiet && process.env.TERM !== 'dumb';
  const status = new StatusLine(io.stderr, live);
  const info = (line: string) => {
    if (!o.quiet) status.write(() => (o.json ? io.stderr : io.stdout).write(`${scrub(line)}\n`));
  };
  const warn = (line: string) => status.write(() => io.stderr.write(`${scrub(line)}\n`));
  try {
    const [first] = burstInputs({ ...plan, count: 1 }, o.bucket, body.path, burstKeys(plan, runId), modifiers);
    const bad = await checkInput(first!);
    if (bad) throw new AppError(bad.code, bad.message, ExitCode.Usage);
    const session = await createSession(ciSessionOptions(o, true));
    // The firing thread starts while the bucket is checked and discovered (runBurst gets the same one).
    const threadFiles = firingThreadFiles(plan, body.path);
    if (threadFiles) void session.offloadFiring?.(threadFiles).catch(() => undefined);
    const oneClock = onThisMachinesClock(session.target);
    const unsubscribe = session.on((e) => {
      if (e.type === 'Warning') info(`Warning: ${e.message}`);
    });
    try {
      for (const line of text.targetLines(session.target)) info(line);
      if (session.target.kind !== 'aws' || o.createBucket) {
        try {
          info(text.bucketLine(o.bucket, await session.ensureBucket(o.bucket)));
        } catch (err) {
          if (err instanceof AppError) throw err;
          const e = toOpError(err);
          throw new AppError(
            e.code,
            `cannot use bucket ${o.bucket}: ${e.message}`,
            e.code === 'EndpointUnreachable' ? ExitCode.Usage : ExitCode.OperationFailed,
          );
        }
      }
      let chain: Chain | undefined;
      try {
        const discovery = await session.selectBucket(o.bucket);
        chain = discovery.chain;
        const chainLine = text.chainLine(discovery);
        if (chainLine) info(chainLine);
        for (const line of text.discoveryLines(discovery, true)) info(line);
      } catch (err) {
        if (err instanceof AppError && err.exitCode === ExitCode.Usage) throw err;
        warn(`Warning: cannot watch the function logs: ${toOpError(err).message}`);
      }
      const uncovered = session.previewWarning(first!);
      if (uncovered && !o.yes)
        throw usageError(`not firing the burst, as no invocation could be awaited: ${uncovered} (pass --yes to fire anyway)`);
      const setup = setupLine(session.target, o.timing?.profile ?? 'instant');
      info(`Firing ${plan.count} × ${opDefinition(plan.kind).label}, ${plan.parallel} in flight…`);
      const result = await runBurst(session, plan, body.path, {
        bucket: o.bucket,
        runId,
        signal,
        ...(Object.keys(modifiers).length ? { modifiers } : {}),
        // Only for a status line to show: each progress looks at every op fired so far.
        ...(live ? { onProgress: (p: BurstProgress) => status.show(progressLine(p)) } : {}),
      });
      status.clear();
      if (result.setupError)
        throw new AppError('SetupFailed', `--burst: ${result.setupError}; nothing was fired`, ExitCode.OperationFailed);
      const { states, attribution } = plan.sameKey
        ? attributeSameKey(result.states)
        : { states: result.states, attribution: 'engine' as const };
      const stats = burstStats(states, plan.sameKey);
      const missed = missedGates(stats, plan);
      const exitCode = burstExitCode(stats, missed, result.interrupted);
      if (o.json) {
        const out = (record: unknown) => status.write(() => io.stdout.write(`${JSON.stringify(record)}\n`));
        for (const [i, state] of states.entries()) out(burstOpRecord(state, i, stats, runId, session.target, oneClock, chain));
        out(
          summaryRecord(plan, stats, {
            runId,
            target: session.target,
            setup,
            bucket: o.bucket,
            missed,
            oneClock,
            exitCode,
            attribution,
            interrupted: result.interrupted,
          }),
        );
      } else if (!o.quiet) {
        for (const line of summaryLines(plan, stats, setup, attribution)) io.stdout.write(`${line}\n`);
      }
      for (const state of states.filter((s) => s.result?.error).slice(0, 3)) {
        warn(text.failureLine(state.input, state.result!.error!, session.target));
      }
      for (const line of missed) warn(`Gate missed: ${line}`);
      return exitCode;
    } finally {
      unsubscribe();
      await session.close();
    }
  } finally {
    status.clear();
    await body.remove();
  }
}
