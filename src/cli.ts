#!/usr/bin/env node
/** Parse flags once and decide the mode: sandbox | ci | tui. */
import { lifecycle } from './lifecycle.cjs';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { AppError, ExitCode, oneLine, usageError } from './errors.js';
import { attachDashValues, parallelProblem, repeatedFlagProblem, SCALAR_FLAGS, sandboxOnlyFlagProblem } from './cli-flags.js';
import { CLI_ORDER } from './ops/registry.js';

// The sandbox's defaults (server.ts), repeated so that CI runs never load the sandbox's modules.
const SANDBOX_REGION = 'eu-west-1';
import {
  hasOpFlags,
  keyFlagProblem,
  opFlagArityProblem,
  opFlagOptions,
  opFlagValues,
  orphanModifierProblem,
  parseExpectInvocations,
  parseDuration,
  parseTimeout,
} from './ci/plan.js';
import { decideMode, NEEDS_TERMINAL_MESSAGE } from './ci/mode.js';
import { parseBurstFlags, type BurstPlan } from './burst/plan.js';
import { BURST_KINDS } from './burst/plan.js';
import { scrub } from './ops/errors.js';
import type { ModifierFlag } from './ops/definition.js';
import {
  runSandboxCommand,
  SANDBOX_COMMAND_DESCRIPTION,
  sandboxOptions,
  timingOptions,
  viaOption,
  withoutHelpCache,
} from './sandbox/command.js';

const debug = process.argv.includes('--debug');
lifecycle.install(); // dist/bin.cjs did already; this covers running dist/cli.js directly
lifecycle.setDebugLog((line) => {
  if (debug) process.stderr.write(`s3trigger: ${scrub(line)}\n`);
});
// The SDK warns about Node 20 on every run; it is noise in CI logs (shown with --debug).
if (!debug) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const EXIT_CODES_HELP = `Exit codes:
  0    ok: every operation succeeded (with --wait: matched an invocation that succeeded);
       the TUI quit with q; the sandbox stopped by SIGTERM
  1    an operation failed (S3 error: NoSuchKey, AccessDenied, ExpiredToken...); the rest skipped
  2    usage or bad input (flags, file, bucket name, --size, endpoint, credentials, --key for two
       operations, with --wait a key no notification covers and no --yes, --burst above 100 on
       AWS without --yes); nothing was fired
  3    no matching invocation within --timeout, or --expect did not match its log, or a --burst
       gate missed (--expect-p99, --max-lost)
  4    a matched Lambda failed: its last attempt within --timeout ended in an error or timed out
  129  the sandbox stopped by SIGHUP (the TUI dies of SIGHUP when its terminal closes)
  130  interrupted (Ctrl-C / SIGTERM; SIGHUP in CI mode); an in-flight multipart upload is aborted
Once anything has fired, the code is the first that applies of 130, 1, 4, 3, 0.`;

/** The operations' own flags, from the operation registry (yargs' option() adds to the same instance). */
function withOpFlags<T>(y: Argv<T>): Argv<T> {
  for (const [name, option] of opFlagOptions('Operations (run in this order):')) y.option(name, option);
  return y;
}

function withMainOptions(y: Argv) {
  return withOpFlags(y.option('bucket', { type: 'string', describe: 'S3 bucket name (required for operations)' }))
    .option('size', { type: 'string', describe: 'MB of random data for --multipart (default 6)', group: 'Operations (run in this order):' })
    .option('file', {
      type: 'string',
      describe: 'Upload this FILE with --multipart instead of random data',
      group: 'Operations (run in this order):',
    })
    .option('key', {
      type: 'string',
      describe: 'Object key for --put / --post (default: the file path)',
      group: 'Operations (run in this order):',
    })
    .option('part-size', { type: 'string', describe: 'Multipart part size in MiB (default 5)', group: 'Operations (run in this order):' })
    .option('concurrency', { type: 'string', describe: 'Parts uploaded in parallel (default 8)', group: 'Operations (run in this order):' })
    .option('retrigger-prefix', {
      type: 'string',
      describe: 'Re-fire every object under prefix P (each copied onto itself), a backlog re-run',
      group: 'Operations (run in this order):',
    })
    .option('storage-class', {
      type: 'string',
      describe: 'Upload with this storage CLASS (STANDARD, GLACIER, DEEP_ARCHIVE, GLACIER_IR...)',
      group: 'Upload options (--put, --copy, --post, --multipart):',
    })
    .option('acl', {
      type: 'string',
      describe: 'Upload with this CANNED_ACL (private, public-read...)',
      group: 'Upload options (--put, --copy, --post, --multipart):',
    })
    .option('tagging', {
      type: 'string',
      describe: 'Upload with these TAGS (env=dev&team=a); --copy replaces the source tags',
      group: 'Upload options (--put, --copy, --post, --multipart):',
    })
    .option('version-id', {
      type: 'string',
      describe: 'With --delkey: delete this VERSION for good (no delete marker)',
      group: 'Operations (run in this order):',
    })
    .option('days', {
      type: 'string',
      describe: 'With --restore: days the restored copy stays (default 1)',
      group: 'Operations (run in this order):',
    })
    .option('tier', {
      type: 'string',
      describe: 'With --restore: retrieval tier Expedited, Standard (default) or Bulk',
      group: 'Operations (run in this order):',
    })
    .option('wait-restore', {
      type: 'boolean',
      default: false,
      describe: 'With --restore --wait: also wait for ObjectRestore:Completed (always on the local sandbox; hours on AWS)',
      group: 'Matching:',
    })
    .option('burst', {
      type: 'string',
      describe: 'Fire N operations (--op, default put) and report throughput, latency percentiles, lost and duplicated events',
      group: 'Burst:',
    })
    .option('parallel', {
      type: 'string',
      describe: 'Operations in flight at once, 1-256: with --burst (default 16), with --retrigger-prefix (default 1)',
      group: 'Burst:',
    })
    .option('op', {
      type: 'string',
      describe: `With --burst: the operation kind (${BURST_KINDS.join(', ')}; default put)`,
      group: 'Burst:',
    })
    .option('same-key', { type: 'boolean', describe: 'With --burst: every operation on one key (shows coalescing)', group: 'Burst:' })
    .option('expect-p99', { type: 'string', describe: 'With --burst: exit 3 when trigger latency p99 is above DURATION', group: 'Burst:' })
    .option('max-lost', {
      type: 'string',
      describe: 'With --burst: exit 3 when more than N operations are lost (default 0)',
      group: 'Burst:',
    })
    .option('wait', { type: 'boolean', default: false, describe: "Wait for each operation's Lambda invocation", group: 'Matching:' })
    .option('timeout', {
      type: 'string',
      default: '60s',
      describe: 'How long --wait waits per operation (30s, 2m, 500ms)',
      group: 'Matching:',
    })
    .option('expect', { type: 'string', describe: "REGEX the matched invocation's log must contain (implies --wait)", group: 'Matching:' })
    .option('expect-invocations', {
      type: 'string',
      describe: 'Invocations each operation must get (default: one per function its event reaches)',
      group: 'Matching:',
    })
    .option('function', {
      type: 'string',
      array: true,
      describe: 'Watch this Lambda function (repeatable; default: from the bucket notifications)',
      group: 'Matching:',
    })
    .option('log-group', { type: 'string', array: true, describe: 'Watch this log group (repeatable)', group: 'Matching:' })
    .option('poll', {
      type: 'boolean',
      default: false,
      describe: 'Tail by polling FilterLogEvents instead of StartLiveTail',
      group: 'Matching:',
    })
    .option('json', { type: 'boolean', default: false, describe: 'NDJSON on stdout: one object per operation', group: 'Output:' })
    .option('quiet', { type: 'boolean', default: false, describe: 'Print only errors', group: 'Output:' })
    .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces and SDK warnings', group: 'Output:' })
    .option('local', {
      type: 'boolean',
      default: false,
      describe: 'Use the embedded local sandbox (S3 + Lambda + Logs, no account)',
      group: 'Target:',
    })
    .option('handler', {
      type: 'string',
      describe: 'Sandbox: run your handler FILE[:func] (.js/.mjs/.py/.rb, FILE.rb:Class.method); implies --local',
      group: 'Target:',
    })
    .option('endpoint-url', {
      type: 'string',
      describe: 'Custom endpoint (LocalStack, moto, MinIO); also AWS_ENDPOINT_URL',
      group: 'Target:',
    })
    .option('profile', { type: 'string', describe: 'AWS profile', group: 'Target:' })
    .option('region', { type: 'string', describe: 'AWS region', group: 'Target:' })
    .option('create-bucket', {
      type: 'boolean',
      default: false,
      describe: 'Create --bucket on real AWS when missing (always done on sandbox/endpoints)',
      group: 'Target:',
    })
    .option('yes', {
      type: 'boolean',
      default: false,
      describe:
        'Answer every question s3trigger would ask with yes (CI: fire an operation no notification covers; --create-bucket stays separate)',
      group: 'Target:',
    })
    .option('timing', {
      type: 'string',
      describe: "With --local: the sandbox's timing, instant (default) or aws (AWS's delays, see README)",
      group: 'Target:',
    })
    .option('timing-scale', { type: 'string', describe: 'With --local: multiply every simulated delay by F (default 1)', group: 'Target:' })
    .option('timing-seed', { type: 'string', describe: 'With --local: seed N makes the drawn delays repeatable', group: 'Target:' })
    .option('via', {
      type: 'string',
      describe: "With --local: the demo bucket's events go direct (default), or via sns (two functions), sqs or eventbridge",
      group: 'Target:',
    })
    .option('strict', {
      type: 'boolean',
      default: false,
      describe: "With --local: enforce AWS's permission checks along the event chain (default: accept and log the fix)",
      group: 'Target:',
    });
}

/** The shared operation flags given on the command line (`--wait-restore` counts when true). */
function modifiersGiven(args: MainArgs): ModifierFlag[] {
  const flags: ModifierFlag[] = ['storage-class', 'acl', 'tagging', 'version-id', 'days', 'tier', 'wait-restore'];
  return flags.filter((f) => (f === 'wait-restore' ? args[f] === true : args[f] !== undefined));
}

/** Numbers are read here, not by yargs, so "--size abc" can be named in the error. */
function numberFlag(name: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw usageError(`--${name} '${raw}' is not a number`);
  return n;
}

/** --parallel N, already checked by parallelProblem (runMain). */
const parallelFlag = (raw: string): number => Number(raw);

/** --expect-invocations N, read here so a bad value is named; nothing when the flag is absent. */
function expectInvocationsFlag(raw: string | undefined): { expectInvocations?: number } {
  if (raw === undefined) return {};
  const parsed = parseExpectInvocations(raw);
  if ('problem' in parsed) throw usageError(parsed.problem);
  return { expectInvocations: parsed.count };
}

/** A duration flag (2s, 500ms), read as the tool's other durations; a bad value is a usage error. */
function durationFlag(name: string, raw: string): number {
  const ms = parseDuration(raw);
  if (ms === undefined) throw usageError(`--${name} '${oneLine(raw)}' is not a duration: use e.g. 2s or 500ms`);
  return ms;
}

/** --burst and its flags -> the plan (undefined without --burst); a bad value is a usage error. */
function burstPlan(args: MainArgs): BurstPlan | undefined {
  const parsed = parseBurstFlags({
    ...(args.burst !== undefined ? { burst: args.burst } : {}),
    // --parallel also paces --retrigger-prefix: only a burst flag when that is absent.
    ...(args.parallel !== undefined && args['retrigger-prefix'] === undefined ? { parallel: args.parallel } : {}),
    ...(args.op !== undefined ? { op: args.op } : {}),
    ...(args['same-key'] !== undefined ? { sameKey: args['same-key'] } : {}),
    ...(args['expect-p99'] !== undefined ? { expectP99Ms: durationFlag('expect-p99', args['expect-p99']) } : {}),
    ...(args['max-lost'] !== undefined ? { maxLost: args['max-lost'] } : {}),
    ...(args.burst !== undefined && args.file !== undefined ? { file: args.file } : {}),
    ...(args.burst !== undefined && args.size !== undefined ? { size: numberFlag('size', args.size) } : {}),
    ...(args.burst !== undefined && args.key !== undefined ? { key: args.key } : {}),
  });
  if (parsed && 'problem' in parsed) throw usageError(parsed.problem);
  return parsed?.plan;
}

type MainArgs = Awaited<ReturnType<ReturnType<typeof withMainOptions>['parseAsync']>>;

async function runMain(args: MainArgs): Promise<number> {
  const repeated = repeatedFlagProblem(args, SCALAR_FLAGS, CLI_ORDER);
  if (repeated) throw usageError(repeated);
  // An empty value must not silently mean "no endpoint" (that is real AWS).
  if (args['endpoint-url']?.trim() === '') throw usageError('--endpoint-url is empty: give http(s)://host[:port], or drop the flag');
  const ops = opFlagValues(args);
  const parallel = parallelProblem(args.parallel, { burst: args.burst, retriggerPrefix: args['retrigger-prefix'] });
  if (parallel) throw usageError(parallel);
  const burst = burstPlan(args);
  if (burst && hasOpFlags(ops))
    throw usageError('--burst fires one kind of operation: give it with --op KIND instead of the operation flags');
  const mode = decideMode({
    hasOps: hasOpFlags(ops) || args['retrigger-prefix'] !== undefined || burst !== undefined,
    stdinTTY: Boolean(process.stdin.isTTY),
    stdoutTTY: Boolean(process.stdout.isTTY),
    ciEnv: process.env.CI,
  });
  const timing = timingOptions(args);
  if (timing && !args.local && !args.handler) {
    throw usageError(
      '--timing shapes the embedded sandbox: add --local (for another client, run s3trigger sandbox --timing aws and use --endpoint-url)',
    );
  }
  const sandboxOnly = sandboxOnlyFlagProblem({ ...args, via: args.via });
  if (sandboxOnly) throw usageError(sandboxOnly);
  const via = viaOption(args.via);
  const targetFlags = {
    ...(timing ? { timing } : {}),
    ...(via ? { via } : {}),
    ...(args.strict ? { strict: true } : {}),
    ...(args.local ? { local: true } : {}),
    ...(args.handler ? { handler: args.handler } : {}),
    ...(args['endpoint-url'] !== undefined ? { endpointUrl: args['endpoint-url'] } : {}),
    ...(args.profile ? { profile: args.profile } : {}),
    ...(args.region ? { region: args.region } : {}),
  };
  const expectInvocations = expectInvocationsFlag(args['expect-invocations']);
  if (mode === 'needs-terminal') throw usageError(NEEDS_TERMINAL_MESSAGE);
  if (args.handler) await checkHandler(args.handler);
  if (mode === 'tui') return runTuiMode(args, { ...targetFlags, ...expectInvocations });
  lifecycle.setMode('ci');

  if (!args.bucket) throw usageError('--bucket BUCKET is required with an operation flag');
  const timeout = parseTimeout(args.timeout);
  if ('problem' in timeout) throw usageError(timeout.problem);
  const timeoutMs = timeout.ms;
  if (burst) {
    if (args.expect !== undefined) throw usageError('--expect checks one invocation log: it does not apply to --burst');
    const { runBurstCi } = await import('./ci/burst.js');
    return runBurstCi(
      {
        ...targetFlags,
        ...expectInvocations,
        bucket: args.bucket,
        plan: burst,
        timeoutMs,
        json: args.json,
        quiet: args.quiet,
        createBucket: args['create-bucket'],
        yes: args.yes,
        functions: args.function ?? [],
        logGroups: args['log-group'] ?? [],
        poll: args.poll,
        ...(args['part-size'] !== undefined ? { partSize: numberFlag('part-size', args['part-size']) } : {}),
        ...(args.concurrency !== undefined ? { concurrency: numberFlag('concurrency', args.concurrency) } : {}),
      },
      { stdout: process.stdout, stderr: process.stderr },
    );
  }
  const arity = opFlagArityProblem(ops);
  if (arity) throw usageError(arity);
  const opFlags = {
    bucket: args.bucket,
    ...ops,
    ...(args.size !== undefined ? { size: numberFlag('size', args.size) } : {}),
    ...(args.file !== undefined ? { file: args.file } : {}),
    ...(args.key !== undefined ? { key: args.key } : {}),
    ...(args['part-size'] !== undefined ? { partSize: numberFlag('part-size', args['part-size']) } : {}),
    ...(args.concurrency !== undefined ? { concurrency: numberFlag('concurrency', args.concurrency) } : {}),
    ...(args['storage-class'] !== undefined ? { storageClass: args['storage-class'] } : {}),
    ...(args.acl !== undefined ? { acl: args.acl } : {}),
    ...(args.tagging !== undefined ? { tagging: args.tagging } : {}),
    ...(args['version-id'] !== undefined ? { versionId: args['version-id'] } : {}),
    ...(args.days !== undefined ? { days: numberFlag('days', args.days) } : {}),
    ...(args.tier !== undefined ? { tier: args.tier } : {}),
    ...(args['wait-restore'] ? { waitRestore: true } : {}),
  };
  const orphan = orphanModifierProblem(opFlags, modifiersGiven(args));
  if (orphan) throw usageError(orphan);
  const keyProblem = keyFlagProblem(opFlags);
  if (keyProblem) throw usageError(keyProblem);
  const { runCi } = await import('./ci/run.js');
  return runCi(
    {
      ...opFlags,
      ...targetFlags,
      wait: args.wait,
      timeoutMs,
      ...(args.expect !== undefined ? { expect: args.expect } : {}),
      ...expectInvocations,
      json: args.json,
      quiet: args.quiet,
      createBucket: args['create-bucket'],
      yes: args.yes,
      functions: args.function ?? [],
      logGroups: args['log-group'] ?? [],
      poll: args.poll,
      ...(args['retrigger-prefix'] !== undefined ? { retriggerPrefix: args['retrigger-prefix'] } : {}),
      ...(args.parallel !== undefined ? { parallel: parallelFlag(args.parallel) } : {}),
    },
    { stdout: process.stdout, stderr: process.stderr },
  );
}

/** --handler FILE:func names a function the file defines (checked without running it; see handler-check.ts). */
async function checkHandler(handler: string): Promise<void> {
  const { handlerProblem } = await import('./handler-check.js');
  const problem = await handlerProblem(handler);
  if (problem) throw usageError(problem);
}

// dist/bin.cjs runs the bundle from a V8 code cache, where Node 20 loses import(): it passes in its own.
declare const __s3triggerImport: ((specifier: string) => Promise<unknown>) | undefined;
const importTui = (): Promise<typeof import('./tui/run.js')> =>
  typeof __s3triggerImport === 'function'
    ? (__s3triggerImport('./tui/run.js') as Promise<typeof import('./tui/run.js')>)
    : import('./tui/run.js');

/** The TUI's signal codes apply from here (a hang-up ends the process by SIGHUP: lifecycle.cts). */
async function runTuiMode(args: MainArgs, targetFlags: Record<string, unknown>): Promise<number> {
  lifecycle.setMode('tui');
  return runTuiSession(args, targetFlags);
}

async function runTuiSession(args: MainArgs, targetFlags: Record<string, unknown>): Promise<number> {
  let tui: typeof import('./tui/run.js');
  try {
    tui = await importTui();
  } catch (err) {
    if (debug) throw err;
    throw usageError('the interactive view is not available in this build; use the CI flags (see --help)');
  }
  const { createSession } = await import('./session.js');
  // Until runTui takes over, a signal waits for the session (it may be starting a sandbox) and closes it.
  let interrupted = false;
  const starting = (async () => {
    const removeStarting = await tui.showStarting('s3trigger · starting (resolving the target; a local sandbox takes about a second)…');
    try {
      const session = await createSession({
        ...targetFlags,
        ...(args.bucket ? { bucket: args.bucket } : {}),
        ...(args.poll ? { tailMode: 'poll' as const } : {}),
        ...(args.function?.length ? { functions: args.function } : {}),
        ...(args['log-group']?.length ? { logGroups: args['log-group'] } : {}),
      });
      try {
        if (!interrupted && args.bucket && session.target.kind !== 'aws') await session.ensureBucket(args.bucket);
      } catch (err) {
        await session.close();
        throw err;
      }
      if (!interrupted) return session;
      await session.close();
      return undefined;
    } finally {
      removeStarting();
    }
  })();
  const session = await lifecycle.stoppable(starting, () => (interrupted = true));
  if (!session) return ExitCode.Interrupted;
  // runTui owns the session from here: it closes it on quit, and a second Ctrl-C must not wait on that close again.
  return tui.runTui({
    session,
    ...(args.bucket ? { bucket: args.bucket } : {}),
    isRealAws: session.target.kind === 'aws',
    yes: args.yes,
    ...(args.size !== undefined ? { sizeMB: numberFlag('size', args.size) } : {}),
    ...(args['part-size'] !== undefined ? { partSizeMB: numberFlag('part-size', args['part-size']) } : {}),
    ...(args.concurrency !== undefined ? { concurrency: numberFlag('concurrency', args.concurrency) } : {}),
  });
}

const EVENT_USAGE =
  's3trigger event TYPE --bucket B --key K [--size BYTES] [--etag E] [--version-id V] [--via sns|sqs|eventbridge] [--region R] [--seed N]';

async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.Ok;
  await withoutHelpCache(yargs(attachDashValues(argv)))
    .scriptName('s3trigger')
    .usage(
      '$0 [--bucket BUCKET] [operation flags] [--wait]\n\n' +
        'Fire S3 operations and watch the Lambda invocations they trigger. Without operation flags, in a terminal, ' +
        'opens the interactive view; with them, runs once (CI mode).',
    )
    .command('sandbox', SANDBOX_COMMAND_DESCRIPTION, sandboxOptions, (args) =>
      // --demo creates its functions with the SDK's clients: only this full CLI has them (the sandbox's own entry does not).
      runSandboxCommand(args, { setupDemo: async (...a) => (await import('./sandbox/demo.js')).setupDemo(...a) }),
    )
    .command(
      'event <type>',
      'Print the event a handler receives for an S3 event type (put, delete, ObjectCreated:Copy…), as JSON',
      (y) =>
        y
          .positional('type', {
            type: 'string',
            describe: 'put, post, copy, multipart, delete, delete-marker, tagging-put, tagging-delete, acl-put, or an S3 event name',
          })
          .option('bucket', { type: 'string', demandOption: true, describe: 'Bucket name in the record' })
          .option('key', { type: 'string', demandOption: true, describe: 'Object key (raw; the record carries it URL-encoded)' })
          .option('size', { type: 'string', describe: 'Object size in bytes (default 29, the demo file)' })
          .option('etag', { type: 'string', describe: "Object ETag (default the demo file's MD5)" })
          .option('version-id', { type: 'string', describe: 'Object version id (default: none; a generated one for delete-marker)' })
          .option('via', { type: 'string', describe: 'Wrap it as delivered via sns, sqs or eventbridge (default: direct S3 -> Lambda)' })
          .option('region', { type: 'string', default: SANDBOX_REGION, describe: 'Region in the record' })
          .option('seed', { type: 'string', describe: 'Seed N: repeatable ids, times (2026-01-01T00:00:00Z + N s) and sequencer' }),
      async (args) => {
        lifecycle.setMode('ci');
        const repeated = repeatedFlagProblem(args, ['type', 'bucket', 'key', 'size', 'etag', 'version-id', 'via', 'region', 'seed']);
        if (repeated) throw usageError(repeated);
        const { sampleEventText } = await import('./sample-event/command.js');
        process.stdout.write(sampleEventText(args as unknown as import('./sample-event/command.js').EventArgs));
      },
    )
    .command(
      'doctor',
      "Check a bucket's event chain for one key and event type: each link ✓/✗/? with the fix (exit 0: it reaches a function)",
      (y) =>
        y
          .option('bucket', { type: 'string', describe: 'S3 bucket to check (required)' })
          .option('key', { type: 'string', describe: 'Object key to judge (raw); without it, list the keys each configuration accepts' })
          .option('event', {
            type: 'string',
            describe: 'S3 event type: put, ObjectCreated:Put or s3:ObjectCreated:Put (default ObjectCreated:Put)',
          })
          .option('json', { type: 'boolean', default: false, describe: 'One JSON document on stdout' })
          .option('local', { type: 'boolean', default: false, describe: 'Check the embedded local sandbox (its demo bucket)' })
          .option('via', {
            type: 'string',
            describe: "With --local: the demo bucket's events go direct (default), or via sns, sqs or eventbridge",
          })
          .option('strict', { type: 'boolean', default: false, describe: "With --local: the sandbox enforces AWS's permission checks" })
          .option('endpoint-url', { type: 'string', describe: 'Custom endpoint (sandbox, LocalStack, moto); also AWS_ENDPOINT_URL' })
          .option('profile', { type: 'string', describe: 'AWS profile' })
          .option('region', { type: 'string', describe: 'AWS region' })
          .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces' }),
      async (args) => {
        lifecycle.setMode('ci');
        const repeated = repeatedFlagProblem(args, ['bucket', 'key', 'event', 'endpoint-url', 'profile', 'region', 'via']);
        if (repeated) throw usageError(repeated);
        const via = viaOption(args.via);
        if (via && !args.local) throw usageError("--via shapes the embedded sandbox's demo bucket: add --local");
        const { runDoctor } = await import('./doctor/command.js');
        code = await runDoctor({ ...args, ...(via ? { via } : {}) } as import('./doctor/command.js').DoctorArgs, process.stdout);
      },
    )
    .command(
      '$0',
      'Fire operations (CI mode) or open the interactive view',
      (y) => withMainOptions(y),
      async (args) => {
        code = await runMain(args as unknown as MainArgs);
      },
    )
    .example('$0 --bucket test-bucket --put test.txt --wait', 'PUT, then show the matched invocation and its latency')
    .example(
      '$0 --local --bucket test-bucket --put test.txt --copy test-bucket test.txt copy_test.txt --delkey copy_test.txt --wait --json',
      'Several operations on the local sandbox, as NDJSON',
    )
    .epilogue(EXIT_CODES_HELP)
    .strict()
    .fail((msg, err) => {
      if (err instanceof AppError) throw err;
      const problem = msg ?? err?.message ?? 'invalid arguments';
      if (argv[0] === 'event') throw usageError(`${problem}: use ${EVENT_USAGE} (see s3trigger event --help)`);
      if (argv[0] === 'doctor') throw usageError(`${problem} (see s3trigger doctor --help)`);
      throw usageError(`${problem} (see --help)`);
    })
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .parseAsync();
  return code;
}

const exit = (code: number) => void lifecycle.exit(code);

main(hideBin(process.argv)).then(exit, (err: unknown) => {
  if (err instanceof AppError) {
    process.stderr.write(`s3trigger: ${oneLine(scrub(err.message))}\n`);
    if (debug && err.stack) process.stderr.write(`${scrub(err.stack)}\n`);
    exit(err.exitCode);
  } else {
    process.stderr.write(`s3trigger: ${oneLine(scrub(err instanceof Error ? err.message : String(err)))}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${scrub(err.stack)}\n`);
    exit(ExitCode.OperationFailed);
  }
});
