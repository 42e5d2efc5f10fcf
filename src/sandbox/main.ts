/**
 * Entry of dist/sandbox.cjs, the bundle dist/bin.cjs runs for `s3trigger sandbox` (without --demo, --handler or
 * --help, which the full CLI serves): the sandbox's own code and flags only. The whole CLI's bundle is 3.5 MB to
 * read, decode, compile and keep for as long as the sandbox runs; this one is about a quarter of it.
 * Same flags, messages and exit codes as the full CLI's sandbox command (command.ts).
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { attachDashValues } from '../cli-flags.js';
import { AppError, ExitCode, oneLine, usageError } from '../errors.js';
import { lifecycle } from '../lifecycle.cjs';
import { scrubSecretPatterns as scrub } from '../aws/secrets.js';
import { runSandboxCommand, SANDBOX_COMMAND_DESCRIPTION, sandboxOptions, withoutHelpCache } from './command.js';

// The CLI's scrub() also removes the literal credentials its SDK clients resolved; this entry runs no SDK client.
const debug = process.argv.includes('--debug');
lifecycle.install();
lifecycle.setDebugLog((line) => {
  if (debug) process.stderr.write(`s3trigger: ${scrub(line)}\n`);
});
if (!debug) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(argv: string[]): Promise<number> {
  await withoutHelpCache(yargs(attachDashValues(argv)))
    .scriptName('s3trigger')
    .command('sandbox', SANDBOX_COMMAND_DESCRIPTION, sandboxOptions, runSandboxCommand)
    .strict()
    .fail((msg, err) => {
      if (err instanceof AppError) throw err;
      throw usageError(`${msg ?? err?.message ?? 'invalid arguments'} (see --help)`);
    })
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .parseAsync();
  return ExitCode.Ok;
}

const exit = (code: number) => void lifecycle.exit(code);

main(hideBin(process.argv)).then(exit, (err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`s3trigger: ${oneLine(scrub(message))}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${scrub(err.stack)}\n`);
  exit(err instanceof AppError ? err.exitCode : ExitCode.OperationFailed);
});
