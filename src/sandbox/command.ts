/**
 * `s3trigger sandbox`: its flags and their checks, shared by the full CLI (cli.ts) and the sandbox's own entry
 * (sandbox/main.ts, bundled apart as dist/sandbox.cjs so that a sandbox start does not read, compile and keep the
 * whole CLI).
 */
import { existsSync, statSync } from 'node:fs';
import type { Argv } from 'yargs';
import { parseVia, repeatedFlagProblem, sandboxViaProblem, type DemoVia } from '../cli-flags.js';
import { usageError } from '../errors.js';
import { lifecycle } from '../lifecycle.cjs';
import { isRegionName } from '../aws/region.js';
import { parseTimingFlags, type TimingFlags } from './timing/options.js';
import type { TimingOptions } from './timing/profile.js';
import type { ForegroundOptions } from './foreground.js';

// The sandbox's defaults (server.ts), repeated so that parsing the flags does not load the sandbox's modules.
const SANDBOX_PORT = 4566;
const SANDBOX_REGION = 'eu-west-1';
const SANDBOX_LOGS_MAX_MB = 512;

export const SANDBOX_COMMAND_DESCRIPTION =
  'Run the embedded local AWS (S3, Lambda, CloudWatch Logs, SQS, SNS, EventBridge) in the foreground';

/** The sandbox command's options (yargs builder). */
export function sandboxOptions(y: Argv) {
  return y
    .option('port', { type: 'number', default: SANDBOX_PORT, describe: 'Port to listen on (0 = any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to bind' })
    .option('allow-host', {
      type: 'string',
      array: true,
      describe: 'Also answer requests whose Host is NAME (repeatable; loopback names always are)',
    })
    .option('data', { type: 'string', describe: 'Persist buckets, objects, functions and logs in DIR' })
    .option('region', { type: 'string', default: SANDBOX_REGION, describe: 'Region the sandbox reports' })
    .option('logs-max-mb', {
      type: 'number',
      default: SANDBOX_LOGS_MAX_MB,
      describe: 'Keep at most this many MiB of log events (memory and disk); the oldest go first',
    })
    .option('timing', {
      type: 'string',
      describe:
        'instant (default) or aws: S3 delivery delays, duplicates, log ingestion delay, live tail once a second, FilterLogEvents at 5/s',
    })
    .option('timing-scale', { type: 'string', describe: 'Multiply every simulated delay by F (0.01 = 100 times faster; default 1)' })
    .option('timing-seed', { type: 'string', describe: 'Seed N for the drawn delays (repeatable runs; default random, printed)' })
    .option('demo', { type: 'string', describe: 'Create BUCKET wired to the demo event-handler function' })
    .option('handler', { type: 'string', describe: 'With --demo: use your handler FILE[:func] (.js/.mjs/.py/.rb)' })
    .option('via', {
      type: 'string',
      describe: "With --demo: the bucket's events go direct (default), or via sns (two functions), sqs or eventbridge",
    })
    .option('strict', {
      type: 'boolean',
      default: false,
      describe: "Enforce AWS's permission checks along the event chain (default: accept and log the fix)",
    })
    .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces' });
}

export type SandboxArgs = Awaited<ReturnType<typeof sandboxOptions>['argv']>;

/** `--via`'s value (undefined when not given); a bad value is a usage error. */
export function viaOption(raw: string | undefined): DemoVia | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseVia(raw);
  if ('problem' in parsed) throw usageError(parsed.problem);
  return parsed.via;
}

/** The sandbox's timing from the flags (undefined when none is given); a bad value is a usage error. */
export function timingOptions(flags: TimingFlags): TimingOptions | undefined {
  const parsed = parseTimingFlags(flags);
  if ('problem' in parsed) throw usageError(parsed.problem);
  return Object.keys(parsed.options).length > 0 ? parsed.options : undefined;
}

/**
 * Checks the flags (a bad one rejects with a usage error, exit 2) and runs the sandbox until a signal stops it
 * (foreground.ts). `wiring.setupDemo` comes from the full CLI (cli.ts): without it `--demo` cannot run.
 */
export async function runSandboxCommand(args: SandboxArgs, wiring: Pick<ForegroundOptions, 'setupDemo'> = {}): Promise<void> {
  lifecycle.setMode('sandbox');
  const repeated = repeatedFlagProblem(args);
  if (repeated) throw usageError(repeated);
  const viaProblem = sandboxViaProblem({ ...args, via: args.via });
  if (viaProblem) throw usageError(viaProblem);
  const via = viaOption(args.via);
  if (args.handler) {
    const { handlerProblem } = await import('../handler-check.js');
    const problem = await handlerProblem(args.handler);
    if (problem) throw usageError(problem);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw usageError(`--port must be a whole number from 0 to 65535`);
  if (!isRegionName(args.region)) throw usageError(`--region '${args.region}' is not a region name: use e.g. eu-west-1`);
  if (args.data !== undefined && existsSync(args.data) && !statSync(args.data).isDirectory()) {
    throw usageError(`--data ${args.data}: not a directory`);
  }
  const logsMaxMb = args['logs-max-mb'];
  if (!Number.isInteger(logsMaxMb) || logsMaxMb < 1 || logsMaxMb > 1024 * 1024) {
    throw usageError(`--logs-max-mb must be a whole number of MiB from 1 to 1048576 (default ${SANDBOX_LOGS_MAX_MB})`);
  }
  const timing = timingOptions(args);
  const { runSandboxForeground } = await import('./foreground.js');
  await runSandboxForeground({
    port: args.port,
    host: args.host,
    allowHosts: args['allow-host']?.map(String),
    dataDir: args.data,
    region: args.region,
    logsMaxMb,
    ...(timing ? { timing } : {}),
    demo: args.demo,
    handler: args.handler,
    ...(via ? { via } : {}),
    ...(args.strict ? { strict: true } : {}),
    ...wiring,
  });
}

/**
 * yargs renders the whole help text once a subcommand's handler has started (cacheHelpMessage), to print it should
 * the handler fail; this CLI's own .fail() prints a one-line error instead, so the text was never shown. On
 * `s3trigger sandbox` rendering it (string-width, cliui, every option) took longer than the rest of the start.
 */
export function withoutHelpCache(y: Argv): Argv {
  const internal = (y as unknown as { getInternalMethods?(): { getUsageInstance(): { cacheHelpMessage(): void } } }).getInternalMethods?.();
  if (internal) internal.getUsageInstance().cacheHelpMessage = () => {};
  return y;
}
